//! Whether one rule matches one packet, and if not, which field failed.
//!
//! Peers are matched by IP as Felix's IP sets do (POLICY.md 4.7-4.8): the labelled things
//! owning an address are every endpoint with that IP and every network set whose nets contain
//! it; a selector matches when one of them satisfies it.

use std::net::IpAddr;

use super::ir::{proto, Cidr, Entity, Icmp, Ir, PortMatch, Rule};

/// The labelled things that own an address.
#[derive(Clone, Debug, Default)]
pub struct Owners {
    /// Endpoint indices.
    pub endpoints: Vec<usize>,
    /// Network set indices.
    pub sets: Vec<usize>,
}

impl Owners {
    /// Everything in `ir` owning `ip` (nothing when the address is unknown).
    pub fn of(ir: &Ir, ip: Option<IpAddr>) -> Owners {
        let Some(ip) = ip else {
            return Owners::default();
        };
        let endpoints = ir.ip_owner.get(&ip).cloned().unwrap_or_default();
        let sets = ir
            .sets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.nets.iter().any(|n| n.contains(ip)))
            .map(|(i, _)| i)
            .collect();
        Owners { endpoints, sets }
    }
}

/// One end of the packet as rules see it.
#[derive(Clone, Debug)]
pub struct End {
    /// Its address; `None` when unknown (a host endpoint without `expectedIPs`).
    pub ip: Option<IpAddr>,
    /// Who owns the address.
    pub owners: Owners,
}

/// The packet being judged.
#[derive(Clone, Debug)]
pub struct Packet {
    /// Source.
    pub src: End,
    /// Destination.
    pub dst: End,
    /// IP protocol number.
    pub protocol: u8,
    /// Destination port (or ICMP type for ICMP/ICMPv6).
    pub port: u16,
    /// IPv6.
    pub v6: bool,
}

impl Packet {
    fn icmp(&self) -> Option<Icmp> {
        matches!(self.protocol, proto::ICMP | proto::ICMPV6).then(|| Icmp {
            kind: u8::try_from(self.port).unwrap_or(u8::MAX),
            code: Some(0),
        })
    }
}

/// Why a rule did not match. The field is static and the detail is kept as facts, so a
/// quiet evaluation builds no strings; a trace formats it with `Display`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss<'a> {
    /// The field, as written in YAML (`protocol`, `destination.ports`, `source.selector`, ...).
    pub field: &'static str,
    /// What the packet had instead.
    pub why: Why<'a>,
}

/// The facts behind a [`Miss`], formatted only when a trace is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why<'a> {
    /// A fixed sentence.
    Text(&'static str),
    /// The rule is invalid, with the reason.
    Broken(&'a str),
    /// The packet's IP version.
    IpVersion(u8),
    /// The packet's protocol.
    Protocol(u8),
    /// The packet's ICMP type.
    IcmpType(u8),
    /// The address is in none of the rule's nets.
    InNoNet(IpAddr),
    /// The address is in one of the rule's excluded nets.
    InNet(IpAddr, Cidr),
    /// Nothing owns the address.
    NoOwner(IpAddr),
    /// No owner of the address has matching labels.
    NoMatchingOwner(IpAddr),
    /// The protocol has no ports.
    NoPorts(u8),
    /// The port is not in the list.
    PortNotListed(u16),
    /// The port is in the excluded list.
    PortListed(u16),
}

impl std::fmt::Display for Why<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Text(t) => f.write_str(t),
            Why::Broken(why) => write!(f, "invalid, never matches: {why}"),
            Why::IpVersion(v) => write!(f, "the packet is IPv{v}"),
            Why::Protocol(p) => write!(f, "the packet is {}", proto::name(*p)),
            Why::IcmpType(k) => write!(f, "the packet has ICMP type {k}"),
            Why::InNoNet(ip) => write!(f, "{ip} is in none of them"),
            Why::InNet(ip, n) => write!(f, "{ip} is in {n}"),
            Why::NoOwner(ip) => write!(f, "{ip} belongs to no endpoint or network set"),
            Why::NoMatchingOwner(ip) => write!(f, "no owner of {ip} has matching labels"),
            Why::NoPorts(p) => write!(f, "{} has no ports", proto::name(*p)),
            Why::PortNotListed(p) => write!(f, "port {p} is not listed"),
            Why::PortListed(p) => write!(f, "port {p} is listed"),
        }
    }
}

fn miss<'a>(field: &'static str, why: Why<'a>) -> Result<(), Miss<'a>> {
    Err(Miss { field, why })
}

/// `source.<name>` or `destination.<name>` as a static string.
fn side_field(is_dst: bool, name: &'static str) -> &'static str {
    match (is_dst, name) {
        (false, "nets") => "source.nets",
        (false, "notNets") => "source.notNets",
        (false, "selector") => "source.selector",
        (false, "notSelector") => "source.notSelector",
        (false, "services") => "source.services",
        (false, "ports") => "source.ports",
        (false, "notPorts") => "source.notPorts",
        (true, "nets") => "destination.nets",
        (true, "notNets") => "destination.notNets",
        (true, "selector") => "destination.selector",
        (true, "notSelector") => "destination.notSelector",
        (true, "services") => "destination.services",
        (true, "ports") => "destination.ports",
        (true, "notPorts") => "destination.notPorts",
        _ => {
            debug_assert!(false, "unknown peer field {name}");
            if is_dst {
                "destination"
            } else {
                "source"
            }
        }
    }
}

/// Things the evaluator could not settle while matching.
#[derive(Default, Debug)]
pub struct Doubts(pub Vec<String>);

impl Doubts {
    /// Adds a doubt once.
    pub fn add(&mut self, s: String) {
        if !self.0.contains(&s) {
            self.0.push(s);
        }
    }
}

fn icmp_matches(rule: Icmp, pkt: Icmp) -> bool {
    rule.kind == pkt.kind && rule.code.is_none_or(|c| Some(c) == pkt.code)
}

fn family_nets(nets: &[Cidr], v6: bool) -> impl Iterator<Item = Cidr> + '_ {
    nets.iter().copied().filter(move |n| n.is_v4() != v6)
}

fn port_in(
    ir: &Ir,
    list: &[PortMatch],
    pkt: &Packet,
    side: &End,
    positive: Option<&selector_core::Selector>,
) -> bool {
    list.iter().any(|p| match p {
        PortMatch::Range(lo, hi) => (*lo..=*hi).contains(&pkt.port),
        PortMatch::Named(name) => side.owners.endpoints.iter().any(|&e| {
            ir.endpoints.get(e).is_some_and(|ep| {
                positive.is_none_or(|s| s.matches(&ep.labels))
                    && ep.ports.iter().any(|np| {
                        &np.name == name && np.protocol == pkt.protocol && np.port == pkt.port
                    })
            })
        }),
    })
}

/// Whether a peer's label selection matches the owners of `end` (POLICY.md 4.7, 4.8).
pub fn peer_matches(ir: &Ir, e: &Entity, end: &End) -> bool {
    let labels = end
        .owners
        .endpoints
        .iter()
        .filter_map(|&i| ir.endpoints.get(i).map(|x| &x.labels))
        .chain(
            end.owners
                .sets
                .iter()
                .filter_map(|&i| ir.sets.get(i).map(|x| &x.labels)),
        );
    match (&e.sel.selector, &e.sel.not_selector) {
        (None, None) => true,
        (Some(pos), None) => labels.into_iter().any(|l| pos.matches(l)),
        (Some(pos), Some(neg)) => labels
            .into_iter()
            .any(|l| pos.matches(l) && !neg.matches(l)),
        (None, Some(neg)) => !labels.into_iter().any(|l| neg.matches(l)),
    }
}

fn entity<'a>(
    ir: &Ir,
    e: &Entity,
    which: &str,
    end: &End,
    pkt: &Packet,
    is_dst: bool,
    doubts: &mut Doubts,
) -> Result<(), Miss<'a>> {
    let f = |name: &'static str| side_field(is_dst, name);
    if e.nets_set {
        let mut nets = family_nets(&e.nets, pkt.v6).peekable();
        if nets.peek().is_none() {
            return miss(
                f("nets"),
                Why::Text("no entry of the packet's IP family: the rule is skipped"),
            );
        }
        match end.ip {
            Some(ip) if nets.any(|n| n.contains(ip)) => {}
            Some(ip) => return miss(f("nets"), Why::InNoNet(ip)),
            None => return miss(f("nets"), Why::Text("the address is unknown")),
        }
    }
    if e.not_nets_set {
        let mut nets = family_nets(&e.not_nets, pkt.v6).peekable();
        if nets.peek().is_none() {
            return miss(
                f("notNets"),
                Why::Text("no entry of the packet's IP family: the rule is skipped"),
            );
        }
        if let Some(ip) = end.ip {
            if let Some(n) = nets.find(|n| n.contains(ip)) {
                return miss(f("notNets"), Why::InNet(ip, n));
            }
        }
    }
    if e.sel.is_set() && !peer_matches(ir, e, end) {
        let field = if e.sel.selector.is_some() {
            f("selector")
        } else {
            f("notSelector")
        };
        let who = match end.ip {
            None => Why::Text("the address is unknown"),
            Some(ip) if end.owners.endpoints.is_empty() && end.owners.sets.is_empty() => {
                Why::NoOwner(ip)
            }
            Some(ip) => Why::NoMatchingOwner(ip),
        };
        return miss(field, who);
    }
    if e.services {
        doubts.add(format!(
            "a rule uses `{which}.services`: Service endpoints (EndpointSlices) are not in the input, so it is treated as not matching"
        ));
        return miss(
            f("services"),
            Why::Text("Service endpoints are not known offline"),
        );
    }
    let has_ports = proto::has_ports(pkt.protocol);
    if !e.ports.is_empty() {
        if !is_dst {
            doubts.add("a rule tests `source.ports`: the source port of a flow is not known, so it is treated as not matching".into());
            return miss(f("ports"), Why::Text("the source port is not known"));
        }
        if !has_ports {
            return miss(f("ports"), Why::NoPorts(pkt.protocol));
        }
        if !port_in(ir, &e.ports, pkt, end, e.sel.selector.as_ref()) {
            return miss(f("ports"), Why::PortNotListed(pkt.port));
        }
    }
    if !e.not_ports.is_empty() {
        if !is_dst {
            doubts.add("a rule tests `source.notPorts`: the source port of a flow is not known, so it is treated as not matching".into());
            return miss(f("notPorts"), Why::Text("the source port is not known"));
        }
        if !has_ports {
            return miss(f("notPorts"), Why::NoPorts(pkt.protocol));
        }
        if port_in(ir, &e.not_ports, pkt, end, e.sel.selector.as_ref()) {
            return miss(f("notPorts"), Why::PortListed(pkt.port));
        }
    }
    Ok(())
}

/// Whether `rule` matches `pkt`; on a miss, the first field that failed.
pub fn rule_matches<'a>(
    ir: &Ir,
    rule: &'a Rule,
    pkt: &Packet,
    doubts: &mut Doubts,
) -> Result<(), Miss<'a>> {
    if let Some(why) = &rule.broken {
        return miss("rule", Why::Broken(why));
    }
    if let Some(v) = rule.ip_version {
        let want = if pkt.v6 { 6 } else { 4 };
        if v != want {
            return miss("ipVersion", Why::IpVersion(want));
        }
    }
    if let Some(p) = rule.protocol {
        if p != pkt.protocol {
            return miss("protocol", Why::Protocol(pkt.protocol));
        }
    }
    if let Some(p) = rule.not_protocol {
        if p == pkt.protocol {
            return miss("notProtocol", Why::Protocol(pkt.protocol));
        }
    }
    if let Some(i) = rule.icmp {
        match pkt.icmp() {
            Some(pi) if icmp_matches(i, pi) => {}
            Some(pi) => return miss("icmp", Why::IcmpType(pi.kind)),
            None => return miss("icmp", Why::Text("the packet is not ICMP")),
        }
    }
    if let Some(i) = rule.not_icmp {
        if let Some(pi) = pkt.icmp() {
            if icmp_matches(i, pi) {
                return miss("notICMP", Why::IcmpType(pi.kind));
            }
        }
    }
    entity(ir, &rule.source, "source", &pkt.src, pkt, false, doubts)?;
    entity(
        ir,
        &rule.destination,
        "destination",
        &pkt.dst,
        pkt,
        true,
        doubts,
    )?;
    if rule.http {
        doubts.add("a matching rule has `http` conditions: L7 conditions are not checked (evaluated as if absent)".into());
    }
    Ok(())
}
