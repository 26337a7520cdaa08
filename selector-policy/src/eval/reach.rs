//! "Who can reach this endpoint on this port?" (POLICY.md 6.7): every host endpoint, every
//! pod, every network set address range and the rest of the address space, one flow each.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use super::ir::{Cidr, EndpointKind, Entity};
use super::query::{describe, Cluster, QueryError, Ref};
use super::trace::{Decision, Verdict};

/// One source in a [`Reach`] answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReachSource {
    /// `hostendpoint/NAME`, `pod/NS/NAME`, `globalnetworkset/NAME`, `networkset/NS/NAME` or `external`.
    pub source: String,
    /// The address ranges this entry stands for (network sets and `external`), e.g.
    /// `10.0.0.0-10.255.255.255`; empty for endpoints.
    pub ranges: Vec<String>,
    /// The address the flow was evaluated from (the first range's representative).
    pub address: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// What decided it.
    pub decided_by: Decision,
    /// Points the evaluator could not settle for this flow.
    pub uncertain: Vec<String>,
}

/// The answer to `reach`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reach {
    /// The destination as asked.
    pub to: String,
    /// Port.
    pub port: u16,
    /// Protocol name.
    pub protocol: String,
    /// Every source.
    pub sources: Vec<ReachSource>,
    /// `reachable from: ...`.
    pub summary: String,
}

fn bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

fn addr(b: u128, v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(b))
    } else {
        IpAddr::V4(Ipv4Addr::from(u32::try_from(b).unwrap_or(u32::MAX)))
    }
}

fn entity_nets(e: &Entity, out: &mut Vec<Cidr>) {
    out.extend(e.nets.iter().chain(&e.not_nets).copied());
}

impl Cluster {
    /// Every source the input knows, with its verdict towards `to` on `port`/`protocol`.
    pub fn reach(&self, to: &Ref, port: u32, protocol: &str) -> Result<Reach, QueryError> {
        let ir = &self.ir;
        let proto_n = super::query::parse_protocol(protocol)?;
        // Validate the destination (and the port) once.
        let dst_ips: Vec<IpAddr> = match to {
            Ref::Ip(ip) => vec![*ip],
            _ => {
                let ep = self.policies(to)?;
                self.by_ref(&ep.endpoint)
                    .and_then(|i| ir.endpoints.get(i))
                    .map(|e| e.ips.clone())
                    .unwrap_or_default()
            }
        };
        let mut families: Vec<bool> = dst_ips
            .iter()
            .map(IpAddr::is_ipv6)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if families.is_empty() {
            families.push(false);
        }
        let mut sources = Vec::new();
        let mut proto_name = String::new();
        let mut port16 = 0;
        for ep in &ir.endpoints {
            let r = match ep.kind {
                EndpointKind::Host => Ref::HostEndpoint(ep.name.clone()),
                EndpointKind::Pod => Ref::Pod {
                    namespace: ep.namespace.clone().unwrap_or_default(),
                    name: ep.name.clone(),
                },
            };
            if &r == to || matches!(to, Ref::Ip(ip) if ep.ips.contains(ip)) {
                continue;
            }
            let fv = match self.flow_verdict(&r, to, port, protocol) {
                Ok(v) => v,
                Err(e) if e.kind == super::query::QueryErrorKind::NoCommonFamily => continue,
                Err(e) => return Err(e),
            };
            proto_name.clone_from(&fv.query.protocol);
            port16 = fv.query.port;
            sources.push(ReachSource {
                source: r.to_string(),
                ranges: Vec::new(),
                address: None,
                verdict: fv.verdict,
                decided_by: fv.decided_by,
                uncertain: fv.uncertain,
            });
        }
        // Address space pieces: every boundary of a set CIDR or a rule's nets/notNets.
        let mut cidrs = Vec::new();
        for s in &ir.sets {
            cidrs.extend(s.nets.iter().copied());
        }
        for p in &ir.policies {
            for r in p.ingress_rules.iter().chain(&p.egress_rules) {
                entity_nets(&r.source, &mut cidrs);
                entity_nets(&r.destination, &mut cidrs);
            }
        }
        for prof in ir.profiles.values() {
            for r in prof.ingress.iter().chain(&prof.egress) {
                entity_nets(&r.source, &mut cidrs);
            }
        }
        for f in ir.felix.failsafe_in.iter().chain(&ir.felix.failsafe_out) {
            cidrs.extend(f.net);
        }
        for v6 in families {
            let max: u128 = if v6 { u128::MAX } else { u128::from(u32::MAX) };
            let mut cuts: BTreeSet<u128> = BTreeSet::new();
            cuts.insert(0);
            for c in cidrs.iter().filter(|c| c.is_v4() != v6) {
                cuts.insert(bits(c.addr));
                if let Some(e) = c.end_exclusive() {
                    cuts.insert(bits(e));
                }
            }
            let cuts: Vec<u128> = cuts.into_iter().collect();
            // Pieces with the same owner, verdict and decision are one entry.
            let first_piece = sources.len();
            for (i, &lo) in cuts.iter().enumerate() {
                let hi = cuts.get(i + 1).map_or(max, |n| n - 1);
                // Pick a representative not owned by an endpoint, when the piece has one.
                let mut rep = lo;
                let mut tries = 0;
                while ir.ip_owner.contains_key(&addr(rep, v6)) && rep < hi && tries < 64 {
                    rep += 1;
                    tries += 1;
                }
                let ip = addr(rep, v6);
                if dst_ips.contains(&ip) {
                    continue;
                }
                let owners: Vec<String> = ir
                    .sets
                    .iter()
                    .filter(|s| s.nets.iter().any(|n| n.contains(ip)))
                    .map(|s| s.reference())
                    .collect();
                let name = if owners.is_empty() {
                    "external".to_string()
                } else {
                    owners.join(" + ")
                };
                let fv = match self.flow_verdict(&Ref::Ip(ip), to, port, protocol) {
                    Ok(v) => v,
                    Err(e) if e.kind == super::query::QueryErrorKind::NoCommonFamily => continue,
                    Err(e) => return Err(e),
                };
                proto_name.clone_from(&fv.query.protocol);
                port16 = fv.query.port;
                let range = format!("{}-{}", addr(lo, v6), addr(hi, v6));
                let same = sources.get_mut(first_piece..).and_then(|s| {
                    s.iter_mut().find(|x| {
                        x.source == name && x.verdict == fv.verdict && x.decided_by == fv.decided_by
                    })
                });
                if let Some(prev) = same {
                    prev.ranges.push(range);
                    for u in fv.uncertain {
                        if !prev.uncertain.contains(&u) {
                            prev.uncertain.push(u);
                        }
                    }
                    continue;
                }
                sources.push(ReachSource {
                    source: name,
                    ranges: vec![range],
                    address: Some(ip.to_string()),
                    verdict: fv.verdict,
                    decided_by: fv.decided_by,
                    uncertain: fv.uncertain,
                });
            }
        }
        if proto_name.is_empty() {
            proto_name = super::ir::proto::name(proto_n);
            port16 = u16::try_from(port).unwrap_or(0);
        }
        let allowed: Vec<String> = sources
            .iter()
            .filter(|s| s.verdict == Verdict::Allow)
            .map(|s| {
                let whole = !sources
                    .iter()
                    .any(|o| o.source == s.source && o.verdict != Verdict::Allow);
                match (whole, s.source.as_str()) {
                    (true, "external") => "external (any other address)".to_string(),
                    (true, n) => n.to_string(),
                    (false, n) => format!("{n} ({})", s.ranges.join(", ")),
                }
            })
            .collect();
        let summary = if allowed.is_empty() {
            "reachable from: nothing".to_string()
        } else {
            format!("reachable from: {}", allowed.join(", "))
        };
        let _ = describe;
        Ok(Reach {
            to: to.to_string(),
            port: port16,
            protocol: proto_name,
            sources,
            summary,
        })
    }
}
