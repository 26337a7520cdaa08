//! The sentences a traced flow writes for rules that do not match (one per kind of miss), and
//! the load notes every flow answer repeats as doubts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use selector_policy::eval::{Cluster, Event, Ref};
use selector_policy::SourceFile;

const MANIFESTS: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns, labels: {app: a}}
spec: {nodeName: n1, containers: [{name: c, image: i}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: ns, labels: {app: b}}
spec: {nodeName: n2, containers: [{name: c, image: i}]}
status: {podIP: 10.0.0.2}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: misses}
spec:
  selector: app == 'b'
  types: [Ingress]
  ingress:
    - {action: Deny, protocol: UDP}
    - {action: Deny, source: {nets: [10.9.0.0/16]}}
    - {action: Deny, source: {notNets: [10.0.0.0/8]}}
    - {action: Deny, source: {selector: app == 'nobody'}}
    - {action: Deny, protocol: TCP, destination: {ports: [81]}}
    - {action: Deny, protocol: TCP, destination: {notPorts: [80]}}
    - {action: Allow}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: other.p}
spec:
  tier: other
  selector: app == 'nobody'
"#;

#[test]
fn traced_misses_name_the_field_and_the_packet_facts() {
    let c = Cluster::from_files(&[SourceFile::new("m.yaml", MANIFESTS.to_string())]).unwrap();
    let from = Ref::parse("pod/ns/a").unwrap();
    let to = Ref::parse("pod/ns/b").unwrap();
    let v = c.flow(&from, &to, 80, "tcp").unwrap();
    let rules: Vec<(Option<String>, &str)> = v
        .trace
        .iter()
        .filter(|e| e.event == Event::Rule && e.policy.as_deref() == Some("misses"))
        .map(|e| (e.failed.clone(), e.message.as_str()))
        .collect();
    let want = [
        (Some("protocol"), "rule 0 (Deny) does not match: `protocol` fails (the packet is TCP)"),
        (Some("source.nets"), "rule 1 (Deny) does not match: `source.nets` fails (10.0.0.1 is in none of them)"),
        (Some("source.notNets"), "rule 2 (Deny) does not match: `source.notNets` fails (10.0.0.1 is in 10.0.0.0/8)"),
        (Some("source.selector"), "rule 3 (Deny) does not match: `source.selector` fails (no owner of 10.0.0.1 has matching labels)"),
        (Some("destination.ports"), "rule 4 (Deny) does not match: `destination.ports` fails (port 80 is not listed)"),
        (Some("destination.notPorts"), "rule 5 (Deny) does not match: `destination.notPorts` fails (port 80 is listed)"),
        (None, "rule 6 (Allow) matches"),
    ];
    assert_eq!(rules.len(), want.len(), "{rules:#?}");
    for ((failed, msg), (wf, wm)) in rules.iter().zip(want) {
        assert_eq!(failed.as_deref(), wf);
        assert_eq!(*msg, wm);
    }
    // The quiet path reaches the same verdict and doubts.
    let q = c.flow_verdict(&from, &to, 80, "tcp").unwrap();
    assert_eq!(q.verdict, v.verdict);
    assert_eq!(q.uncertain, v.uncertain);
}

#[test]
fn an_undefined_tier_is_a_doubt_of_every_flow() {
    let c = Cluster::from_files(&[SourceFile::new("m.yaml", MANIFESTS.to_string())]).unwrap();
    let v = c
        .flow_verdict(
            &Ref::parse("pod/ns/b").unwrap(),
            &Ref::parse("pod/ns/a").unwrap(),
            80,
            "tcp",
        )
        .unwrap();
    assert!(
        v.uncertain
            .iter()
            .any(|d| d.contains("tier `other`") && d.contains("is not defined")),
        "{:#?}",
        v.uncertain
    );
}
