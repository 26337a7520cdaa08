//! The policy evaluator on a generated input of 1,000 policies (800 namespaced, 200 global in
//! three tiers) and 10,000 endpoints (9,900 pods, 100 host endpoints), plus 50 namespaces and
//! 20 global network sets: loading it, one flow query, one `reach` query.
//! `cargo bench -p selector-policy --bench eval`.

// A benchmark stops loudly on a broken workload, like a test.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use selector_policy::eval::{Cluster, Ref};
use selector_policy::SourceFile;

const NAMESPACES: usize = 50;
const PODS: usize = 9_900;
const HOSTS: usize = 100;
const SETS: usize = 20;
const NAMESPACED: usize = 800;
const GLOBAL: usize = 200;
const APPS: usize = 200;
const TIERS: [&str; 3] = ["web", "api", "db"];

fn ip(i: usize) -> String {
    format!("10.{}.{}.{}", 100 + i / 65_536, (i / 256) % 256, i % 256)
}

/// The generated manifests, as one multi-document YAML text.
fn workload() -> String {
    let mut s = String::new();
    for i in 0..NAMESPACES {
        let env = if i % 2 == 0 { "prod" } else { "dev" };
        let _ = write!(s, "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{i}\n  labels:\n    env: {env}\n");
    }
    for i in 0..PODS {
        let tier = TIERS.get(i % TIERS.len()).copied().unwrap_or("web");
        let _ = write!(
            s,
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i}\n  namespace: ns-{}\n  labels:\n    app: app-{}\n    tier: {tier}\nspec:\n  nodeName: node-{}\n  containers:\n    - name: main\n      image: app\n      ports:\n        - name: http\n          containerPort: 8080\nstatus:\n  podIP: {}\n",
            i % NAMESPACES,
            i % APPS,
            i % HOSTS,
            ip(i)
        );
    }
    for i in 0..HOSTS {
        let _ = write!(
            s,
            "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: node-{i}.eth0\n  labels:\n    role: node\n    rack: r{}\nspec:\n  node: node-{i}\n  interfaceName: eth0\n  expectedIPs: [192.168.{}.{}]\n",
            i % 10,
            i / 256,
            i % 256 + 1
        );
    }
    for i in 0..SETS {
        let _ = write!(
            s,
            "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: set-{i}\n  labels:\n    zone: z{}\nspec:\n  nets: [172.{}.0.0/16]\n",
            i % 5,
            16 + i
        );
    }
    s.push_str("---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: security\nspec:\n  order: 100\n");
    s.push_str("---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: platform\nspec:\n  order: 200\n  defaultAction: Pass\n");
    for i in 0..NAMESPACED {
        let _ = write!(
            s,
            "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: app-{}-{i}\n  namespace: ns-{}\nspec:\n  selector: app == 'app-{}'\n  order: {}\n  ingress:\n    - action: Allow\n      protocol: TCP\n      source:\n        selector: tier == 'web'\n      destination:\n        ports: [http, 443]\n    - action: Allow\n      protocol: TCP\n      source:\n        namespaceSelector: env == 'prod'\n        selector: tier == 'api'\n      destination:\n        ports: ['8000:8100']\n    - action: Deny\n      protocol: UDP\n  egress:\n    - action: Allow\n",
            i % APPS,
            i % NAMESPACES,
            i % APPS,
            100 + i % 10
        );
    }
    for i in 0..GLOBAL {
        let tier = ["security", "platform", "default"]
            .get(i % 3)
            .copied()
            .unwrap_or("default");
        let name = if tier == "default" {
            format!("g-{i}")
        } else {
            format!("{tier}.g-{i}")
        };
        let _ = write!(
            s,
            "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: {name}\nspec:\n  tier: {tier}\n  order: {i}\n  selector: tier == '{}' || role == 'node'\n  ingress:\n    - action: Deny\n      source:\n        selector: zone == 'z{}'\n    - action: Pass\n      protocol: TCP\n      destination:\n        ports: [22, 9091]\n    - action: Log\n  egress:\n    - action: Pass\n",
            TIERS.get(i % 3).copied().unwrap_or("web"),
            i % 5
        );
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = workload();
    let files = vec![SourceFile::new("workload.yaml", text)];
    let mut g = c.benchmark_group("eval");
    // A baseline measured in the same run: the figures are reported as multiples of it, since
    // the machine is shared. One selector matched against 1,000 label sets.
    let sel = selector_core::Selector::parse(
        "tier == 'web' && app in {'app-1', 'app-2'} && !has(quarantine)",
    )
    .expect("valid");
    let label_sets: Vec<std::collections::BTreeMap<String, String>> = (0..1000)
        .map(|i| {
            [
                ("tier".to_string(), TIERS[i % 3].to_string()),
                ("app".to_string(), format!("app-{}", i % APPS)),
            ]
            .into_iter()
            .collect()
        })
        .collect();
    g.bench_function("baseline: 1000 selector matches", |b| {
        b.iter(|| black_box(label_sets.iter().filter(|l| sel.matches(*l)).count()))
    });
    g.sample_size(10);
    g.bench_function("load 1000 policies x 10000 endpoints", |b| {
        b.iter(|| black_box(Cluster::from_files(black_box(&files)).ok()))
    });
    let cluster = Cluster::from_files(&files).expect("the workload loads");
    let from = Ref::parse("pod/ns-3/pod-3").expect("a ref");
    let to = Ref::parse("pod/ns-7/pod-207").expect("a ref");
    let host = Ref::parse("hostendpoint/node-5.eth0").expect("a ref");
    g.sample_size(50);
    g.bench_function("flow pod -> pod", |b| {
        b.iter(|| {
            black_box(
                cluster
                    .flow(black_box(&from), black_box(&to), 8080, "tcp")
                    .ok(),
            )
        })
    });
    g.bench_function("flow pod -> pod (verdict only)", |b| {
        b.iter(|| {
            black_box(
                cluster
                    .flow_verdict(black_box(&from), black_box(&to), 8080, "tcp")
                    .ok(),
            )
        })
    });
    g.bench_function("flow external -> host endpoint", |b| {
        let ext = Ref::parse("203.0.113.9").expect("a ref");
        b.iter(|| {
            black_box(
                cluster
                    .flow(black_box(&ext), black_box(&host), 9091, "tcp")
                    .ok(),
            )
        })
    });
    g.sample_size(10);
    g.bench_function("reach pod (10000 sources + address space)", |b| {
        b.iter(|| black_box(cluster.reach(black_box(&to), 8080, "tcp").ok()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
