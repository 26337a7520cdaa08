//! `not-selector-admits-internet`: built on the policy evaluator (`crate::eval::findings::not_selector_admits_internet`).

use crate::diag::Diagnostic;
use crate::eval::findings;
use crate::model::SelectorCache;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// An `Allow` rule of a GlobalNetworkPolicy whose peer (`source` on ingress, `destination`
    /// on egress) has a `notSelector` and no `selector`, `namespaceSelector`,
    /// `serviceAccounts` or `nets`.
    ///
    /// ## Why it matters
    /// A notSelector matches by IP: every address that no endpoint or network set with those
    /// labels owns, and so every address Calico does not know, the whole internet included
    /// (POLICY.md 4.8). "Allow everything but the blocked label" is rarely meant to include it.
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    ///   - action: Allow
    ///     source: {notSelector: quarantined == "true"}
    /// ```
    ///
    /// ## Fix
    /// Add a positive `selector` (for instance `all()` for every known endpoint) or `nets` for
    /// the peers you mean.
    pub RULE = "not-selector-admits-internet", Warning, "A GlobalNetworkPolicy Allow whose peer is only a notSelector: it also admits every address unknown to Calico.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, _cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    cx.report(
        &RULE,
        findings::not_selector_admits_internet(cx.cluster()),
        out,
    );
}
