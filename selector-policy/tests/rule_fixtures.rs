//! The data-driven fixture harness: one folder per lint rule under `tests/rules/<rule-id>/`.
//!
//! - `fire.yaml` must produce at least one finding of `<rule-id>`; all its findings (every
//!   rule) must equal `fire.expected`, one line per finding: `LINE:COL SEVERITY[RULE-ID] MESSAGE`.
//!   `UPDATE_SNAPSHOTS=1 cargo test -p selector-policy --test rule_fixtures` (re)writes them.
//! - every `clean*.yaml` must produce no finding at all.
//! - every registered rule has a folder with `fire.yaml` and a clean file, and every folder
//!   names a registered rule (see [`NO_FIXTURE`] for the one exception).
//!
//! `RULE_FIXTURE=<rule-id>` runs one folder only. Fixtures go through
//! `selector_policy::lint_paths`, the function the CLI's `lint` calls.

// Test helpers outside `#[test]` functions: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use selector_policy::{all_rules, lint_paths, Diagnostic};

/// Rules that cannot have a `fire.yaml`: `io-error` is about a path that cannot be read,
/// which a checked-in file cannot be (it is tested in `tests/paths.rs` and the CLI tests).
const NO_FIXTURE: &[&str] = &["io-error"];

/// Relative to the crate (cargo runs tests there), so file names in messages are the same
/// on every machine.
fn rules_dir() -> PathBuf {
    PathBuf::from("tests/rules")
}

/// Every fixture folder, sorted, filtered by `RULE_FIXTURE` when set.
fn folders() -> Vec<(String, PathBuf)> {
    let only = std::env::var("RULE_FIXTURE").ok();
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .filter(|(id, _)| only.as_deref().is_none_or(|o| o == id))
        .collect();
    out.sort();
    out
}

fn lint(path: &Path) -> Vec<Diagnostic> {
    lint_paths(&[path.to_path_buf()]).unwrap()
}

/// One finding per line: `LINE:COL SEVERITY[RULE-ID] MESSAGE`.
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
fn fire_fixtures_fire_and_match_their_snapshot() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for (id, dir) in folders() {
        let fire = dir.join("fire.yaml");
        if !fire.exists() {
            continue; // reported by `every_rule_has_fixtures`
        }
        let diags = lint(&fire);
        if !diags.iter().any(|d| d.rule.id == id) {
            failures.push(format!(
                "{id}/fire.yaml: no `{id}` finding; got:\n{}",
                render(&diags)
            ));
        }
        let actual = render(&diags);
        let expected_path = dir.join("fire.expected");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "{id}/fire.expected differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}--- actual\n{actual}"
            )),
            Err(_) => failures.push(format!(
                "{id}/fire.expected is missing (UPDATE_SNAPSHOTS=1 writes it)"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn clean_fixtures_are_silent() {
    let mut failures = Vec::new();
    for (id, dir) in folders() {
        for clean in clean_files(&dir) {
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

#[test]
fn every_rule_has_fixtures() {
    let folders = folders();
    if std::env::var_os("RULE_FIXTURE").is_some() {
        return;
    }
    let mut failures = Vec::new();
    for rule in all_rules() {
        let id = rule.id;
        if NO_FIXTURE.contains(&id) {
            continue;
        }
        let Some((_, dir)) = folders.iter().find(|(f, _)| f == id) else {
            failures.push(format!("rule `{id}` has no folder tests/rules/{id}/"));
            continue;
        };
        if !dir.join("fire.yaml").exists() {
            failures.push(format!("tests/rules/{id}/fire.yaml is missing"));
        }
        if clean_files(dir).is_empty() {
            failures.push(format!("tests/rules/{id}/ has no clean*.yaml"));
        }
    }
    for (f, _) in &folders {
        if !all_rules().any(|r| r.id == f) {
            failures.push(format!(
                "tests/rules/{f}/ names no registered rule (register the rule, or rename the folder)"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
