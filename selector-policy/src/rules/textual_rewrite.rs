//! `textual-rewrite`: `all()` or `global()` inside a string that Calico rewrites.

use crate::diag::Diagnostic;
use crate::model::SelectorCache;
use crate::resource::SelectorField;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A string literal containing `all()` (or `global()` in a rule's `namespaceSelector`) in
    /// a selector that Calico combines with others by rewriting text (SPEC section 8): a
    /// GlobalNetworkPolicy's `selector` next to a `namespaceSelector` or
    /// `serviceAccountSelector`, or a rule peer's `namespaceSelector`.
    ///
    /// ## Why it matters
    /// Calico replaces the *text* `all()` when it combines the fields, string literals
    /// included, so the value compared is not the one written and the selector silently
    /// selects something else.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   selector: scope == "all()"
    ///   namespaceSelector: owner == "platform-team"
    /// ```
    ///
    /// ## Fix
    /// Avoid `all()` and `global()` inside label values used in these fields; relabel the
    /// resources (`scope: cluster-wide`).
    pub RULE = "textual-rewrite", Warning, "A string literal containing `all()` or `global()` where Calico rewrites that text when it combines selectors.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let a = cx.analysis;
    for r in &a.resources {
        let (Some(policy), Some(file)) = (&r.policy, a.file_of(r)) else {
            continue;
        };
        let mut fields: Vec<(&SelectorField, &[&str])> = Vec::new();
        let global_combined = !r.kind.is_namespaced()
            && (policy.namespace_selector.is_some() || policy.service_account_selector.is_some());
        if global_combined {
            fields.extend(
                [
                    &policy.selector,
                    &policy.namespace_selector,
                    &policy.service_account_selector,
                ]
                .into_iter()
                .flatten()
                .map(|f| (f, &["all()"][..])),
            );
        }
        for rule in &policy.rules {
            for peer in [&rule.source, &rule.destination] {
                if let Some(f) = &peer.namespace_selector {
                    fields.push((f, &["all()", "global()"][..]));
                }
            }
        }
        for (field, needles) in fields {
            let (Some(sel), Some(t)) = (cache.field(field), field.text()) else {
                continue;
            };
            if !needles.iter().any(|n| sel.canonical().contains(n)) {
                continue;
            }
            for tok in selector_core::tokens(&t.text).tokens {
                if tok.kind != selector_core::TokenKind::String {
                    continue;
                }
                let lit = t.text.get(tok.span.clone()).unwrap_or("");
                if let Some(n) = needles.iter().find(|n| lit.contains(*n)) {
                    out.push(Diagnostic::new(
                        &RULE,
                        file,
                        t.file_range(tok.span.clone()),
                        format!(
                            "Calico rewrites the text `{n}` when it combines this policy's selectors, even inside the string {lit}"
                        ),
                        Some("the value compared is not the one written: avoid `all()` and `global()` inside label values here".to_string()),
                    ));
                }
            }
        }
    }
}
