//! Rule `invalid-name`: names, namespaces, label keys and values, annotation keys and
//! interface names in a form Calico or Kubernetes rejects.

use crate::model::spec::{Spec, StringMap};
use crate::model::value::ValExt;
use crate::resource::{Kind, Resource};
use crate::validate::names::*;
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// - `metadata.name` that is not a DNS-1123 subdomain (lowercase letters, digits, `-`,
    ///   `.`; at most 253 chars); a Tier name that is not a DNS-1123 label (no dots, at
    ///   most 63); a GlobalNetworkPolicy name other than `label` or `label.label`; a
    ///   NetworkPolicy name other than `label`, `label.label`, `knp.default.<name>` or
    ///   `ossg.default.<name>`; a namespace that is not a DNS-1123 label.
    /// - Label keys that are not qualified names (`[prefix/]name`), label values that are
    ///   not valid label values (at most 63 of letters, digits, `-`, `_`, `.`), in
    ///   `metadata.labels` and a Profile's `labelsToApply`; annotation keys that are not
    ///   qualified names, annotations larger than 256 KiB in all.
    /// - The label `projectcalico.org/namespace` on a network set (Calico sets it itself).
    /// - A HostEndpoint `interfaceName` other than `*` or 1–15 of `[a-zA-Z0-9_.-]`.
    ///
    /// Calico v3.29–v3.31 also required policies in a tier `T` other than `default` to be
    /// named `T.<name>`; HEAD dropped that rule and so does this check.
    ///
    /// ## Why it matters
    /// Calico rejects the resource.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: Allow_DNS
    ///   labels: {"team name": a}
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// metadata:
    ///   name: allow-dns
    ///   labels: {team-name: a}
    /// ```
    pub INVALID_NAME = "invalid-name", Error, "A resource name, namespace, label, annotation key or interface name in a form Calico rejects.";
}

const ANNOTATIONS_MAX: usize = 256 * 1024;

fn lower_hint(s: &str) -> String {
    let mut out: String = s
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches(|c| c == '-' || c == '.').to_string()
}

fn check_map(cx: &mut Ctx<'_>, res: &Resource, map: &Option<StringMap>, what: &str, values: bool) {
    let Some(entries) = map.get() else { return };
    for (k, v) in entries {
        if !is_qualified_name(&k.value) {
            cx.report(
                &INVALID_NAME,
                res,
                k.span.clone(),
                format!("{what} key `{}` is not a qualified name", k.value),
                "use `[prefix/]name`: a name of at most 63 letters, digits, `-`, `_` or `.` starting and ending with a letter or digit, after an optional DNS subdomain prefix".to_string(),
            );
        }
        if values {
            if let Some(val) = v.get() {
                if !is_label_value(val) {
                    cx.report(
                        &INVALID_NAME,
                        res,
                        v.span.clone(),
                        format!("{what} value `{val}` of `{}` is not a valid label value", k.value),
                        "use at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit (or an empty value)".to_string(),
                    );
                }
            }
        }
    }
}

/// Reports badly formed names in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    if let Some(name) = res.meta.name.as_ref() {
        if let Some(n) = name.get().filter(|n| !n.is_empty()) {
            let (ok, form) = match res.kind {
                Kind::Tier | Kind::Namespace => (
                    is_dns1123_label(n),
                    "a DNS-1123 label (lowercase letters, digits and `-`, at most 63, no dots)",
                ),
                Kind::GlobalNetworkPolicy | Kind::StagedGlobalNetworkPolicy => (
                    is_global_policy_name(n),
                    "`name` or `prefix.name` of lowercase letters, digits and `-`",
                ),
                Kind::NetworkPolicy | Kind::StagedNetworkPolicy => (
                    is_policy_name(n),
                    "`name` or `prefix.name` of lowercase letters, digits and `-`",
                ),
                _ => (
                    is_dns1123_subdomain(n),
                    "a DNS-1123 subdomain (lowercase letters, digits, `-` and `.`, at most 253)",
                ),
            };
            if !ok {
                let hint = lower_hint(n);
                cx.report(
                    &INVALID_NAME,
                    res,
                    name.span.clone(),
                    format!("{} name `{n}` is not {form}", res.kind.name()),
                    (!hint.is_empty()).then(|| format!("for example `{hint}`")),
                );
            }
        }
    }
    if let Some(ns) = res.meta.namespace.as_ref() {
        if let Some(n) = ns.get().filter(|n| !n.is_empty() && !is_dns1123_label(n)) {
            cx.report(
                &INVALID_NAME,
                res,
                ns.span.clone(),
                format!("namespace `{n}` is not a DNS-1123 label"),
                "use lowercase letters, digits and `-` (at most 63)".to_string(),
            );
        }
    }
    check_map(cx, res, &res.meta.labels, "label", true);
    check_map(cx, res, &res.meta.annotations, "annotation", false);
    if let Some(a) = res.meta.annotations.as_ref() {
        let size: usize = a
            .get()
            .into_iter()
            .flatten()
            .map(|(k, v)| k.value.len() + v.get().map_or(0, String::len))
            .sum();
        if size > ANNOTATIONS_MAX {
            cx.report(
                &INVALID_NAME,
                res,
                a.key_span.clone(),
                format!("annotations hold {size} bytes, more than the 256 KiB Kubernetes allows"),
                "move large data out of annotations".to_string(),
            );
        }
    }
    if matches!(res.kind, Kind::GlobalNetworkSet | Kind::NetworkSet) {
        for (k, _) in res.meta.labels.get().into_iter().flatten() {
            if k.value == "projectcalico.org/namespace" {
                cx.report(
                    &INVALID_NAME,
                    res,
                    k.span.clone(),
                    format!(
                        "{} may not carry the label `projectcalico.org/namespace`",
                        res.kind.name()
                    ),
                    "remove it: Calico sets it on namespaced network sets itself".to_string(),
                );
            }
        }
    }
    match &res.spec {
        Spec::Profile(p) => check_map(cx, res, &p.labels_to_apply, "labelsToApply", true),
        Spec::HostEndpoint(h) => {
            if let Some(i) = h.interface_name.as_ref() {
                if let Some(n) = i.get().filter(|n| !n.is_empty() && !is_interface_name(n)) {
                    cx.report(
                        &INVALID_NAME,
                        res,
                        i.span.clone(),
                        format!("interface name `{n}` is not `*` or 1-15 of letters, digits, `_`, `.`, `-`"),
                        "write the interface as the host names it (`eth0`), or `*` for every interface".to_string(),
                    );
                }
            }
        }
        _ => {}
    }
}
