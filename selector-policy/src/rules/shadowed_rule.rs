//! `shadowed-rule`: built on the policy evaluator (`crate::eval::findings::shadowed_rules`).

use crate::diag::Diagnostic;
use crate::eval::{findings, Cluster};
use crate::model::SelectorCache;
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A rule of a policy after an Allow, Deny or Pass rule of the same policy and direction
    /// that matches every flow it would match: same or wider protocol, ports, nets and peers
    /// (peer selectors compared by exact equality of their canonical text).
    ///
    /// ## Why it matters
    /// Calico tries rules in order and the first matching Allow, Deny or Pass ends the policy:
    /// the later rule is dead, and what its author meant (often a narrower exception) never
    /// happens.
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    ///   - action: Allow
    ///     protocol: TCP
    ///   - action: Deny
    ///     protocol: TCP
    ///     destination: {ports: [22]}
    /// ```
    ///
    /// ## Fix
    /// Put the narrower rule first, or remove it.
    pub RULE = "shadowed-rule", Warning, "A rule that can never decide: an earlier rule of the same policy with an ending action matches every flow it matches.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, _cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let cluster = Cluster::from_analysis(cx.analysis);
    for f in findings::shadowed_rules(&cluster) {
        if let Some(file) = cx.analysis.files.get(f.loc.file_index) {
            out.push(Diagnostic::new(
                &RULE,
                file,
                f.loc.span.clone(),
                f.message,
                f.help,
            ));
        }
    }
}
