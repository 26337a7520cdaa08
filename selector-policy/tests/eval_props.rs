//! Properties of the policy evaluator on random inputs, and hostile inputs that must give an
//! answer or a clear error (never a panic or a hang). No timed assertions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write;

use proptest::prelude::*;
use selector_policy::eval::{Cluster, Event, FlowVerdict, Ref, Verdict};
use selector_policy::SourceFile;

#[derive(Clone, Debug)]
struct Pod {
    ns: usize,
    app: usize,
    node: usize,
}

#[derive(Clone, Debug)]
struct Hep {
    role: usize,
    default_allow: bool,
}

#[derive(Clone, Debug)]
struct RuleGen {
    action: usize,
    protocol: Option<usize>,
    ports: Option<usize>,
    peer: usize,
}

#[derive(Clone, Debug)]
struct PolicyGen {
    global: bool,
    tier: usize,
    order: Option<u8>,
    selector: usize,
    types: usize,
    ingress: Vec<RuleGen>,
    egress: Vec<RuleGen>,
    staged: bool,
}

#[derive(Clone, Debug)]
struct World {
    pods: Vec<Pod>,
    heps: Vec<Hep>,
    sets: Vec<usize>,
    tier_pass: bool,
    policies: Vec<PolicyGen>,
}

const APPS: &[&str] = &["x", "y", "z"];
const NS: &[&str] = &["a", "b"];
const SELECTORS: &[&str] = &[
    "all()",
    "app == 'x'",
    "app != 'y'",
    "has(role)",
    "role == 'r1'",
    "!has(app)",
];
const PEERS: &[&str] = &[
    "",
    "selector: app == 'x'",
    "notSelector: app == 'y'",
    "nets: [10.0.0.0/30]",
    "notNets: [10.2.0.0/24]",
    "selector: all()",
    "namespaceSelector: global()",
];
const ACTIONS: &[&str] = &["Allow", "Deny", "Pass", "Log"];
const PROTOCOLS: &[&str] = &["TCP", "UDP"];
const PORTS: &[&str] = &["[80]", "['1000:2000']", "[22, 53]"];
const SETS: &[&str] = &["10.2.0.0/24", "10.0.0.0/30", "fd00::/64"];

fn rule_gen() -> impl Strategy<Value = RuleGen> {
    (
        0..ACTIONS.len(),
        proptest::option::of(0..PROTOCOLS.len()),
        proptest::option::of(0..PORTS.len()),
        0..PEERS.len(),
    )
        .prop_map(|(action, protocol, ports, peer)| RuleGen {
            action,
            protocol,
            ports,
            peer,
        })
}

fn policy_gen() -> impl Strategy<Value = PolicyGen> {
    (
        any::<bool>(),
        0..2usize,
        proptest::option::of(0u8..20),
        0..SELECTORS.len(),
        0..4usize,
        proptest::collection::vec(rule_gen(), 0..4),
        proptest::collection::vec(rule_gen(), 0..4),
        proptest::bool::weighted(0.15),
    )
        .prop_map(
            |(global, tier, order, selector, types, ingress, egress, staged)| PolicyGen {
                global,
                tier,
                order,
                selector,
                types,
                ingress,
                egress,
                staged,
            },
        )
}

fn world() -> impl Strategy<Value = World> {
    (
        proptest::collection::vec(
            (0..NS.len(), 0..APPS.len(), 0..2usize).prop_map(|(ns, app, node)| Pod {
                ns,
                app,
                node,
            }),
            1..4,
        ),
        proptest::collection::vec(
            (0..2usize, any::<bool>()).prop_map(|(role, default_allow)| Hep {
                role,
                default_allow,
            }),
            0..3,
        ),
        proptest::collection::vec(0..SETS.len(), 0..3),
        any::<bool>(),
        proptest::collection::vec(policy_gen(), 0..6),
    )
        .prop_map(|(pods, heps, sets, tier_pass, policies)| World {
            pods,
            heps,
            sets,
            tier_pass,
            policies,
        })
}

fn rules_yaml(out: &mut String, key: &str, rules: &[RuleGen], dir_peer: &str) {
    if rules.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {key}:");
    for r in rules {
        let _ = writeln!(out, "    - action: {}", ACTIONS[r.action]);
        let protocol = r.protocol.or(r.ports.map(|_| 0));
        if let Some(p) = protocol {
            let _ = writeln!(out, "      protocol: {}", PROTOCOLS[p]);
        }
        let peer = PEERS[r.peer];
        if !peer.is_empty() {
            let _ = writeln!(out, "      {dir_peer}:\n        {peer}");
        }
        if let Some(p) = r.ports {
            let _ = writeln!(out, "      destination:\n        ports: {}", PORTS[p]);
        }
    }
}

fn render(w: &World, extra_first_allow: bool) -> String {
    let mut s = String::new();
    for ns in NS {
        let _ = write!(
            s,
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n---\n"
        );
    }
    for (i, p) in w.pods.iter().enumerate() {
        let _ = write!(
            s,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  namespace: {}\n  labels:\n    app: {}\nspec:\n  nodeName: n{}\n  containers: [{{name: c, image: i, ports: [{{name: web, containerPort: 80}}]}}]\nstatus:\n  podIPs: [{{ip: 10.0.0.{}}}, {{ip: 'fd00::{}'}}]\n---\n",
            NS[p.ns],
            APPS[p.app],
            p.node,
            i + 1,
            i + 1
        );
    }
    for (i, h) in w.heps.iter().enumerate() {
        let profiles = if h.default_allow {
            "\n  profiles: [projectcalico-default-allow]"
        } else {
            ""
        };
        let _ = write!(
            s,
            "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: h{i}\n  labels:\n    role: r{}\nspec:\n  node: n{i}\n  interfaceName: eth0\n  expectedIPs: [10.1.0.{}]{profiles}\n---\n",
            h.role + 1,
            i + 1
        );
    }
    for (i, n) in w.sets.iter().enumerate() {
        let _ = write!(
            s,
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: s{i}\n  labels:\n    app: x\nspec:\n  nets: ['{}']\n---\n",
            SETS[*n]
        );
    }
    let _ = write!(
        s,
        "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: t1\nspec:\n  order: 500\n  defaultAction: {}\n---\n",
        if w.tier_pass { "Pass" } else { "Deny" }
    );
    if extra_first_allow {
        s.push_str("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: first\nspec:\n  order: 1\n---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: first.allow-all\nspec:\n  tier: first\n  selector: all()\n  types: [Ingress, Egress]\n  ingress:\n    - action: Allow\n  egress:\n    - action: Allow\n---\n");
    }
    for (i, p) in w.policies.iter().enumerate() {
        let kind = match (p.global, p.staged) {
            (true, false) => "GlobalNetworkPolicy",
            (true, true) => "StagedGlobalNetworkPolicy",
            (false, false) => "NetworkPolicy",
            (false, true) => "StagedNetworkPolicy",
        };
        let tier = if p.tier == 1 { "t1" } else { "default" };
        let name = if p.tier == 1 {
            format!("t1.p{i}")
        } else {
            format!("p{i}")
        };
        let _ = write!(
            s,
            "apiVersion: projectcalico.org/v3\nkind: {kind}\nmetadata:\n  name: {name}\n"
        );
        if !p.global {
            s.push_str("  namespace: a\n");
        }
        let _ = write!(
            s,
            "spec:\n  tier: {tier}\n  selector: \"{}\"\n",
            SELECTORS[p.selector]
        );
        if let Some(o) = p.order {
            let _ = writeln!(s, "  order: {o}");
        }
        match p.types {
            1 => s.push_str("  types: [Ingress]\n"),
            2 => s.push_str("  types: [Egress]\n"),
            3 => s.push_str("  types: [Ingress, Egress]\n"),
            _ => {}
        }
        rules_yaml(&mut s, "ingress", &p.ingress, "source");
        rules_yaml(&mut s, "egress", &p.egress, "destination");
        s.push_str("---\n");
    }
    s
}

fn refs(w: &World) -> Vec<String> {
    let mut r: Vec<String> = (0..w.pods.len())
        .map(|i| format!("pod/{}/p{i}", NS[w.pods[i].ns]))
        .collect();
    r.extend((0..w.heps.len()).map(|i| format!("hostendpoint/h{i}")));
    r.extend(["10.2.0.9", "203.0.113.5", "10.0.0.2"].map(String::from));
    r
}

fn check_consistent(v: &FlowVerdict) {
    let last = v.trace.last().expect("a trace");
    assert_eq!(last.event, Event::Verdict);
    assert_eq!(last.side, None);
    let want = if v.verdict == Verdict::Allow {
        "Allow"
    } else {
        "Deny"
    };
    assert_eq!(
        last.action.as_deref(),
        Some(want),
        "the trace's verdict is the verdict"
    );
    assert_eq!(v.decided_by.allows(), v.verdict == Verdict::Allow);
    let sides_allow = v.sides.egress.as_ref().is_none_or(|d| d.allows())
        && v.sides.ingress.as_ref().is_none_or(|d| d.allows());
    assert_eq!(
        sides_allow,
        v.verdict == Verdict::Allow,
        "the verdict is egress AND ingress"
    );
    // Every side verdict in the trace agrees with the side's decision.
    for (dir, side) in [("egress", &v.sides.egress), ("ingress", &v.sides.ingress)] {
        let Some(d) = side else { continue };
        if let Some(e) = v
            .trace
            .iter()
            .rev()
            .find(|e| e.event == Event::Verdict && e.side.map(|s| s.name()) == Some(dir))
        {
            assert_eq!(e.action.as_deref(), d.action.as_deref());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn trace_agrees_and_a_first_allow_all_never_denies(w in world(), a in 0usize..64, b in 0usize..64, port in prop::sample::select(vec![80u32, 22, 53, 1500, 4789]), udp in any::<bool>()) {
        let text = render(&w, false);
        let cluster = Cluster::from_files(&[SourceFile::new("w.yaml", text.clone())]).unwrap();
        let rs = refs(&w);
        let (from, to) = (&rs[a % rs.len()], &rs[b % rs.len()]);
        let protocol = if udp { "udp" } else { "tcp" };
        let (Ok(f), Ok(t)) = (Ref::parse(from), Ref::parse(to)) else { unreachable!() };
        let Ok(v) = cluster.flow(&f, &t, port, protocol) else { return Ok(()) };
        check_consistent(&v);
        let with_allow = Cluster::from_files(&[SourceFile::new("w.yaml", render(&w, true))]).unwrap();
        let v2 = with_allow.flow(&f, &t, port, protocol).unwrap();
        check_consistent(&v2);
        if v.verdict == Verdict::Allow {
            prop_assert_eq!(v2.verdict, Verdict::Allow, "{} -> {} {}/{}: allowed, denied after adding an allow-all first\n{}", from, to, protocol, port, text);
        }
        // JSON has exactly the documented top-level keys.
        let json = serde_json::to_value(&v).unwrap();
        let mut keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        keys.sort();
        prop_assert_eq!(keys, vec!["decided_by", "sides", "trace", "uncertain", "verdict"]);
    }

    #[test]
    fn reach_and_policies_answer_on_random_inputs(w in world()) {
        let cluster = Cluster::from_files(&[SourceFile::new("w.yaml", render(&w, false))]).unwrap();
        let to = Ref::parse("pod/a/p0").unwrap();
        if let Ok(r) = cluster.reach(&to, 80, "tcp") {
            prop_assert!(r.summary.starts_with("reachable from: "));
            for s in &r.sources {
                prop_assert_eq!(s.decided_by.allows(), s.verdict == Verdict::Allow);
            }
        }
        let _ = cluster.policies(&to);
    }
}

fn many(n: usize, f: impl Fn(usize) -> String) -> String {
    (0..n).map(f).collect::<Vec<_>>().join("")
}

#[test]
fn ten_thousand_rules_in_one_policy_answer() {
    let rules = many(10_000, |i| {
        format!(
            "    - action: Deny\n      protocol: TCP\n      destination:\n        ports: [{}]\n",
            1 + i % 60_000
        )
    });
    let text = format!(
        "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: h\nspec:\n  node: n\n  expectedIPs: [10.0.0.1]\n---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: big\nspec:\n  selector: all()\n  ingress:\n{rules}    - action: Allow\n"
    );
    let c = Cluster::from_files(&[SourceFile::new("big.yaml", text)]).unwrap();
    let v = c
        .flow(
            &Ref::parse("203.0.113.1").unwrap(),
            &Ref::parse("hostendpoint/h").unwrap(),
            65_000,
            "tcp",
        )
        .unwrap();
    assert_eq!(v.verdict, Verdict::Allow);
    assert_eq!(v.decided_by.rule, Some(10_000));
    let v = c
        .flow(
            &Ref::parse("203.0.113.1").unwrap(),
            &Ref::parse("hostendpoint/h").unwrap(),
            5,
            "tcp",
        )
        .unwrap();
    assert_eq!((v.verdict, v.decided_by.rule), (Verdict::Deny, Some(4)));
}

#[test]
fn overlapping_cidrs_and_ipv6_answer() {
    let sets = many(200, |i| {
        format!(
            "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: s{i}\n  labels: {{k: v{}}}\nspec:\n  nets: [10.{}.0.0/{}, 'fd00:{:x}::/{}', 0.0.0.0/0]\n---\n",
            i % 7,
            i % 256,
            8 + i % 17,
            i,
            16 + i % 100
        )
    });
    let text = format!(
        "{sets}apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  nodeName: node-1\nstatus:\n  podIPs: [{{ip: 10.0.0.5}}, {{ip: 'fd00::5'}}]\n---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: g\nspec:\n  selector: all()\n  ingress:\n    - action: Allow\n      source:\n        selector: k == 'v3'\n        nets: ['fd00::/16']\n    - action: Deny\n      source:\n        notNets: [10.0.0.0/8]\n"
    );
    let c = Cluster::from_files(&[SourceFile::new("sets.yaml", text)]).unwrap();
    let v = c
        .flow(
            &Ref::parse("fd00:3::1").unwrap(),
            &Ref::parse("pod/a/p").unwrap(),
            80,
            "tcp",
        )
        .unwrap();
    assert_eq!((v.verdict, v.decided_by.rule), (Verdict::Allow, Some(0)));
    // The IPv4 notNets rule is skipped for IPv6 packets (POLICY.md 4.6).
    let v = c
        .flow(
            &Ref::parse("fd01::1").unwrap(),
            &Ref::parse("pod/a/p").unwrap(),
            80,
            "tcp",
        )
        .unwrap();
    assert_eq!(v.verdict, Verdict::Deny);
    assert_eq!(
        v.decided_by.reason,
        selector_policy::eval::Reason::EndOfTier
    );
    let r = c.reach(&Ref::parse("pod/a/p").unwrap(), 80, "tcp").unwrap();
    assert!(r.sources.len() > 2);
    // No common family: a clear error naming both ends.
    let c2 = Cluster::from_files(&[SourceFile::new(
        "v.yaml",
        "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: h\nspec:\n  node: n\n  expectedIPs: [10.0.0.1]\n",
    )])
    .unwrap();
    let e = c2
        .flow(
            &Ref::parse("fd00::1").unwrap(),
            &Ref::parse("hostendpoint/h").unwrap(),
            80,
            "tcp",
        )
        .unwrap_err();
    assert!(
        e.message.contains("fd00::1") && e.message.contains("hostendpoint/h"),
        "{e}"
    );
}

#[test]
fn a_hundred_thousand_endpoints_answer() {
    use selector_policy::eval::ir::{Endpoint, EndpointKind, Ir};
    let mut ir = Ir::default();
    for i in 0..100_000u32 {
        let ip = std::net::IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i + 1));
        ir.ip_owner.entry(ip).or_default().push(i as usize);
        ir.endpoints.push(Endpoint {
            kind: EndpointKind::Host,
            name: format!("h{i}"),
            namespace: None,
            node: Some(format!("n{i}")),
            ips: vec![ip],
            labels: [("i".to_string(), (i % 100).to_string())]
                .into_iter()
                .collect(),
            profiles: vec![],
            ports: vec![],
            loc: None,
        });
    }
    let c = Cluster::from_ir(ir);
    let v = c
        .flow(
            &Ref::parse("hostendpoint/h5").unwrap(),
            &Ref::parse("10.0.0.9").unwrap(),
            80,
            "tcp",
        )
        .unwrap();
    assert_eq!(v.verdict, Verdict::Deny);
    assert_eq!(v.decided_by.endpoint.as_deref(), Some("hostendpoint/h5"));
    let e = c
        .flow(
            &Ref::parse("hostendpoint/nope").unwrap(),
            &Ref::parse("10.0.0.9").unwrap(),
            80,
            "tcp",
        )
        .unwrap_err();
    assert!(e.message.contains("hostendpoint/nope"), "{e}");
}

#[test]
fn bad_references_and_inputs_are_clear_errors() {
    for bad in ["pod/x", "hostendpoint/", "10.0.0.300", "service/a/b", ""] {
        let e = Ref::parse(bad).unwrap_err();
        assert!(e.message.contains(&format!("`{bad}`")), "{e}");
    }
    let c = Cluster::from_files(&[SourceFile::new("e.yaml", "")]).unwrap();
    let e = c
        .flow(
            &Ref::parse("pod/a/b").unwrap(),
            &Ref::parse("1.2.3.4").unwrap(),
            80,
            "tcp",
        )
        .unwrap_err();
    assert!(e.message.contains("pod/a/b"));
    let e = c
        .flow(
            &Ref::parse("1.2.3.4").unwrap(),
            &Ref::parse("1.2.3.5").unwrap(),
            80,
            "gre",
        )
        .unwrap_err();
    assert!(e.message.contains("gre"));
    let e = c
        .flow(
            &Ref::parse("1.2.3.4").unwrap(),
            &Ref::parse("1.2.3.5").unwrap(),
            70_000,
            "tcp",
        )
        .unwrap_err();
    assert!(e.message.contains("70000"));
    let err =
        Cluster::from_files(&[SourceFile::new("broken.yaml", "kind: [unclosed\n")]).unwrap_err();
    assert!(err.to_string().contains("broken.yaml"), "{err}");
}
