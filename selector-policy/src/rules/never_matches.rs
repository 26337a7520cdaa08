//! `never-matches`: a selector that can never match any labels.

use selector_core::Selector;

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

/// Why `sel` can never match, if it cannot: exactly when the selector algebra finds it
/// unsatisfiable, with the label restrictions' reason where they give one.
fn never_reason(sel: &Selector) -> Option<String> {
    if sel.is_satisfiable() {
        return None;
    }
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
    Some("no set of labels satisfies all its conditions".to_string())
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

    fn reason(s: &str) -> Option<String> {
        never_reason(&Selector::parse(s).unwrap())
    }

    #[test]
    fn exactly_the_unsatisfiable_selectors() {
        for s in [
            "!all()",
            "a in {}",
            "has(a) && !(b not in {})",
            "a starts with 'pr' && a ends with 'x' && a == 'prod'",
            "a contains 'xy' && !(a contains 'x')",
        ] {
            assert!(reason(s).is_some(), "{s}");
        }
        for s in [
            "!has(a)",
            "!all() || has(a)",
            "a starts with 'abc' && a ends with 'bcd' && a != 'abcd'",
        ] {
            assert_eq!(reason(s), None, "{s}");
        }
    }

    #[test]
    fn keeps_the_restrictions_reason() {
        assert_eq!(
            reason("has(e) && !has(e)").as_deref(),
            Some("label `e` would have to be both present and absent")
        );
        assert_eq!(
            reason("a contains 'xy' && !(a contains 'x')").as_deref(),
            Some("no set of labels satisfies all its conditions")
        );
    }
}
