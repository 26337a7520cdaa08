//! Lints a generated input of 5,000 policies and 20,000 pods (plus 100 namespaces and
//! 100 host endpoints) as one file: `cargo bench -p selector-policy`.
//! `LINT_BENCH_SCALE=2` multiplies the pods and policies, to check that time grows linearly.

use std::fmt::Write;

use criterion::{criterion_group, criterion_main, Criterion};

const NAMESPACES: usize = 100;
const PODS: usize = 20_000;
const POLICIES: usize = 5_000;
const GLOBAL_POLICIES: usize = 1_000;
const HOSTS: usize = 100;
const APPS: usize = 500;
const TIERS: [&str; 4] = ["web", "api", "db", "cache"];

/// The generated manifests, as one multi-document YAML text.
fn workload(scale: usize) -> String {
    let (pods, policies, global_policies) =
        (PODS * scale, POLICIES * scale, GLOBAL_POLICIES * scale);
    let mut s = String::new();
    for i in 0..NAMESPACES {
        let env = if i % 2 == 0 { "prod" } else { "dev" };
        let _ = write!(
            s,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{i}\n  labels:\n    team: team-{}\n    env: {env}\n",
            i % 10
        );
    }
    for i in 0..pods {
        let tier = TIERS.get(i % TIERS.len()).copied().unwrap_or("web");
        let _ = write!(
            s,
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{i}\n  namespace: ns-{}\n  labels:\n    app: app-{}\n    tier: {tier}\n    version: v{}\n",
            i % NAMESPACES,
            i % APPS,
            i % 3
        );
        if i % 1000 == 0 {
            s.push_str("    quarantine: 'true'\n");
        }
        let _ = writeln!(s, "spec:\n  serviceAccountName: sa-{}", i % 50);
    }
    for i in 0..HOSTS {
        let _ = write!(
            s,
            "---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata:\n  name: node-{i}.eth0\n  labels:\n    running-calico: 'true'\n    rack: r{}\nspec:\n  node: node-{i}\n  interfaceName: eth0\n",
            i % 8
        );
    }
    for i in 0..policies - global_policies {
        let _ = write!(
            s,
            "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: np-{i}\n  namespace: ns-{}\nspec:\n  selector: app == \"app-{}\" && tier in {{\"web\", \"api\"}}\n  ingress:\n    - action: Allow\n      source:\n        selector: app == \"app-{}\"\n    - action: Allow\n      source:\n        namespaceSelector: team == \"team-{}\"\n        selector: tier == \"api\"\n  egress:\n    - action: Deny\n      destination:\n        notSelector: has(quarantine)\n",
            i % NAMESPACES,
            i % APPS,
            (i + 1) % APPS,
            i % 10
        );
    }
    for i in 0..global_policies {
        let _ = write!(
            s,
            "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: gnp-{i}\nspec:\n  selector: app == \"app-{}\" && version != \"v1\"\n  namespaceSelector: env == \"prod\"\n  ingress:\n    - action: Allow\n      source:\n        selector: running-calico == \"true\" && rack == \"r{}\"\n",
            i % APPS,
            i % 8
        );
    }
    s
}

fn bench(c: &mut Criterion) {
    let scale: usize = std::env::var("LINT_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let text = workload(scale);
    let diags = selector_policy::lint_text(&text, "generated.yaml");
    eprintln!(
        "generated input: {} bytes, {} diagnostics",
        text.len(),
        diags.len()
    );
    let mut group = c.benchmark_group("lint");
    group.sample_size(10);
    let name = format!("{} policies x {} pods", POLICIES * scale, PODS * scale);
    group.bench_function(name, |b| {
        b.iter(|| selector_policy::lint_text(&text, "generated.yaml"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
