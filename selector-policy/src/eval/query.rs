//! The public face: [`Cluster`] loads manifests once and answers `flow`, `reach` and
//! `policies` queries.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::net::IpAddr;

use std::path::PathBuf;

use serde::Serialize;

use super::lower::LoadError;
use crate::source::SourceFile;

use super::flow::{applicable, eval_side};
use super::ir::{proto, Dir, EndpointKind, EndpointToHost, Ir, Stage};
use super::matching::{Doubts, End, Owners, Packet};
use super::trace::{Decision, Event, FlowQuery, FlowVerdict, Reason, Sides, TraceEntry, Verdict};

/// A reference to one end of a flow: `hostendpoint/NAME`, `pod/NAMESPACE/NAME`, or an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ref {
    /// A HostEndpoint by name.
    HostEndpoint(String),
    /// A pod by namespace and name.
    Pod {
        /// Namespace.
        namespace: String,
        /// Name.
        name: String,
    },
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
}

impl Ref {
    /// Parses `hostendpoint/NAME`, `pod/NAMESPACE/NAME` or an IP address.
    pub fn parse(s: &str) -> Result<Ref, QueryError> {
        let t = s.trim();
        if let Some(name) = t.strip_prefix("hostendpoint/") {
            if !name.is_empty() && !name.contains('/') {
                return Ok(Ref::HostEndpoint(name.to_string()));
            }
        } else if let Some(rest) = t.strip_prefix("pod/") {
            if let Some((ns, name)) = rest.split_once('/') {
                if !ns.is_empty() && !name.is_empty() && !name.contains('/') {
                    return Ok(Ref::Pod {
                        namespace: ns.to_string(),
                        name: name.to_string(),
                    });
                }
            }
        } else if let Ok(ip) = t.parse::<IpAddr>() {
            return Ok(Ref::Ip(ip));
        }
        Err(QueryError::new(
            QueryErrorKind::BadReference,
            format!("`{s}` is not a reference: write `hostendpoint/NAME`, `pod/NAMESPACE/NAME` or an IP address"),
        ))
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ref::HostEndpoint(n) => write!(f, "hostendpoint/{n}"),
            Ref::Pod { namespace, name } => write!(f, "pod/{namespace}/{name}"),
            Ref::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

impl std::str::FromStr for Ref {
    type Err = QueryError;
    fn from_str(s: &str) -> Result<Ref, QueryError> {
        Ref::parse(s)
    }
}

/// What went wrong with a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum QueryErrorKind {
    /// The reference is not written as one.
    BadReference,
    /// The input has no such endpoint.
    UnknownReference,
    /// Unknown protocol.
    BadProtocol,
    /// The two ends share no IP family.
    NoCommonFamily,
    /// A port outside 0-65535 (or an ICMP type above 255).
    BadPort,
}

/// A query error: a kind and a message naming the offending input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueryError {
    /// The kind.
    pub kind: QueryErrorKind,
    /// The message.
    pub message: String,
}

impl QueryError {
    fn new(kind: QueryErrorKind, message: String) -> QueryError {
        QueryError { kind, message }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

/// Parses `tcp`, `udp`, `sctp`, `icmp`, `icmpv6` (any case) or a protocol number 1-255.
pub fn parse_protocol(s: &str) -> Result<u8, QueryError> {
    let n = match s.to_ascii_lowercase().as_str() {
        "tcp" => Some(proto::TCP),
        "udp" => Some(proto::UDP),
        "sctp" => Some(proto::SCTP),
        "icmp" => Some(proto::ICMP),
        "icmpv6" => Some(proto::ICMPV6),
        "udplite" => Some(proto::UDPLITE),
        other => other.parse::<u8>().ok().filter(|n| *n > 0),
    };
    n.ok_or_else(|| {
        QueryError::new(
            QueryErrorKind::BadProtocol,
            format!("unknown protocol `{s}`: use tcp, udp, sctp, icmp, icmpv6 or a number 1-255"),
        )
    })
}

/// One end of a flow, resolved.
#[derive(Clone, Debug)]
struct Resolved {
    ep: Option<usize>,
    ips: Vec<IpAddr>,
    name: String,
}

/// Manifests loaded once, ready for queries.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub(crate) ir: Ir,
    /// For each endpoint, the policies whose selector matches it, in evaluation order.
    pub(crate) applies: Vec<Vec<usize>>,
    /// Endpoint index by reference (`hostendpoint/NAME`, `pod/NS/NAME`); the first wins.
    by_ref: HashMap<String, usize>,
    /// The notes every flow answer repeats as doubts (picked once here, not per query).
    flow_notes: Vec<String>,
}

impl Cluster {
    /// Loads manifests applied together, in order.
    pub fn from_files(files: &[SourceFile]) -> Result<Cluster, LoadError> {
        Ok(Cluster::from_ir(super::lower::lower(files)?))
    }

    /// Loads files and directories (a directory's manifests in name order), applied together in order.
    pub fn from_paths(paths: &[PathBuf]) -> Result<Cluster, LoadError> {
        let (groups, errors) = crate::paths::collect(paths, crate::Scope::All);
        if !errors.is_empty() {
            return Err(LoadError {
                problems: errors
                    .iter()
                    .map(|d| format!("{}: {}", d.file, d.message))
                    .collect(),
            });
        }
        let files: Vec<SourceFile> = groups.into_iter().flatten().collect();
        if files.is_empty() {
            return Err(LoadError {
                problems: vec!["no manifest (*.yaml, *.yml, *.json) in the given paths".into()],
            });
        }
        Cluster::from_files(&files)
    }

    /// Builds a cluster from resources already read (the lint driver's analysis); what did
    /// not parse is simply absent.
    pub fn from_analysis(a: &crate::lint::Analysis) -> Cluster {
        Cluster::from_ir(super::lower::lower_resources(&a.files, &a.resources))
    }

    /// Builds a cluster from an already resolved input.
    pub fn from_ir(ir: Ir) -> Cluster {
        let applies = super::lower::applies(&ir);
        let mut by_ref = HashMap::new();
        for (i, e) in ir.endpoints.iter().enumerate() {
            by_ref.entry(e.reference()).or_insert(i);
        }
        // Resources left out because Calico would reject them, and tiers nobody defined, can
        // change any verdict: every flow answer says so.
        let flow_notes = ir
            .notes
            .iter()
            .filter(|n| n.contains("Calico would reject") || n.contains("is not defined"))
            .cloned()
            .collect();
        Cluster {
            ir,
            applies,
            by_ref,
            flow_notes,
        }
    }

    /// The endpoint index of a reference string (`hostendpoint/NAME`, `pod/NS/NAME`).
    pub(crate) fn by_ref(&self, r: &str) -> Option<usize> {
        self.by_ref.get(r).copied()
    }

    /// The resolved input.
    pub fn ir(&self) -> &Ir {
        &self.ir
    }

    /// Facts assumed while loading (Kubernetes defaults, skipped resources).
    pub fn notes(&self) -> &[String] {
        &self.ir.notes
    }

    fn find(&self, r: &Ref) -> Result<Resolved, QueryError> {
        let unknown = |what: &str| {
            QueryError::new(
                QueryErrorKind::UnknownReference,
                format!("`{r}`: no {what} of that name in the input"),
            )
        };
        let idx = match r {
            Ref::HostEndpoint(_) => *self
                .by_ref
                .get(&r.to_string())
                .ok_or_else(|| unknown("host endpoint"))?,
            Ref::Pod { .. } => *self
                .by_ref
                .get(&r.to_string())
                .ok_or_else(|| unknown("pod"))?,
            Ref::Ip(ip) => {
                return Ok(match self.ir.ip_owner.get(ip).and_then(|v| v.first()) {
                    Some(&e) => Resolved {
                        ep: Some(e),
                        ips: vec![*ip],
                        name: r.to_string(),
                    },
                    None => Resolved {
                        ep: None,
                        ips: vec![*ip],
                        name: r.to_string(),
                    },
                })
            }
        };
        let ips = self
            .ir
            .endpoints
            .get(idx)
            .map(|e| e.ips.clone())
            .unwrap_or_default();
        Ok(Resolved {
            ep: Some(idx),
            ips,
            name: r.to_string(),
        })
    }

    /// The verdict for traffic from `from` to `to` on `port` (an ICMP type for ICMP) with
    /// protocol `protocol` (see [`parse_protocol`]).
    pub fn flow(
        &self,
        from: &Ref,
        to: &Ref,
        port: u32,
        protocol: &str,
    ) -> Result<FlowVerdict, QueryError> {
        self.query(from, to, port, protocol, false)
    }

    /// [`Cluster::flow`] without the per-rule trace (the trace holds only the flow's
    /// verdict): the same verdict, decisions and doubts, for callers that ask many flows.
    pub fn flow_verdict(
        &self,
        from: &Ref,
        to: &Ref,
        port: u32,
        protocol: &str,
    ) -> Result<FlowVerdict, QueryError> {
        self.query(from, to, port, protocol, true)
    }

    /// Checks the arguments, resolves both references and evaluates (`quiet`: no per-rule trace).
    fn query(
        &self,
        from: &Ref,
        to: &Ref,
        port: u32,
        protocol: &str,
        quiet: bool,
    ) -> Result<FlowVerdict, QueryError> {
        let protocol = parse_protocol(protocol)?;
        let port = check_port(port, protocol)?;
        let src = self.find(from)?;
        let dst = self.find(to)?;
        self.flow_resolved(&src, &dst, port, protocol, quiet)
    }

    fn flow_resolved(
        &self,
        src: &Resolved,
        dst: &Resolved,
        port: u16,
        mut protocol: u8,
        quiet: bool,
    ) -> Result<FlowVerdict, QueryError> {
        let ir = &self.ir;
        let mut doubts = Doubts::default();
        let v6 = pick_family(src, dst)?;
        if v6 && protocol == proto::ICMP {
            protocol = proto::ICMPV6;
        }
        let ip_of = |r: &Resolved| r.ips.iter().copied().find(|ip| ip.is_ipv6() == v6);
        let (sip, dip) = (ip_of(src), ip_of(dst));
        for (r, ip) in [(src, sip), (dst, dip)] {
            if ip.is_none() {
                doubts.add(format!(
                    "{} has no IPv{} address (no expectedIPs): rules see an unknown address",
                    r.name,
                    if v6 { 6 } else { 4 }
                ));
            }
        }
        let end = |r: &Resolved, ip| End {
            ip,
            owners: match (ip, r.ep) {
                (Some(_), _) => Owners::of(ir, ip),
                (None, _) => Owners::default(),
            },
        };
        let pkt = Packet {
            src: end(src, sip),
            dst: end(dst, dip),
            protocol,
            port,
            v6,
        };
        let mut trace = Vec::with_capacity(if quiet { 1 } else { 64 });
        let sep = |e: Option<usize>| e.and_then(|i| ir.endpoints.get(i));
        let (sep_e, dep_e) = (sep(src.ep), sep(dst.ep));
        let same_node = match (sep_e, dep_e) {
            (Some(a), Some(b)) => a.node.is_some() && a.node == b.node,
            _ => false,
        };
        let s_host = sep_e.is_some_and(|e| e.kind == EndpointKind::Host);
        let s_pod = sep_e.is_some_and(|e| e.kind == EndpointKind::Pod);
        let d_host = dep_e.is_some_and(|e| e.kind == EndpointKind::Host);
        let d_pod = dep_e.is_some_and(|e| e.kind == EndpointKind::Pod);
        let none: &[usize] = &[];
        let applies = |e: usize| self.applies.get(e).map_or(none, Vec::as_slice);

        // Host to a pod on the same node: always allowed, no policy at either end (POLICY.md 6.4).
        if s_host && d_pod && same_node {
            let mut e = TraceEntry::new(None, None, Event::Special, format!("{} is on the same node as {}: host-to-local-pod traffic is always allowed, no policy applies", src.name, dst.name));
            e.action = Some("Allow");
            trace.push(e);
            let d = Decision::bare(
                dep_e.map(|e| e.reference()),
                Some(Dir::Ingress),
                Reason::NotManaged,
                true,
            );
            return Ok(finish(
                self,
                d.clone(),
                Sides {
                    egress: None,
                    ingress: Some(d),
                },
                trace,
                doubts,
                src,
                dst,
                port,
                protocol,
            ));
        }

        let mut egress = None;
        if let Some(si) = src.ep {
            let dec = if s_pod && encap_drop(ir, protocol, port) {
                let mut e = TraceEntry::new(Some(Dir::Egress), sep_e.map(|e| e.reference()).as_deref(), Event::Special, format!("{} packets from pods are dropped before policy (allow{}PacketsFromWorkloads is false)", if protocol == proto::IPIP { "IPIP" } else { "VXLAN" }, if protocol == proto::IPIP { "IPIP" } else { "VXLAN" }));
                e.action = Some("Deny");
                trace.push(e.at(ir.felix.loc.as_ref()));
                Decision::bare(
                    sep_e.map(|e| e.reference()),
                    Some(Dir::Egress),
                    Reason::EncapDrop,
                    false,
                )
            } else {
                eval_side(
                    ir,
                    applies(si),
                    si,
                    Dir::Egress,
                    &pkt,
                    &mut trace,
                    &mut doubts,
                    quiet,
                )
            };
            egress = Some(dec);
        }
        let egress_ok = egress.as_ref().is_none_or(Decision::allows);
        let mut ingress = None;
        if let Some(di) = dst.ep {
            let ingress_side = |trace: &mut Vec<TraceEntry>, doubts: &mut Doubts, quiet: bool| {
                eval_side(
                    ir,
                    applies(di),
                    di,
                    Dir::Ingress,
                    &pkt,
                    trace,
                    doubts,
                    quiet,
                )
            };
            if s_pod && d_host && same_node {
                let eth = ir.felix.endpoint_to_host;
                let dref = dep_e.map(|e| e.reference());
                match eth {
                    EndpointToHost::Return => {
                        doubts.add("defaultEndpointToHostAction is Return: the host's own INPUT rules then decide; the host endpoint's ingress policy is evaluated here".into());
                        if egress_ok {
                            ingress = Some(ingress_side(&mut trace, &mut doubts, quiet));
                        }
                    }
                    EndpointToHost::Drop | EndpointToHost::Accept => {
                        let allow = eth == EndpointToHost::Accept;
                        let mut e = TraceEntry::new(
                            Some(Dir::Ingress),
                            dref.as_deref(),
                            Event::Special,
                            format!(
                                "pod to its own host: defaultEndpointToHostAction {}",
                                if allow { "Accept" } else { "Drop" }
                            ),
                        );
                        e.action = Some(if allow { "Allow" } else { "Deny" });
                        if egress_ok {
                            trace.push(e.at(ir.felix.loc.as_ref()));
                        }
                        let mut d =
                            Decision::bare(dref, Some(Dir::Ingress), Reason::EndpointToHost, allow);
                        d.loc = ir.felix.loc.clone();
                        ingress = Some(d);
                    }
                }
            } else if egress_ok {
                ingress = Some(ingress_side(&mut trace, &mut doubts, quiet));
            } else {
                // Not reached: the packet was dropped at the source. Report the side anyway.
                let mut t = Vec::new();
                let mut dd = Doubts::default();
                ingress = Some(ingress_side(&mut t, &mut dd, true));
            }
        }
        if s_pod && d_host && !same_node {
            // Nothing to add: a pod reaching another node's host processes meets that host endpoint's normal policy.
        }
        let decided = match (&egress, &ingress) {
            (Some(e), _) if !e.allows() => e.clone(),
            (_, Some(i)) if !i.allows() => i.clone(),
            (_, Some(i)) => i.clone(),
            (Some(e), None) => e.clone(),
            (None, None) => {
                let mut e = TraceEntry::new(
                    None,
                    None,
                    Event::Special,
                    format!(
                        "neither {} nor {} is a Calico-managed endpoint: no policy applies",
                        src.name, dst.name
                    ),
                );
                e.action = Some("Allow");
                trace.push(e);
                Decision::bare(None, None, Reason::NotManaged, true)
            }
        };
        if ir
            .policies
            .iter()
            .any(|p| p.apply_on_forward && p.stage == Stage::Normal && p.kind.contains("Global"))
            && (s_pod || d_pod)
            && !(s_host || d_host)
        {
            doubts.add("applyOnForward policies may police forwarded pod traffic at host endpoint interfaces; interfaces on the path are not modelled".into());
        }
        Ok(finish(
            self,
            decided,
            Sides { egress, ingress },
            trace,
            doubts,
            src,
            dst,
            port,
            protocol,
        ))
    }
}

fn check_port(port: u32, protocol: u8) -> Result<u16, QueryError> {
    let max = if matches!(protocol, proto::ICMP | proto::ICMPV6) {
        255
    } else {
        65535
    };
    if port > max {
        return Err(QueryError::new(
            QueryErrorKind::BadPort,
            format!("port {port} is out of range (0-{max})"),
        ));
    }
    u16::try_from(port).map_err(|_| {
        QueryError::new(
            QueryErrorKind::BadPort,
            format!("port {port} is out of range"),
        )
    })
}

fn encap_drop(ir: &Ir, protocol: u8, port: u16) -> bool {
    (protocol == proto::UDP && port == ir.felix.vxlan_port && !ir.felix.allow_vxlan)
        || (protocol == proto::IPIP && !ir.felix.allow_ipip)
}

fn pick_family(src: &Resolved, dst: &Resolved) -> Result<bool, QueryError> {
    let fams = |r: &Resolved| -> BTreeSet<bool> {
        if r.ips.is_empty() {
            [false, true].into_iter().collect()
        } else {
            r.ips.iter().map(IpAddr::is_ipv6).collect()
        }
    };
    let (a, b) = (fams(src), fams(dst));
    a.intersection(&b).next().copied().ok_or_else(|| {
        QueryError::new(
            QueryErrorKind::NoCommonFamily,
            format!("{} and {} have no IP family in common", src.name, dst.name),
        )
    })
}

#[allow(clippy::too_many_arguments)]
fn finish(
    c: &Cluster,
    decided: Decision,
    sides: Sides,
    mut trace: Vec<TraceEntry>,
    mut doubts: Doubts,
    src: &Resolved,
    dst: &Resolved,
    port: u16,
    protocol: u8,
) -> FlowVerdict {
    let verdict = if decided.allows() {
        Verdict::Allow
    } else {
        Verdict::Deny
    };
    let action = if decided.allows() { "Allow" } else { "Deny" };
    for n in &c.flow_notes {
        doubts.add(n.clone());
    }
    let mut e = TraceEntry::new(
        None,
        None,
        Event::Verdict,
        format!("flow {}: {}", action.to_lowercase(), describe(&decided)),
    );
    e.action = Some(action);
    trace.push(e.decided_by(&decided));
    FlowVerdict {
        verdict,
        decided_by: decided,
        sides,
        trace,
        uncertain: doubts.0,
        query: FlowQuery {
            from: src.name.clone(),
            to: dst.name.clone(),
            port,
            protocol: proto::name(protocol),
        },
    }
}

/// One sentence for a decision: `rule 0 of GlobalNetworkPolicy `x` (tier default) at hostendpoint/h ingress`.
pub fn describe(d: &Decision) -> String {
    let at = match (&d.endpoint, d.direction) {
        (Some(e), Some(dir)) => format!(" at {e} {}", dir.name()),
        _ => String::new(),
    };
    let what = match d.reason {
        Reason::Rule => format!(
            "rule {} of {} `{}`{} (tier `{}`)",
            d.rule.unwrap_or(0),
            d.kind.as_deref().unwrap_or("policy"),
            d.policy.as_deref().unwrap_or(""),
            d.namespace
                .as_deref()
                .map(|n| format!(" in namespace `{n}`"))
                .unwrap_or_default(),
            d.tier.as_deref().unwrap_or("")
        ),
        Reason::EndOfTier => format!(
            "end of tier `{}` (default action Deny)",
            d.tier.as_deref().unwrap_or("")
        ),
        Reason::Profile => format!(
            "profile `{}` rule {}",
            d.policy.as_deref().unwrap_or(""),
            d.rule.unwrap_or(0)
        ),
        Reason::NoProfile => match &d.policy {
            Some(p) => format!("missing profile `{p}` (drops everything)"),
            None => "no profile allowed it".into(),
        },
        Reason::Failsafe => "a failsafe port".into(),
        Reason::EndpointToHost => "defaultEndpointToHostAction".into(),
        Reason::NotManaged => "no Calico policy applies".into(),
        Reason::EncapDrop => "the workload VXLAN/IPIP drop".into(),
    };
    format!("{what}{at}")
}

/// Policies applying to one endpoint in one direction, by tier.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TierPolicies {
    /// Tier name.
    pub tier: String,
    /// Tier order (`null` for a tier no resource defines).
    pub order: Option<f64>,
    /// `Deny` or `Pass`.
    pub default_action: String,
    /// Policies in evaluation order.
    pub policies: Vec<AppliedPolicy>,
}

/// One policy in a [`TierPolicies`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppliedPolicy {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// `order` (`null` = after every ordered policy).
    pub order: Option<f64>,
    /// Staged (selects, never decides).
    pub staged: bool,
    /// `normal`, `untracked` (doNotTrack) or `pre-dnat`.
    pub stage: String,
    /// Number of rules in this direction.
    pub rules: usize,
    /// File and line of the resource.
    pub location: Option<String>,
}

/// One direction of a `policies` answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DirectionPolicies {
    /// Tiers in evaluation order.
    pub tiers: Vec<TierPolicies>,
    /// Profiles in order (missing ones are marked).
    pub profiles: Vec<ProfileRef>,
}

/// A profile of an endpoint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileRef {
    /// Name.
    pub name: String,
    /// Whether the input (or Calico) defines it; a missing profile drops everything.
    pub exists: bool,
}

/// The answer to `policies`: what applies to an endpoint (`calicoq endpoint`, offline).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Applicable {
    /// The endpoint reference.
    pub endpoint: String,
    /// Ingress.
    pub ingress: DirectionPolicies,
    /// Egress.
    pub egress: DirectionPolicies,
}

impl Cluster {
    /// The tiers, policies and profiles that apply to an endpoint, per direction, in evaluation order.
    pub fn policies(&self, endpoint: &Ref) -> Result<Applicable, QueryError> {
        let r = self.find(endpoint)?;
        let Some(ei) = r.ep else {
            return Err(QueryError::new(
                QueryErrorKind::UnknownReference,
                format!("`{endpoint}` is not an endpoint of the input (no host endpoint or pod owns it)"),
            ));
        };
        let ir = &self.ir;
        let ep = ir.endpoints.get(ei);
        let applies = self.applies.get(ei).map_or(&[][..], Vec::as_slice);
        let one = |d: Dir| {
            let mut tiers: Vec<TierPolicies> = Vec::new();
            let stages: &[Stage] = if ep.is_some_and(|e| e.kind == EndpointKind::Host) {
                &[Stage::Untracked, Stage::PreDnat, Stage::Normal]
            } else {
                &[Stage::Normal]
            };
            for &st in stages {
                for pi in applicable(ir, applies, d, st) {
                    let Some(p) = ir.policies.get(pi) else {
                        continue;
                    };
                    let Some(t) = ir.tiers.get(p.tier) else {
                        continue;
                    };
                    let entry = AppliedPolicy {
                        name: p.name.to_string(),
                        kind: p.kind.to_string(),
                        namespace: p.namespace.as_deref().map(str::to_string),
                        order: p.order,
                        staged: p.staged,
                        stage: match st {
                            Stage::Untracked => "untracked",
                            Stage::PreDnat => "pre-dnat",
                            Stage::Normal => "normal",
                        }
                        .into(),
                        rules: p.rules(d).len(),
                        location: p.loc.as_ref().map(|l| format!("{}:{}", l.file, l.line)),
                    };
                    match tiers.last_mut() {
                        Some(last)
                            if *last.tier == *t.name
                                && last.policies.last().is_some_and(|x| x.stage == entry.stage) =>
                        {
                            last.policies.push(entry)
                        }
                        _ => tiers.push(TierPolicies {
                            tier: t.name.to_string(),
                            order: t.order,
                            default_action: if t.default_pass { "Pass" } else { "Deny" }.into(),
                            policies: vec![entry],
                        }),
                    }
                }
            }
            let profiles = ep
                .map(|e| {
                    e.profiles
                        .iter()
                        .map(|n| ProfileRef {
                            name: n.clone(),
                            exists: ir.profiles.contains_key(n),
                        })
                        .collect()
                })
                .unwrap_or_default();
            DirectionPolicies { tiers, profiles }
        };
        Ok(Applicable {
            endpoint: ep
                .map(|e| e.reference())
                .unwrap_or_else(|| endpoint.to_string()),
            ingress: one(Dir::Ingress),
            egress: one(Dir::Egress),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_print() {
        assert_eq!(
            Ref::parse("hostendpoint/a.b").unwrap(),
            Ref::HostEndpoint("a.b".into())
        );
        let p = Ref::parse("pod/ns/web-0").unwrap();
        assert_eq!(p.to_string(), "pod/ns/web-0");
        assert_eq!(Ref::parse(" fd00::1 ").unwrap().to_string(), "fd00::1");
        for bad in ["pod/ns", "pod//x", "hostendpoint/a/b", "node/x", "1.2.3"] {
            let e = Ref::parse(bad).unwrap_err();
            assert_eq!(e.kind, QueryErrorKind::BadReference);
            assert!(e.message.contains(bad));
        }
    }

    #[test]
    fn protocols_and_ports_are_checked() {
        assert_eq!(parse_protocol("UDP").unwrap(), proto::UDP);
        assert_eq!(parse_protocol("132").unwrap(), proto::SCTP);
        assert_eq!(
            parse_protocol("gre").unwrap_err().kind,
            QueryErrorKind::BadProtocol
        );
        assert!(check_port(256, proto::ICMP).is_err());
        assert_eq!(check_port(65535, proto::TCP).unwrap(), 65535);
    }
}
