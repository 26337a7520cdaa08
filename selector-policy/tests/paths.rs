//! `lint_paths` on the shipped examples: files are grouped by directory.

// Test helpers outside `#[test]` functions: failing loudly is the point.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use selector_policy::{lint_paths, lint_paths_scoped, Scope, Severity};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

#[test]
fn examples_have_the_typha_clash_and_the_namespace_scoping_problems() {
    let diags = lint_paths(&[examples()]).unwrap();
    let found: Vec<(&str, &str, usize, usize)> = diags
        .iter()
        .map(|d| {
            let file = d
                .file
                .rsplit_once("secure-prometheus/")
                .map_or("", |(_, f)| f);
            (d.rule.id, file, d.line, d.column)
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "host-endpoint-lockout",
                "allow-list/host-endpoints.yaml",
                4,
                9
            ),
            (
                "host-endpoint-lockout",
                "allow-list/host-endpoints.yaml",
                16,
                9
            ),
            (
                "peer-outside-namespace",
                "allow-list/kube-controllers-prometheus-policy.yaml",
                15,
                19
            ),
            (
                "deny-only-policy",
                "deny-list/kube-controllers-prometheus-policy.yaml",
                4,
                9
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
    let clash = &diags[5];
    assert_eq!(clash.severity, Severity::Error);
    assert!(clash.message.contains("restrict-calico-node-prometheus"));
    assert!(diags[..5].iter().all(|d| d.severity == Severity::Warning));
}

#[test]
fn one_scope_for_everything_sees_both_approaches_clash() {
    let diags = lint_paths_scoped(&[examples()], Scope::All).unwrap();
    let dups = diags
        .iter()
        .filter(|d| d.rule.id == "duplicate-resource")
        .count();
    // Taken as one input, the two alternative approaches define the same resources twice.
    assert!(dups > 1, "{diags:#?}");
}

#[test]
fn missing_paths_are_diagnostics() {
    let diags = lint_paths(&[PathBuf::from("/nonexistent/calico.yaml")]).unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].rule.id, "io-error");
}

#[test]
fn lint_text_names_the_input() {
    let diags = selector_policy::lint_text(
        "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec: {selector: '!all()'}\n",
        "",
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].file, "<input>");
    assert_eq!(diags[0].rule.id, "never-matches");
}

/// A fresh directory under the target dir, removed first if a previous run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const NEVER: &str = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: p}\nspec: {selector: '!all()'}\n";

#[test]
fn paths_without_any_manifest_are_an_error_and_an_empty_directory_among_others_a_warning() {
    let root = scratch("no-manifest");
    let empty = root.join("empty");
    let full = root.join("full");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(empty.join("notes.txt"), "not a manifest").unwrap();
    std::fs::write(full.join("p.yaml"), NEVER).unwrap();
    let err = lint_paths(std::slice::from_ref(&empty)).unwrap_err();
    assert!(err.contains("no manifest to lint"), "{err}");
    let diags = lint_paths(&[empty.clone(), full]).unwrap();
    let rules: Vec<(&str, Severity)> = diags.iter().map(|d| (d.rule.id, d.severity)).collect();
    assert_eq!(
        rules,
        vec![
            ("io-error", Severity::Warning),
            ("never-matches", Severity::Warning)
        ]
    );
    assert!(diags[0].message.contains("no manifest in"));
}

#[test]
fn a_configuration_file_is_found_by_walking_up() {
    let root = scratch("config-walk");
    let deep = root.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("p.yaml"), NEVER).unwrap();
    std::fs::write(
        root.join("pyproject.toml"),
        "[tool.calico-selector.severity]\nnever-matches = \"error\"\n",
    )
    .unwrap();
    let diags = lint_paths(std::slice::from_ref(&deep)).unwrap();
    assert_eq!(diags[0].severity, Severity::Error);
    // The nearest file wins, and a calico-selector.toml comes before pyproject.toml.
    std::fs::write(
        root.join("a/calico-selector.toml"),
        "ignore = [\"never-matches\"]\n",
    )
    .unwrap();
    assert!(lint_paths(std::slice::from_ref(&deep)).unwrap().is_empty());
    std::fs::write(
        root.join("a/calico-selector.toml"),
        "ignore = [\"never-matchs\"]\n",
    )
    .unwrap();
    let err = lint_paths(&[deep]).unwrap_err();
    assert!(err.contains("did you mean `never-matches`"), "{err}");
}
