//! Runs the built `calico-selector` binary and compares its whole output (exit code,
//! stdout, stderr) with snapshot files in `tests/snapshots/`.
//! `UPDATE_SNAPSHOTS=1 cargo test -p selector-cli` rewrites the snapshots.

// Test helpers outside `#[test]` functions: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in `dir` and returns the transcript.
fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_calico-selector"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    format!(
        "$ calico-selector {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status
            .code()
            .map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap()
    )
}

fn run(args: &[&str]) -> String {
    run_in(&crate_dir(), args, None)
}

fn snapshot(name: &str, actual: &str) {
    let path = crate_dir()
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "snapshot {name} differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}"
        );
    }
}

fn lint_fixture(name: &str) {
    snapshot(
        name,
        &run(&["lint", &format!("tests/fixtures/{name}.yaml")]),
    );
}

// One test per lint rule.

#[test]
fn rule_selector_syntax() {
    lint_fixture("selector-syntax");
}

#[test]
fn rule_selector_newline() {
    lint_fixture("selector-newline");
}

#[test]
fn rule_yaml_tag_selector() {
    lint_fixture("yaml-tag-selector");
}

#[test]
fn rule_never_matches() {
    lint_fixture("never-matches");
}

#[test]
fn rule_duplicate_resource() {
    lint_fixture("duplicate-resource");
}

#[test]
fn rule_global_misuse() {
    lint_fixture("global-misuse");
}

#[test]
fn rule_automatic_label_misuse() {
    lint_fixture("automatic-label-misuse");
}

#[test]
fn rule_unknown_label() {
    lint_fixture("unknown-label");
}

#[test]
fn rule_host_endpoint_lockout() {
    lint_fixture("host-endpoint-lockout");
}

#[test]
fn rule_policy_selects_nothing() {
    lint_fixture("policy-selects-nothing");
}

#[test]
fn rule_k8s_selector_syntax() {
    lint_fixture("k8s-selector-syntax");
}

#[test]
fn rule_peer_outside_namespace() {
    lint_fixture("peer-outside-namespace");
}

#[test]
fn rule_textual_rewrite() {
    lint_fixture("textual-rewrite");
}

#[test]
fn invalid_yaml_keeps_earlier_documents() {
    lint_fixture("invalid-yaml");
}

// Inputs, formats and exit codes.

#[test]
fn main_job_on_the_examples() {
    let out = run_in(&crate_dir().join(".."), &["lint", "examples/"], None);
    assert!(out.contains(
        "examples/secure-prometheus/deny-list/typha-prometheus-policy.yaml:6:9: error[duplicate-resource]"
    ));
    snapshot("examples", &out);
}

#[test]
fn clean_json_list_exits_zero() {
    snapshot("clean-json", &run(&["lint", "tests/fixtures/clean.json"]));
}

#[test]
fn stdin_and_missing_file() {
    let text =
        std::fs::read_to_string(crate_dir().join("tests/fixtures/never-matches.yaml")).unwrap();
    snapshot(
        "stdin-and-missing",
        &run_in(
            &crate_dir(),
            &["lint", "-", "tests/fixtures/does-not-exist.yaml"],
            Some(&text),
        ),
    );
}

#[test]
fn fail_on_warning() {
    snapshot(
        "fail-on-warning",
        &run(&[
            "lint",
            "--fail-on",
            "warning",
            "tests/fixtures/never-matches.yaml",
        ]),
    );
}

#[test]
fn json_format() {
    snapshot(
        "json",
        &run(&[
            "lint",
            "--format",
            "json",
            "tests/fixtures/duplicate-resource.yaml",
        ]),
    );
}

#[test]
fn sarif_format() {
    let out = run(&[
        "lint",
        "--format",
        "sarif",
        "tests/fixtures/selector-syntax.yaml",
    ]);
    snapshot("sarif", &out);
}

#[test]
fn color_always() {
    snapshot(
        "color",
        &run(&[
            "lint",
            "--color",
            "always",
            "tests/fixtures/duplicate-resource.yaml",
        ]),
    );
}

#[test]
fn usage_error_exits_two() {
    let out = run(&["lint", "--format", "xml", "x.yaml"]);
    assert!(
        out.starts_with("$ calico-selector lint --format xml x.yaml\nexit: 2\n"),
        "{out}"
    );
}

// The other commands.

#[test]
fn check_valid_and_invalid() {
    let mut out = run(&["check", "a == 'x' && has(b) && c in {\"2\", \"1\"}"]);
    out.push_str(&run(&["check", "app = \"web\""]));
    out.push_str(&run(&["check", "--format", "json", "has(a) && !has(a)"]));
    snapshot("check", &out);
}

#[test]
fn eval_and_explain() {
    let mut out = run(&[
        "eval",
        "app == \"web\" && !has(debug)",
        "--labels",
        "app=web,tier=fe",
    ]);
    out.push_str(&run(&[
        "eval",
        "app == \"web\" && !has(debug)",
        "--labels",
        "app=web,debug=",
    ]));
    out.push_str(&run(&[
        "eval",
        "role == \"worker\"",
        "--labels-file",
        "tests/fixtures/host-endpoint-lockout.yaml",
    ]));
    out.push_str(&run(&[
        "explain",
        "app == \"web\" && (tier == \"a\" || !has(debug))",
        "--labels",
        "app=web,debug=1",
    ]));
    out.push_str(&run(&[
        "explain",
        "--format",
        "json",
        "has(a) || b == \"c\"",
        "--labels",
        "b=c",
    ]));
    snapshot("eval-explain", &out);
}

#[test]
fn select_human_and_json() {
    let mut out = run(&["select", "tests/fixtures/select.yaml"]);
    out.push_str(&run(&[
        "select",
        "--format",
        "json",
        "tests/fixtures/select.yaml",
    ]));
    snapshot("select", &out);
}

#[test]
fn select_examples() {
    snapshot(
        "select-examples",
        &run_in(
            &crate_dir().join(".."),
            &["select", "examples/secure-prometheus/allow-list"],
            None,
        ),
    );
}

#[test]
fn fmt_rewrites_in_place() {
    let dir = std::env::temp_dir().join(format!("calico-selector-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let original = std::fs::read_to_string(crate_dir().join("tests/fixtures/fmt.yaml")).unwrap();
    std::fs::write(dir.join("fmt.yaml"), &original).unwrap();
    let mut out = run_in(&dir, &["fmt", "--check", "fmt.yaml"], None);
    assert_eq!(
        std::fs::read_to_string(dir.join("fmt.yaml")).unwrap(),
        original
    );
    out.push_str(&run_in(&dir, &["fmt", "fmt.yaml"], None));
    let formatted = std::fs::read_to_string(dir.join("fmt.yaml")).unwrap();
    out.push_str("--- fmt.yaml after fmt\n");
    out.push_str(&formatted);
    // A second run changes nothing.
    out.push_str(&run_in(&dir, &["fmt", "--check", "fmt.yaml"], None));
    std::fs::remove_dir_all(&dir).unwrap();
    snapshot("fmt", &out);
}

// Rules: the registry, choosing rules, configuration, suppressions.

#[test]
fn rules_list_and_one_rule_doc() {
    let mut out = run(&["rules"]);
    out.push_str(&run(&["rules", "never-matches"]));
    out.push_str(&run(&["rules", "never-match"]));
    snapshot("rules", &out);
    // `--format markdown` is the README's table.
    let md = run(&["rules", "--format", "markdown"]);
    assert!(md.contains(&selector_policy::registry::markdown_table()));
}

#[test]
fn select_ignore_and_severity_flags() {
    let f = "../selector-policy/tests/rules/unknown-label/fire.yaml";
    let mut out = run(&[
        "lint",
        "--select",
        "unknown-label",
        "--severity",
        "unknown-label=error",
        f,
    ]);
    out.push_str(&run(&[
        "lint",
        "--ignore",
        "unknown-label,policy-selects-nothing",
        "--ignore",
        "host-endpoint-lockout",
        f,
    ]));
    out.push_str(&run(&["lint", "--select", "unknown-labl", f]));
    out.push_str(&run(&["lint", "--severity", "unknown-label=fatal", f]));
    snapshot("choosing-rules", &out);
}

#[test]
fn configuration_file_and_suppressions() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-config");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("manifests")).unwrap();
    std::fs::copy(
        crate_dir().join("../selector-policy/tests/rules/unused-suppression/fire.yaml"),
        dir.join("manifests/ledger.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("pyproject.toml"),
        "[project]\nname = \"policies\"\n\n[tool.calico-selector]\nignore = [\"policy-selects-nothing\"]\n\n[tool.calico-selector.severity]\nunused-suppression = \"error\"\n",
    )
    .unwrap();
    let mut out = run_in(&dir, &["lint", "manifests"], None);
    out.push_str(&run_in(&dir, &["lint", "--no-config", "manifests"], None));
    std::fs::write(dir.join("calico-selector.toml"), "selct = [\"x\"]\n").unwrap();
    out.push_str(&run_in(&dir, &["lint", "manifests"], None));
    snapshot("config", &out);
}

#[test]
fn no_manifest_is_a_usage_error() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-empty");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    std::fs::create_dir_all(dir.join("full")).unwrap();
    std::fs::write(dir.join("empty/README.txt"), "no manifests here").unwrap();
    std::fs::copy(
        crate_dir().join("tests/fixtures/never-matches.yaml"),
        dir.join("full/p.yaml"),
    )
    .unwrap();
    let mut out = run_in(&dir, &["lint", "empty"], None);
    out.push_str(&run_in(&dir, &["lint", "empty", "full"], None));
    snapshot("no-manifest", &out);
}

/// The CLI gives every rule fixture the findings of its `fire.expected` (the harness of
/// selector-policy runs the library function; this runs the binary).
#[test]
fn rule_fixtures_through_the_binary() {
    let rules = crate_dir().join("../selector-policy");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(rules.join("tests/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        let rel = format!("tests/rules/{id}/fire.yaml");
        let out = Command::new(env!("CARGO_BIN_EXE_calico-selector"))
            .args(["lint", "--no-config", "--format", "json", &rel])
            .current_dir(&rules)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let lines: String = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {}[{}] {}\n",
                    d["line"],
                    d["column"],
                    d["severity"].as_str().unwrap(),
                    d["rule"].as_str().unwrap(),
                    d["message"].as_str().unwrap().replace('\n', "\\n")
                )
            })
            .collect();
        let expected = std::fs::read_to_string(dir.join("fire.expected")).unwrap();
        assert_eq!(lines, expected, "{id}");
    }
}
