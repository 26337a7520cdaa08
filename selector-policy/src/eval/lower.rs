//! From manifests to the resolved [`Ir`]: endpoints with label sets (POLICY.md 7), network
//! sets, tiers (built-in ones unless overridden) and policies in evaluation order (POLICY.md 3),
//! Kubernetes NetworkPolicy converted as Calico does (POLICY.md 2.3), profiles and Felix settings.
//!
//! A later resource with the same kind, namespace and name replaces the earlier one, as
//! `calicoctl apply` would. A policy Calico would reject (a selector or rule field it cannot
//! read) is left out, and a note says so: it would never reach Felix.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use selector_core::index::SelectorIndex;
use selector_core::Selector;

use super::ir::{
    proto, Action, Cidr, Endpoint, EndpointKind, EndpointToHost, Entity, Failsafe, Felix, Icmp, Ir,
    Loc, NamedPort, NetSet, PeerSel, Policy, PortMatch, Profile, Rule, Stage, Tier,
};
use crate::source::SourceFile;
use crate::yaml::{self, Node, Style, Value};

const NS_LABEL: &str = "projectcalico.org/namespace";
const SA_LABEL: &str = "projectcalico.org/serviceaccount";
const NAME_LABEL: &str = "projectcalico.org/name";
const ORCH_LABEL: &str = "projectcalico.org/orchestrator";
const DEFAULT_ALLOW: &str = "projectcalico-default-allow";
/// Resources nested deeper than this inside `kind: List` are ignored.
const MAX_LIST_DEPTH: usize = 4;

/// Why manifests could not be loaded for evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// One line per problem (`file:line: message`).
    pub problems: Vec<String>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot evaluate these manifests: {}",
            self.problems.join("; ")
        )
    }
}

impl std::error::Error for LoadError {}

struct Doc<'a> {
    file: usize,
    kind: String,
    api: String,
    name: String,
    namespace: Option<String>,
    node: &'a Node,
}

fn text(n: Option<&Node>) -> Option<&str> {
    n.and_then(Node::as_str)
}

fn is_plain_number(n: &Node) -> bool {
    matches!(
        &n.value,
        Value::Scalar {
            style: Style::Plain,
            ..
        }
    )
}

fn number(n: Option<&Node>) -> Option<f64> {
    let n = n?;
    if !is_plain_number(n) {
        return None;
    }
    n.as_str()?.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn boolean(n: Option<&Node>) -> bool {
    text(n) == Some("true")
}

fn labels(n: Option<&Node>) -> BTreeMap<String, String> {
    n.map(|l| {
        l.entries()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
            .collect()
    })
    .unwrap_or_default()
}

fn strings(n: Option<&Node>) -> Vec<String> {
    n.map(|l| {
        l.items()
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect()
    })
    .unwrap_or_default()
}

fn collect_docs<'a>(file: usize, n: &'a Node, depth: usize, out: &mut Vec<Doc<'a>>) {
    if depth > MAX_LIST_DEPTH {
        return;
    }
    match &n.value {
        Value::Seq(items) => items
            .iter()
            .for_each(|i| collect_docs(file, i, depth + 1, out)),
        Value::Map(_) => {
            let kind = text(n.get("kind")).unwrap_or("");
            if kind.ends_with("List") {
                for i in n.get("items").map(Node::items).unwrap_or_default() {
                    collect_docs(file, i, depth + 1, out);
                }
                return;
            }
            let meta = n.get("metadata");
            out.push(Doc {
                file,
                kind: kind.to_string(),
                api: text(n.get("apiVersion")).unwrap_or("").to_string(),
                name: text(meta.and_then(|m| m.get("name")))
                    .unwrap_or("")
                    .to_string(),
                namespace: text(meta.and_then(|m| m.get("namespace")))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                node: n,
            });
        }
        Value::Scalar { .. } => {}
    }
}

struct Ctx<'a> {
    files: &'a [SourceFile],
    notes: Vec<String>,
}

impl Ctx<'_> {
    fn loc(&self, file: usize, offset: usize) -> Option<Loc> {
        let f = self.files.get(file)?;
        let (line, _) = f.position(offset);
        Some(Loc {
            file: f.name.clone(),
            line,
            text: f.line_text(line).to_string(),
        })
    }

    fn note(&mut self, s: String) {
        if !self.notes.contains(&s) {
            self.notes.push(s);
        }
    }
}

fn parse_sel(s: &str) -> Result<Selector, String> {
    Selector::parse(s).map_err(|e| format!("selector `{s}` does not parse: {e}"))
}

fn quote(v: &str) -> String {
    if v.contains('"') {
        format!("'{v}'")
    } else {
        format!("\"{v}\"")
    }
}

/// A selector field's text: `None` when absent or empty.
fn sel_field(n: Option<&Node>) -> Result<Option<String>, String> {
    match n {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(n) => match n.as_str() {
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => {
                if n.tag.as_ref().is_some_and(|t| !t.starts_with("!!")) {
                    return Err(format!("selector `{s}` is read as a YAML tag"));
                }
                Ok(Some(parse_sel(s)?.canonical().to_string()))
            }
            None => Err("a selector must be a string".into()),
        },
    }
}

fn prefixed(s: &str, prefix: &str) -> Result<String, String> {
    Ok(parse_sel(s)?
        .with_label_prefix(prefix)
        .canonical()
        .to_string())
}

/// A Kubernetes label selector object as a Calico selector (`{}` selects everything).
fn k8s_selector(n: &Node) -> Result<String, String> {
    let mut parts = Vec::new();
    for (k, v) in n.get("matchLabels").map(Node::entries).unwrap_or_default() {
        let (Some(k), Some(v)) = (k.as_str(), v.as_str()) else {
            return Err("matchLabels must map strings to strings".into());
        };
        parts.push(format!("{k} == {}", quote(v)));
    }
    for e in n
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default()
    {
        let key = text(e.get("key")).ok_or("a matchExpression needs a key")?;
        let values: Vec<String> = strings(e.get("values")).iter().map(|v| quote(v)).collect();
        parts.push(match text(e.get("operator")) {
            Some("In") => format!("{key} in {{{}}}", values.join(", ")),
            Some("NotIn") => format!("{key} not in {{{}}}", values.join(", ")),
            Some("Exists") => format!("has({key})"),
            Some("DoesNotExist") => format!("!has({key})"),
            other => return Err(format!("unknown matchExpression operator {other:?}")),
        });
    }
    Ok(if parts.is_empty() {
        "all()".to_string()
    } else {
        parts.join(" && ")
    })
}

fn compile(text: &str) -> Result<Selector, String> {
    parse_sel(text)
}

/// The policy's combined selector (SPEC section 8).
fn policy_selector(spec: &Node, namespace: Option<&str>, kind: &str) -> Result<Selector, String> {
    let s = sel_field(spec.get("selector"))?;
    let sa = match sel_field(spec.get("serviceAccountSelector"))? {
        Some(t) => Some(prefixed(&t, "pcsa.")?),
        None => None,
    };
    let text = if let Some(ns) = namespace {
        let mut t = match s {
            Some(s) => format!("({s}) && {NS_LABEL} == {}", quote(ns)),
            None => format!("{NS_LABEL} == {}", quote(ns)),
        };
        if let Some(sa) = sa {
            t = format!("({t}) && {sa}");
        }
        t
    } else {
        let _ = kind;
        // An absent selector adds nothing: `namespaceSelector: "!has(env)"` alone stays
        // `!has(pcns.env)` (POLICY.md 9.32); the text `all()` is replaced only where written.
        let mut t = s;
        if let Some(ns) = sel_field(spec.get("namespaceSelector"))? {
            let ns = prefixed(&ns, "pcns.")?;
            t = Some(
                match t {
                    Some(t) => format!("({t}) && {ns}"),
                    None => ns,
                }
                .replace("all()", &format!("has({NS_LABEL})")),
            );
        }
        if let Some(sa) = sa {
            t = Some(
                match t {
                    Some(t) => format!("({t}) && {sa}"),
                    None => sa,
                }
                .replace("all()", &format!("has({SA_LABEL})")),
            );
        }
        t.unwrap_or_else(|| "all()".to_string())
    };
    compile(&text)
}

/// A rule peer's selectors (SPEC section 8).
fn peer_selector(peer: &Node, namespace: Option<&str>) -> Result<PeerSel, String> {
    let not_selector = match sel_field(peer.get("notSelector"))? {
        Some(t) => Some(compile(&t)?),
        None => None,
    };
    let selector = sel_field(peer.get("selector"))?;
    let ns_sel = sel_field(peer.get("namespaceSelector"))?;
    let sa = peer.get("serviceAccounts");
    let sa_sel = sel_field(sa.and_then(|s| s.get("selector")))?;
    let sa_names = strings(sa.and_then(|s| s.get("names")));
    let has_selection = selector.is_some()
        || ns_sel.is_some()
        || not_selector.is_some()
        || sa_sel.is_some()
        || !sa_names.is_empty();
    if !has_selection {
        return Ok(PeerSel::default());
    }
    let namespace_part = match ns_sel {
        Some(ns) => Some(
            prefixed(&ns, "pcns.")?
                .replace("all()", &format!("has({NS_LABEL})"))
                .replace("global()", &format!("!has({NS_LABEL})")),
        ),
        None => namespace.map(|n| format!("{NS_LABEL} == {}", quote(n))),
    };
    let mut endpoint = Vec::new();
    if let Some(s) = sa_sel {
        endpoint.push(format!("({})", prefixed(&s, "pcsa.")?));
    }
    if !sa_names.is_empty() {
        let names: Vec<String> = sa_names.iter().map(|n| quote(n)).collect();
        endpoint.push(format!("{SA_LABEL} in {{{}}}", names.join(", ")));
    }
    if let Some(s) = selector {
        endpoint.push(format!("({s})"));
    }
    let endpoint_part = (!endpoint.is_empty()).then(|| endpoint.join(" && "));
    let text = match (namespace_part, endpoint_part) {
        (Some(n), Some(e)) => Some(format!("({n}) && ({e})")),
        (Some(n), None) => Some(n),
        (None, Some(e)) => Some(e),
        (None, None) => None,
    };
    Ok(PeerSel {
        selector: text.map(|t| compile(&t)).transpose()?,
        not_selector,
    })
}

fn cidrs(n: Option<&Node>, host_bits_ok: bool) -> Result<Vec<Cidr>, String> {
    let mut out = Vec::new();
    for s in strings(n) {
        let c = Cidr::parse(&s).ok_or_else(|| format!("`{s}` is not a CIDR"))?;
        if !host_bits_ok && (!s.contains('/') || c.to_string() != s.trim()) {
            // Calico rejects a rule net with host bits or without a prefix; keep the masked
            // network only when the text was already canonical.
            let parsed: Option<IpAddr> = s.split('/').next().and_then(|a| a.parse().ok());
            if !s.contains('/') || parsed != Some(c.addr) {
                return Err(format!(
                    "rule net `{s}` is not a network address with a prefix"
                ));
            }
        }
        out.push(c);
    }
    Ok(out)
}

fn ports(n: Option<&Node>) -> Result<Vec<PortMatch>, String> {
    let mut out = Vec::new();
    for p in n.map(Node::items).unwrap_or_default() {
        let s = p
            .as_str()
            .ok_or("a port must be a number, a range or a name")?;
        if let Ok(n) = s.parse::<u16>() {
            out.push(PortMatch::Range(n, n));
        } else if let Some((lo, hi)) = s.split_once(':') {
            let (lo, hi) = (lo.trim().parse::<u16>(), hi.trim().parse::<u16>());
            match (lo, hi) {
                (Ok(lo), Ok(hi)) if lo <= hi => out.push(PortMatch::Range(lo, hi)),
                _ => return Err(format!("port range `{s}` is invalid")),
            }
        } else if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            out.push(PortMatch::Named(s.to_string()));
        } else {
            return Err(format!("port `{s}` is invalid"));
        }
    }
    Ok(out)
}

fn protocol(n: Option<&Node>) -> Result<Option<u8>, String> {
    match text(n) {
        None => Ok(None),
        Some(s) => proto::from_calico(s)
            .map(Some)
            .ok_or_else(|| format!("protocol `{s}` is invalid")),
    }
}

fn icmp(n: Option<&Node>) -> Result<Option<Icmp>, String> {
    let Some(n) = n else { return Ok(None) };
    let kind = number(n.get("type")).and_then(|f| u8::try_from(f as i64).ok());
    let code = number(n.get("code")).and_then(|f| u8::try_from(f as i64).ok());
    match kind {
        Some(kind) => Ok(Some(Icmp { kind, code })),
        None => Err("icmp needs a type 0-254".into()),
    }
}

fn entity(n: Option<&Node>, namespace: Option<&str>) -> Result<Entity, String> {
    let Some(n) = n else {
        return Ok(Entity::default());
    };
    let nets = cidrs(n.get("nets"), false)?;
    let not_nets = cidrs(n.get("notNets"), false)?;
    Ok(Entity {
        nets_set: !nets.is_empty(),
        not_nets_set: !not_nets.is_empty(),
        nets,
        not_nets,
        sel: peer_selector(n, namespace)?,
        ports: ports(n.get("ports"))?,
        not_ports: ports(n.get("notPorts"))?,
        services: n.get("services").is_some_and(|s| !s.is_null()),
    })
}

fn action(s: Option<&str>) -> Result<Action, String> {
    match s {
        Some("Allow") => Ok(Action::Allow),
        Some("Deny") => Ok(Action::Deny),
        Some("Pass") => Ok(Action::Pass),
        Some("Log") => Ok(Action::Log),
        Some(other) => Err(format!("action `{other}` is not Allow, Deny, Pass or Log")),
        None => Err("a rule needs an action".into()),
    }
}

fn rule(ctx: &Ctx, file: usize, n: &Node, namespace: Option<&str>) -> Result<Rule, String> {
    let ip_version = match number(n.get("ipVersion")) {
        None => None,
        Some(4.0) => Some(4),
        Some(6.0) => Some(6),
        Some(v) => return Err(format!("ipVersion {v} is not 4 or 6")),
    };
    Ok(Rule {
        action: action(text(n.get("action")))?,
        protocol: protocol(n.get("protocol"))?,
        not_protocol: protocol(n.get("notProtocol"))?,
        icmp: icmp(n.get("icmp"))?,
        not_icmp: icmp(n.get("notICMP"))?,
        ip_version,
        source: entity(n.get("source"), namespace)?,
        destination: entity(n.get("destination"), namespace)?,
        http: n.get("http").is_some_and(|h| !h.is_null()),
        broken: None,
        loc: ctx.loc(file, n.span.start),
    })
}

fn rules(
    ctx: &Ctx,
    file: usize,
    n: Option<&Node>,
    namespace: Option<&str>,
) -> Result<Vec<Rule>, String> {
    n.map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|r| rule(ctx, file, r, namespace))
        .collect()
}

/// `types`, defaulted as the API does (POLICY.md 1.1).
fn types(spec: &Node, has_in: bool, has_out: bool) -> Result<(bool, bool), String> {
    let t = strings(spec.get("types"));
    if t.is_empty() {
        return Ok(if has_out && !has_in {
            (false, true)
        } else {
            (true, has_out)
        });
    }
    let mut r = (false, false);
    for x in &t {
        match x.as_str() {
            "Ingress" => r.0 = true,
            "Egress" => r.1 = true,
            other => return Err(format!("type `{other}` is not Ingress or Egress")),
        }
    }
    Ok(r)
}

struct RawPolicy {
    kind: String,
    name: String,
    namespace: Option<String>,
    tier: String,
    order: Option<f64>,
    selector: Selector,
    ingress: bool,
    egress: bool,
    staged: bool,
    stage: Stage,
    apply_on_forward: bool,
    ingress_rules: Vec<Rule>,
    egress_rules: Vec<Rule>,
    loc: Option<Loc>,
}

fn calico_policy(ctx: &Ctx, d: &Doc) -> Result<Option<RawPolicy>, String> {
    let spec = d.node.get("spec").unwrap_or(d.node);
    let namespaced = matches!(d.kind.as_str(), "NetworkPolicy" | "StagedNetworkPolicy");
    let namespace = namespaced.then(|| d.namespace.clone().unwrap_or_else(|| "default".into()));
    let staged = d.kind.starts_with("Staged");
    if staged && text(spec.get("stagedAction")) == Some("Delete") {
        return Ok(None);
    }
    let ns = namespace.as_deref();
    let ingress_rules = rules(ctx, d.file, spec.get("ingress"), ns)?;
    let egress_rules = rules(ctx, d.file, spec.get("egress"), ns)?;
    let (ingress, egress) = types(spec, !ingress_rules.is_empty(), !egress_rules.is_empty())?;
    let stage = if boolean(spec.get("doNotTrack")) {
        Stage::Untracked
    } else if boolean(spec.get("preDNAT")) {
        Stage::PreDnat
    } else {
        Stage::Normal
    };
    let order = match spec.get("order") {
        None => None,
        Some(n) if n.is_null() => None,
        Some(n) => Some(number(Some(n)).ok_or("order must be a number")?),
    };
    Ok(Some(RawPolicy {
        kind: d.kind.clone(),
        name: d.name.clone(),
        tier: text(spec.get("tier"))
            .filter(|t| !t.is_empty())
            .unwrap_or("default")
            .to_string(),
        order,
        selector: policy_selector(spec, ns, &d.kind)?,
        namespace,
        ingress,
        egress,
        staged,
        stage,
        apply_on_forward: boolean(spec.get("applyOnForward")),
        ingress_rules,
        egress_rules,
        loc: name_loc(ctx, d),
    }))
}

/// Where a resource is named (its `metadata.name` line), else where it starts.
fn name_loc(ctx: &Ctx, d: &Doc) -> Option<Loc> {
    let at = d
        .node
        .get("metadata")
        .and_then(|m| m.get_key("name"))
        .map_or(d.node.span.start, |n| n.span.start);
    ctx.loc(d.file, at)
}

/// A Kubernetes NetworkPolicy as Calico converts it (POLICY.md 2.3).
fn k8s_policy(ctx: &Ctx, d: &Doc, staged: bool) -> Result<RawPolicy, String> {
    let spec = d.node.get("spec").unwrap_or(d.node);
    let ns = d.namespace.clone().unwrap_or_else(|| "default".into());
    let pod_sel = match spec.get("podSelector") {
        Some(n) if !n.is_null() => k8s_selector(n)?,
        _ => "all()".into(),
    };
    let selector = compile(&format!(
        "({ORCH_LABEL} == \"k8s\" && ({pod_sel})) && {NS_LABEL} == {}",
        quote(&ns)
    ))?;
    let convert = |dir_key: &str, peer_key: &str| -> Result<Vec<Rule>, String> {
        let mut out = Vec::new();
        for r in spec.get(dir_key).map(Node::items).unwrap_or_default() {
            let loc = ctx.loc(d.file, r.span.start);
            let peers: Vec<Option<&Node>> = match r.get(peer_key).map(Node::items) {
                Some(items) if !items.is_empty() => items.iter().map(Some).collect(),
                _ => vec![None],
            };
            let mut port_specs: Vec<(u8, Vec<PortMatch>)> = Vec::new();
            for p in r.get("ports").map(Node::items).unwrap_or_default() {
                let pr = match text(p.get("protocol")).unwrap_or("TCP") {
                    "TCP" => proto::TCP,
                    "UDP" => proto::UDP,
                    "SCTP" => proto::SCTP,
                    other => return Err(format!("protocol `{other}` is not TCP, UDP or SCTP")),
                };
                let ports = match p.get("port") {
                    None => vec![],
                    Some(pn) => {
                        let s = pn.as_str().ok_or("a port must be a number or a name")?;
                        match s.parse::<u16>() {
                            Ok(lo) => {
                                let hi = number(p.get("endPort"))
                                    .and_then(|f| u16::try_from(f as i64).ok())
                                    .unwrap_or(lo);
                                vec![PortMatch::Range(lo, hi.max(lo))]
                            }
                            Err(_) => vec![PortMatch::Named(s.to_string())],
                        }
                    }
                };
                port_specs.push((pr, ports));
            }
            for peer in &peers {
                let mut base = Entity::default();
                if let Some(p) = peer {
                    if let Some(b) = p.get("ipBlock") {
                        let c = text(b.get("cidr")).ok_or("ipBlock needs a cidr")?;
                        base.nets =
                            vec![Cidr::parse(c).ok_or_else(|| format!("`{c}` is not a CIDR"))?];
                        base.nets_set = true;
                        base.not_nets = cidrs(b.get("except"), true)?;
                        base.not_nets_set = !base.not_nets.is_empty();
                    } else {
                        let pod = p.get("podSelector").map(k8s_selector).transpose()?;
                        let nsel = p.get("namespaceSelector").map(k8s_selector).transpose()?;
                        let ns_part = match &nsel {
                            Some(s) if s == "all()" => format!("has({NS_LABEL})"),
                            Some(s) => prefixed(s, "pcns.")?,
                            None => format!("{NS_LABEL} == {}", quote(&ns)),
                        };
                        let text = match pod {
                            Some(pod) => {
                                format!("({ns_part}) && ({ORCH_LABEL} == \"k8s\" && ({pod}))")
                            }
                            None => ns_part,
                        };
                        base.sel = PeerSel {
                            selector: Some(compile(&text)?),
                            not_selector: None,
                        };
                    }
                }
                let emit = |protocol: Option<u8>, ports: Vec<PortMatch>, out: &mut Vec<Rule>| {
                    let mut rule = Rule::any(Action::Allow);
                    rule.protocol = protocol;
                    rule.loc = loc.clone();
                    if peer_key == "from" {
                        rule.source = base.clone();
                        rule.destination.ports = ports;
                    } else {
                        let mut e = base.clone();
                        e.ports = ports;
                        rule.destination = e;
                    }
                    out.push(rule);
                };
                if port_specs.is_empty() {
                    emit(None, vec![], &mut out);
                } else {
                    for (pr, ports) in &port_specs {
                        emit(Some(*pr), ports.clone(), &mut out);
                    }
                }
            }
        }
        Ok(out)
    };
    let ingress_rules = convert("ingress", "from")?;
    let egress_rules = convert("egress", "to")?;
    let pt = strings(spec.get("policyTypes"));
    let (ingress, egress) = if pt.is_empty() {
        (
            true,
            spec.get("egress").is_some_and(|e| !e.items().is_empty()),
        )
    } else {
        (
            pt.iter().any(|t| t == "Ingress"),
            pt.iter().any(|t| t == "Egress"),
        )
    };
    Ok(RawPolicy {
        kind: if staged {
            "StagedKubernetesNetworkPolicy"
        } else {
            "KubernetesNetworkPolicy"
        }
        .into(),
        name: format!("knp.default.{}", d.name),
        namespace: Some(ns),
        tier: "default".into(),
        order: Some(1000.0),
        selector,
        ingress,
        egress,
        staged,
        stage: Stage::Normal,
        apply_on_forward: false,
        ingress_rules,
        egress_rules,
        loc: name_loc(ctx, d),
    })
}

fn failsafes(n: Option<&Node>) -> Option<Vec<Failsafe>> {
    let n = n?;
    let mut out = Vec::new();
    for e in n.items() {
        // `{protocol, port, net}` objects, or the env-var form `tcp:22`.
        let (p, port, net) = match e.as_str() {
            Some(s) => {
                let (p, port) = s.split_once(':').unwrap_or(("tcp", s));
                (p.to_string(), port.parse::<u16>().ok(), None)
            }
            None => (
                text(e.get("protocol")).unwrap_or("tcp").to_string(),
                number(e.get("port")).and_then(|f| u16::try_from(f as i64).ok()),
                text(e.get("net")).and_then(Cidr::parse),
            ),
        };
        let protocol = match p.to_ascii_lowercase().as_str() {
            "tcp" => proto::TCP,
            "udp" => proto::UDP,
            "sctp" => proto::SCTP,
            _ => continue,
        };
        if let Some(port) = port {
            out.push(Failsafe {
                protocol,
                port,
                net,
            });
        }
    }
    Some(out)
}

fn felix(ctx: &Ctx, d: &Doc) -> Felix {
    let spec = d.node.get("spec").unwrap_or(d.node);
    let mut f = Felix::default();
    if let Some(v) = failsafes(spec.get("failsafeInboundHostPorts")) {
        f.failsafe_in = v;
    }
    if let Some(v) = failsafes(spec.get("failsafeOutboundHostPorts")) {
        f.failsafe_out = v;
    }
    f.endpoint_to_host = match text(spec.get("defaultEndpointToHostAction"))
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("accept") => EndpointToHost::Accept,
        Some("return") => EndpointToHost::Return,
        _ => EndpointToHost::Drop,
    };
    f.allow_vxlan = boolean(spec.get("allowVXLANPacketsFromWorkloads"));
    f.allow_ipip = boolean(spec.get("allowIPIPPacketsFromWorkloads"));
    if let Some(p) = number(spec.get("vxlanPort")).and_then(|f| u16::try_from(f as i64).ok()) {
        f.vxlan_port = p;
    }
    f.loc = name_loc(ctx, d);
    f
}

fn named_ports(list: Option<&Node>, out: &mut Vec<NamedPort>, name_key: &str, port_key: &str) {
    for p in list.map(Node::items).unwrap_or_default() {
        let Some(name) = text(p.get(name_key)).filter(|n| !n.is_empty()) else {
            continue;
        };
        let protocol = match text(p.get("protocol")).unwrap_or("TCP") {
            "UDP" => proto::UDP,
            "SCTP" => proto::SCTP,
            _ => proto::TCP,
        };
        if let Some(port) = number(p.get(port_key)).and_then(|f| u16::try_from(f as i64).ok()) {
            out.push(NamedPort {
                name: name.to_string(),
                protocol,
                port,
            });
        }
    }
}

fn ips(list: &[String]) -> Vec<IpAddr> {
    list.iter()
        .filter_map(|s| s.split('/').next()?.trim().parse().ok())
        .collect()
}

fn builtin_tiers() -> Vec<Tier> {
    [
        ("kube-admin", 1_000.0, true),
        ("default", 1_000_000.0, false),
        ("kube-baseline", 10_000_000.0, true),
    ]
    .into_iter()
    .map(|(n, o, pass)| Tier {
        name: n.into(),
        order: Some(o),
        default_pass: pass,
        exists: true,
    })
    .collect()
}

fn allow_all(name: &str) -> Profile {
    Profile {
        name: name.into(),
        ingress: vec![Rule::any(Action::Allow)],
        egress: vec![Rule::any(Action::Allow)],
        loc: None,
    }
}

/// Reads `files` (applied together, in order) into the evaluator's form.
pub fn lower(files: &[SourceFile]) -> Result<Ir, LoadError> {
    let loaded: Vec<yaml::Loaded> = files.iter().map(|f| yaml::load(&f.text)).collect();
    let mut problems = Vec::new();
    for (f, l) in files.iter().zip(&loaded) {
        if let Some(e) = &l.error {
            let (line, col) = f.position(e.offset);
            problems.push(format!(
                "{}:{line}:{col}: invalid YAML: {}",
                f.name, e.message
            ));
        }
    }
    if !problems.is_empty() {
        return Err(LoadError { problems });
    }
    let mut docs = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        for d in &l.documents {
            collect_docs(i, d, 0, &mut docs);
        }
    }
    // A later resource with the same kind, namespace and name replaces the earlier one.
    let mut last: HashMap<(String, Option<String>, String), usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        last.insert((d.kind.clone(), d.namespace.clone(), d.name.clone()), i);
    }
    let docs: Vec<&Doc> = docs
        .iter()
        .enumerate()
        .filter(|(i, d)| {
            last.get(&(d.kind.clone(), d.namespace.clone(), d.name.clone())) == Some(i)
        })
        .map(|(_, d)| d)
        .collect();
    let mut ctx = Ctx {
        files,
        notes: Vec::new(),
    };
    let calico = |d: &Doc| d.api.starts_with("projectcalico.org/");
    let k8s = |d: &Doc| d.api == "v1";
    let knp = |d: &Doc| d.api.starts_with("networking.k8s.io/");

    let mut ir = Ir::default();
    // Namespaces and service accounts.
    let mut namespaces: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    let mut accounts: HashMap<(String, String), BTreeMap<String, String>> = HashMap::new();
    for d in &docs {
        let meta = d.node.get("metadata");
        if k8s(d) && d.kind == "Namespace" {
            namespaces.insert(d.name.clone(), labels(meta.and_then(|m| m.get("labels"))));
        } else if k8s(d) && d.kind == "ServiceAccount" {
            accounts.insert(
                (
                    d.namespace.clone().unwrap_or_else(|| "default".into()),
                    d.name.clone(),
                ),
                labels(meta.and_then(|m| m.get("labels"))),
            );
        }
    }
    // Profiles: built-in default-allow, user profiles (with labelsToApply).
    let mut profile_labels: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    ir.profiles
        .insert(DEFAULT_ALLOW.into(), allow_all(DEFAULT_ALLOW));
    for d in docs.iter().filter(|d| calico(d) && d.kind == "Profile") {
        let spec = d.node.get("spec").unwrap_or(d.node);
        let built = rules(&ctx, d.file, spec.get("ingress"), None)
            .and_then(|i| Ok((i, rules(&ctx, d.file, spec.get("egress"), None)?)));
        match built {
            Ok((ingress, egress)) => {
                ir.profiles.insert(
                    d.name.clone(),
                    Profile {
                        name: d.name.clone(),
                        ingress,
                        egress,
                        loc: name_loc(&ctx, d),
                    },
                );
                profile_labels.insert(d.name.clone(), labels(spec.get("labelsToApply")));
            }
            Err(e) => ctx.note(format!(
                "Profile `{}` was not loaded ({e}): it behaves as missing",
                d.name
            )),
        }
    }
    // Felix configuration: `default` (per-node configurations are not applied).
    for d in docs
        .iter()
        .filter(|d| calico(d) && d.kind == "FelixConfiguration")
    {
        if d.name == "default" {
            ir.felix = felix(&ctx, d);
        } else {
            ctx.note(format!(
                "FelixConfiguration `{}` is per node and is not applied; `default` is",
                d.name
            ));
        }
    }
    // Endpoints.
    let ns_parent = |ns: &str, ctx: &mut Ctx| -> BTreeMap<String, String> {
        let mut l = BTreeMap::new();
        match namespaces.get(ns) {
            Some(labels) => {
                for (k, v) in labels {
                    l.insert(format!("pcns.{k}"), v.clone());
                }
            }
            None => ctx.note(format!(
                "Namespace `{ns}` is not in the input: assumed to exist with no labels"
            )),
        }
        l.entry("pcns.kubernetes.io/metadata.name".into())
            .or_insert_with(|| ns.to_string());
        l.insert(format!("pcns.{NAME_LABEL}"), ns.to_string());
        l
    };
    for d in &docs {
        let meta = d.node.get("metadata");
        let own = labels(meta.and_then(|m| m.get("labels")));
        let spec = d.node.get("spec").unwrap_or(d.node);
        if calico(d) && d.kind == "HostEndpoint" {
            let profiles = strings(spec.get("profiles"));
            let mut all = own.clone();
            for p in &profiles {
                for (k, v) in profile_labels.get(p).into_iter().flatten() {
                    all.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            let mut ports = Vec::new();
            named_ports(spec.get("ports"), &mut ports, "name", "port");
            ir.endpoints.push(Endpoint {
                kind: EndpointKind::Host,
                name: d.name.clone(),
                namespace: None,
                node: text(spec.get("node")).map(str::to_string),
                ips: ips(&strings(spec.get("expectedIPs"))),
                labels: all,
                profiles,
                ports,
                loc: name_loc(&ctx, d),
            });
        } else if k8s(d) && d.kind == "Pod" {
            let ns = d.namespace.clone().unwrap_or_else(|| "default".into());
            if boolean(spec.get("hostNetwork")) {
                ctx.note(format!(
                    "pod `{ns}/{}` uses the host network: its traffic is the host's",
                    d.name
                ));
                continue;
            }
            let Some(node) = text(spec.get("nodeName")).filter(|n| !n.is_empty()) else {
                ctx.note(format!(
                    "pod `{ns}/{}` has no spec.nodeName (not scheduled): not an endpoint",
                    d.name
                ));
                continue;
            };
            let sa = text(spec.get("serviceAccountName"))
                .or_else(|| text(spec.get("serviceAccount")))
                .filter(|s| !s.is_empty())
                .unwrap_or("default")
                .to_string();
            let status = d.node.get("status");
            let phase = text(status.and_then(|s| s.get("phase")));
            let mut pod_ips: Vec<String> = status
                .and_then(|s| s.get("podIPs"))
                .map(|l| {
                    l.items()
                        .iter()
                        .filter_map(|i| text(i.get("ip")).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if pod_ips.is_empty() {
                pod_ips.extend(text(status.and_then(|s| s.get("podIP"))).map(str::to_string));
            }
            let pod_ips = if matches!(phase, Some("Succeeded" | "Failed")) {
                vec![]
            } else {
                ips(&pod_ips)
            };
            if pod_ips.is_empty() {
                ctx.note(format!("pod `{ns}/{}` has no IP in status.podIP(s): it can be queried by name but owns no address", d.name));
            }
            let mut all = own.clone();
            all.insert(NS_LABEL.into(), ns.clone());
            all.insert(ORCH_LABEL.into(), "k8s".into());
            if sa.len() < 63 {
                all.insert(SA_LABEL.into(), sa.clone());
            }
            for (k, v) in ns_parent(&ns, &mut ctx) {
                all.entry(k).or_insert(v);
            }
            for (k, v) in accounts
                .get(&(ns.clone(), sa.clone()))
                .into_iter()
                .flatten()
            {
                all.entry(format!("pcsa.{k}")).or_insert_with(|| v.clone());
            }
            all.entry(format!("pcsa.{NAME_LABEL}"))
                .or_insert_with(|| sa.clone());
            let mut ports = Vec::new();
            for key in ["containers", "initContainers"] {
                for c in spec.get(key).map(Node::items).unwrap_or_default() {
                    named_ports(c.get("ports"), &mut ports, "name", "containerPort");
                }
            }
            let kns = format!("kns.{ns}");
            let ksa = format!("ksa.{ns}.{sa}");
            ir.profiles
                .entry(kns.clone())
                .or_insert_with(|| allow_all(&kns));
            ir.profiles.entry(ksa.clone()).or_insert_with(|| Profile {
                name: ksa.clone(),
                ingress: vec![],
                egress: vec![],
                loc: None,
            });
            ir.endpoints.push(Endpoint {
                kind: EndpointKind::Pod,
                name: d.name.clone(),
                namespace: Some(ns),
                node: Some(node.to_string()),
                ips: pod_ips,
                labels: all,
                profiles: vec![kns, ksa],
                ports,
                loc: name_loc(&ctx, d),
            });
        } else if calico(d) && (d.kind == "GlobalNetworkSet" || d.kind == "NetworkSet") {
            let mut all = own.clone();
            let namespace = (d.kind == "NetworkSet")
                .then(|| d.namespace.clone().unwrap_or_else(|| "default".into()));
            if let Some(ns) = &namespace {
                all.insert(NS_LABEL.into(), ns.clone());
                for (k, v) in ns_parent(ns, &mut ctx) {
                    all.entry(k).or_insert(v);
                }
            }
            match cidrs(spec.get("nets"), true) {
                Ok(nets) => ir.sets.push(NetSet {
                    kind: d.kind.clone(),
                    name: d.name.clone(),
                    namespace,
                    labels: all,
                    nets,
                }),
                Err(e) => ctx.note(format!("{} `{}` was not loaded: {e}", d.kind, d.name)),
            }
        }
    }
    for (i, e) in ir.endpoints.iter().enumerate() {
        for ip in &e.ips {
            ir.ip_owner.entry(*ip).or_default().push(i);
        }
    }
    // Tiers.
    let mut tiers = builtin_tiers();
    for d in docs.iter().filter(|d| calico(d) && d.kind == "Tier") {
        let spec = d.node.get("spec").unwrap_or(d.node);
        let t = Tier {
            name: d.name.clone(),
            order: Some(number(spec.get("order")).unwrap_or(1_000_000.0)),
            default_pass: text(spec.get("defaultAction")) == Some("Pass"),
            exists: true,
        };
        match tiers.iter_mut().find(|x| x.name == t.name) {
            Some(x) => *x = t,
            None => tiers.push(t),
        }
    }
    // Policies.
    let mut raw = Vec::new();
    for d in &docs {
        let built = if calico(d)
            && matches!(
                d.kind.as_str(),
                "GlobalNetworkPolicy"
                    | "NetworkPolicy"
                    | "StagedGlobalNetworkPolicy"
                    | "StagedNetworkPolicy"
            ) {
            calico_policy(&ctx, d)
        } else if knp(d) && d.kind == "NetworkPolicy" {
            k8s_policy(&ctx, d, false).map(Some)
        } else if calico(d) && d.kind == "StagedKubernetesNetworkPolicy" {
            k8s_policy(&ctx, d, true).map(Some)
        } else {
            continue;
        };
        match built {
            Ok(Some(p)) => raw.push(p),
            Ok(None) => {}
            Err(e) => ctx.note(format!(
                "{} `{}` is not evaluated: Calico would reject it ({e})",
                d.kind, d.name
            )),
        }
    }
    for p in &raw {
        if !tiers.iter().any(|t| t.name == p.tier) {
            ctx.note(format!(
                "tier `{}` (named by `{}`) is not defined: its policies end in a drop",
                p.tier, p.name
            ));
            tiers.push(Tier {
                name: p.tier.clone(),
                order: None,
                default_pass: false,
                exists: false,
            });
        }
    }
    tiers.sort_by(|a, b| {
        b.exists
            .cmp(&a.exists)
            .then_with(|| match (a.order, b.order) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
    });
    let tier_pos: HashMap<&str, usize> = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let mut policies: Vec<Policy> = raw
        .into_iter()
        .map(|p| Policy {
            tier: tier_pos.get(p.tier.as_str()).copied().unwrap_or(usize::MAX),
            kind: p.kind,
            name: p.name,
            namespace: p.namespace,
            order: p.order,
            selector: Some(p.selector),
            ingress: p.ingress,
            egress: p.egress,
            staged: p.staged,
            stage: p.stage,
            apply_on_forward: p.apply_on_forward,
            ingress_rules: p.ingress_rules,
            egress_rules: p.egress_rules,
            loc: p.loc,
        })
        .collect();
    policies.sort_by(|a, b| {
        a.tier
            .cmp(&b.tier)
            .then_with(|| {
                a.order
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.order.unwrap_or(f64::INFINITY))
            })
            .then_with(|| a.tie_key().as_bytes().cmp(b.tie_key().as_bytes()))
    });
    ir.tiers = tiers;
    ir.policies = policies;
    ir.notes = ctx.notes;
    Ok(ir)
}

/// For each endpoint, the indices of the policies whose selector matches its labels, in
/// evaluation order. Uses the selector index so that 1,000 policies x 10,000 endpoints is
/// not a full cross product of evaluations.
pub fn applies(ir: &Ir) -> Vec<Vec<usize>> {
    let mut index: SelectorIndex<usize, usize> = SelectorIndex::new();
    for (i, p) in ir.policies.iter().enumerate() {
        if let Some(s) = &p.selector {
            index.insert_selector(i, s.clone());
        }
    }
    for (i, e) in ir.endpoints.iter().enumerate() {
        index.insert_endpoint(i, e.labels.iter());
    }
    (0..ir.endpoints.len())
        .map(|i| {
            let mut v: Vec<usize> = index.selectors_matching(&i).copied().collect();
            v.sort_unstable();
            v
        })
        .collect()
}
