//! The pre-commit hook at the repository root runs this binary's `lint` on YAML and JSON
//! files. (selector-py/tests/test_precommit.py runs it through `pre-commit try-repo`.)

// Test helpers: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;

#[test]
fn hook_runs_lint_on_yaml_and_json_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    let loaded = selector_policy::yaml::load(&text);
    assert!(loaded.error.is_none());
    let hooks = loaded.documents.first().unwrap();
    let hook = hooks.items().first().expect("one hook");
    let field = |k: &str| hook.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    assert_eq!(field("id"), "calico-selector-lint");
    assert_eq!(field("entry"), "calico-selector lint");
    assert_eq!(field("files"), r"\.(ya?ml|json)$");
    // pre-commit appends the staged file names to the entry: run it the same way.
    let entry: Vec<&str> = field("entry").split(' ').collect();
    assert_eq!(entry[0], "calico-selector");
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let run = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_calico-selector"))
            .args(&entry[1..])
            .arg(file)
            .current_dir(&fixtures)
            .status()
            .unwrap()
            .code()
    };
    assert_eq!(run("clean.json"), Some(0));
    assert_eq!(run("selector-syntax.yaml"), Some(1));
}
