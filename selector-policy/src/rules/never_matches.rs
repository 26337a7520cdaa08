//! `never-matches`: a selector that can never match any labels.

use selector_core::{Expr, Selector};

use crate::diag::Diagnostic;
use crate::resource::FieldKind;
use crate::rules::{Check, SelectorCx};

crate::declare_rule! {
    /// ## What it finds
    /// A valid selector that no set of labels can satisfy: a label that must be both present
    /// and absent, two different values required of one label, `!all()`, `a in {}`.
    ///
    /// ## Why it matters
    /// Calico accepts it, and the policy or rule it is in silently applies to nothing: an
    /// Allow admits nobody, a Deny denies nobody, a `notSelector` excludes nothing.
    ///
    /// ## Example
    /// ```yaml
    /// source:
    ///   selector: env == "prod" && env == "staging"
    /// ```
    ///
    /// ## Fix
    /// Usually `||` or a set was meant:
    /// ```yaml
    /// source:
    ///   selector: env in {"prod", "staging"}
    /// ```
    pub RULE = "never-matches", Warning, "A selector that can never match any labels.", check = Check::Selector(check);
}

/// `true` when the expression is false on every label set.
fn always_false(e: &Expr) -> bool {
    match e {
        Expr::Not { expr, .. } => always_true(expr),
        Expr::And { exprs, .. } => exprs.iter().any(always_false),
        Expr::Or { exprs, .. } => exprs.iter().all(always_false),
        Expr::In {
            values, negated, ..
        } => !*negated && values.is_empty(),
        _ => false,
    }
}

/// `true` when the expression is true on every label set.
fn always_true(e: &Expr) -> bool {
    match e {
        Expr::All { .. } | Expr::Global { .. } => true,
        Expr::Not { expr, .. } => always_false(expr),
        Expr::And { exprs, .. } => exprs.iter().all(always_true),
        Expr::Or { exprs, .. } => exprs.iter().any(always_true),
        Expr::In {
            values, negated, ..
        } => *negated && values.is_empty(),
        _ => false,
    }
}

/// Why `sel` can never match, if it cannot.
fn never_reason(sel: &Selector) -> Option<String> {
    for (label, r) in sel.label_restrictions() {
        if r.must_be_present && r.must_be_absent {
            return Some(format!(
                "label `{label}` would have to be both present and absent"
            ));
        }
        if r.must_have_one_of.as_ref().is_some_and(Vec::is_empty) {
            return Some(format!(
                "no value of label `{label}` satisfies all its conditions"
            ));
        }
    }
    always_false(sel.ast()).then(|| "the expression is always false".to_string())
}

fn check(cx: &SelectorCx<'_>, out: &mut Vec<Diagnostic>) {
    let Some((t, sel)) = cx.selector() else {
        return;
    };
    let Some(reason) = never_reason(sel) else {
        return;
    };
    out.push(cx.diag(
        &RULE,
        t.whole(),
        format!("`{}` can never match: {reason}", sel.canonical()),
        if cx.kind == Some(FieldKind::PeerNotSelector) {
            "a notSelector that never matches excludes nothing; remove the contradiction"
        } else {
            "remove the contradictory conditions; as written this selects nothing"
        },
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_folding() {
        let f = |s: &str| always_false(Selector::parse(s).unwrap().ast());
        assert!(f("!all()"));
        assert!(f("a in {}"));
        assert!(f("has(a) && !(b not in {})"));
        assert!(!f("!has(a)"));
        assert!(!f("!all() || has(a)"));
    }
}
