//! The `flow` fuzz target's property: random manifests and random flows never panic, every
//! answer is an answer or a clear error, and the verdict agrees with its trace and sides.
//! Input: manifest text, then optionally a NUL byte and query bytes choosing the flows.
//! The replay test in the tests crate includes this file (`tests/tests/fuzz_regressions.rs`).

// Failing loudly is the point of a fuzz property.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use selector_policy::eval::{Cluster, Event, Ref, Verdict};
use selector_policy::SourceFile;

/// Flows asked per input (bounds the time per input).
const MAX_FLOWS: usize = 8;
/// `reach` is asked only on inputs with at most this many endpoints.
const MAX_REACH_ENDPOINTS: usize = 40;

fn refs(c: &Cluster) -> Vec<Ref> {
    let mut out: Vec<Ref> = c
        .ir()
        .endpoints
        .iter()
        .take(32)
        .map(|e| {
            Ref::parse(&e.reference()).unwrap_or(Ref::Ip(
                "0.0.0.0"
                    .parse()
                    .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)),
            ))
        })
        .collect();
    for e in c.ir().endpoints.iter().take(8) {
        out.extend(e.ips.iter().take(2).map(|ip| Ref::Ip(*ip)));
    }
    for s in c.ir().sets.iter().take(8) {
        out.extend(s.nets.first().map(|n| Ref::Ip(n.addr)));
    }
    for ip in ["203.0.113.9", "10.0.0.1", "fd00::1", "172.16.0.1"] {
        if let Ok(r) = Ref::parse(ip) {
            out.push(r);
        }
    }
    out
}

fn check_verdict(v: &selector_policy::eval::FlowVerdict) {
    let last = v.trace.last().expect("a flow's trace is never empty");
    assert_eq!(
        last.event,
        Event::Verdict,
        "the trace ends with the verdict"
    );
    let word = if v.verdict == Verdict::Allow {
        "Allow"
    } else {
        "Deny"
    };
    assert_eq!(
        last.action,
        Some(word),
        "the trace's verdict is the verdict"
    );
    assert_eq!(v.decided_by.allows(), v.verdict == Verdict::Allow);
    let sides = v.sides.egress.as_ref().is_none_or(|d| d.allows())
        && v.sides.ingress.as_ref().is_none_or(|d| d.allows());
    assert_eq!(
        sides,
        v.verdict == Verdict::Allow,
        "the verdict is egress AND ingress"
    );
}

/// The property.
pub fn check_flow(data: &[u8]) {
    let (text, query) = match data.iter().position(|b| *b == 0) {
        Some(i) => (
            data.get(..i).unwrap_or_default(),
            data.get(i + 1..).unwrap_or_default(),
        ),
        None => (data, &[][..]),
    };
    let text = String::from_utf8_lossy(text);
    let cluster = match Cluster::from_files(&[SourceFile::new("fuzz.yaml", text.as_ref())]) {
        Ok(c) => c,
        Err(e) => {
            assert!(!e.problems.is_empty() && e.problems.iter().all(|p| !p.is_empty()));
            return;
        }
    };
    let rs = refs(&cluster);
    let n = rs.len();
    let byte = |i: usize| query.get(i).copied().unwrap_or((i * 37 % 251) as u8) as usize;
    for k in 0..MAX_FLOWS {
        let (Some(from), Some(to)) = (
            rs.get(byte(4 * k) % n.max(1)),
            rs.get(byte(4 * k + 1) % n.max(1)),
        ) else {
            break;
        };
        let port = (byte(4 * k + 2) << 8 | byte(4 * k + 3)) as u32;
        let protocol = ["tcp", "udp", "sctp", "icmp", "icmpv6", "4", "136"][k % 7];
        match cluster.flow(from, to, port, protocol) {
            Ok(v) => {
                check_verdict(&v);
                let quiet = cluster
                    .flow_verdict(from, to, port, protocol)
                    .expect("same answer without the trace");
                assert_eq!(
                    (quiet.verdict, &quiet.decided_by),
                    (v.verdict, &v.decided_by),
                    "the trace does not change the verdict"
                );
            }
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
    if let Some(to) = rs.first() {
        let _ = cluster.policies(to);
        if cluster.ir().endpoints.len() <= MAX_REACH_ENDPOINTS {
            if let Ok(r) = cluster.reach(to, 80, "tcp") {
                assert!(r.summary.starts_with("reachable from: "));
                for s in &r.sources {
                    assert_eq!(s.decided_by.allows(), s.verdict == Verdict::Allow);
                }
            }
        }
    }
}
