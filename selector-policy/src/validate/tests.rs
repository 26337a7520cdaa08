//! Tests of the validation rules that the fixtures do not reach (limits that need large
//! inputs, rule metadata).

use super::*;
use crate::lint::analyze;

fn findings(text: &str) -> Vec<(String, String)> {
    analyze(vec![SourceFile::new("t.yaml", text)])
        .diagnostics
        .into_iter()
        .map(|d| (d.rule.id.to_string(), d.message))
        .collect()
}

fn has(text: &str, rule: &str, part: &str) -> bool {
    findings(text)
        .iter()
        .any(|(r, m)| r == rule && m.contains(part))
}

const GNP: &str = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: big}\nspec:\n  selector: all()\n";

#[test]
fn rule_metadata_is_complete() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len(), "rule ids are unique");
    for r in RULES {
        assert!(r.doc.contains("## What it finds"), "{}", r.id);
        assert!(r.doc.contains("## Fix"), "{}", r.id);
        assert!(
            !r.summary.is_empty() && r.summary.ends_with('.'),
            "{}",
            r.id
        );
        assert!(
            !crate::rules::RULES.iter().any(|o| o.id == r.id),
            "{} clashes with an existing rule",
            r.id
        );
    }
}

#[test]
fn too_many_rules_ports_and_nets() {
    let rules: String = "  - action: Allow\n".repeat(1025);
    let text = format!("{GNP}  ingress:\n{rules}");
    assert!(has(&text, "policy-flag-conflict", "more than 1024 rules"));
    let ok = format!("{GNP}  ingress:\n{}", "  - action: Allow\n".repeat(1024));
    assert!(!has(&ok, "policy-flag-conflict", "more than"));

    let ports: Vec<String> = (1..=51).map(|p| p.to_string()).collect();
    let text = format!("{GNP}  ingress:\n  - action: Allow\n    protocol: TCP\n    destination:\n      ports: [{}]\n", ports.join(", "));
    assert!(has(&text, "invalid-port", "51 ports"));

    let nets: Vec<String> = (0..257)
        .map(|i| format!("10.{}.{}.0/24", i / 256, i % 256))
        .collect();
    let text = format!(
        "{GNP}  ingress:\n  - action: Allow\n    source:\n      nets: [{}]\n",
        nets.join(", ")
    );
    assert!(has(&text, "invalid-net", "257 nets"));
}

#[test]
fn annotations_size_limit() {
    let big = "x".repeat(300 * 1024);
    let text = format!("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: t\n  annotations:\n    note: {big}\n");
    assert!(has(&text, "invalid-name", "256 KiB"));
}

#[test]
fn staged_kubernetes_delete_and_kinds() {
    let text = "apiVersion: projectcalico.org/v3\nkind: StagedKubernetesNetworkPolicy\nmetadata: {name: s, namespace: shop}\nspec:\n  stagedAction: Delete\n  podSelector: {}\n";
    assert!(has(text, "policy-flag-conflict", "stagedAction: Delete"));
    let text = "kind: GlobalNetworkPolicy\nmetadata: {name: x}\n";
    assert!(has(text, "unknown-kind", "without `apiVersion`"));
    // Kinds of other groups are not this tool's business.
    assert!(findings("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n").is_empty());
    assert!(findings("").is_empty());
}

#[test]
fn help_says_what_to_write() {
    let text = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec:\n  selector: all()\n  ingress:\n  - action: allow\n    sorce: {}\n    destination: {nets: [10.0.0.1/8]}\n";
    let a = analyze(vec![SourceFile::new("t.yaml", text)]);
    let help = |rule: &str| {
        a.diagnostics
            .iter()
            .find(|d| d.rule.id == rule)
            .and_then(|d| d.help.clone())
            .unwrap_or_default()
    };
    assert!(help("invalid-value").contains("`Allow`"));
    assert!(help("unknown-field").contains("`source`"));
    assert!(help("invalid-net").contains("`10.0.0.0/8`"));
    for d in &a.diagnostics {
        assert!(
            d.span.end <= text.len() && d.span.start <= d.span.end,
            "{d:?}"
        );
    }
}
