//! Rule `unknown-tier`: a policy in a tier that neither the input nor Calico defines.

use crate::model::spec::{Spec, BUILTIN_TIERS};
use crate::resource::Kind;
use crate::validate::suggest::did_you_mean;
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// A policy whose `tier` names no Tier of the input and no built-in tier (`default`,
    /// `kube-admin`, `kube-baseline`).
    ///
    /// ## Why it matters
    /// Calico refuses to create a policy whose tier does not exist. If one reached Felix
    /// anyway its tier would sort last and end in a drop (POLICY.md 3.5, UNSURE there: a
    /// likely Calico bug), so this is an error either way. When the Tier is applied
    /// separately, lint it together with the policy.
    ///
    /// ## Example
    /// ```yaml
    /// kind: GlobalNetworkPolicy
    /// metadata: {name: security.block}
    /// spec:
    ///   tier: securty
    /// ```
    ///
    /// ## Fix
    /// Name an existing tier, or add the Tier resource to the input.
    pub UNKNOWN_TIER = "unknown-tier", Error, "A policy in a tier that no Tier of the input defines and that is not built in.";
}

/// Reports policies naming an undefined tier.
pub(crate) fn check(cx: &mut Ctx<'_>) {
    let mut tiers: Vec<&str> = BUILTIN_TIERS.iter().map(|(n, _, _)| *n).collect();
    tiers.extend(
        cx.resources
            .iter()
            .filter(|r| r.kind == Kind::Tier)
            .map(|r| r.name.as_str()),
    );
    let mut found = Vec::new();
    for (i, r) in cx.resources.iter().enumerate() {
        let Spec::Policy(p) = &r.spec else { continue };
        let name = p.tier_name();
        if tiers.contains(&name) {
            continue;
        }
        let span = p
            .tier
            .as_ref()
            .map_or(r.name_span.clone(), |t| t.span.clone());
        let help = match did_you_mean(name, tiers.iter().copied()) {
            Some(t) => format!("did you mean `{t}`? Otherwise add a Tier named `{name}` to the input"),
            None => format!("add a Tier named `{name}` to the input (apply it before the policy), or use an existing tier"),
        };
        found.push((
            i,
            span,
            format!(
                "{} `{}` is in tier `{name}`, which no input defines",
                r.kind.name(),
                r.name
            ),
            help,
        ));
    }
    for (i, span, message, help) in found {
        if let Some(r) = cx.resources.get(i) {
            cx.report(&UNKNOWN_TIER, r, span, message, help);
        }
    }
}
