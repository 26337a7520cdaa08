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

/// Why a rule did not match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    /// The field, as written in YAML (`protocol`, `destination.ports`, `source.selector`, ...).
    pub field: String,
    /// What the packet had instead.
    pub detail: String,
}

fn miss(field: &str, detail: impl Into<String>) -> Result<(), Miss> {
    Err(Miss {
        field: field.to_string(),
        detail: detail.into(),
    })
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

fn family_nets(nets: &[Cidr], v6: bool) -> Vec<Cidr> {
    nets.iter().copied().filter(|n| n.is_v4() != v6).collect()
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

fn entity(
    ir: &Ir,
    e: &Entity,
    which: &str,
    end: &End,
    pkt: &Packet,
    is_dst: bool,
    doubts: &mut Doubts,
) -> Result<(), Miss> {
    let f = |name: &str| format!("{which}.{name}");
    if e.nets_set {
        let nets = family_nets(&e.nets, pkt.v6);
        if nets.is_empty() {
            return miss(
                &f("nets"),
                "no entry of the packet's IP family: the rule is skipped",
            );
        }
        match end.ip {
            Some(ip) if nets.iter().any(|n| n.contains(ip)) => {}
            Some(ip) => return miss(&f("nets"), format!("{ip} is in none of them")),
            None => return miss(&f("nets"), "the address is unknown"),
        }
    }
    if e.not_nets_set {
        let nets = family_nets(&e.not_nets, pkt.v6);
        if nets.is_empty() {
            return miss(
                &f("notNets"),
                "no entry of the packet's IP family: the rule is skipped",
            );
        }
        if let Some(ip) = end.ip {
            if let Some(n) = nets.iter().find(|n| n.contains(ip)) {
                return miss(&f("notNets"), format!("{ip} is in {n}"));
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
            None => "the address is unknown".to_string(),
            Some(ip) if end.owners.endpoints.is_empty() && end.owners.sets.is_empty() => {
                format!("{ip} belongs to no endpoint or network set")
            }
            Some(ip) => format!("no owner of {ip} has matching labels"),
        };
        return miss(&field, who);
    }
    if e.services {
        doubts.add(format!(
            "a rule uses `{which}.services`: Service endpoints (EndpointSlices) are not in the input, so it is treated as not matching"
        ));
        return miss(&f("services"), "Service endpoints are not known offline");
    }
    let has_ports = proto::has_ports(pkt.protocol);
    if !e.ports.is_empty() {
        if !is_dst {
            doubts.add("a rule tests `source.ports`: the source port of a flow is not known, so it is treated as not matching".into());
            return miss(&f("ports"), "the source port is not known");
        }
        if !has_ports {
            return miss(
                &f("ports"),
                format!("{} has no ports", proto::name(pkt.protocol)),
            );
        }
        if !port_in(ir, &e.ports, pkt, end, e.sel.selector.as_ref()) {
            return miss(&f("ports"), format!("port {} is not listed", pkt.port));
        }
    }
    if !e.not_ports.is_empty() {
        if !is_dst {
            doubts.add("a rule tests `source.notPorts`: the source port of a flow is not known, so it is treated as not matching".into());
            return miss(&f("notPorts"), "the source port is not known");
        }
        if !has_ports {
            return miss(
                &f("notPorts"),
                format!("{} has no ports", proto::name(pkt.protocol)),
            );
        }
        if port_in(ir, &e.not_ports, pkt, end, e.sel.selector.as_ref()) {
            return miss(&f("notPorts"), format!("port {} is listed", pkt.port));
        }
    }
    Ok(())
}

/// Whether `rule` matches `pkt`; on a miss, the first field that failed.
pub fn rule_matches(ir: &Ir, rule: &Rule, pkt: &Packet, doubts: &mut Doubts) -> Result<(), Miss> {
    if let Some(why) = &rule.broken {
        return miss("rule", format!("invalid, never matches: {why}"));
    }
    if let Some(v) = rule.ip_version {
        let want = if pkt.v6 { 6 } else { 4 };
        if v != want {
            return miss("ipVersion", format!("the packet is IPv{want}"));
        }
    }
    if let Some(p) = rule.protocol {
        if p != pkt.protocol {
            return miss(
                "protocol",
                format!("the packet is {}", proto::name(pkt.protocol)),
            );
        }
    }
    if let Some(p) = rule.not_protocol {
        if p == pkt.protocol {
            return miss(
                "notProtocol",
                format!("the packet is {}", proto::name(pkt.protocol)),
            );
        }
    }
    if let Some(i) = rule.icmp {
        match pkt.icmp() {
            Some(pi) if icmp_matches(i, pi) => {}
            Some(pi) => return miss("icmp", format!("the packet has ICMP type {}", pi.kind)),
            None => return miss("icmp", "the packet is not ICMP"),
        }
    }
    if let Some(i) = rule.not_icmp {
        if let Some(pi) = pkt.icmp() {
            if icmp_matches(i, pi) {
                return miss("notICMP", format!("the packet has ICMP type {}", pi.kind));
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
