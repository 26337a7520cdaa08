//! Tests of the typed model: decoding, defaults, spans and label sets.

use super::*;
use crate::resource::{resources_of, Kind, Resource};
use crate::yaml::load;

fn resources(text: &str) -> Vec<Resource> {
    let mut out = Vec::new();
    for d in &load(text).documents {
        resources_of(text, 0, d, &mut out);
    }
    out
}

fn policy(r: &Resource) -> &PolicySpec {
    match &r.spec {
        Spec::Policy(p) => p,
        other => panic!("not a policy: {other:?}"),
    }
}

const GNP: &str = r#"apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: security.allow-dns
  labels: {team: net}
spec:
  tier: security
  order: 100
  selector: all()
  types: [Egress]
  egress:
  - action: Allow
    protocol: UDP
    destination:
      nets: [10.96.0.10/32]
      ports: [53, "8000:8080", dns]
  - action: Allow
    protocol: 1
    icmp: {type: 8, code: 0}
    ipVersion: 4
  doNotTrack: false
"#;

#[test]
fn reads_a_policy_with_types_and_spans() {
    let rs = resources(GNP);
    let r = &rs[0];
    assert!(r.decode.is_empty(), "{:?}", r.decode);
    assert_eq!(
        r.meta.name.get().map(String::as_str),
        Some("security.allow-dns")
    );
    let p = policy(r);
    assert_eq!(p.tier_name(), "security");
    assert_eq!(p.order_value(), Some(100.0));
    let order = p.order.as_ref().unwrap();
    assert_eq!(&GNP[order.span.clone()], "100");
    assert_eq!(&GNP[order.key_span.clone()], "order");
    assert_eq!(p.effective_types(), (false, true));
    let rules: Vec<&RuleSpec> = rules_of(&p.egress).collect();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].action.get(), Some(&Action::Allow));
    assert_eq!(rules[0].protocol.get(), Some(&Protocol::Named("UDP")));
    let dst = rules[0].destination.get().unwrap();
    let ports: Vec<&Port> = dst
        .ports
        .get()
        .unwrap()
        .iter()
        .filter_map(|p| p.get())
        .collect();
    assert_eq!(
        ports,
        vec![
            &Port::Range { lo: 53, hi: 53 },
            &Port::Range { lo: 8000, hi: 8080 },
            &Port::Named("dns".into())
        ]
    );
    let net = dst.nets.get().unwrap()[0].get().unwrap();
    assert_eq!(net.to_string(), "10.96.0.10/32");
    assert!(!net.has_host_bits());
    assert_eq!(rules[1].protocol.get().map(|p| p.number()), Some(1));
    let icmp = rules[1].icmp.get().unwrap();
    assert_eq!(
        (icmp.icmp_type.get(), icmp.code.get()),
        (Some(&8), Some(&0))
    );
    assert!(!PolicySpec::flag(&p.do_not_track));
}

#[test]
fn defaults_when_fields_are_absent() {
    let text = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  egress: [{action: Deny}]\n";
    let rs = resources(text);
    let p = policy(&rs[0]);
    assert_eq!(p.tier_name(), "default");
    assert_eq!(p.order_value(), None);
    assert_eq!(p.effective_types(), (false, true));
    let text = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec: {}\n";
    assert_eq!(policy(&resources(text)[0]).effective_types(), (true, false));
    let text = "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: t}\n";
    let rs = resources(text);
    let Spec::Tier(t) = &rs[0].spec else { panic!() };
    assert_eq!(t.order_value(), DEFAULT_TIER_ORDER);
    assert_eq!(t.default_action_value(), TierAction::Deny);
    let text = "apiVersion: projectcalico.org/v3\nkind: FelixConfiguration\nmetadata: {name: default}\nspec:\n  logSeverityScreen: Info\n  failsafeInboundHostPorts: [{protocol: tcp, port: 22}]\n";
    let rs = resources(text);
    assert!(rs[0].decode.is_empty(), "lenient kind: {:?}", rs[0].decode);
    let Spec::FelixConfiguration(f) = &rs[0].spec else {
        panic!()
    };
    assert_eq!(f.failsafe_inbound_ports().len(), 1);
    assert_eq!(
        f.failsafe_outbound_ports().len(),
        DEFAULT_FAILSAFE_OUTBOUND.len()
    );
    assert_eq!(f.endpoint_to_host_action(), EndpointToHostAction::Drop);
    assert_eq!(f.vxlan_port_value(), 4789);
}

#[test]
fn decoding_issues_are_recorded_and_values_kept() {
    let text = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec:\n  selectr: all()\n  order: \"100\"\n  ingress:\n  - action: allow\n    protocol: tcp\n    sorce: {}\n    destination: {ports: [99999]}\n  ingress: []\n";
    let rs = resources(text);
    let r = &rs[0];
    let kinds: Vec<(&str, &IssueKind)> = r
        .decode
        .iter()
        .map(|d| (d.path.as_str(), &d.kind))
        .collect();
    assert!(
        matches!(kinds[0], ("spec.selectr", IssueKind::UnknownField { name, .. }) if name == "selectr")
    );
    assert!(kinds
        .iter()
        .any(|(p, k)| *p == "spec.ingress" && matches!(k, IssueKind::DuplicateKey { .. })));
    assert!(kinds.iter().any(|(p, k)| *p == "spec.order"
        && matches!(
            k,
            IssueKind::WrongType {
                found: RawKind::String,
                ..
            }
        )));
    // Of a repeated key the last is read (as JSON decoding does), so these rules are empty.
    assert_eq!(rules_of(&policy(r).ingress).count(), 0);
    let text2 = text.replace("  ingress: []\n", "");
    let rs = resources(&text2);
    assert!(rs[0]
        .decode
        .iter()
        .any(|d| d.path == "spec.ingress[0].sorce"));
    let p = policy(&rs[0]);
    let rule = rules_of(&p.ingress).next().unwrap();
    let action = rule.action.as_ref().unwrap();
    assert_eq!(action.value.as_ref().unwrap_err().text, "allow");
    assert!(!action.value.as_ref().unwrap_err().wrong_type);
    assert_eq!(&text2[action.span.clone()], "allow");
    assert!(rule.protocol.as_ref().unwrap().value.is_err());
    let port = &rule.destination.get().unwrap().ports.get().unwrap()[0];
    assert_eq!(port.value.as_ref().unwrap_err().kind, RawKind::Number);
}

#[test]
fn kubernetes_kinds() {
    let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: k, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  egress:\n  - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]\n    ports: [{port: 443}, {port: http, protocol: UDP}, {port: 8000, endPort: 8080}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: shop}\nspec:\n  nodeName: n1\n  unknownPodField: 1\n  containers:\n  - name: c\n    ports: [{name: http, containerPort: 8080}, {containerPort: 9090}]\n  initContainers:\n  - ports: [{name: metrics, containerPort: 9100, protocol: udp}]\nstatus:\n  phase: Running\n  podIP: 10.2.0.5\n  podIPs: [{ip: 10.2.0.5}, {ip: 'fd00::5'}]\n";
    let rs = resources(text);
    assert_eq!(rs[0].kind, Kind::KubernetesNetworkPolicy);
    assert_eq!(rs[0].namespace.as_deref(), Some("shop"));
    assert!(rs[0].decode.is_empty(), "{:?}", rs[0].decode);
    let Spec::KubernetesPolicy(k) = &rs[0].spec else {
        panic!()
    };
    assert_eq!(k.effective_types(), (true, true));
    let rule = k.egress.get().unwrap()[0].get().unwrap();
    let peer = rule.peers.as_ref().unwrap()[0].get().unwrap();
    assert_eq!(peer.ip_block.get().unwrap().except.len(), 1);
    assert_eq!(rule.ports.as_ref().unwrap().len(), 3);
    assert_eq!(rs[1].kind, Kind::Pod);
    assert!(rs[1].decode.is_empty(), "pods are lenient");
    let Spec::Pod(p) = &rs[1].spec else { panic!() };
    assert_eq!(p.ips().len(), 2);
    assert_eq!(
        p.named_ports(),
        vec![
            ("http".into(), "TCP".into(), 8080),
            ("metrics".into(), "UDP".into(), 9100)
        ]
    );
    assert!(!p.is_host_network() && !p.is_finished());
}

const ENDPOINTS: &str = r#"apiVersion: projectcalico.org/v3
kind: Profile
metadata: {name: ops}
spec:
  labelsToApply: {team: ops, env: prod}
---
apiVersion: projectcalico.org/v3
kind: Profile
metadata: {name: other}
spec:
  labelsToApply: {team: other, zone: a}
---
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: h, labels: {env: dev}}
spec:
  node: n1
  interfaceName: eth0
  profiles: [ops, other, missing]
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {tier: front}}
---
apiVersion: v1
kind: Pod
metadata: {name: w, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: x, namespace: ghost}
spec: {serviceAccountName: builder}
"#;

#[test]
fn label_sets_follow_profiles_and_record_assumptions() {
    let rs = resources(ENDPOINTS);
    let model = Model::new(&rs);
    let by_name = |n: &str| {
        model
            .endpoints
            .iter()
            .position(|e| rs[e.resource].name == n)
            .unwrap()
    };
    let h = by_name("h");
    let labels = model.labels(h);
    assert_eq!(
        labels.get("env").map(String::as_str),
        Some("dev"),
        "own label wins"
    );
    assert_eq!(
        labels.get("team").map(String::as_str),
        Some("ops"),
        "first profile wins"
    );
    assert_eq!(labels.get("zone").map(String::as_str), Some("a"));
    assert_eq!(model.endpoints[h].notes.len(), 1);
    assert!(model.endpoints[h].notes[0].contains("`missing`"));

    let w = by_name("w");
    let labels = model.labels(w);
    assert_eq!(labels.get("pcns.tier").map(String::as_str), Some("front"));
    assert_eq!(
        labels
            .get("pcns.kubernetes.io/metadata.name")
            .map(String::as_str),
        Some("shop")
    );
    assert_eq!(
        labels
            .get("projectcalico.org/serviceaccount")
            .map(String::as_str),
        Some("default")
    );
    assert_eq!(
        labels
            .get("pcsa.projectcalico.org/name")
            .map(String::as_str),
        Some("default")
    );
    let notes = &model.endpoints[w].notes;
    assert!(
        notes.iter().any(|n| n.contains("serviceAccountName")),
        "{notes:?}"
    );
    assert_eq!(
        notes.len(),
        1,
        "Kubernetes creates `default` itself: {notes:?}"
    );

    let x = by_name("x");
    let notes = &model.endpoints[x].notes;
    assert!(notes
        .iter()
        .any(|n| n.contains("namespace `ghost` is not in the input")),);
    assert!(!notes.iter().any(|n| n.contains("serviceAccountName")));
    assert!(
        notes
            .iter()
            .any(|n| n.contains("service account `builder`")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("service account `builder`")),
        "{notes:?}"
    );
    assert_eq!(
        model
            .labels(x)
            .get("pcns.kubernetes.io/metadata.name")
            .map(String::as_str),
        Some("ghost")
    );
    let kns = model.profiles.get("kns.shop").unwrap();
    assert_eq!(kns.ingress.len(), 1);
    assert!(!kns.assumed);
    assert!(model.profiles.get("kns.ghost").unwrap().assumed);
    assert!(model
        .profiles
        .get("ksa.ghost.builder")
        .unwrap()
        .ingress
        .is_empty());
    assert!(model.profiles.get(profiles::DEFAULT_ALLOW).is_some());
}

#[test]
fn nets_and_ports_parse() {
    let n = Net::parse("10.0.0.1/8").unwrap();
    assert!(n.has_host_bits());
    assert_eq!(n.masked().to_string(), "10.0.0.0/8");
    assert!(n.contains("10.200.0.1".parse().unwrap()));
    assert!(Net::parse("0.0.0.0/0").unwrap().is_everything());
    assert!(Net::parse("10.0.0.0/33").is_none());
    assert!(Net::parse("fd00::/129").is_none());
    assert_eq!(Net::parse("fd00::1").unwrap().version(), 6);
    assert!(Net::parse("ten").is_none());
    assert_eq!(Port::parse("1:2"), Some(Port::Range { lo: 1, hi: 2 }));
    assert_eq!(Port::parse("1:x"), None);
    assert_eq!(Port::parse("70000"), None);
    assert_eq!(Port::parse("http"), Some(Port::Named("http".into())));
    assert!(Protocol::parse("TCP").unwrap().supports_ports());
    assert!(!Protocol::parse("UDPLite").unwrap().supports_ports());
    assert_eq!(Protocol::parse("tcp"), None);
    assert_eq!(Protocol::parse("58").unwrap().number(), 58);
}

#[test]
fn typed_selectors_agree_with_field_selectors() {
    let text = "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: n, namespace: shop}\nspec:\n  selector: app == 'web'\n  serviceAccountSelector: role == 'x'\n  ingress:\n  - action: Allow\n    source: {selector: app == 'a', namespaceSelector: all(), serviceAccounts: {names: [s1], selector: has(t)}}\n  - action: Allow\n    source: {notSelector: app == 'b'}\n  - action: Allow\n    source: {nets: [10.0.0.0/8]}\n---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec:\n  namespaceSelector: team == 'a'\n  serviceAccountSelector: all()\n  egress:\n  - action: Allow\n    destination: {namespaceSelector: global(), selector: role == 'db'}\n";
    let rs = resources(text);
    let mut cache = SelectorCache::default();
    for r in &rs {
        let p = policy(r);
        let ns = r.namespace.as_deref();
        let a = policy_selector(&mut cache, r).map(|s| s.canonical().to_string());
        let b = spec_policy_selector(&mut cache, ns, p).map(|s| s.canonical().to_string());
        assert!(a.is_some());
        assert_eq!(a, b);
        let typed: Vec<&RuleSpec> = rules_of(&p.ingress).chain(rules_of(&p.egress)).collect();
        let fields = &r.policy.as_ref().unwrap().rules;
        assert_eq!(typed.len(), fields.len());
        for (t, f) in typed.iter().zip(fields) {
            for (te, fe) in [(&t.source, &f.source), (&t.destination, &f.destination)] {
                let a = peer_selector(&mut cache, r, fe).unwrap();
                let b = match te.get() {
                    Some(e) => entity_selector(&mut cache, ns, e).unwrap(),
                    None => PeerSelector {
                        selector: None,
                        not_selector: None,
                    },
                };
                let text = |p: &PeerSelector| {
                    (
                        p.selector.as_ref().map(|s| s.canonical().to_string()),
                        p.not_selector.as_ref().map(|s| s.canonical().to_string()),
                    )
                };
                assert_eq!(text(&a), text(&b));
            }
        }
    }
    // A tagged scalar is never read as an empty (select-everything) selector.
    let text = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\nspec:\n  selector: !has(x)\n";
    let rs = resources(text);
    assert!(policy(&rs[0]).selector.as_ref().unwrap().value.is_err());
    assert!(spec_policy_selector(&mut cache, None, policy(&rs[0])).is_none());
}

#[test]
fn an_alias_bomb_stops_its_file_only() {
    let bomb = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fuzz-regressions/lint/billion-laughs.yaml"
    ))
    .unwrap();
    let good = "apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: t}\n";
    let a = crate::lint::load(vec![
        crate::SourceFile::new("bomb.yaml", bomb),
        crate::SourceFile::new("good.yaml", good),
    ]);
    assert!(a.diagnostics.iter().any(|d| d.file == "bomb.yaml"
        && d.rule.id == "yaml-syntax"
        && d.message.contains("alias bomb")));
    // The document before the bomb is kept, the one after is not reached; the next file is read.
    let names: Vec<&str> = a.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["laughs", "t"]);
}
