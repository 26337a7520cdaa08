//! `lint_paths` on the shipped examples: files are grouped by directory.

use std::path::PathBuf;

use selector_policy::{lint_paths, lint_paths_scoped, Scope, Severity};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

#[test]
fn examples_have_the_typha_clash_and_the_namespace_scoping_problems() {
    let diags = lint_paths(&[examples()]);
    let found: Vec<(&str, &str, usize, usize)> = diags
        .iter()
        .map(|d| {
            let file = d
                .file
                .rsplit_once("secure-prometheus/")
                .map_or("", |(_, f)| f);
            (d.rule.as_str(), file, d.line, d.column)
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "peer-outside-namespace",
                "allow-list/kube-controllers-prometheus-policy.yaml",
                15,
                19
            ),
            (
                "peer-outside-namespace",
                "deny-list/kube-controllers-prometheus-policy.yaml",
                18,
                22
            ),
            (
                "duplicate-resource",
                "deny-list/typha-prometheus-policy.yaml",
                6,
                9
            ),
        ],
        "{diags:#?}"
    );
    let clash = &diags[2];
    assert_eq!(clash.severity, Severity::Error);
    assert!(clash.message.contains("restrict-calico-node-prometheus"));
    assert!(diags[..2].iter().all(|d| d.severity == Severity::Warning));
}

#[test]
fn one_scope_for_everything_sees_both_approaches_clash() {
    let diags = lint_paths_scoped(&[examples()], Scope::All);
    let dups = diags
        .iter()
        .filter(|d| d.rule == "duplicate-resource")
        .count();
    // Taken as one input, the two alternative approaches define the same resources twice.
    assert!(dups > 1, "{diags:#?}");
}

#[test]
fn missing_paths_are_diagnostics() {
    let diags = lint_paths(&[PathBuf::from("/nonexistent/calico.yaml")]);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].rule, "io-error");
}

#[test]
fn lint_text_names_the_input() {
    let diags = selector_policy::lint_text(
        "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec: {selector: '!all()'}\n",
        "",
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].file, "<input>");
    assert_eq!(diags[0].rule, "never-matches");
}
