//! Unit tests per stage through the public API: printing, ids, restrictions, the compiled
//! program against the walker, explanations, rewrites, label sources and tokens.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use selector_core::{tokens, Explanation, Expr, LabelRestriction, Layered, Selector, TokenKind};
use std::collections::{BTreeMap, HashMap};

fn canon(s: &str) -> String {
    Selector::parse(s).unwrap().canonical().to_string()
}

#[test]
fn canonical_text_follows_calico() {
    let cases = [
        ("", "all()"),
        (" \t ", "all()"),
        ("a=='x'", "a == \"x\""),
        ("a == 'say \"hi\"'", "a == 'say \"hi\"'"),
        ("a in {'b','a','b',}", "a in {\"a\", \"b\"}"),
        ("a notin {}", "a not in {}"),
        (
            "a startswith 'x' && b  ends \t with 'y'",
            "(a starts with \"x\" && b ends with \"y\")",
        ),
        (
            "(a == '1' && b == '2') && c == '3'",
            "((a == \"1\" && b == \"2\") && c == \"3\")",
        ),
        ("((a == 'x'))", "a == \"x\""),
        (
            "a == '1' || b == '2' && c == '3'",
            "(a == \"1\" || (b == \"2\" && c == \"3\"))",
        ),
        ("!!a == 'x'", "a == \"x\""),
        ("!(!a == 'x')", "!!a == \"x\""),
        ("! \t !has(x)", "has(x)"),
        ("!a == 'x' && b == 'y'", "(!a == \"x\" && b == \"y\")"),
        ("!(a == 'x' || b == 'y')", "!(a == \"x\" || b == \"y\")"),
        (
            "in == 'x' && has(all) && not in {'a'} && global()",
            "(in == \"x\" && has(all) && not in {\"a\"} && global())",
        ),
        ("a in{'x'}", "a in {\"x\"}"),
    ];
    for (input, expected) in cases {
        assert_eq!(canon(input), expected, "canonical text of {input:?}");
    }
}

#[test]
fn canonical_text_is_stable_after_a_second_round() {
    let first = canon("!(!a == 'x')");
    let second = canon(&first);
    assert_eq!(second, "a == \"x\"");
    assert_eq!(canon(&second), second);
}

#[test]
fn unique_ids() {
    assert_eq!(
        Selector::parse("running-calico == \"true\"")
            .unwrap()
            .unique_id(),
        "s:DUmB89iGSY1Zc4i1sUI_0d-I80TWRxureQMmKg"
    );
    assert_eq!(
        Selector::parse("").unwrap().unique_id(),
        "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug"
    );
    assert_eq!(
        Selector::parse("a=='x'").unwrap().unique_id(),
        Selector::parse("(a == \"x\")").unwrap().unique_id()
    );
}

fn restriction(present: bool, absent: bool, values: Option<&[&str]>) -> LabelRestriction {
    LabelRestriction {
        must_be_present: present,
        must_be_absent: absent,
        must_have_one_of: values.map(|v| v.iter().map(|s| s.to_string()).collect()),
    }
}

#[test]
fn label_restrictions_follow_the_spec() {
    let r = |s: &str| Selector::parse(s).unwrap().label_restrictions();
    assert_eq!(
        r("!!!(has(k))"),
        BTreeMap::from([("k".into(), restriction(false, true, None))])
    );
    assert!(r("!(!has(k))").is_empty());
    assert!(r("!has(b) || a in {}").is_empty());
    assert!(r("a != 'x' && b not in {'y'} && all() && global()").is_empty());
    assert_eq!(r("has(e) && !has(e)")["e"], restriction(true, true, None));
    assert_eq!(
        r("a in {'x', 'y'} && a in {'y', 'z'} && has(a)")["a"],
        restriction(true, false, Some(&["y"]))
    );
    assert_eq!(
        r("a == 'x' && a == 'y'")["a"],
        restriction(true, false, Some(&[]))
    );
    assert_eq!(
        r("a == 'y' || a in {'x', 'y'}")["a"],
        restriction(true, false, Some(&["x", "y"]))
    );
    assert_eq!(r("a == 'y' || has(a)")["a"], restriction(true, false, None));
    assert_eq!(
        r("!has(a) || !has(a) && has(b)")["a"],
        restriction(false, true, None)
    );
    assert!(r("has(a) || has(b)").is_empty());
    assert_eq!(
        r("a contains 'x' && b starts with 'y' && c ends with 'z'").len(),
        3
    );
    assert!(Selector::parse("a == 'x' && a == 'y'")
        .unwrap()
        .restrictions_conflict());
    assert!(Selector::parse("has(a) && !has(a)")
        .unwrap()
        .restrictions_conflict());
    assert!(
        !Selector::parse("!all()").unwrap().restrictions_conflict(),
        "!all() is not caught by restrictions"
    );
}

#[test]
fn every_operator_evaluates_as_specified() {
    let labels: HashMap<String, String> = [("a", "hello"), ("e", "")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let cases = [
        ("a == 'hello'", true),
        ("a == 'Hello'", false),
        ("x == ''", false),
        ("e == ''", true),
        ("a != 'x'", true),
        ("x != 'x'", true),
        ("a != 'hello'", false),
        ("a in {'x', 'hello'}", true),
        ("x in {''}", false),
        ("a not in {'hello'}", false),
        ("x not in {'hello'}", true),
        ("a contains 'ell'", true),
        ("a contains ''", true),
        ("x contains ''", false),
        ("a starts with 'he'", true),
        ("a ends with 'lo'", true),
        ("a ends with 'he'", false),
        ("has(e)", true),
        ("has(x)", false),
        ("all()", true),
        ("global()", true),
        ("!all()", false),
        ("has(a) && !has(x) && (a == 'no' || e == '')", true),
        ("has(x) || has(y) || !has(a)", false),
    ];
    for (text, expected) in cases {
        let s = Selector::parse(text).unwrap();
        assert_eq!(s.matches(&labels), expected, "{text}");
        assert_eq!(
            selector_core::walk::matches(s.ast(), &labels),
            expected,
            "walker on {text}"
        );
    }
}

#[test]
fn label_sources() {
    let s = Selector::parse("env == 'dev' && team == 'a'").unwrap();
    let own = HashMap::from([("env", "dev")]);
    let parent = BTreeMap::from([
        ("env".to_string(), "prod".to_string()),
        ("team".to_string(), "a".to_string()),
    ]);
    assert!(s.matches(&Layered {
        own: &own,
        parent: &parent
    }));
    assert!(!s.matches(&Layered {
        own: &parent,
        parent: &own
    }));
    let pairs = vec![
        ("env".to_string(), "dev".to_string()),
        ("team".to_string(), "a".to_string()),
    ];
    assert!(s.matches(&pairs));
    assert!(s.matches(pairs.as_slice()));
    let refs: &HashMap<&str, &str> = &own;
    assert!(!s.matches(&refs));
}

#[test]
fn explanations_show_every_operand() {
    let s = Selector::parse("a == 'x' && (has(b) || !has(c))").unwrap();
    let e: Explanation = s.explain(&[("a", "x"), ("c", "1")]);
    assert!(!e.matched);
    assert_eq!(e.children.len(), 2);
    assert!(e.children[0].matched);
    assert_eq!(e.children[1].text, "(has(b) || !has(c))");
    assert_eq!(e.children[1].children[1].children[0].text, "has(c)");
    assert_eq!(&s.source()[e.children[0].span.clone()], "a == 'x'");
    assert_eq!(
        e.to_string(),
        "✗ (a == \"x\" && (has(b) || !has(c)))\n  ✓ a == \"x\"\n  ✗ (has(b) || !has(c))\n    ✗ has(b)\n    ✗ !has(c)\n      ✓ has(c)\n"
    );
}

#[test]
fn rewrites_prefix_every_label() {
    let s = Selector::parse("team in {'a'} && !has(x) || env != 'p' && all()").unwrap();
    let p = s.with_label_prefix("pcns.");
    assert_eq!(
        p.canonical(),
        "((pcns.team in {\"a\"} && !has(pcns.x)) || (pcns.env != \"p\" && all()))"
    );
    assert!(p.matches(&[("pcns.team", "a")]));
    assert_eq!(p.label_names(), ["pcns.env", "pcns.team", "pcns.x"]);
}

#[test]
fn spans_cover_the_source_of_each_node() {
    let src = "  a == 'x' && !( has(b) )";
    let s = Selector::parse(src).unwrap();
    let Expr::And { exprs, span } = s.ast() else {
        panic!("expected an && chain")
    };
    assert_eq!(&src[span.range()], "a == 'x' && !( has(b) )");
    assert_eq!(&src[exprs[0].span().range()], "a == 'x'");
    assert_eq!(&src[exprs[1].span().range()], "!( has(b) )");
}

#[test]
fn tokens_for_highlighting() {
    let src = "!has(a) && b not in {'x',} || c startswith \"y";
    let t = tokens(src);
    let kinds: Vec<(TokenKind, &str)> = t
        .tokens
        .iter()
        .map(|t| (t.kind, &src[t.span.clone()]))
        .collect();
    assert_eq!(
        kinds,
        [
            (TokenKind::Not, "!"),
            (TokenKind::Function, "has"),
            (TokenKind::LParen, "("),
            (TokenKind::Label, "a"),
            (TokenKind::RParen, ")"),
            (TokenKind::And, "&&"),
            (TokenKind::Label, "b"),
            (TokenKind::Operator, "not in"),
            (TokenKind::LBrace, "{"),
            (TokenKind::String, "'x'"),
            (TokenKind::Comma, ","),
            (TokenKind::RBrace, "}"),
            (TokenKind::Or, "||"),
            (TokenKind::Label, "c"),
            (TokenKind::Operator, "startswith"),
        ]
    );
    assert_eq!(
        t.error.unwrap().kind(),
        selector_core::ErrorKind::UnterminatedString
    );
}

#[test]
fn selectors_compare_and_serialize_by_canonical_text() {
    let a: Selector = "a=='x'&&has(b)".parse().unwrap();
    let b = Selector::parse("(a == \"x\" && has(b))").unwrap();
    assert_eq!(a, b);
    let mut set = std::collections::HashSet::new();
    set.insert(a.clone());
    assert!(set.contains(&b));
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(json, "\"(a == \\\"x\\\" && has(b))\"");
    let back: Selector = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert!(serde_json::from_str::<Selector>("\"a = 'x'\"").is_err());
    let ast = serde_json::to_value(a.ast()).unwrap();
    assert_eq!(ast["op"], "and");
    assert_eq!(ast["exprs"][0]["op"], "compare");
    assert_eq!(ast["exprs"][0]["cmp"], "eq");
    let round: Expr = serde_json::from_value(ast).unwrap();
    assert_eq!(&round, a.ast());
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Selector>();
}

#[test]
fn rewritten_selectors_have_a_source_that_parses_back_to_the_same_tree() {
    // Same structure, ignoring spans (those of a rewrite still refer to the original text).
    let shape = |s: &Selector| selector_core::print::reparseable(s.ast());
    for text in [
        "!(!has(a))",
        "!(!(!(a == 'x')))",
        "!(!a in {'x'} && !(!has(b)))",
        "has(a) || (b == 'y' && c != 'z')",
    ] {
        let s = Selector::parse(text).unwrap();
        let rewritten = s.with_label_prefix("pcns.");
        let back = Selector::parse(rewritten.source()).unwrap();
        assert_eq!(shape(&back), shape(&rewritten), "rewrite of {text:?}");
        assert_eq!(back.unique_id(), rewritten.unique_id());
        let same = Selector::from_expr(s.ast().clone());
        assert_eq!(shape(&Selector::parse(same.source()).unwrap()), shape(&s));
        assert_eq!(same.unique_id(), s.unique_id());
    }
    assert_eq!(
        Selector::parse("!(!has(a))")
            .unwrap()
            .with_label_prefix("p.")
            .source(),
        "!(!has(p.a))"
    );
}

#[test]
#[allow(deprecated)]
fn the_old_name_of_restrictions_conflict_still_answers_the_same() {
    for src in ["a == 'x' && a == 'y'", "a == 'x'", "!(has(a) || !has(a))"] {
        let s = Selector::parse(src).unwrap();
        assert_eq!(s.can_never_match(), s.restrictions_conflict(), "{src}");
    }
}
