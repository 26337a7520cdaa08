//! The Calico resource model: the kinds this tool reads and every selector field.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::fmt::quote_value as quote;
use crate::model::read::{self, Reader};
use crate::model::spec::{Meta, Spec};
use crate::model::value::{DecodeIssue, Spanned};
use crate::yaml::{value_offsets, Node, Style, Value};

/// The resource kinds this tool understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `projectcalico.org/v3` `GlobalNetworkPolicy`.
    GlobalNetworkPolicy,
    /// `projectcalico.org/v3` `NetworkPolicy`.
    NetworkPolicy,
    /// `projectcalico.org/v3` `StagedGlobalNetworkPolicy`.
    StagedGlobalNetworkPolicy,
    /// `projectcalico.org/v3` `StagedNetworkPolicy`.
    StagedNetworkPolicy,
    /// `projectcalico.org/v3` `HostEndpoint`.
    HostEndpoint,
    /// `projectcalico.org/v3` `GlobalNetworkSet`.
    GlobalNetworkSet,
    /// `projectcalico.org/v3` `NetworkSet`.
    NetworkSet,
    /// Kubernetes `Pod` (a workload endpoint).
    Pod,
    /// Kubernetes `Namespace`.
    Namespace,
    /// Kubernetes `ServiceAccount`.
    ServiceAccount,
    /// `projectcalico.org/v3` `StagedKubernetesNetworkPolicy`.
    StagedKubernetesNetworkPolicy,
    /// `networking.k8s.io/v1` `NetworkPolicy`.
    KubernetesNetworkPolicy,
    /// `projectcalico.org/v3` `Tier`.
    Tier,
    /// `projectcalico.org/v3` `WorkloadEndpoint`.
    WorkloadEndpoint,
    /// `projectcalico.org/v3` `Profile`.
    Profile,
    /// `projectcalico.org/v3` `FelixConfiguration`.
    FelixConfiguration,
}

impl Kind {
    /// Every kind, Calico's first.
    pub const ALL: &'static [Kind] = &[
        Kind::GlobalNetworkPolicy,
        Kind::NetworkPolicy,
        Kind::StagedGlobalNetworkPolicy,
        Kind::StagedNetworkPolicy,
        Kind::StagedKubernetesNetworkPolicy,
        Kind::Tier,
        Kind::HostEndpoint,
        Kind::WorkloadEndpoint,
        Kind::GlobalNetworkSet,
        Kind::NetworkSet,
        Kind::Profile,
        Kind::FelixConfiguration,
        Kind::Pod,
        Kind::Namespace,
        Kind::ServiceAccount,
        Kind::KubernetesNetworkPolicy,
    ];

    /// The kind of a document from its `apiVersion` and `kind` (`None` when not modelled).
    /// Calico kinds are taken under any `projectcalico.org/` version (validation reports
    /// one other than `v3`).
    pub fn from_parts(api_version: &str, kind: &str) -> Option<Kind> {
        let calico = api_version.starts_with("projectcalico.org/");
        let k8s = api_version == "v1";
        Some(match kind {
            "NetworkPolicy" if api_version.starts_with("networking.k8s.io/") => {
                Kind::KubernetesNetworkPolicy
            }
            "StagedKubernetesNetworkPolicy" if calico => Kind::StagedKubernetesNetworkPolicy,
            "Tier" if calico => Kind::Tier,
            "WorkloadEndpoint" if calico => Kind::WorkloadEndpoint,
            "Profile" if calico => Kind::Profile,
            "FelixConfiguration" if calico => Kind::FelixConfiguration,
            "GlobalNetworkPolicy" if calico => Kind::GlobalNetworkPolicy,
            "NetworkPolicy" if calico => Kind::NetworkPolicy,
            "StagedGlobalNetworkPolicy" if calico => Kind::StagedGlobalNetworkPolicy,
            "StagedNetworkPolicy" if calico => Kind::StagedNetworkPolicy,
            "HostEndpoint" if calico => Kind::HostEndpoint,
            "GlobalNetworkSet" if calico => Kind::GlobalNetworkSet,
            "NetworkSet" if calico => Kind::NetworkSet,
            "Pod" if k8s => Kind::Pod,
            "Namespace" if k8s => Kind::Namespace,
            "ServiceAccount" if k8s => Kind::ServiceAccount,
            _ => return None,
        })
    }

    /// The kind's name as written in manifests (`KubernetesNetworkPolicy` for the
    /// Kubernetes `NetworkPolicy`, as Calico names it).
    pub fn name(self) -> &'static str {
        match self {
            Kind::StagedKubernetesNetworkPolicy => "StagedKubernetesNetworkPolicy",
            Kind::KubernetesNetworkPolicy => "KubernetesNetworkPolicy",
            Kind::Tier => "Tier",
            Kind::WorkloadEndpoint => "WorkloadEndpoint",
            Kind::Profile => "Profile",
            Kind::FelixConfiguration => "FelixConfiguration",
            Kind::GlobalNetworkPolicy => "GlobalNetworkPolicy",
            Kind::NetworkPolicy => "NetworkPolicy",
            Kind::StagedGlobalNetworkPolicy => "StagedGlobalNetworkPolicy",
            Kind::StagedNetworkPolicy => "StagedNetworkPolicy",
            Kind::HostEndpoint => "HostEndpoint",
            Kind::GlobalNetworkSet => "GlobalNetworkSet",
            Kind::NetworkSet => "NetworkSet",
            Kind::Pod => "Pod",
            Kind::Namespace => "Namespace",
            Kind::ServiceAccount => "ServiceAccount",
        }
    }

    /// Whether resources of this kind live in a namespace.
    pub fn is_namespaced(self) -> bool {
        matches!(
            self,
            Kind::NetworkPolicy
                | Kind::StagedNetworkPolicy
                | Kind::NetworkSet
                | Kind::Pod
                | Kind::ServiceAccount
                | Kind::StagedKubernetesNetworkPolicy
                | Kind::KubernetesNetworkPolicy
                | Kind::WorkloadEndpoint
        )
    }

    /// Whether this is a `projectcalico.org` kind.
    pub fn is_calico(self) -> bool {
        !matches!(
            self,
            Kind::Pod | Kind::Namespace | Kind::ServiceAccount | Kind::KubernetesNetworkPolicy
        )
    }

    /// The `apiVersion` this kind is written with.
    pub fn api_version(self) -> &'static str {
        match self {
            Kind::Pod | Kind::Namespace | Kind::ServiceAccount => "v1",
            Kind::KubernetesNetworkPolicy => "networking.k8s.io/v1",
            _ => "projectcalico.org/v3",
        }
    }

    /// Whether decoding rejects keys its type does not declare. Kubernetes core kinds,
    /// WorkloadEndpoint and FelixConfiguration are read leniently (only the fields that
    /// matter are modelled).
    pub fn is_strict(self) -> bool {
        !matches!(
            self,
            Kind::Pod
                | Kind::Namespace
                | Kind::ServiceAccount
                | Kind::WorkloadEndpoint
                | Kind::FelixConfiguration
        )
    }

    /// Whether this is one of the four policy kinds.
    pub fn is_policy(self) -> bool {
        matches!(
            self,
            Kind::GlobalNetworkPolicy
                | Kind::NetworkPolicy
                | Kind::StagedGlobalNetworkPolicy
                | Kind::StagedNetworkPolicy
        )
    }

    /// Whether this is a staged (not enforced) policy kind.
    pub fn is_staged(self) -> bool {
        matches!(
            self,
            Kind::StagedGlobalNetworkPolicy
                | Kind::StagedNetworkPolicy
                | Kind::StagedKubernetesNetworkPolicy
        )
    }
}

/// Which selector field a selector was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// A policy's `spec.selector`.
    PolicySelector,
    /// A policy's `spec.namespaceSelector`.
    PolicyNamespaceSelector,
    /// A policy's `spec.serviceAccountSelector`.
    PolicyServiceAccountSelector,
    /// A rule peer's `selector`.
    PeerSelector,
    /// A rule peer's `notSelector`.
    PeerNotSelector,
    /// A rule peer's `namespaceSelector`.
    PeerNamespaceSelector,
    /// A rule peer's `serviceAccounts.selector`.
    PeerServiceAccountSelector,
}

impl FieldKind {
    /// Whether the selector is evaluated on namespace labels.
    pub fn is_namespace(self) -> bool {
        matches!(
            self,
            FieldKind::PolicyNamespaceSelector | FieldKind::PeerNamespaceSelector
        )
    }

    /// Whether the selector is evaluated on service-account labels.
    pub fn is_service_account(self) -> bool {
        matches!(
            self,
            FieldKind::PolicyServiceAccountSelector | FieldKind::PeerServiceAccountSelector
        )
    }

    /// Whether the selector is evaluated on endpoint (or network set) labels.
    pub fn is_endpoint(self) -> bool {
        !self.is_namespace() && !self.is_service_account()
    }
}

/// A selector field's value as text, with the map from selector bytes to file bytes.
#[derive(Clone, Debug)]
pub struct SelectorText {
    /// The selector as Calico receives it (for a tagged scalar: the raw text with the tag).
    pub text: String,
    /// How the scalar was written.
    pub style: Style,
    /// The YAML tag, when the scalar had one (`selector: !has(x)`).
    pub tag: Option<String>,
    /// Whether the scalar sits inside a flow collection.
    pub in_flow: bool,
    /// The scalar's byte range in the file (quotes included).
    pub span: Range<usize>,
    offsets: Vec<usize>,
}

impl SelectorText {
    /// File byte offset of selector byte `i` (the end of the scalar for `i == text.len()`).
    pub fn file_offset(&self, i: usize) -> usize {
        self.offsets
            .get(i)
            .or_else(|| self.offsets.last())
            .copied()
            .unwrap_or(self.span.start)
    }

    /// File byte range of a byte range of the selector.
    pub fn file_range(&self, r: Range<usize>) -> Range<usize> {
        let start = self.file_offset(r.start);
        let end = if r.end > r.start {
            self.file_offset(r.end - 1) + 1
        } else {
            start
        };
        start..end.max(start)
    }
}

/// The value of a selector field.
#[derive(Clone, Debug)]
pub enum FieldValue {
    /// A string (the normal case).
    Text(SelectorText),
    /// A Kubernetes label selector object (`matchLabels` / `matchExpressions`).
    K8sObject {
        /// The equivalent Calico selector, when it can be written.
        equivalent: Option<String>,
    },
    /// Something else (a number, a list, another mapping).
    Invalid,
}

/// One selector field of a resource.
#[derive(Clone, Debug)]
pub struct SelectorField {
    /// Which field this is.
    pub kind: FieldKind,
    /// The field's path, e.g. `spec.ingress[0].source.notSelector`.
    pub path: String,
    /// The value.
    pub value: FieldValue,
    /// Byte range of the value node in the file.
    pub span: Range<usize>,
}

impl SelectorField {
    /// The selector text, when the value is a string.
    pub fn text(&self) -> Option<&SelectorText> {
        match &self.value {
            FieldValue::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// Ingress or egress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `spec.ingress`.
    Ingress,
    /// `spec.egress`.
    Egress,
}

impl Direction {
    /// `ingress` or `egress`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// A rule's `source` or `destination`.
#[derive(Clone, Debug, Default)]
pub struct Peer {
    /// `selector`.
    pub selector: Option<SelectorField>,
    /// `notSelector`.
    pub not_selector: Option<SelectorField>,
    /// `namespaceSelector`.
    pub namespace_selector: Option<SelectorField>,
    /// `serviceAccounts.names`.
    pub service_account_names: Vec<String>,
    /// `serviceAccounts.selector`.
    pub service_account_selector: Option<SelectorField>,
}

impl Peer {
    /// Whether the peer restricts endpoints by labels at all.
    pub fn has_selection(&self) -> bool {
        self.selector.is_some()
            || self.not_selector.is_some()
            || self.namespace_selector.is_some()
            || self.service_account_selector.is_some()
            || !self.service_account_names.is_empty()
    }

    /// The peer's selector fields.
    pub fn fields(&self) -> impl Iterator<Item = &SelectorField> {
        [
            &self.selector,
            &self.not_selector,
            &self.namespace_selector,
            &self.service_account_selector,
        ]
        .into_iter()
        .flatten()
    }
}

/// One rule of a policy.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Ingress or egress.
    pub direction: Direction,
    /// Index in its list.
    pub index: usize,
    /// `action`, as written.
    pub action: Option<String>,
    /// `source`.
    pub source: Peer,
    /// `destination`.
    pub destination: Peer,
}

/// The selector-related parts of a policy spec.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// `spec.selector`.
    pub selector: Option<SelectorField>,
    /// `spec.namespaceSelector`.
    pub namespace_selector: Option<SelectorField>,
    /// `spec.serviceAccountSelector`.
    pub service_account_selector: Option<SelectorField>,
    /// `spec.ingress` then `spec.egress`.
    pub rules: Vec<Rule>,
}

impl Policy {
    /// Every selector field of the policy, in file order of the model.
    pub fn fields(&self) -> impl Iterator<Item = &SelectorField> {
        [
            &self.selector,
            &self.namespace_selector,
            &self.service_account_selector,
        ]
        .into_iter()
        .flatten()
        .chain(
            self.rules
                .iter()
                .flat_map(|r| r.source.fields().chain(r.destination.fields())),
        )
    }
}

/// One resource read from a file.
#[derive(Clone, Debug)]
pub struct Resource {
    /// Its kind.
    pub kind: Kind,
    /// `metadata.name` (empty when missing).
    pub name: String,
    /// `metadata.namespace` for namespaced kinds (`default` when omitted), `None` otherwise.
    pub namespace: Option<String>,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// Index of the file in the input.
    pub file: usize,
    /// Byte range of `metadata.name`'s value (or of the resource when it has none).
    pub name_span: Range<usize>,
    /// Byte range of the whole resource in the file.
    pub span: Range<usize>,
    /// For pods: `spec.serviceAccountName` (`default` when omitted).
    pub service_account: Option<String>,
    /// For the policy kinds: the selector fields and rules.
    pub policy: Option<Policy>,
    /// `apiVersion` as written.
    pub api_version: Option<Spanned<String>>,
    /// `kind` as written (its span locates kind-level findings).
    pub kind_span: Range<usize>,
    /// Typed `metadata`, with spans.
    pub meta: Meta,
    /// Typed `spec` (and, for pods, `status`), with spans.
    pub spec: Spec,
    /// What strict decoding rejects in this resource.
    pub decode: Vec<DecodeIssue>,
}

impl Resource {
    /// `Kind/namespace/name` or `Kind/name`.
    pub fn display_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {}/{}", self.kind.name(), ns, self.name),
            None => format!("{} {}", self.kind.name(), self.name),
        }
    }
}

/// A selector field whose value is neither a string nor a label selector object, or
/// other problems found while reading resources.
#[derive(Clone, Debug)]
pub struct ReadNote {
    /// Byte range in the file.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
}

/// Extracts the resources of one parsed document (expanding `kind: List` `items` and a
/// top-level sequence of resources).
pub fn resources_of(file_text: &str, file: usize, doc: &Node, out: &mut Vec<Resource>) {
    collect_resources(file_text, file, doc, 0, out);
}

fn collect_resources(
    file_text: &str,
    file: usize,
    doc: &Node,
    depth: usize,
    out: &mut Vec<Resource>,
) {
    if depth > 4 {
        return;
    }
    match &doc.value {
        Value::Seq(items) => {
            for item in items {
                collect_resources(file_text, file, item, depth + 1, out);
            }
        }
        Value::Map(_) => {
            let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
            if kind == "List" || kind.ends_with("List") {
                if let Some(items) = doc.get("items") {
                    for item in items.items() {
                        collect_resources(file_text, file, item, depth + 1, out);
                    }
                }
                return;
            }
            let api = doc.get("apiVersion").and_then(Node::as_str).unwrap_or("");
            if let Some(kind) = Kind::from_parts(api, kind) {
                out.push(read_resource(file_text, file, kind, doc));
            }
        }
        Value::Scalar { .. } => {}
    }
}

fn read_resource(file_text: &str, file: usize, kind: Kind, doc: &Node) -> Resource {
    let meta = doc.get("metadata");
    let name_node = meta.and_then(|m| m.get("name"));
    let name = name_node.and_then(Node::as_str).unwrap_or("").to_string();
    let namespace = if kind.is_namespaced() {
        Some(
            meta.and_then(|m| m.get("namespace"))
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or("default")
                .to_string(),
        )
    } else {
        None
    };
    let labels = meta
        .and_then(|m| m.get("labels"))
        .map(|l| {
            l.entries()
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let spec = doc.get("spec");
    let service_account = (kind == Kind::Pod).then(|| {
        spec.and_then(|s| {
            s.get("serviceAccountName")
                .or_else(|| s.get("serviceAccount"))
        })
        .and_then(Node::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string()
    });
    let policy = kind
        .is_policy()
        .then(|| read_policy(file_text, spec.unwrap_or(doc)));
    let (meta, typed, decode) = read_typed(file_text, kind, doc);
    let api_version = doc
        .get_key("apiVersion")
        .zip(doc.get("apiVersion"))
        .and_then(|(k, v)| {
            Some(Spanned::new(
                v.as_str()?.to_string(),
                v.span.clone(),
                k.span.clone(),
            ))
        });
    Resource {
        api_version,
        kind_span: doc.get("kind").map_or(doc.span.clone(), |k| k.span.clone()),
        meta,
        spec: typed,
        decode,
        kind,
        name,
        namespace,
        labels,
        file,
        name_span: name_node.map_or_else(|| doc.span.clone(), |n| n.span.clone()),
        span: doc.span.clone(),
        service_account,
        policy,
    }
}

/// The typed metadata and spec of a document of a known kind, with decoding issues.
fn read_typed(file_text: &str, kind: Kind, doc: &Node) -> (Meta, Spec, Vec<DecodeIssue>) {
    let mut r = Reader::new(file_text, kind.is_strict());
    let Some(top) = r.map(doc, read::TOP_KEYS, String::new()) else {
        return (Meta::default(), Spec::None, r.issues);
    };
    let meta = r.meta(&top);
    let spec_keys: &'static [&'static str] = match kind {
        Kind::GlobalNetworkPolicy => read::GNP_KEYS,
        Kind::StagedGlobalNetworkPolicy => read::STAGED_GNP_KEYS,
        Kind::NetworkPolicy => read::NP_KEYS,
        Kind::StagedNetworkPolicy => read::STAGED_NP_KEYS,
        Kind::KubernetesNetworkPolicy => read::KNP_KEYS,
        Kind::StagedKubernetesNetworkPolicy => read::STAGED_KNP_KEYS,
        Kind::Tier => read::TIER_KEYS,
        Kind::HostEndpoint => read::HEP_KEYS,
        Kind::GlobalNetworkSet | Kind::NetworkSet => read::NETSET_KEYS,
        Kind::Profile => read::PROFILE_KEYS,
        Kind::WorkloadEndpoint => read::WEP_KEYS,
        Kind::FelixConfiguration => read::FELIX_KEYS,
        Kind::Pod => return (meta, Spec::Pod(r.pod(doc)), r.issues),
        Kind::Namespace | Kind::ServiceAccount => return (meta, Spec::None, r.issues),
    };
    let spec_node = doc.get("spec").filter(|n| !n.is_null());
    let view = match (doc.get_key("spec"), spec_node) {
        (Some(k), Some(v)) => match r.map(v, spec_keys, "spec".into()) {
            Some(view) => Some(view),
            None => {
                r.wrong::<()>(k, v, "spec".into(), "a mapping");
                None
            }
        },
        _ => None,
    };
    let empty = Node {
        value: Value::Map(Vec::new()),
        span: doc.span.clone(),
        tag: None,
        in_flow: false,
    };
    let view = match view {
        Some(v) => v,
        None => match r.map(&empty, spec_keys, "spec".into()) {
            Some(v) => v,
            None => return (meta, Spec::None, r.issues),
        },
    };
    let spec = match kind {
        Kind::GlobalNetworkPolicy
        | Kind::StagedGlobalNetworkPolicy
        | Kind::NetworkPolicy
        | Kind::StagedNetworkPolicy => Spec::Policy(r.policy(&view)),
        Kind::KubernetesNetworkPolicy | Kind::StagedKubernetesNetworkPolicy => {
            Spec::KubernetesPolicy(r.k8s_policy(&view))
        }
        Kind::Tier => Spec::Tier(r.tier(&view)),
        Kind::HostEndpoint => Spec::HostEndpoint(r.host_endpoint(&view)),
        Kind::WorkloadEndpoint => Spec::WorkloadEndpoint(r.workload_endpoint(&view)),
        Kind::GlobalNetworkSet | Kind::NetworkSet => Spec::NetworkSet(r.network_set(&view)),
        Kind::Profile => Spec::Profile(r.profile(&view)),
        Kind::FelixConfiguration => Spec::FelixConfiguration(r.felix(&view)),
        Kind::Pod | Kind::Namespace | Kind::ServiceAccount => Spec::None,
    };
    (meta, spec, r.issues)
}

fn field(
    file_text: &str,
    node: Option<&Node>,
    kind: FieldKind,
    path: String,
) -> Option<SelectorField> {
    let node = node?;
    if node.is_null() {
        return None;
    }
    let value = match &node.value {
        Value::Scalar { text, style } => {
            let tagged = node.tag.as_ref().filter(|t| !t.starts_with("!!"));
            let (text, offsets, style) = match tagged {
                Some(_) => {
                    // `selector: !has(x)`: YAML read a tag; Calico would see the text after it.
                    // Keep the raw text as the intended selector.
                    let raw = file_text.get(node.span.clone()).unwrap_or("").to_string();
                    let offsets = (node.span.start..=node.span.end).collect();
                    (raw, offsets, Style::Plain)
                }
                None => (text.clone(), value_offsets(file_text, node), *style),
            };
            FieldValue::Text(SelectorText {
                text,
                style,
                tag: node.tag.clone(),
                in_flow: node.in_flow,
                span: node.span.clone(),
                offsets,
            })
        }
        Value::Map(_)
            if node.get("matchLabels").is_some() || node.get("matchExpressions").is_some() =>
        {
            FieldValue::K8sObject {
                equivalent: k8s_object_equivalent(node),
            }
        }
        _ => FieldValue::Invalid,
    };
    Some(SelectorField {
        kind,
        path,
        value,
        span: node.span.clone(),
    })
}

/// The Calico selector equivalent to a Kubernetes label selector object.
fn k8s_object_equivalent(node: &Node) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(ml) = node.get("matchLabels") {
        for (k, v) in ml.entries() {
            parts.push(format!("{} == {}", k.as_str()?, quote(v.as_str()?)));
        }
    }
    if let Some(me) = node.get("matchExpressions") {
        for e in me.items() {
            let key = e.get("key")?.as_str()?;
            let values: Vec<String> = e
                .get("values")
                .map(|v| {
                    v.items()
                        .iter()
                        .filter_map(|x| x.as_str().map(quote))
                        .collect()
                })
                .unwrap_or_default();
            parts.push(match e.get("operator")?.as_str()? {
                "In" => format!("{key} in {{{}}}", values.join(", ")),
                "NotIn" => format!("{key} not in {{{}}}", values.join(", ")),
                "Exists" => format!("has({key})"),
                "DoesNotExist" => format!("!has({key})"),
                _ => return None,
            });
        }
    }
    Some(if parts.is_empty() {
        "all()".to_string()
    } else {
        parts.join(" && ")
    })
}

fn read_peer(file_text: &str, node: Option<&Node>, path: &str) -> Peer {
    let Some(node) = node else {
        return Peer::default();
    };
    let sa = node.get("serviceAccounts");
    Peer {
        selector: field(
            file_text,
            node.get("selector"),
            FieldKind::PeerSelector,
            format!("{path}.selector"),
        ),
        not_selector: field(
            file_text,
            node.get("notSelector"),
            FieldKind::PeerNotSelector,
            format!("{path}.notSelector"),
        ),
        namespace_selector: field(
            file_text,
            node.get("namespaceSelector"),
            FieldKind::PeerNamespaceSelector,
            format!("{path}.namespaceSelector"),
        ),
        service_account_names: sa
            .and_then(|s| s.get("names"))
            .map(|n| {
                n.items()
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        service_account_selector: field(
            file_text,
            sa.and_then(|s| s.get("selector")),
            FieldKind::PeerServiceAccountSelector,
            format!("{path}.serviceAccounts.selector"),
        ),
    }
}

fn read_policy(file_text: &str, spec: &Node) -> Policy {
    let mut rules = Vec::new();
    for (direction, key) in [
        (Direction::Ingress, "ingress"),
        (Direction::Egress, "egress"),
    ] {
        if let Some(list) = spec.get(key) {
            for (index, rule) in list.items().iter().enumerate() {
                let base = format!("spec.{key}[{index}]");
                rules.push(Rule {
                    direction,
                    index,
                    action: rule
                        .get("action")
                        .and_then(Node::as_str)
                        .map(str::to_string),
                    source: read_peer(file_text, rule.get("source"), &format!("{base}.source")),
                    destination: read_peer(
                        file_text,
                        rule.get("destination"),
                        &format!("{base}.destination"),
                    ),
                });
            }
        }
    }
    Policy {
        selector: field(
            file_text,
            spec.get("selector"),
            FieldKind::PolicySelector,
            "spec.selector".into(),
        ),
        namespace_selector: field(
            file_text,
            spec.get("namespaceSelector"),
            FieldKind::PolicyNamespaceSelector,
            "spec.namespaceSelector".into(),
        ),
        service_account_selector: field(
            file_text,
            spec.get("serviceAccountSelector"),
            FieldKind::PolicyServiceAccountSelector,
            "spec.serviceAccountSelector".into(),
        ),
        rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load;

    #[test]
    fn reads_lists_and_fields() {
        let text = "kind: List\napiVersion: v1\nitems:\n- apiVersion: projectcalico.org/v3\n  kind: NetworkPolicy\n  metadata: {name: p}\n  spec:\n    selector: \"a == 'b'\"\n    ingress:\n    - action: Allow\n      source:\n        serviceAccounts: {names: [x], selector: has(y)}\n";
        let l = load(text);
        let mut out = Vec::new();
        resources_of(text, 0, &l.documents[0], &mut out);
        assert_eq!(out.len(), 1);
        let r = &out[0];
        assert_eq!(r.namespace.as_deref(), Some("default"));
        let p = r.policy.as_ref().unwrap();
        let sel = p.selector.as_ref().unwrap().text().unwrap();
        assert_eq!(sel.text, "a == 'b'");
        assert_eq!(&text[sel.file_range(5..8)], "'b'");
        let sa = p.rules[0].source.service_account_selector.as_ref().unwrap();
        assert_eq!(sa.path, "spec.ingress[0].source.serviceAccounts.selector");
        assert_eq!(p.rules[0].source.service_account_names, vec!["x"]);
        assert_eq!(p.fields().count(), 2);
    }

    #[test]
    fn k8s_objects_translate() {
        let text = "selector:\n  matchLabels: {app: web}\n  matchExpressions:\n  - {key: tier, operator: In, values: [a, b]}\n  - {key: x, operator: DoesNotExist}\n";
        let l = load(text);
        let n = l.documents[0].get("selector").unwrap();
        assert_eq!(
            k8s_object_equivalent(n).as_deref(),
            Some("app == \"web\" && tier in {\"a\", \"b\"} && !has(x)")
        );
    }
}
