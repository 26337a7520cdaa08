//! Rule `policy-types`: `types` that leave rules unused, or that depend on how the policy
//! is applied.

use crate::model::spec::{rules_of, written_types, PolicyType, Spec};
use crate::model::value::ValExt;
use crate::resource::Resource;
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// - A policy whose `types` leave out a direction that has rules: those rules are never
    ///   used (`types: [Ingress]` with `egress` rules).
    /// - A policy without `types` that has rules in one direction and an explicit empty
    ///   list in the other (`egress: []`): Calico's API defaulting gives it only the
    ///   direction with rules, but with Calico's native v3 CRDs the admission policy fills
    ///   `types` from the fields present, so there the empty list denies that whole direction
    ///   for the selected endpoints.
    ///
    /// ## Why it matters
    /// The policy does something other than it reads: rules that never apply, or a deny-all
    /// that depends on the install method.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   types: [Ingress]
    ///   egress:
    ///   - action: Allow
    /// ```
    ///
    /// ## Fix
    /// List every direction you mean in `types` (`types: [Ingress, Egress]`), or remove the
    /// unused rules / the empty list.
    pub POLICY_TYPES = "policy-types", Warning, "`types` that leave a direction's rules unused, or an empty rule list whose effect depends on the install method.";
}

/// Reports `types` that do not fit the rules of `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    let Spec::Policy(p) = &res.spec else { return };
    if p.types.as_ref().is_some_and(|t| {
        t.get()
            .is_none_or(|items| items.iter().any(|i| i.value.is_err()))
    }) {
        return; // `invalid-type` / `invalid-value` report it
    }
    let written = written_types(&p.types);
    let dirs = [
        (PolicyType::Ingress, "ingress", &p.ingress),
        (PolicyType::Egress, "egress", &p.egress),
    ];
    if !written.is_empty() {
        for (t, name, list) in dirs {
            if written.contains(&t) || rules_of(list).next().is_none() {
                continue;
            }
            let Some(l) = list.as_ref() else { continue };
            cx.report(
                &POLICY_TYPES,
                res,
                l.key_span.clone(),
                format!(
                    "the {name} rules of {} `{}` are never used: `types` does not list `{t:?}`",
                    res.kind.name(),
                    res.name
                ),
                format!("add `{t:?}` to `types`, or remove the {name} rules"),
            );
        }
        return;
    }
    if p.types.is_some() {
        return;
    }
    for (t, name, list) in dirs {
        let Some(l) = list.as_ref() else { continue };
        let empty = l.get().is_some_and(Vec::is_empty);
        let other_has_rules = dirs
            .iter()
            .any(|(o, _, ol)| *o != t && rules_of(ol).next().is_some());
        if empty && other_has_rules {
            cx.report(
                &POLICY_TYPES,
                res,
                l.key_span.clone(),
                format!("`{name}: []` without `types`: Calico's defaulting ignores it, but with native v3 CRDs it makes the policy deny all {name} of the selected endpoints"),
                format!("write `types:` explicitly (with `{t:?}` to deny all {name}, without it to leave {name} alone) and drop `{name}: []`"),
            );
        }
    }
}
