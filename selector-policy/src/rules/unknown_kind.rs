//! Rule `unknown-kind`: a document whose `kind` or `apiVersion` Calico does not know.

use crate::resource::Kind;
use crate::validate::suggest::did_you_mean;
use crate::validate::Ctx;
use crate::yaml::{self, Node, Value};

crate::declare_rule! {
    /// ## What it finds
    /// - A `projectcalico.org` document whose `kind` Calico does not have (`GlobalNetworkPolcy`),
    ///   with the nearest kind as a suggestion.
    /// - A Calico kind under an `apiVersion` other than `projectcalico.org/v3`
    ///   (`projectcalico.org/v1`, `crd.projectcalico.org/v1`, `v1`, a misspelt group).
    /// - A document with `apiVersion` but no `kind`, or the reverse.
    ///
    /// Documents of other API groups (Deployments, Services, ...) are not this tool's
    /// concern and are skipped silently.
    ///
    /// ## Why it matters
    /// `calicoctl` rejects the document; `crd.projectcalico.org/v1` is Calico's internal
    /// storage form, which bypasses validation and defaulting.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: crd.projectcalico.org/v1
    /// kind: GlobalNetworkPolicy
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// apiVersion: projectcalico.org/v3
    /// kind: GlobalNetworkPolicy
    /// ```
    pub UNKNOWN_KIND = "unknown-kind", Error, "A `kind` or `apiVersion` Calico does not know (with the nearest one as a suggestion).";
}

/// Calico kinds this tool does not model but which are real, in Calico open source and in
/// Calico Enterprise (no finding for them).
const OTHER_CALICO_KINDS: &[&str] = &[
    "CalicoAPIConfig",
    "RemoteClusterConfiguration",
    "BFDConfiguration",
    "GlobalAlert",
    "GlobalAlertTemplate",
    "GlobalReport",
    "GlobalReportType",
    "GlobalThreatFeed",
    "LicenseKey",
    "ManagedCluster",
    "PacketCapture",
    "DeepPacketInspection",
    "UISettings",
    "UISettingsGroup",
    "EgressGatewayPolicy",
    "ExternalNetwork",
    "SecurityEventWebhook",
    "AlertException",
    "PolicyRecommendationScope",
    "BGPConfiguration",
    "BGPPeer",
    "BGPFilter",
    "IPPool",
    "IPReservation",
    "IPAMConfiguration",
    "ClusterInformation",
    "KubeControllersConfiguration",
    "CalicoNodeStatus",
    "Node",
    "BlockAffinity",
    "NetworkPolicyList",
];

const CALICO_API: &str = "projectcalico.org/v3";

fn calico_kinds() -> impl Iterator<Item = &'static str> {
    Kind::ALL
        .iter()
        .filter(|k| k.is_calico())
        .map(|k| k.name())
        .chain(OTHER_CALICO_KINDS.iter().copied())
}

fn document(cx: &mut Ctx<'_>, file: usize, doc: &Node, depth: usize) {
    if depth > 4 {
        return;
    }
    match &doc.value {
        Value::Seq(items) => {
            for item in items {
                document(cx, file, item, depth + 1);
            }
        }
        Value::Map(_) => {
            let api = doc.get("apiVersion");
            let kind = doc.get("kind");
            let kind_text = kind.and_then(Node::as_str).unwrap_or("");
            if kind_text == "List" || kind_text.ends_with("List") {
                for item in doc.get("items").map(Node::items).unwrap_or(&[]) {
                    document(cx, file, item, depth + 1);
                }
                return;
            }
            check_doc(cx, file, api, kind);
        }
        Value::Scalar { .. } => {}
    }
}

fn check_doc(cx: &mut Ctx<'_>, file: usize, api: Option<&Node>, kind: Option<&Node>) {
    let api_text = api.and_then(Node::as_str).unwrap_or("");
    let kind_text = kind.and_then(Node::as_str).unwrap_or("");
    match (api, kind) {
        (None, None) => return,
        (Some(a), None) => {
            if api_text.contains("projectcalico.org") {
                cx.report_in(
                    &UNKNOWN_KIND,
                    file,
                    a.span.clone(),
                    "a Calico document without `kind`".to_string(),
                    Some("add `kind:` (e.g. `GlobalNetworkPolicy`)".to_string()),
                );
            }
            return;
        }
        (None, Some(k)) => {
            if calico_kinds().any(|c| c == kind_text) {
                cx.report_in(
                    &UNKNOWN_KIND,
                    file,
                    k.span.clone(),
                    format!("`{kind_text}` without `apiVersion`"),
                    Some(format!("add `apiVersion: {CALICO_API}`")),
                );
            }
            return;
        }
        _ => {}
    }
    let (Some(a), Some(k)) = (api, kind) else {
        return;
    };
    let is_calico_kind = calico_kinds().any(|c| c == kind_text);
    let calico_group = api_text.starts_with("projectcalico.org/");
    if calico_group {
        if !is_calico_kind {
            let near = did_you_mean(kind_text, calico_kinds());
            cx.report_in(
                &UNKNOWN_KIND,
                file,
                k.span.clone(),
                format!("`{kind_text}` is not a Calico kind"),
                Some(match near {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => "Calico's policy kinds are GlobalNetworkPolicy, NetworkPolicy, Tier, HostEndpoint, GlobalNetworkSet, NetworkSet and their staged forms".to_string(),
                }),
            );
        } else if api_text != CALICO_API {
            cx.report_in(
                &UNKNOWN_KIND,
                file,
                a.span.clone(),
                format!("`{kind_text}` is served as `{CALICO_API}`, not `{api_text}`"),
                Some(format!("write `apiVersion: {CALICO_API}`")),
            );
        }
        return;
    }
    // A Calico kind (not one Kubernetes also has) under another group.
    let k8s_kind = Kind::from_parts(api_text, kind_text).is_some_and(|k| !k.is_calico());
    if is_calico_kind && !k8s_kind && kind_text != "NetworkPolicy" && kind_text != "Node" {
        let storage = api_text == "crd.projectcalico.org/v1";
        cx.report_in(
            &UNKNOWN_KIND,
            file,
            a.span.clone(),
            if storage {
                format!("`crd.projectcalico.org/v1` is Calico's internal storage form of `{kind_text}`: it bypasses validation and defaulting")
            } else {
                format!("`{kind_text}` is a Calico kind, served as `{CALICO_API}`, not `{api_text}`")
            },
            Some(format!("write `apiVersion: {CALICO_API}`")),
        );
        return;
    }
    if !is_calico_kind && did_you_mean(api_text, [CALICO_API]).is_some() {
        cx.report_in(
            &UNKNOWN_KIND,
            file,
            a.span.clone(),
            format!("`{api_text}` is not an API version Calico serves"),
            Some(format!("did you mean `{CALICO_API}`?")),
        );
    }
}

/// Reports unknown kinds and API versions in every file (parsed again: documents of
/// unknown kinds are not in the resource list).
pub(crate) fn check(cx: &mut Ctx<'_>) {
    for (i, f) in cx.files.iter().enumerate() {
        let loaded = yaml::load(&f.text);
        for doc in &loaded.documents {
            document(cx, i, doc, 0);
        }
    }
}
