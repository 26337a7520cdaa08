//! Rule `invalid-value`: a value outside the field's allowed set (enums and their case,
//! `types`, `ipVersion`, tier settings, `http` matches, FelixConfiguration settings).

use crate::model::spec::*;
use crate::model::value::{Val, ValExt};
use crate::registry::Rule;
use crate::resource::Resource;
use crate::validate::suggest::{case_of, did_you_mean, one_of};
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// - `action` other than `Allow`, `Deny`, `Pass`, `Log` (case-sensitive: `allow` is
    ///   rejected).
    /// - `types` items other than `Ingress`/`Egress`, more than two, or repeated.
    /// - `ipVersion` other than 4 or 6.
    /// - Tier `defaultAction` other than `Deny`/`Pass`; the built-in tiers `default`
    ///   (order 1000000, Deny), `kube-admin` (1000, Pass) and `kube-baseline` (10000000,
    ///   Pass) with another order or action.
    /// - `stagedAction` other than `Set`, `Delete`, `Learn`, `Ignore`.
    /// - `http.methods` repeated; `http.paths` entries without exactly one of `exact` /
    ///   `prefix`, or a path not starting with `/` or containing `?`, `#` or a space.
    /// - FelixConfiguration `defaultEndpointToHostAction` other than Drop/Accept/Return
    ///   (any case), failsafe entries whose protocol is not TCP/UDP/SCTP (any case; an empty
    ///   protocol means TCP per Calico's API comment: accepted, UNSURE whether the validator
    ///   agrees).
    ///
    /// ## Why it matters
    /// Calico rejects the resource (CRD enums and Calico's validator).
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    /// - action: allow
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// ingress:
    /// - action: Allow
    /// ```
    pub INVALID_VALUE = "invalid-value", Error, "A value Calico does not accept for the field (enums and their case, `types`, `ipVersion`, tier settings, `http`).";
}

/// Reports an enum value that did not decode, suggesting the right spelling.
fn enum_value<T>(
    cx: &mut Ctx<'_>,
    rule: &'static Rule,
    res: &Resource,
    v: &Option<Val<T>>,
    field: &str,
    names: &[&str],
) {
    let Some(v) = v else { return };
    let Err(raw) = &v.value else { return };
    if raw.wrong_type {
        return;
    }
    let help = match case_of(&raw.text, names.iter().copied())
        .or_else(|| did_you_mean(&raw.text, names.iter().copied()))
    {
        Some(n) => format!("write `{n}` ({field} is case-sensitive: {})", one_of(names)),
        None => format!("use {}", one_of(names)),
    };
    cx.report(
        rule,
        res,
        v.span.clone(),
        format!("`{}` is not a valid `{field}`", raw.text),
        help,
    );
}

fn check_types(cx: &mut Ctx<'_>, res: &Resource, types: &Option<List<PolicyType>>, field: &str) {
    let Some(list) = types else { return };
    let Some(items) = list.get() else { return };
    for t in items {
        enum_value(
            cx,
            &INVALID_VALUE,
            res,
            &Some(t.clone()),
            field,
            PolicyType::NAMES,
        );
    }
    let valid: Vec<PolicyType> = items.iter().filter_map(|t| t.get().copied()).collect();
    let repeated = valid
        .iter()
        .enumerate()
        .any(|(i, t)| valid.get(..i).is_some_and(|p| p.contains(t)));
    if items.len() > 2 || repeated {
        cx.report(
            &INVALID_VALUE,
            res,
            list.span.clone(),
            format!("`{field}` lists a type twice"),
            "list each of `Ingress` and `Egress` at most once".to_string(),
        );
    }
}

/// Reports invalid enum and setting values in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    match &res.spec {
        Spec::Policy(p) => {
            check_types(cx, res, &p.types, "types");
            enum_value(
                cx,
                &INVALID_VALUE,
                res,
                &p.staged_action,
                "stagedAction",
                StagedAction::NAMES,
            );
        }
        Spec::KubernetesPolicy(k) => {
            enum_value(
                cx,
                &INVALID_VALUE,
                res,
                &k.staged_action,
                "stagedAction",
                StagedAction::NAMES,
            );
        }
        Spec::Tier(t) => {
            enum_value(
                cx,
                &INVALID_VALUE,
                res,
                &t.default_action,
                "defaultAction",
                &["Deny", "Pass"],
            );
            if let Some((name, order, action)) =
                BUILTIN_TIERS.iter().find(|(n, _, _)| *n == res.name)
            {
                let wrong_order = t.order.get().is_some_and(|o| o != order);
                let wrong_action = t.default_action.get().is_some_and(|a| a != action);
                if wrong_order || wrong_action {
                    let span = if wrong_order { t.order.as_ref() } else { None }
                        .map(|o| o.span.clone())
                        .or_else(|| t.default_action.as_ref().map(|a| a.span.clone()))
                        .unwrap_or_else(|| res.name_span.clone());
                    cx.report(
                        &INVALID_VALUE,
                        res,
                        span,
                        format!("the built-in tier `{name}` cannot be changed (order {order}, defaultAction {action:?})"),
                        "create a tier of your own with the order and default action you need".to_string(),
                    );
                }
            }
        }
        Spec::FelixConfiguration(f) => {
            enum_value(
                cx,
                &INVALID_VALUE,
                res,
                &f.default_endpoint_to_host_action,
                "defaultEndpointToHostAction",
                &["Drop", "Accept", "Return"],
            );
            for list in [&f.failsafe_inbound, &f.failsafe_outbound] {
                for pp in list.get().into_iter().flatten().filter_map(|p| p.get()) {
                    let Some(proto) = pp.protocol.as_ref() else {
                        continue;
                    };
                    let Some(text) = proto.get() else { continue };
                    if !text.is_empty()
                        && !["tcp", "udp", "sctp"].contains(&text.to_ascii_lowercase().as_str())
                    {
                        cx.report(
                            &INVALID_VALUE,
                            res,
                            proto.span.clone(),
                            format!("failsafe protocol `{text}` is not TCP, UDP or SCTP"),
                            "use `tcp`, `udp` or `sctp`".to_string(),
                        );
                    }
                }
            }
        }
        _ => {}
    }
    for at in rules_of_resource(res) {
        let rule = at.rule;
        enum_value(
            cx,
            &INVALID_VALUE,
            res,
            &rule.action,
            "action",
            Action::NAMES,
        );
        if let Some(v) = rule.ip_version.as_ref() {
            if let Some(n) = v.get().filter(|n| **n != 4 && **n != 6) {
                cx.report(
                    &INVALID_VALUE,
                    res,
                    v.span.clone(),
                    format!("`ipVersion: {n}` is neither 4 nor 6"),
                    "write `ipVersion: 4` or `ipVersion: 6`, or leave it out for both".to_string(),
                );
            }
        }
        let Some(http) = rule.http.as_ref().and_then(|h| h.get()) else {
            continue;
        };
        let methods: Vec<&Val<String>> = http.methods.get().into_iter().flatten().collect();
        for (i, m) in methods.iter().enumerate() {
            let Some(text) = m.get() else { continue };
            if methods
                .get(..i)
                .into_iter()
                .flatten()
                .any(|p| p.get() == Some(text))
            {
                cx.report(
                    &INVALID_VALUE,
                    res,
                    m.span.clone(),
                    format!("HTTP method `{text}` is listed twice"),
                    "list each method once".to_string(),
                );
            }
        }
        for p in http.paths.get().into_iter().flatten() {
            let Some(path) = p.get() else { continue };
            let (value, span) = match (&path.exact, &path.prefix) {
                (Some(e), None) => (e.get(), e.span.clone()),
                (None, Some(x)) => (x.get(), x.span.clone()),
                _ => {
                    cx.report(
                        &INVALID_VALUE,
                        res,
                        p.span.clone(),
                        "an HTTP path needs exactly one of `exact` and `prefix`".to_string(),
                        "write `{exact: /path}` or `{prefix: /path}`".to_string(),
                    );
                    continue;
                }
            };
            if let Some(v) = value {
                if !v.starts_with('/') || v.contains(['?', '#', ' ']) {
                    cx.report(
                        &INVALID_VALUE,
                        res,
                        span,
                        format!(
                            "HTTP path `{v}` must start with `/` and contain no `?`, `#` or space"
                        ),
                        "match the path only, without query or fragment".to_string(),
                    );
                }
            }
        }
    }
}
