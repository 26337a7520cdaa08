//! Resource limits: deep, long and huge inputs give a result or a clear error, never a
//! stack overflow, a panic or super-linear time (checked by size, not by timing).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use selector_core::{tokens, validate, ErrorKind, Selector, NESTING_LIMIT};

#[test]
fn nesting_up_to_the_limit_parses_and_deeper_is_an_error() {
    let ok = format!(
        "{}a == \"x\"{}",
        "(".repeat(NESTING_LIMIT),
        ")".repeat(NESTING_LIMIT)
    );
    let s = Selector::parse(&ok).unwrap();
    assert_eq!(s.canonical(), "a == \"x\"");
    let negs = format!(
        "{}has(a){}",
        "!(".repeat(NESTING_LIMIT),
        ")".repeat(NESTING_LIMIT)
    );
    let s = Selector::parse(&negs).unwrap();
    assert!(
        s.matches(&[("a", "")]),
        "an even number of separate negations keeps the meaning"
    );
    assert!(s.explain(&[("a", "")]).matched);
    let _ = s.label_restrictions();
    for depth in [NESTING_LIMIT + 1, 100_000] {
        let deep = format!("{}a == \"x\"{}", "(".repeat(depth), ")".repeat(depth));
        let e = Selector::parse(&deep).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NestingTooDeep);
        assert_eq!(e.span(), NESTING_LIMIT..NESTING_LIMIT + 1);
        assert_eq!(
            validate(&deep).unwrap_err().kind(),
            ErrorKind::NestingTooDeep
        );
        assert!(tokens(&deep).error.is_some());
        assert!(
            e.to_string().len() < 1_000,
            "the rendering shows a window, not the whole input"
        );
    }
}

#[test]
fn a_million_bangs_parse() {
    for (n, negated) in [(1_000_000, false), (1_000_001, true)] {
        let text = format!("{}has(a)", "!".repeat(n));
        let s = Selector::parse(&text).unwrap();
        assert_eq!(s.canonical(), if negated { "!has(a)" } else { "has(a)" });
        let spaced = format!("{}has(a)", "! \t".repeat(n));
        assert_eq!(Selector::parse(&spaced).unwrap(), s);
    }
}

#[test]
fn long_chains_and_big_sets_parse() {
    let terms: Vec<String> = (0..20_000).map(|i| format!("l{i} == \"v{i}\"")).collect();
    let s = Selector::parse(&terms.join(" && ")).unwrap();
    assert_eq!(s.label_restrictions().len(), 20_000);
    let labels: Vec<(String, String)> = (0..20_000)
        .map(|i| (format!("l{i}"), format!("v{i}")))
        .collect();
    assert!(s.matches(&labels));
    let or = Selector::parse(&terms.join(" || ")).unwrap();
    assert!(or.matches(&[("l19999", "v19999")]));

    let values: Vec<String> = (0..50_000).map(|i| format!("'v{i}'")).collect();
    let set = Selector::parse(&format!("a in {{{}}}", values.join(", "))).unwrap();
    assert!(set.matches(&[("a", "v49999")]));
    assert!(!set.matches(&[("a", "v50000")]));
    assert_eq!(
        set.label_restrictions()["a"]
            .must_have_one_of
            .as_ref()
            .map(Vec::len),
        Some(50_000)
    );
}

#[test]
fn megabytes_of_junk_give_errors_not_crashes() {
    let inputs = [
        "a".repeat(1 << 20),
        "(".repeat(1 << 20),
        ")".repeat(1 << 20),
        "{".repeat(1 << 20),
        "\"".repeat(1 << 20),
        "ü".repeat(1 << 19),
        format!("a == '{}", "x".repeat(1 << 20)),
        format!("a in {{{}", "'x',".repeat(1 << 18)),
        "&&".repeat(1 << 19),
        "\n".repeat(1 << 20),
    ];
    for input in &inputs {
        let e = Selector::parse(input).unwrap_err();
        let span = e.span();
        assert!(span.start <= span.end && span.end <= input.len());
        assert!(input.is_char_boundary(span.start) && input.is_char_boundary(span.end));
        assert!(e.to_string().len() < 2_000);
        assert!(validate(input).is_err());
        let t = tokens(input);
        assert!(t.error.is_some());
        assert!(t.tokens.iter().all(|t| t.span.end <= input.len()));
    }
    let big_value = format!("a == '{}'", "x".repeat(1 << 20));
    assert!(Selector::parse(&big_value).is_ok());
}
