//! `lint_paths` on the shipped examples: files are grouped by directory.

use std::path::PathBuf;

use selector_policy::{lint_paths, lint_paths_scoped, Scope, Severity};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

#[test]
fn examples_have_exactly_the_typha_clash() {
    let diags = lint_paths(&[examples()]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.rule, "duplicate-resource");
    assert_eq!(d.severity, Severity::Error);
    assert!(d.file.ends_with("deny-list/typha-prometheus-policy.yaml"));
    assert_eq!((d.line, d.column), (6, 9));
    assert!(d.message.contains("restrict-calico-node-prometheus"));
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
