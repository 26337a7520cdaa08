//! Rule `policy-flag-conflict`: policy fields that Calico refuses in combination.

use crate::model::spec::{rules_of, PolicySpec, PolicyType, Spec, StagedAction};
use crate::model::value::ValExt;
use crate::resource::{Direction, Resource};
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// - `preDNAT: true` with `doNotTrack: true`; `preDNAT` with egress rules or an `Egress`
    ///   type; `preDNAT` or `doNotTrack` without `applyOnForward: true`.
    /// - More than 1024 rules in `ingress` or `egress`.
    /// - `services` where Calico refuses it: `source.services` in an egress rule,
    ///   `destination.services` in an ingress rule, beside `selector`, `notSelector`,
    ///   `namespaceSelector`, `nets`, `notNets` or `serviceAccounts` on the same side, and
    ///   `destination.services` beside destination `ports`/`notPorts`; `http` in an egress
    ///   rule.
    /// - A staged policy with `stagedAction: Delete` that sets anything but `tier`.
    ///
    /// ## Why it matters
    /// Calico rejects the resource (CRD rules and the validator).
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   preDNAT: true
    ///   ingress: [{action: Deny}]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   preDNAT: true
    ///   applyOnForward: true
    ///   ingress: [{action: Deny}]
    /// ```
    pub POLICY_FLAG_CONFLICT = "policy-flag-conflict", Error, "Policy or rule fields Calico refuses together (preDNAT/doNotTrack/applyOnForward, services, staged Delete, too many rules).";
}

const MAX_RULES: usize = 1024;

fn flags(cx: &mut Ctx<'_>, res: &Resource, p: &PolicySpec) {
    let pre = PolicySpec::flag(&p.pre_dnat);
    let dnt = PolicySpec::flag(&p.do_not_track);
    let fwd = PolicySpec::flag(&p.apply_on_forward);
    let span = |v: &Option<crate::model::value::Val<bool>>| {
        v.as_ref()
            .map_or(res.name_span.clone(), |v| v.key_span.clone())
    };
    if pre && dnt {
        cx.report(
            &POLICY_FLAG_CONFLICT,
            res,
            span(&p.pre_dnat),
            "`preDNAT` and `doNotTrack` cannot both be true".to_string(),
            "keep one: `doNotTrack` for untracked traffic, `preDNAT` to see traffic before DNAT"
                .to_string(),
        );
    }
    if pre {
        let egress_type = p
            .types
            .get()
            .into_iter()
            .flatten()
            .any(|t| t.get() == Some(&PolicyType::Egress));
        if rules_of(&p.egress).next().is_some() || egress_type {
            cx.report(
                &POLICY_FLAG_CONFLICT,
                res,
                span(&p.pre_dnat),
                "a `preDNAT` policy may have no egress rules and no `Egress` type".to_string(),
                "move the egress rules to a separate policy without `preDNAT`".to_string(),
            );
        }
    }
    if (pre || dnt) && !fwd {
        let which = if pre { "preDNAT" } else { "doNotTrack" };
        cx.report(
            &POLICY_FLAG_CONFLICT,
            res,
            span(if pre { &p.pre_dnat } else { &p.do_not_track }),
            format!("`{which}: true` needs `applyOnForward: true`"),
            "add `applyOnForward: true`".to_string(),
        );
    }
    for (name, list) in [("ingress", &p.ingress), ("egress", &p.egress)] {
        if let Some(l) = list
            .as_ref()
            .filter(|l| l.get().is_some_and(|v| v.len() > MAX_RULES))
        {
            cx.report(
                &POLICY_FLAG_CONFLICT,
                res,
                l.key_span.clone(),
                format!("`{name}` has more than {MAX_RULES} rules"),
                "split the policy".to_string(),
            );
        }
    }
    if p.staged_action.get() == Some(&StagedAction::Delete) {
        let set = [
            p.order.is_some(),
            p.selector.is_some(),
            p.namespace_selector.is_some(),
            p.service_account_selector.is_some(),
            p.types.is_some(),
            p.ingress.is_some(),
            p.egress.is_some(),
            p.do_not_track.is_some(),
            p.pre_dnat.is_some(),
            p.apply_on_forward.is_some(),
        ];
        if set.iter().any(|s| *s) {
            staged_delete(cx, res);
        }
    }
}

fn staged_delete(cx: &mut Ctx<'_>, res: &Resource) {
    cx.report(
        &POLICY_FLAG_CONFLICT,
        res,
        res.name_span.clone(),
        "a staged policy with `stagedAction: Delete` may set nothing but `tier`".to_string(),
        "remove the other spec fields: the staged deletion names the policy to delete by its name"
            .to_string(),
    );
}

/// Reports conflicting fields in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    match &res.spec {
        Spec::Policy(p) => flags(cx, res, p),
        Spec::KubernetesPolicy(k)
            if k.staged_action.get() == Some(&StagedAction::Delete)
                && (k.pod_selector.is_some()
                    || k.ingress.is_some()
                    || k.egress.is_some()
                    || k.policy_types.is_some()) =>
        {
            staged_delete(cx, res)
        }
        _ => {}
    }
    for at in rules_of_resource(res) {
        let rule = at.rule;
        if at.direction == Direction::Egress {
            if let Some(h) = rule.http.as_ref() {
                cx.report(
                    &POLICY_FLAG_CONFLICT,
                    res,
                    h.key_span.clone(),
                    format!("`http` is not allowed in egress rule `{}`", at.path()),
                    "HTTP matches apply to ingress rules only".to_string(),
                );
            }
        }
        for (side, e) in [("source", &rule.source), ("destination", &rule.destination)] {
            let Some(e) = e.get() else { continue };
            let Some(svc) = e.services.as_ref() else {
                continue;
            };
            let wrong_side = match at.direction {
                Direction::Egress => side == "source",
                Direction::Ingress => side == "destination",
            };
            if wrong_side {
                cx.report(
                    &POLICY_FLAG_CONFLICT,
                    res,
                    svc.key_span.clone(),
                    format!(
                        "`{side}.services` is not allowed in {} rule `{}`",
                        at.direction.name(),
                        at.path()
                    ),
                    format!(
                        "services go in `{}` of {} rules",
                        if side == "source" {
                            "destination"
                        } else {
                            "source"
                        },
                        at.direction.name()
                    ),
                );
            }
            let others: Vec<&str> = [
                ("selector", e.selector.is_some()),
                ("notSelector", e.not_selector.is_some()),
                ("namespaceSelector", e.namespace_selector.is_some()),
                ("nets", e.nets.is_some()),
                ("notNets", e.not_nets.is_some()),
                ("serviceAccounts", e.service_accounts.is_some()),
            ]
            .into_iter()
            .filter_map(|(n, set)| set.then_some(n))
            .collect();
            if !others.is_empty() {
                cx.report(
                    &POLICY_FLAG_CONFLICT,
                    res,
                    svc.key_span.clone(),
                    format!(
                        "`{side}.services` cannot be combined with `{}`",
                        others.join("`, `")
                    ),
                    "a service match stands alone: put the other conditions in a separate rule"
                        .to_string(),
                );
            }
            if side == "destination" && (e.ports.is_some() || e.not_ports.is_some()) {
                cx.report(
                    &POLICY_FLAG_CONFLICT,
                    res,
                    svc.key_span.clone(),
                    "`destination.services` cannot be combined with destination ports".to_string(),
                    "the service's own ports are used: remove `ports`/`notPorts`".to_string(),
                );
            }
        }
    }
}
