//! What the evaluator-based lint rules look for (`selector-policy/src/rules/` holds their
//! metadata and turns these findings into diagnostics). Probes are bounded: at most
//! [`MAX_PROBE_PEERS`] peers and [`MAX_PROBE_PORTS`] ports per question, so linting a large
//! input stays linear in its size.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use super::flow::eval_side;
use super::ir::{proto, Action, Dir, EndpointKind, Entity, Ir, Loc, PortMatch, Rule};
use super::matching::{Doubts, End, Owners, Packet};
use super::query::{Cluster, Ref};
use super::trace::{Reason, Verdict};

/// Peers tried per question.
pub const MAX_PROBE_PEERS: usize = 24;
/// Ports tried per protocol per question.
pub const MAX_PROBE_PORTS: usize = 32;

/// One finding: where, what, and what to do.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Where (file index and byte range are in the location).
    pub loc: Loc,
    /// The message.
    pub message: String,
    /// The help line.
    pub help: Option<String>,
}

/// An address nothing in the input owns (TEST-NET-3), used as "the internet".
fn outside(ir: &Ir) -> IpAddr {
    let mut n: u32 = u32::from(Ipv4Addr::new(203, 0, 113, 77));
    for _ in 0..256 {
        let ip = IpAddr::V4(Ipv4Addr::from(n));
        if !ir.ip_owner.contains_key(&ip)
            && !ir
                .sets
                .iter()
                .any(|s| s.nets.iter().any(|c| c.contains(ip)))
        {
            return ip;
        }
        n = n.wrapping_add(1);
    }
    IpAddr::V4(Ipv4Addr::new(203, 0, 113, 77))
}

fn rule_ports(rules: &[Rule], out: &mut BTreeSet<u16>) {
    for r in rules {
        for p in r.destination.ports.iter().chain(&r.destination.not_ports) {
            if let PortMatch::Range(lo, hi) = p {
                out.insert(*lo);
                out.insert(*hi);
                out.insert(hi.saturating_add(1));
            }
        }
    }
}

/// Ports worth trying: every port the input's rules and named ports mention, and a few common ones.
fn probe_ports(ir: &Ir) -> Vec<u16> {
    let mut ports: BTreeSet<u16> = [80, 443, 8080, 9091, 10250, 30000, 53]
        .into_iter()
        .collect();
    for p in &ir.policies {
        rule_ports(&p.ingress_rules, &mut ports);
        rule_ports(&p.egress_rules, &mut ports);
    }
    for e in &ir.endpoints {
        ports.extend(e.ports.iter().map(|p| p.port));
    }
    ports.remove(&0);
    ports.into_iter().take(MAX_PROBE_PORTS).collect()
}

/// Addresses worth trying as peers: the other endpoints, one per network set, the internet.
fn probe_peers(ir: &Ir, not: usize) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = ir
        .endpoints
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != not)
        .filter_map(|(_, e)| e.ips.first().copied())
        .take(MAX_PROBE_PEERS / 2)
        .collect();
    out.extend(
        ir.sets
            .iter()
            .filter_map(|s| s.nets.first().map(|c| c.addr))
            .take(MAX_PROBE_PEERS / 2),
    );
    out.push(outside(ir));
    out
}

fn packet(ir: &Ir, src: Option<IpAddr>, dst: Option<IpAddr>, protocol: u8, port: u16) -> Packet {
    let v6 = src.or(dst).is_some_and(|ip| ip.is_ipv6());
    Packet {
        src: End {
            ip: src,
            owners: Owners::of(ir, src),
        },
        dst: End {
            ip: dst,
            owners: Owners::of(ir, dst),
        },
        protocol,
        port,
        v6,
    }
}

/// Whether direction `d` of endpoint `ep` lets anything through beyond failsafe ports.
fn side_admits_something(c: &Cluster, ep: usize, d: Dir) -> bool {
    let ir = &c.ir;
    let Some(e) = ir.endpoints.get(ep) else {
        return false;
    };
    let own = e
        .ips
        .iter()
        .copied()
        .find(IpAddr::is_ipv4)
        .or_else(|| e.ips.first().copied());
    let applies = c.applies.get(ep).map_or(&[][..], Vec::as_slice);
    let ports = probe_ports(ir);
    for peer in probe_peers(ir, ep) {
        if own.is_some_and(|o| o.is_ipv6() != peer.is_ipv6()) {
            continue;
        }
        for protocol in [proto::TCP, proto::UDP] {
            for &port in &ports {
                let (src, dst) = match d {
                    Dir::Ingress => (Some(peer), own),
                    Dir::Egress => (own, Some(peer)),
                };
                let pkt = packet(ir, src, dst, protocol, port);
                let mut trace = Vec::new();
                let mut doubts = Doubts::default();
                let dec = eval_side(ir, applies, ep, d, &pkt, &mut trace, &mut doubts);
                if dec.allows() && dec.reason != Reason::Failsafe {
                    return true;
                }
            }
        }
    }
    false
}

/// Host endpoints that accept nothing beyond failsafe ports in a direction.
pub fn host_endpoint_lockout(c: &Cluster) -> Vec<Finding> {
    let ir = &c.ir;
    let mut out = Vec::new();
    for (i, e) in ir.endpoints.iter().enumerate() {
        if e.kind != EndpointKind::Host {
            continue;
        }
        let Some(loc) = e.loc.clone() else { continue };
        let closed: Vec<Dir> = [Dir::Ingress, Dir::Egress]
            .into_iter()
            .filter(|d| !side_admits_something(c, i, *d))
            .collect();
        if closed.is_empty() {
            continue;
        }
        let dirs = closed
            .iter()
            .map(|d| d.name())
            .collect::<Vec<_>>()
            .join(" and ");
        let profiles = if e.profiles.is_empty() {
            "it has no profile".to_string()
        } else {
            let named: Vec<String> = e
                .profiles
                .iter()
                .map(|p| {
                    if ir.profiles.contains_key(p) {
                        format!("`{p}`")
                    } else {
                        format!("`{p}` (missing: drops everything)")
                    }
                })
                .collect();
            format!("its profiles {} allow nothing further", named.join(", "))
        };
        let mut fs = Vec::new();
        if closed.contains(&Dir::Ingress) {
            fs.push(format!("inbound {}", list(&ir.felix.failsafe_in)));
        }
        if closed.contains(&Dir::Egress) {
            fs.push(format!("outbound {}", list(&ir.felix.failsafe_out)));
        }
        out.push(Finding {
            loc,
            message: format!(
                "HostEndpoint `{}` accepts nothing on {dirs} beyond the failsafe ports ({}): no policy allows traffic there and {profiles}",
                e.name,
                fs.join("; ")
            ),
            help: Some(format!(
                "apply a policy that selects it and allows what the node needs on {dirs}, or add the profile `projectcalico-default-allow`"
            )),
        });
    }
    out
}

fn list(f: &[super::ir::Failsafe]) -> String {
    if f.is_empty() {
        "none".to_string()
    } else {
        f.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn nets_cover(wide: &[super::ir::Cidr], narrow: &[super::ir::Cidr]) -> bool {
    wide.is_empty()
        || (!narrow.is_empty()
            && narrow.iter().all(|n| {
                wide.iter()
                    .any(|w| w.prefix <= n.prefix && w.contains(n.addr))
            }))
}

fn ports_cover(wide: &[PortMatch], narrow: &[PortMatch]) -> bool {
    wide.is_empty()
        || (!narrow.is_empty()
            && narrow.iter().all(|n| {
                wide.iter().any(|w| match (w, n) {
                    (PortMatch::Range(a, b), PortMatch::Range(c, d)) => a <= c && d <= b,
                    (PortMatch::Named(x), PortMatch::Named(y)) => x == y,
                    _ => false,
                })
            }))
}

fn same_sel(a: &Option<selector_core::Selector>, b: &Option<selector_core::Selector>) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(x), Some(y)) => x.canonical() == y.canonical(),
        (Some(_), None) => false,
    }
}

fn entity_covers(w: &Entity, n: &Entity) -> bool {
    nets_cover(&w.nets, &n.nets)
        && (w.not_nets.is_empty() || w.not_nets == n.not_nets)
        && same_sel(&w.sel.selector, &n.sel.selector)
        && (w.sel.not_selector.is_none() || same_sel(&w.sel.not_selector, &n.sel.not_selector))
        && ports_cover(&w.ports, &n.ports)
        && (w.not_ports.is_empty() || w.not_ports == n.not_ports)
        && !w.services
}

/// Whether every packet `n` matches, `w` matches too (peers by exact selector equality).
pub fn rule_covers(w: &Rule, n: &Rule) -> bool {
    w.broken.is_none()
        && (w.protocol.is_none() || w.protocol == n.protocol)
        && (w.not_protocol.is_none()
            || w.not_protocol == n.not_protocol
            || (n.protocol.is_some() && n.protocol != w.not_protocol))
        && (w.icmp.is_none() || w.icmp == n.icmp)
        && (w.not_icmp.is_none() || w.not_icmp == n.not_icmp)
        && (w.ip_version.is_none() || w.ip_version == n.ip_version)
        && entity_covers(&w.source, &n.source)
        && entity_covers(&w.destination, &n.destination)
}

fn line_of(r: &Rule) -> String {
    r.loc.as_ref().map_or("?".into(), |l| l.line.to_string())
}

/// Rules that can never decide: an earlier rule of the same policy with an ending action matches all they match.
pub fn shadowed_rules(c: &Cluster) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in &c.ir.policies {
        for d in [Dir::Ingress, Dir::Egress] {
            let rules = p.rules(d);
            for (j, n) in rules.iter().enumerate() {
                let Some(loc) = n.loc.clone() else { continue };
                let earlier = rules
                    .iter()
                    .enumerate()
                    .take(j)
                    .find(|(_, w)| w.action.ends() && rule_covers(w, n));
                if let Some((i, w)) = earlier {
                    out.push(Finding {
                        loc,
                        message: format!(
                            "{} rule {j} of `{}` (line {}: `{}`) can never decide: rule {i} (line {}: `{}`, {}) matches every flow it matches",
                            d.name(),
                            p.display(),
                            line_of(n),
                            n.loc.as_ref().map_or("", |l| l.text.trim()),
                            line_of(w),
                            w.loc.as_ref().map_or("", |l| l.text.trim()),
                            w.action.name()
                        ),
                        help: Some("remove the rule, or move it before the wider one if it should win".into()),
                    });
                }
            }
        }
    }
    out
}

/// GlobalNetworkPolicy Allow rules whose peer is only a notSelector.
pub fn not_selector_admits_internet(c: &Cluster) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in c.ir.policies.iter().filter(|p| p.namespace.is_none()) {
        for d in [Dir::Ingress, Dir::Egress] {
            for (i, r) in p.rules(d).iter().enumerate() {
                let peer = match d {
                    Dir::Ingress => &r.source,
                    Dir::Egress => &r.destination,
                };
                if r.action != Action::Allow || peer.sel.selector.is_some() || peer.nets_set {
                    continue;
                }
                let Some(not) = &peer.sel.not_selector else {
                    continue;
                };
                let Some(loc) = r.loc.clone() else { continue };
                let which = if d == Dir::Ingress {
                    "source"
                } else {
                    "destination"
                };
                out.push(Finding {
                    loc,
                    message: format!(
                        "{} rule {i} of `{}` allows every {which} that does not match `{}`, which includes every address unknown to Calico (the internet)",
                        d.name(),
                        p.name,
                        not.source()
                    ),
                    help: Some(format!(
                        "add a positive `{which}.selector` or `{which}.nets` for the peers you mean (a notSelector alone matches any address no endpoint or network set owns)"
                    )),
                });
            }
        }
    }
    out
}

/// A label set that satisfies the exact-value equalities of `sel` (a stand-in endpoint for a
/// policy that selects nothing in the input), if it matches `sel`.
fn stand_in(sel: &selector_core::Selector) -> Option<std::collections::BTreeMap<String, String>> {
    let mut labels = std::collections::BTreeMap::new();
    for (k, r) in sel.label_restrictions() {
        if let Some(v) = r.must_have_one_of.as_ref().and_then(|v| v.first()) {
            labels.insert(k.clone(), v.clone());
        } else if r.must_be_present {
            labels.insert(k.clone(), String::new());
        }
    }
    sel.matches(&labels).then_some(labels)
}

/// A port (TCP) that no rule of the list matches whatever the peer, if one of a few is.
fn example_port(rules: &[Rule]) -> Option<u16> {
    [443, 8080, 80, 22, 1].into_iter().find(|&port| {
        !rules.iter().any(|r| {
            (r.protocol.is_none() || r.protocol == Some(proto::TCP))
                && (r.destination.ports.is_empty()
                    || r.destination
                        .ports
                        .iter()
                        .any(|p| matches!(p, PortMatch::Range(a, b) if *a <= port && port <= *b)))
        })
    })
}

/// Policies whose rules in a direction only deny or log, with nothing later in the tier
/// allowing or passing for the endpoints they select.
pub fn deny_only_policies(c: &Cluster) -> Vec<Finding> {
    let ir = &c.ir;
    let mut out = Vec::new();
    for (pi, p) in ir.policies.iter().enumerate() {
        if p.staged {
            continue;
        }
        let Some(sel) = &p.selector else { continue };
        let Some(tier) = ir.tiers.get(p.tier) else {
            continue;
        };
        if tier.default_pass {
            continue;
        }
        for d in [Dir::Ingress, Dir::Egress] {
            let rules = p.rules(d);
            if !p.governs(d)
                || rules.is_empty()
                || rules
                    .iter()
                    .any(|r| matches!(r.action, Action::Allow | Action::Pass))
            {
                continue;
            }
            // The endpoints it selects, or a stand-in with just the labels it requires.
            let selected: Vec<usize> = (0..ir.endpoints.len())
                .filter(|&e| c.applies.get(e).is_some_and(|a| a.contains(&pi)))
                .collect();
            let later_rescues = |labels: &std::collections::BTreeMap<String, String>,
                                 applies: Option<&[usize]>| {
                ir.policies.iter().enumerate().skip(pi + 1).any(|(qi, q)| {
                    q.tier == p.tier
                        && !q.staged
                        && q.governs(d)
                        && match applies {
                            Some(a) => a.contains(&qi),
                            None => q.selector.as_ref().is_some_and(|s| s.matches(labels)),
                        }
                        && q.rules(d)
                            .iter()
                            .any(|r| matches!(r.action, Action::Allow | Action::Pass))
                })
            };
            let doomed: Vec<String> = if selected.is_empty() {
                match stand_in(sel) {
                    Some(l) if !later_rescues(&l, None) => {
                        vec!["the endpoints it selects".to_string()]
                    }
                    _ => vec![],
                }
            } else {
                selected
                    .iter()
                    .filter(|&&e| {
                        !later_rescues(&Default::default(), c.applies.get(e).map(Vec::as_slice))
                    })
                    .filter_map(|&e| ir.endpoints.get(e).map(|x| x.reference()))
                    .collect()
            };
            if doomed.is_empty() {
                continue;
            }
            let Some(loc) = p.loc.clone() else { continue };
            let who = if doomed.len() > 3 {
                format!(
                    "{} and {} more",
                    doomed
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                    doomed.len() - 3
                )
            } else {
                doomed.join(", ")
            };
            let peer = if d == Dir::Ingress {
                "from any source"
            } else {
                "to any destination"
            };
            let example = match example_port(rules) {
                Some(port) => format!("TCP {port} {peer}"),
                None => format!(
                    "traffic {} peers its rules do not match",
                    if d == Dir::Ingress { "from" } else { "to" }
                ),
            };
            out.push(Finding {
                loc,
                message: format!(
                    "{} `{}` only denies on {}, and nothing after it in tier `{}` allows or passes for {who}: every {} flow its rules do not deny (e.g. {example}) is dropped at the end of the tier",
                    p.kind,
                    p.display(),
                    d.name(),
                    tier.name,
                    d.name(),
                ),
                help: Some(format!(
                    "end the {} rules with `- action: Pass` (or an Allow for what should stay open) if the policy is meant to close only what its rules match",
                    d.name()
                )),
            });
        }
    }
    out
}

/// Staged policies that would change the verdict of a flow between endpoints of the input.
pub fn staged_verdict_changes(c: &Cluster) -> Vec<Finding> {
    let ir = &c.ir;
    let mut out = Vec::new();
    let eps: Vec<usize> = (0..ir.endpoints.len())
        .filter(|&i| ir.endpoints.get(i).is_some_and(|e| !e.ips.is_empty()))
        .take(MAX_PROBE_PEERS)
        .collect();
    for (pi, p) in ir.policies.iter().enumerate() {
        if !p.staged {
            continue;
        }
        let Some(loc) = p.loc.clone() else { continue };
        let mut enforced = ir.clone();
        if let Some(q) = enforced.policies.get_mut(pi) {
            q.staged = false;
        }
        let alt = Cluster::from_ir(enforced);
        let mut ports: BTreeSet<u16> = [80].into_iter().collect();
        rule_ports(&p.ingress_rules, &mut ports);
        rule_ports(&p.egress_rules, &mut ports);
        ports.remove(&0);
        let refs: Vec<Ref> = eps
            .iter()
            .filter_map(|&i| ir.endpoints.get(i))
            .map(|e| match e.kind {
                EndpointKind::Host => Ref::HostEndpoint(e.name.clone()),
                EndpointKind::Pod => Ref::Pod {
                    namespace: e.namespace.clone().unwrap_or_default(),
                    name: e.name.clone(),
                },
            })
            .collect();
        let mut found = None;
        'search: for a in &refs {
            for b in &refs {
                if a == b {
                    continue;
                }
                for &port in ports.iter().take(MAX_PROBE_PORTS) {
                    let (Ok(now), Ok(then)) = (
                        c.flow(a, b, u32::from(port), "tcp"),
                        alt.flow(a, b, u32::from(port), "tcp"),
                    ) else {
                        continue;
                    };
                    if now.verdict != then.verdict {
                        found = Some((a.clone(), b.clone(), port, now.verdict, then));
                        break 'search;
                    }
                }
            }
        }
        if let Some((a, b, port, now, then)) = found {
            let word = |v: Verdict| {
                if v == Verdict::Allow {
                    "allowed"
                } else {
                    "denied"
                }
            };
            out.push(Finding {
                loc,
                message: format!(
                    "staged {} `{}` would change verdicts once enforced: {a} -> {b} TCP {port} is {} now and would be {} ({})",
                    p.kind,
                    p.display(),
                    word(now),
                    word(then.verdict),
                    super::query::describe(&then.decided_by)
                ),
                help: Some("check that this change is intended before turning the staged policy into an enforced one".into()),
            });
        }
    }
    out
}
