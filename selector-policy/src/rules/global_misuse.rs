//! `global-misuse`: `global()` where Calico does not allow it.

use std::ops::Range;

use selector_core::Expr;

use crate::diag::Diagnostic;
use crate::resource::FieldKind;
use crate::rules::{Check, SelectorCx};

crate::declare_rule! {
    /// ## What it finds
    /// `global()` anywhere but a rule's `namespaceSelector`, or combined with other
    /// expressions there (`global() && role == "x"`).
    ///
    /// ## Why it matters
    /// `global()` selects non-namespaced resources (host endpoints, global network sets) and
    /// Calico accepts it only as the whole `namespaceSelector` of a rule peer; elsewhere the
    /// resource is rejected.
    ///
    /// ## Example
    /// ```yaml
    /// egress:
    ///   - action: Allow
    ///     destination:
    ///       namespaceSelector: global() && role == "log-collector"
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     destination:
    ///       namespaceSelector: global()
    ///       selector: role == "log-collector"
    /// ```
    pub RULE = "global-misuse", Error, "`global()` outside a rule's namespaceSelector, or combined with other expressions there.", check = Check::Selector(check);
}

fn collect_global(e: &Expr, out: &mut Vec<Range<usize>>) {
    if let Expr::Global { span } = e {
        out.push(span.range());
    }
    for c in e.children() {
        collect_global(c, out);
    }
}

fn check(cx: &SelectorCx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(kind), Some((t, sel))) = (cx.kind, cx.selector()) else {
        return;
    };
    let mut globals = Vec::new();
    collect_global(sel.ast(), &mut globals);
    for g in globals {
        let (msg, help) = if kind != FieldKind::PeerNamespaceSelector {
            (
                format!("`global()` is only allowed in a rule's `namespaceSelector`, not in `{}`", cx.key),
                "use `global()` alone as a rule's `namespaceSelector` to match non-namespaced resources",
            )
        } else if !matches!(sel.ast(), Expr::Global { .. }) {
            (
                "`global()` must be the whole `namespaceSelector`; Calico rejects it combined with other expressions".to_string(),
                "write `namespaceSelector: global()` and put label conditions in `selector`",
            )
        } else {
            continue;
        };
        out.push(cx.diag(&RULE, t.file_range(g), msg, help));
    }
}
