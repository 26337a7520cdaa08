//! `calico-selector compare A B`: the relation and a witness per non-empty region, in both
//! output formats, and the errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

/// Runs the binary; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_calico-selector"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn human_output_names_the_relation_and_the_regions() {
    let (code, out, err) = run(&["compare", "env == 'prod'", "has(env)"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "A: env == \"prod\"\nB: has(env)\nrelation: A ⊂ B\n\
         A and B: {\"env\":\"prod\"}\nA not B: none\nB not A: {\"env\":\"\"}\n"
    );
}

#[test]
fn every_relation() {
    for (a, b, relation) in [
        ("has(env)", "env == 'prod'", "B ⊂ A"),
        ("env in {'a'}", "env == 'a'", "equivalent"),
        ("env == 'a'", "env == 'b'", "disjoint"),
        ("a == 'x'", "b == 'y'", "overlapping"),
        (
            "a starts with 'abc' && a ends with 'bcd'",
            "a == 'abcd'",
            "B ⊂ A",
        ),
    ] {
        let (code, out, _) = run(&["compare", a, b]);
        assert_eq!(code, 0);
        assert!(
            out.contains(&format!("relation: {relation}\n")),
            "{a} vs {b}: {out}"
        );
    }
}

#[test]
fn json_output() {
    let (code, out, _) = run(&[
        "compare",
        "a starts with 'abc' && a ends with 'bcd' && a != 'abcd'",
        "a == 'abcd'",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["relation"], "disjoint");
    assert_eq!(v["relation_text"], "disjoint");
    assert_eq!(v["both"], serde_json::Value::Null);
    assert_eq!(v["only_a"], serde_json::json!({"a": "abcbcd"}));
    assert_eq!(v["only_b"], serde_json::json!({"a": "abcd"}));
    assert_eq!(v["b"], "a == \"abcd\"");
}

#[test]
fn invalid_selectors_and_formats() {
    let (code, out, err) = run(&["compare", "has(a)", "a =="]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("selector B is invalid:\nerror: expected a quoted string"),
        "{err}"
    );
    let (code, _, err) = run(&["compare", "has(a)", "has(b)", "--format", "sarif"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "calico-selector: error: `--format sarif` is only for `lint`\n"
    );
}
