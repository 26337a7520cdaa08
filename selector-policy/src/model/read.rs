//! Reads the typed spec of a resource from its YAML tree, recording what strict decoding
//! would reject (unknown fields, wrong JSON types, repeated keys) as [`DecodeIssue`]s.
//!
//! Each mapping is read against the list of keys its API type declares; that one list is
//! both what the reader looks up and what "unknown field" compares with, so the two cannot
//! drift. Kubernetes core kinds (Pod, Namespace, ServiceAccount), WorkloadEndpoint and
//! FelixConfiguration are read leniently: only the fields that matter are looked at and
//! other keys are not reported (their schemas are large and not this tool's concern).

use std::net::IpAddr;

use super::spec::*;
use super::value::{DecodeIssue, IssueKind, Raw, RawKind, Spanned, Val};
use crate::yaml::{Node, Style, Value};

/// Keys of the top level of a resource.
pub const TOP_KEYS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];
/// Keys of `metadata` (Kubernetes ObjectMeta).
pub const META_KEYS: &[&str] = &[
    "name",
    "namespace",
    "labels",
    "annotations",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "finalizers",
    "managedFields",
    "generateName",
    "selfLink",
];
/// Keys of a GlobalNetworkPolicy spec.
pub const GNP_KEYS: &[&str] = &[
    "tier",
    "order",
    "selector",
    "namespaceSelector",
    "serviceAccountSelector",
    "types",
    "ingress",
    "egress",
    "doNotTrack",
    "preDNAT",
    "applyOnForward",
    "performanceHints",
];
/// Keys of a StagedGlobalNetworkPolicy spec.
pub const STAGED_GNP_KEYS: &[&str] = &[
    "tier",
    "order",
    "selector",
    "namespaceSelector",
    "serviceAccountSelector",
    "types",
    "ingress",
    "egress",
    "doNotTrack",
    "preDNAT",
    "applyOnForward",
    "performanceHints",
    "stagedAction",
];
/// Keys of a NetworkPolicy spec.
pub const NP_KEYS: &[&str] = &[
    "tier",
    "order",
    "selector",
    "serviceAccountSelector",
    "types",
    "ingress",
    "egress",
    "performanceHints",
];
/// Keys of a StagedNetworkPolicy spec.
pub const STAGED_NP_KEYS: &[&str] = &[
    "tier",
    "order",
    "selector",
    "serviceAccountSelector",
    "types",
    "ingress",
    "egress",
    "performanceHints",
    "stagedAction",
];
/// Keys of a rule.
pub const RULE_KEYS: &[&str] = &[
    "action",
    "protocol",
    "notProtocol",
    "icmp",
    "notICMP",
    "ipVersion",
    "source",
    "destination",
    "http",
    "metadata",
];
/// Keys of a rule's `source` / `destination`.
pub const ENTITY_KEYS: &[&str] = &[
    "nets",
    "notNets",
    "selector",
    "notSelector",
    "namespaceSelector",
    "ports",
    "notPorts",
    "serviceAccounts",
    "services",
];
const SA_KEYS: &[&str] = &["names", "selector"];
const SERVICE_KEYS: &[&str] = &["name", "namespace"];
const ICMP_KEYS: &[&str] = &["type", "code"];
const HTTP_KEYS: &[&str] = &["methods", "paths"];
const PATH_KEYS: &[&str] = &["exact", "prefix"];
const RULE_META_KEYS: &[&str] = &["annotations"];
/// Keys of a Tier spec.
pub const TIER_KEYS: &[&str] = &["order", "defaultAction"];
/// Keys of a HostEndpoint spec.
pub const HEP_KEYS: &[&str] = &["node", "interfaceName", "expectedIPs", "profiles", "ports"];
const ENDPOINT_PORT_KEYS: &[&str] = &["name", "protocol", "port"];
/// Keys of a WorkloadEndpoint spec (read leniently).
pub const WEP_KEYS: &[&str] = &[
    "orchestrator",
    "workload",
    "node",
    "containerID",
    "pod",
    "endpoint",
    "serviceAccountName",
    "ipNetworks",
    "ipNATs",
    "ipv4Gateway",
    "ipv6Gateway",
    "profiles",
    "interfaceName",
    "mac",
    "ports",
    "allowSpoofedSourcePrefixes",
];
/// Keys of a (Global)NetworkSet spec.
pub const NETSET_KEYS: &[&str] = &["nets"];
/// Keys of a Profile spec.
pub const PROFILE_KEYS: &[&str] = &["ingress", "egress", "labelsToApply"];
/// The FelixConfiguration keys that are read (the kind is read leniently).
pub const FELIX_KEYS: &[&str] = &[
    "failsafeInboundHostPorts",
    "failsafeOutboundHostPorts",
    "defaultEndpointToHostAction",
    "allowVXLANPacketsFromWorkloads",
    "allowIPIPPacketsFromWorkloads",
    "vxlanPort",
];
const PROTOPORT_KEYS: &[&str] = &["protocol", "port", "net"];
/// Keys of a Kubernetes NetworkPolicy spec.
pub const KNP_KEYS: &[&str] = &["podSelector", "policyTypes", "ingress", "egress"];
/// Keys of a StagedKubernetesNetworkPolicy spec.
pub const STAGED_KNP_KEYS: &[&str] = &[
    "stagedAction",
    "podSelector",
    "policyTypes",
    "ingress",
    "egress",
];
const KNP_INGRESS_KEYS: &[&str] = &["from", "ports"];
const KNP_EGRESS_KEYS: &[&str] = &["to", "ports"];
const KNP_PEER_KEYS: &[&str] = &["podSelector", "namespaceSelector", "ipBlock"];
const KNP_PORT_KEYS: &[&str] = &["protocol", "port", "endPort"];
const IPBLOCK_KEYS: &[&str] = &["cidr", "except"];
const LABEL_SELECTOR_KEYS: &[&str] = &["matchLabels", "matchExpressions"];
const REQUIREMENT_KEYS: &[&str] = &["key", "operator", "values"];

/// The JSON type of a node, as Kubernetes' YAML decoder (YAML 1.1 scalars) sees it.
pub fn raw_kind(n: &Node) -> RawKind {
    match &n.value {
        Value::Seq(_) => RawKind::List,
        Value::Map(_) => RawKind::Map,
        Value::Scalar { text, style } => {
            if *style != Style::Plain || n.tag.as_deref().is_some_and(|t| t.ends_with("str")) {
                return RawKind::String;
            }
            if n.is_null() {
                return RawKind::Null;
            }
            if is_bool(text) {
                return RawKind::Bool;
            }
            if number(text).is_some() {
                return RawKind::Number;
            }
            RawKind::String
        }
    }
}

fn is_bool(s: &str) -> bool {
    matches!(
        s,
        "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "y"
            | "Y"
            | "n"
            | "N"
    )
}

fn bool_value(s: &str) -> bool {
    matches!(
        s,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y"
    )
}

/// The value of a plain scalar that reads as a number.
fn number(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if let Some(hex) = body.strip_prefix("0x") {
        let v = i64::from_str_radix(hex, 16).ok()? as f64;
        return Some(if s.starts_with('-') { -v } else { v });
    }
    match body {
        ".inf" | ".Inf" | ".INF" => {
            return Some(if s.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    if !body.bytes().any(|b| b.is_ascii_digit())
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
    {
        return None;
    }
    s.replace('_', "").parse::<f64>().ok()
}

/// Reads one resource's typed parts and collects decoding issues.
pub(crate) struct Reader<'t> {
    text: &'t str,
    strict: bool,
    /// What decoding found wrong, in file order of discovery.
    pub issues: Vec<DecodeIssue>,
}

/// A mapping being read: its entries, and the keys its type declares.
pub(crate) struct MapView<'n> {
    node: &'n Node,
    known: &'static [&'static str],
    path: String,
}

impl<'n> MapView<'n> {
    /// The key and value of `name`, when present and not null.
    fn get(&self, name: &str) -> Option<(&'n Node, &'n Node)> {
        debug_assert!(self.known.contains(&name), "{name} not declared");
        self.node
            .entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(name))
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, v))
    }

    fn path(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }
}

type Getter<'a, 'n, T> = &'a mut dyn FnMut(&mut Reader<'_>, &'n Node, &'n Node, String) -> Val<T>;

impl<'t> Reader<'t> {
    pub(crate) fn new(text: &'t str, strict: bool) -> Reader<'t> {
        Reader {
            text,
            strict,
            issues: Vec::new(),
        }
    }

    fn raw(&self, n: &Node, wrong_type: bool) -> Raw {
        let text = match &n.value {
            Value::Scalar { text, .. } => text.clone(),
            _ => {
                let s = self.text.get(n.span.clone()).unwrap_or("");
                let mut end = s.len().min(80);
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                s.get(..end).unwrap_or("").to_string()
            }
        };
        Raw {
            text,
            kind: raw_kind(n),
            wrong_type,
        }
    }

    pub(crate) fn wrong<T>(
        &mut self,
        key: &Node,
        n: &Node,
        path: String,
        expected: &'static str,
    ) -> Val<T> {
        let found = raw_kind(n);
        self.issues.push(DecodeIssue {
            span: n.span.clone(),
            path,
            kind: IssueKind::WrongType { expected, found },
        });
        Spanned::new(Err(self.raw(n, true)), n.span.clone(), key.span.clone())
    }

    /// A scalar of `kind` that `convert` accepts; a wrong-type issue naming `expected`
    /// when `v` is another kind or `convert` refuses its text (`path` is built only then).
    fn scalar<T>(
        &mut self,
        k: &Node,
        v: &Node,
        path: impl FnOnce() -> String,
        kind: RawKind,
        expected: &'static str,
        convert: impl FnOnce(&str) -> Option<T>,
    ) -> Val<T> {
        match v.as_str().filter(|_| raw_kind(v) == kind).and_then(convert) {
            Some(x) => Spanned::new(Ok(x), v.span.clone(), k.span.clone()),
            None => self.wrong(k, v, path(), expected),
        }
    }

    fn bad_value<T>(&self, key: &Node, n: &Node) -> Val<T> {
        Spanned::new(Err(self.raw(n, false)), n.span.clone(), key.span.clone())
    }

    /// Opens a mapping; reports a wrong type when `n` is not one, and unknown or repeated
    /// keys (strict kinds only for unknown keys).
    pub(crate) fn map<'n>(
        &mut self,
        n: &'n Node,
        known: &'static [&'static str],
        path: String,
    ) -> Option<MapView<'n>> {
        if !matches!(n.value, Value::Map(_)) {
            return None;
        }
        let entries = n.entries();
        for (i, (k, _)) in entries.iter().enumerate() {
            let Some(name) = k.as_str() else { continue };
            let at = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            if entries
                .get(..i)
                .unwrap_or(&[])
                .iter()
                .any(|(p, _)| p.as_str() == Some(name))
            {
                self.issues.push(DecodeIssue {
                    span: k.span.clone(),
                    path: at,
                    kind: IssueKind::DuplicateKey {
                        name: name.to_string(),
                    },
                });
            } else if self.strict && !known.contains(&name) {
                self.issues.push(DecodeIssue {
                    span: k.span.clone(),
                    path: at,
                    kind: IssueKind::UnknownField {
                        name: name.to_string(),
                        known,
                    },
                });
            }
        }
        Some(MapView {
            node: n,
            known,
            path,
        })
    }

    /// A nested mapping field read by `f`; a wrong type when it is not a mapping.
    fn object<'n, T>(
        &mut self,
        m: &MapView<'n>,
        name: &str,
        known: &'static [&'static str],
        f: impl FnOnce(&mut Self, &MapView<'n>) -> T,
    ) -> Option<Val<T>> {
        let (k, v) = m.get(name)?;
        Some(self.object_node(k, v, m.path(name), known, f))
    }

    fn object_node<'n, T>(
        &mut self,
        k: &'n Node,
        v: &'n Node,
        path: String,
        known: &'static [&'static str],
        f: impl FnOnce(&mut Self, &MapView<'n>) -> T,
    ) -> Val<T> {
        match self.map(v, known, path.clone()) {
            Some(view) => Spanned::new(Ok(f(self, &view)), v.span.clone(), k.span.clone()),
            None => self.wrong(k, v, path, "a mapping"),
        }
    }

    fn string_node(&mut self, k: &Node, v: &Node, path: String) -> Val<String> {
        if v.tag.as_ref().is_some_and(|t| !t.starts_with("!!")) {
            // `selector: !has(x)`: YAML reads a tag, not the text; never an empty string.
            return self.bad_value(k, v);
        }
        self.scalar(
            k,
            v,
            || path,
            RawKind::String,
            "a string",
            |s| Some(s.to_string()),
        )
    }

    /// A string field.
    fn string(&mut self, m: &MapView<'_>, name: &str) -> Option<Val<String>> {
        let (k, v) = m.get(name)?;
        Some(self.string_node(k, v, m.path(name)))
    }

    /// A number field.
    fn float(&mut self, m: &MapView<'_>, name: &str) -> Option<Val<f64>> {
        let (k, v) = m.get(name)?;
        Some(self.scalar(k, v, || m.path(name), RawKind::Number, "a number", number))
    }

    fn int_node(&mut self, k: &Node, v: &Node, path: String) -> Val<i64> {
        self.scalar(
            k,
            v,
            || path,
            RawKind::Number,
            "an integer",
            |s| {
                number(s)
                    .filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15)
                    .map(|x| x as i64)
            },
        )
    }

    /// An integer field.
    fn int(&mut self, m: &MapView<'_>, name: &str) -> Option<Val<i64>> {
        let (k, v) = m.get(name)?;
        Some(self.int_node(k, v, m.path(name)))
    }

    /// A boolean field.
    fn boolean(&mut self, m: &MapView<'_>, name: &str) -> Option<Val<bool>> {
        let (k, v) = m.get(name)?;
        Some(self.scalar(
            k,
            v,
            || m.path(name),
            RawKind::Bool,
            "true or false",
            |s| Some(bool_value(s)),
        ))
    }

    /// A string field whose text must parse with `parse` (kept raw when it does not).
    fn parsed<T>(
        &mut self,
        m: &MapView<'_>,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<Val<T>> {
        let (k, v) = m.get(name)?;
        Some(self.parsed_node(k, v, m.path(name), &parse))
    }

    fn parsed_node<T>(
        &mut self,
        k: &Node,
        v: &Node,
        path: String,
        parse: &dyn Fn(&str) -> Option<T>,
    ) -> Val<T> {
        match (raw_kind(v), v.as_str()) {
            (RawKind::String, Some(s)) => match parse(s) {
                Some(x) => Spanned::new(Ok(x), v.span.clone(), k.span.clone()),
                None => self.bad_value(k, v),
            },
            _ => self.wrong(k, v, path, "a string"),
        }
    }

    /// A list field whose items are read by `item`.
    fn list<'n, T>(
        &mut self,
        m: &MapView<'n>,
        name: &str,
        item: Getter<'_, 'n, T>,
    ) -> Option<Val<Vec<Val<T>>>> {
        let (k, v) = m.get(name)?;
        Some(self.list_node(k, v, m.path(name), item))
    }

    fn list_node<'n, T>(
        &mut self,
        k: &'n Node,
        v: &'n Node,
        path: String,
        item: Getter<'_, 'n, T>,
    ) -> Val<Vec<Val<T>>> {
        if !matches!(v.value, Value::Seq(_)) {
            return self.wrong(k, v, path, "a list");
        }
        let items = v
            .items()
            .iter()
            .enumerate()
            .map(|(i, n)| item(self, n, n, format!("{path}[{i}]")))
            .collect();
        Spanned::new(Ok(items), v.span.clone(), k.span.clone())
    }

    fn string_list(&mut self, m: &MapView<'_>, name: &str) -> Option<List<String>> {
        self.list(m, name, &mut |r, k, v, p| r.string_node(k, v, p))
    }

    /// A map of strings to strings (labels, annotations).
    fn string_map(&mut self, m: &MapView<'_>, name: &str) -> Option<StringMap> {
        let (k, v) = m.get(name)?;
        let path = m.path(name);
        Some(self.string_map_node(k, v, path))
    }

    fn string_map_node(&mut self, k: &Node, v: &Node, path: String) -> StringMap {
        if !matches!(v.value, Value::Map(_)) {
            return self.wrong(k, v, path, "a mapping of strings");
        }
        let mut out = Vec::new();
        for (key, val) in v.entries() {
            let name = key.as_str().unwrap_or("").to_string();
            let kspan = Spanned::new(name.clone(), key.span.clone(), key.span.clone());
            let val = if val.is_null() {
                // A null label value decodes to the empty string.
                Spanned::new(Ok(String::new()), val.span.clone(), key.span.clone())
            } else {
                self.string_node(key, val, format!("{path}.{name}"))
            };
            out.push((kspan, val));
        }
        Spanned::new(Ok(out), v.span.clone(), k.span.clone())
    }

    fn protocol_node(&mut self, k: &Node, v: &Node, path: String) -> Val<Protocol> {
        match raw_kind(v) {
            RawKind::Number => match v.as_str().and_then(|s| s.parse::<u8>().ok()) {
                Some(n) => Spanned::new(Ok(Protocol::Number(n)), v.span.clone(), k.span.clone()),
                None => self.bad_value(k, v),
            },
            RawKind::String => match v.as_str().and_then(Protocol::parse) {
                Some(p) => Spanned::new(Ok(p), v.span.clone(), k.span.clone()),
                None => self.bad_value(k, v),
            },
            _ => self.wrong(k, v, path, "a protocol name or number"),
        }
    }

    fn protocol(&mut self, m: &MapView<'_>, name: &str) -> Option<Val<Protocol>> {
        let (k, v) = m.get(name)?;
        Some(self.protocol_node(k, v, m.path(name)))
    }

    fn port_node(&mut self, k: &Node, v: &Node, path: String) -> Val<Port> {
        match raw_kind(v) {
            RawKind::Number => match v.as_str().and_then(|s| s.parse::<u16>().ok()) {
                Some(n) => Spanned::new(
                    Ok(Port::Range { lo: n, hi: n }),
                    v.span.clone(),
                    k.span.clone(),
                ),
                None => self.bad_value(k, v),
            },
            RawKind::String => match v.as_str().and_then(Port::parse) {
                Some(p) => Spanned::new(Ok(p), v.span.clone(), k.span.clone()),
                None => self.bad_value(k, v),
            },
            _ => self.wrong(k, v, path, "a port number, range or name"),
        }
    }

    fn ports(&mut self, m: &MapView<'_>, name: &str) -> Option<List<Port>> {
        self.list(m, name, &mut |r, k, v, p| r.port_node(k, v, p))
    }

    fn nets(&mut self, m: &MapView<'_>, name: &str) -> Option<List<Net>> {
        self.list(m, name, &mut |r, k, v, p| {
            r.parsed_node(k, v, p, &Net::parse)
        })
    }

    fn enum_field<T>(
        &mut self,
        m: &MapView<'_>,
        name: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Option<Val<T>> {
        self.parsed(m, name, parse)
    }

    /// `metadata`.
    pub(crate) fn meta(&mut self, doc: &MapView<'_>) -> Meta {
        let Some((k, v)) = doc.get("metadata") else {
            return Meta::default();
        };
        let Some(m) = self.map(v, META_KEYS, "metadata".into()) else {
            self.wrong::<()>(k, v, "metadata".into(), "a mapping");
            return Meta::default();
        };
        Meta {
            name: self.string(&m, "name"),
            namespace: self.string(&m, "namespace"),
            labels: self.string_map(&m, "labels"),
            annotations: self.string_map(&m, "annotations"),
        }
    }

    fn entity(&mut self, m: &MapView<'_>) -> EntityRule {
        EntityRule {
            span: m.node.span.clone(),
            nets: self.nets(m, "nets"),
            not_nets: self.nets(m, "notNets"),
            selector: self.string(m, "selector"),
            not_selector: self.string(m, "notSelector"),
            namespace_selector: self.string(m, "namespaceSelector"),
            ports: self.ports(m, "ports"),
            not_ports: self.ports(m, "notPorts"),
            service_accounts: self.object(m, "serviceAccounts", SA_KEYS, |r, s| {
                ServiceAccountMatch {
                    names: r.string_list(s, "names"),
                    selector: r.string(s, "selector"),
                }
            }),
            services: self.object(m, "services", SERVICE_KEYS, |r, s| ServiceMatch {
                name: r.string(s, "name"),
                namespace: r.string(s, "namespace"),
            }),
        }
    }

    fn icmp(&mut self, m: &MapView<'_>) -> IcmpFields {
        IcmpFields {
            icmp_type: self.int(m, "type"),
            code: self.int(m, "code"),
        }
    }

    fn rule(&mut self, m: &MapView<'_>) -> RuleSpec {
        RuleSpec {
            span: m.node.span.clone(),
            action: self.enum_field(m, "action", Action::parse),
            protocol: self.protocol(m, "protocol"),
            not_protocol: self.protocol(m, "notProtocol"),
            icmp: self.object(m, "icmp", ICMP_KEYS, |r, m| r.icmp(m)),
            not_icmp: self.object(m, "notICMP", ICMP_KEYS, |r, m| r.icmp(m)),
            ip_version: self.int(m, "ipVersion"),
            source: self.object(m, "source", ENTITY_KEYS, |r, m| r.entity(m)),
            destination: self.object(m, "destination", ENTITY_KEYS, |r, m| r.entity(m)),
            http: self.object(m, "http", HTTP_KEYS, |r, h| HttpMatch {
                methods: r.string_list(h, "methods"),
                paths: r.list(h, "paths", &mut |r, k, v, p| {
                    r.object_node(k, v, p, PATH_KEYS, |r, pm| HttpPath {
                        exact: r.string(pm, "exact"),
                        prefix: r.string(pm, "prefix"),
                    })
                }),
            }),
            metadata: self.object(m, "metadata", RULE_META_KEYS, |r, md| {
                r.string_map(md, "annotations")
                    .and_then(|a| a.value.ok())
                    .into_iter()
                    .flatten()
                    .filter_map(|(k, v)| Some((k.value, v.value.ok()?)))
                    .collect()
            }),
        }
    }

    fn rules(&mut self, m: &MapView<'_>, name: &str) -> Option<Val<Vec<Val<RuleSpec>>>> {
        self.list(m, name, &mut |r, k, v, p| {
            r.object_node(k, v, p, RULE_KEYS, |r, m| r.rule(m))
        })
    }

    /// The spec of a Calico policy kind.
    pub(crate) fn policy(&mut self, m: &MapView<'_>) -> PolicySpec {
        let has = |k: &str| m.known.contains(&k);
        PolicySpec {
            tier: self.string(m, "tier"),
            order: self.float(m, "order"),
            selector: self.string(m, "selector"),
            namespace_selector: has("namespaceSelector")
                .then(|| self.string(m, "namespaceSelector"))
                .flatten(),
            service_account_selector: self.string(m, "serviceAccountSelector"),
            types: self.list(m, "types", &mut |r, k, v, p| {
                r.parsed_node(k, v, p, &PolicyType::parse)
            }),
            ingress: self.rules(m, "ingress"),
            egress: self.rules(m, "egress"),
            do_not_track: has("doNotTrack")
                .then(|| self.boolean(m, "doNotTrack"))
                .flatten(),
            pre_dnat: has("preDNAT").then(|| self.boolean(m, "preDNAT")).flatten(),
            apply_on_forward: has("applyOnForward")
                .then(|| self.boolean(m, "applyOnForward"))
                .flatten(),
            performance_hints: self.string_list(m, "performanceHints"),
            staged_action: has("stagedAction")
                .then(|| self.enum_field(m, "stagedAction", StagedAction::parse))
                .flatten(),
        }
    }

    pub(crate) fn tier(&mut self, m: &MapView<'_>) -> TierSpec {
        TierSpec {
            order: self.float(m, "order"),
            default_action: self.enum_field(m, "defaultAction", |s| match s {
                "Deny" => Some(TierAction::Deny),
                "Pass" => Some(TierAction::Pass),
                _ => None,
            }),
        }
    }

    fn endpoint_ports(&mut self, m: &MapView<'_>) -> Option<Val<Vec<Val<EndpointPort>>>> {
        self.list(m, "ports", &mut |r, k, v, p| {
            r.object_node(k, v, p, ENDPOINT_PORT_KEYS, |r, pm| EndpointPort {
                name: r.string(pm, "name"),
                protocol: r.protocol(pm, "protocol"),
                port: r.int(pm, "port"),
            })
        })
    }

    pub(crate) fn host_endpoint(&mut self, m: &MapView<'_>) -> HostEndpointSpec {
        HostEndpointSpec {
            node: self.string(m, "node"),
            interface_name: self.string(m, "interfaceName"),
            expected_ips: self.list(m, "expectedIPs", &mut |r, k, v, p| {
                r.parsed_node(k, v, p, &|s| s.parse::<IpAddr>().ok())
            }),
            profiles: self.string_list(m, "profiles"),
            ports: self.endpoint_ports(m),
        }
    }

    pub(crate) fn workload_endpoint(&mut self, m: &MapView<'_>) -> WorkloadEndpointSpec {
        WorkloadEndpointSpec {
            orchestrator: self.string(m, "orchestrator"),
            workload: self.string(m, "workload"),
            node: self.string(m, "node"),
            pod: self.string(m, "pod"),
            endpoint: self.string(m, "endpoint"),
            service_account_name: self.string(m, "serviceAccountName"),
            ip_networks: self.nets(m, "ipNetworks"),
            profiles: self.string_list(m, "profiles"),
            interface_name: self.string(m, "interfaceName"),
            ports: self.endpoint_ports(m),
        }
    }

    pub(crate) fn network_set(&mut self, m: &MapView<'_>) -> NetworkSetSpec {
        NetworkSetSpec {
            nets: self.nets(m, "nets"),
        }
    }

    pub(crate) fn profile(&mut self, m: &MapView<'_>) -> ProfileSpec {
        ProfileSpec {
            ingress: self.rules(m, "ingress"),
            egress: self.rules(m, "egress"),
            labels_to_apply: self.string_map(m, "labelsToApply"),
        }
    }

    fn proto_ports(&mut self, m: &MapView<'_>, name: &str) -> Option<Val<Vec<Val<ProtoPortSpec>>>> {
        self.list(m, name, &mut |r, k, v, p| {
            r.object_node(k, v, p, PROTOPORT_KEYS, |r, pm| ProtoPortSpec {
                protocol: r.string(pm, "protocol"),
                port: r.int(pm, "port"),
                net: r.string(pm, "net"),
            })
        })
    }

    pub(crate) fn felix(&mut self, m: &MapView<'_>) -> FelixConfigurationSpec {
        FelixConfigurationSpec {
            failsafe_inbound: self.proto_ports(m, "failsafeInboundHostPorts"),
            failsafe_outbound: self.proto_ports(m, "failsafeOutboundHostPorts"),
            default_endpoint_to_host_action: self.enum_field(
                m,
                "defaultEndpointToHostAction",
                |s| match s.to_ascii_lowercase().as_str() {
                    "drop" => Some(EndpointToHostAction::Drop),
                    "accept" => Some(EndpointToHostAction::Accept),
                    "return" => Some(EndpointToHostAction::Return),
                    _ => None,
                },
            ),
            allow_vxlan_from_workloads: self.boolean(m, "allowVXLANPacketsFromWorkloads"),
            allow_ipip_from_workloads: self.boolean(m, "allowIPIPPacketsFromWorkloads"),
            vxlan_port: self.int(m, "vxlanPort"),
        }
    }

    fn label_selector(&mut self, k: &Node, v: &Node, path: String) -> Val<LabelSelector> {
        self.object_node(k, v, path, LABEL_SELECTOR_KEYS, |r, m| LabelSelector {
            span: m.node.span.clone(),
            match_labels: r
                .string_map(m, "matchLabels")
                .and_then(|x| x.value.ok())
                .unwrap_or_default(),
            match_expressions: r
                .list(m, "matchExpressions", &mut |r, k, v, p| {
                    r.object_node(k, v, p, REQUIREMENT_KEYS, |r, e| LabelRequirement {
                        key: r.string(e, "key"),
                        operator: r.string(e, "operator"),
                        values: r
                            .string_list(e, "values")
                            .and_then(|x| x.value.ok())
                            .unwrap_or_default(),
                    })
                })
                .and_then(|x| x.value.ok())
                .unwrap_or_default(),
        })
    }

    fn k8s_rules(
        &mut self,
        m: &MapView<'_>,
        name: &str,
        known: &'static [&'static str],
        peers: &'static str,
    ) -> Option<Val<Vec<Val<K8sRule>>>> {
        self.list(m, name, &mut |r, k, v, p| {
            r.object_node(k, v, p, known, |r, rm| K8sRule {
                span: rm.node.span.clone(),
                peers: r
                    .list(rm, peers, &mut |r, k, v, p| {
                        r.object_node(k, v, p, KNP_PEER_KEYS, |r, pm| K8sPeer {
                            span: pm.node.span.clone(),
                            pod_selector: pm
                                .get("podSelector")
                                .map(|(k, v)| r.label_selector(k, v, pm.path("podSelector"))),
                            namespace_selector: pm
                                .get("namespaceSelector")
                                .map(|(k, v)| r.label_selector(k, v, pm.path("namespaceSelector"))),
                            ip_block: r.object(pm, "ipBlock", IPBLOCK_KEYS, |r, b| IpBlock {
                                cidr: r.parsed(b, "cidr", Net::parse),
                                except: r
                                    .nets(b, "except")
                                    .and_then(|x| x.value.ok())
                                    .unwrap_or_default(),
                            }),
                        })
                    })
                    .and_then(|x| x.value.ok()),
                ports: r
                    .list(rm, "ports", &mut |r, k, v, p| {
                        r.object_node(k, v, p, KNP_PORT_KEYS, |r, pm| K8sPort {
                            protocol: r.string(pm, "protocol"),
                            port: pm
                                .get("port")
                                .map(|(k, v)| r.port_node(k, v, pm.path("port"))),
                            end_port: r.int(pm, "endPort"),
                        })
                    })
                    .and_then(|x| x.value.ok()),
            })
        })
    }

    pub(crate) fn k8s_policy(&mut self, m: &MapView<'_>) -> K8sPolicySpec {
        K8sPolicySpec {
            pod_selector: m
                .get("podSelector")
                .map(|(k, v)| self.label_selector(k, v, m.path("podSelector"))),
            policy_types: self.list(m, "policyTypes", &mut |r, k, v, p| {
                r.parsed_node(k, v, p, &PolicyType::parse)
            }),
            ingress: self.k8s_rules(m, "ingress", KNP_INGRESS_KEYS, "from"),
            egress: self.k8s_rules(m, "egress", KNP_EGRESS_KEYS, "to"),
            staged_action: m
                .known
                .contains(&"stagedAction")
                .then(|| self.enum_field(m, "stagedAction", StagedAction::parse))
                .flatten(),
        }
    }

    /// The parts of a Pod that Calico reads (lenient: other keys are not looked at).
    pub(crate) fn pod(&mut self, doc: &Node) -> PodSpec {
        let mut out = PodSpec::default();
        const POD_SPEC: &[&str] = &[
            "serviceAccountName",
            "serviceAccount",
            "nodeName",
            "hostNetwork",
            "containers",
            "initContainers",
        ];
        const CONTAINER: &[&str] = &["ports"];
        const CPORT: &[&str] = &["name", "protocol", "containerPort"];
        const STATUS: &[&str] = &["podIP", "podIPs", "phase"];
        const POD_IP: &[&str] = &["ip"];
        if let Some(spec) = doc
            .get("spec")
            .and_then(|s| self.map(s, POD_SPEC, "spec".into()))
        {
            out.service_account_name = self
                .string(&spec, "serviceAccountName")
                .or_else(|| self.string(&spec, "serviceAccount"));
            out.node_name = self.string(&spec, "nodeName");
            out.host_network = self.boolean(&spec, "hostNetwork");
            for list in ["containers", "initContainers"] {
                let Some((_, cs)) = spec.get(list) else {
                    continue;
                };
                for (i, c) in cs.items().iter().enumerate() {
                    let Some(cm) = self.map(c, CONTAINER, format!("spec.{list}[{i}]")) else {
                        continue;
                    };
                    if let Some(ports) = self.list(&cm, "ports", &mut |r, k, v, p| {
                        r.object_node(k, v, p, CPORT, |r, pm| ContainerPort {
                            name: r.string(pm, "name"),
                            protocol: r.string(pm, "protocol"),
                            container_port: r.int(pm, "containerPort"),
                        })
                    }) {
                        out.ports.extend(ports.value.ok().into_iter().flatten());
                    }
                }
            }
        }
        if let Some(st) = doc
            .get("status")
            .and_then(|s| self.map(s, STATUS, "status".into()))
        {
            let ip = |r: &mut Reader<'_>, k: &Node, v: &Node, p: String| {
                r.parsed_node(k, v, p, &|s| s.parse::<IpAddr>().ok())
            };
            out.pod_ip = st
                .get("podIP")
                .map(|(k, v)| ip(self, k, v, st.path("podIP")));
            if let Some((_, ips)) = st.get("podIPs") {
                for (i, item) in ips.items().iter().enumerate() {
                    let Some(im) = self.map(item, POD_IP, format!("status.podIPs[{i}]")) else {
                        continue;
                    };
                    if let Some((k, v)) = im.get("ip") {
                        let p = im.path("ip");
                        out.pod_ips.push(ip(self, k, v, p));
                    }
                }
            }
            out.phase = self.string(&st, "phase");
        }
        out
    }
}
