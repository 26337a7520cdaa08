//! Fixtures of the validation rules (`selector_policy::validate::RULES`), in the layout of
//! the shared rule-fixture harness: `tests/rules/<rule-id>/fire.yaml` must produce a finding
//! of the rule and all its findings must equal `fire.expected` (one line per finding,
//! `LINE:COL SEVERITY[RULE-ID] MESSAGE`; `UPDATE_SNAPSHOTS=1` rewrites them); every
//! `clean*.yaml` must produce no finding at all. Fixtures go through `lint_paths`, as the CLI.
//!
//! Once the validation rules are joined into the registry, the shared harness
//! (`tests/rule_fixtures.rs`) covers these folders too and this file can go.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use selector_policy::validate::RULES;
use selector_policy::{lint_paths, Diagnostic};

fn rule_dir(id: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/rules")
        .join(id)
}

fn lint(path: &Path) -> Vec<Diagnostic> {
    lint_paths(&[path.to_path_buf()])
}

fn render(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}[{}] {}\n",
                d.line,
                d.column,
                d.severity.as_str(),
                d.rule,
                d.message.replace('\n', "\\n")
            )
        })
        .collect()
}

fn clean_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("clean") && name.ends_with(".yaml")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn validation_fixtures() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for rule in RULES {
        let id = rule.id;
        let dir = rule_dir(id);
        let fire = dir.join("fire.yaml");
        if !fire.exists() {
            failures.push(format!("tests/rules/{id}/fire.yaml is missing"));
            continue;
        }
        let diags = lint(&fire);
        if !diags.iter().any(|d| d.rule == id) {
            failures.push(format!(
                "{id}/fire.yaml: no `{id}` finding; got:\n{}",
                render(&diags)
            ));
        }
        let actual = render(&diags);
        let expected_path = dir.join("fire.expected");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
        } else {
            match std::fs::read_to_string(&expected_path) {
                Ok(expected) if expected == actual => {}
                Ok(expected) => failures.push(format!(
                    "{id}/fire.expected differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}--- actual\n{actual}"
                )),
                Err(_) => failures.push(format!("{id}/fire.expected is missing (UPDATE_SNAPSHOTS=1 writes it)")),
            }
        }
        let cleans = clean_files(&dir);
        if cleans.is_empty() {
            failures.push(format!("tests/rules/{id}/ has no clean*.yaml"));
        }
        for clean in cleans {
            let diags = lint(&clean);
            if !diags.is_empty() {
                failures.push(format!(
                    "{id}/{}: expected no finding, got:\n{}",
                    clean.file_name().unwrap().to_string_lossy(),
                    render(&diags)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
