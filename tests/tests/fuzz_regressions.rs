//! Replays every saved fuzz input: each file under `tests/fuzz-regressions/<target>/` is run
//! through the same checks as the cargo-fuzz target `<target>` (`fuzz/src/checks.rs`, included
//! here), so a crash once found stays fixed under an ordinary `cargo test`. The directories
//! also keep hand-picked stress inputs (nesting at and over the limit, a million `!`,
//! megabyte selectors, a 250 KB chain of about 11,000 terms) and a few large corpus entries, so
//! the replay always exercises something.
//!
//! To add a crash: `cargo fuzz tmin <target> <artifact>`, then copy the minimised file into
//! `tests/fuzz-regressions/<target>/` under a name that says what it is.

// Test helpers outside `#[test]` functions: a missing or unreadable input must fail the test.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;
#[path = "../../fuzz/src/flow_check.rs"]
mod flow_check;

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz-regressions")
        .join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            (path, data)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no saved inputs in {}", dir.display());
    out
}

/// Runs `check` on every saved input of `target`; reports every failing file at once.
fn replay(target: &str, check: fn(&[u8])) {
    let mut failures = Vec::new();
    for (path, data) in inputs(target) {
        if let Err(e) = std::panic::catch_unwind(|| check(&data)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            let msg: String = msg.chars().take(2000).collect();
            failures.push(format!("{}: {msg}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn parse_regressions() {
    replay("parse", checks::check_parse);
}

#[test]
fn eval_diff_regressions() {
    replay("eval_diff", checks::check_eval_diff);
}

#[test]
fn restrictions_regressions() {
    replay("restrictions", checks::check_restrictions);
}

#[test]
fn lint_regressions() {
    replay("lint", checks::check_lint);
}

#[test]
fn flow_regressions() {
    replay("flow", flow_check::check_flow);
}

/// The stress inputs are what their names say (so the replay does test the limits).
#[test]
fn stress_inputs_are_in_place() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz-regressions/parse");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let bangs = read("million-bangs.txt");
    assert!(bangs.bytes().filter(|b| *b == b'!').count() >= 1_000_000);
    assert!(selector_core::Selector::parse(&bangs).is_ok());
    let deep = read("nesting-256.txt");
    assert!(selector_core::Selector::parse(&deep).is_ok());
    let too_deep = read("nesting-257.txt");
    assert_eq!(
        selector_core::Selector::parse(&too_deep)
            .unwrap_err()
            .kind(),
        selector_core::ErrorKind::NestingTooDeep
    );
    assert!(read("long-string-1mb.txt").len() >= 1_000_000);
    assert!(read("megabyte-error-at-end.txt").len() >= 1_000_000);
    let chain = read("mixed-chain-250k.txt");
    assert!(chain.len() >= 240_000);
    assert!(
        selector_core::Selector::parse(&chain)
            .unwrap()
            .label_names()
            .len()
            > 10_000
    );
}
