//! The selector algebra on the issue's examples, the language's corners and long chains.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use selector_core::{Relation, Selector};
use std::collections::BTreeMap;

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn prefix_and_suffix_may_overlap_but_need_not() {
    let s = sel(r#"a starts with "abc" && a ends with "bcd" && a != "abcd""#);
    assert_eq!(s.witness(), Some(map(&[("a", "abcbcd")])));
    let pr_od = sel(r#"a starts with "pr" && a ends with "od""#);
    let prod = sel(r#"a == "prod""#);
    assert!(!pr_od.implies(&prod));
    assert!(prod.implies(&pr_od));
    let w = pr_od.counterexample(&prod).unwrap();
    assert!(pr_od.matches(&w) && !prod.matches(&w));
    // Only "prod" itself satisfies this one: the search must try the `==` literal.
    assert!(sel(r#"a starts with "pro" && a ends with "rod" && !(a contains "od" && a contains "pr" && a != "prod")"#)
        .is_satisfiable());
}

#[test]
fn contradictions_found_by_string_reasoning() {
    for s in [
        r#"!(a starts with "ba") && a starts with "duct" && a contains "production" && !(a contains "on")"#,
        r#"a starts with "ab" && a starts with "ac""#,
        r#"a ends with "xyz" && !(a contains "yz")"#,
        r#"a == "web" && a contains "x""#,
        r#"a in {"x", "y"} && a not in {"y", "x"}"#,
        r#"has(a) && a not in {} && !(a contains "")"#,
        r#"a contains "q" && !has(a)"#,
        r#"!all()"#,
        r#"!global() || a in {}"#,
    ] {
        assert!(!sel(s).is_satisfiable(), "{s}");
        assert_eq!(sel(s).witness(), None, "{s}");
    }
}

#[test]
fn absent_labels_satisfy_negations() {
    assert_eq!(
        sel(r#"a != "x" && b not in {"y"}"#).witness(),
        Some(map(&[]))
    );
    assert!(sel("!has(a)").implies(&sel(r#"a != "x""#)));
    assert!(!sel(r#"a != "x""#).implies(&sel("!has(a)")));
    assert!(sel(r#"a not in {"x"}"#).equivalent(&sel(r#"a != "x""#)));
    assert!(sel("has(a)").equivalent(&sel(r#"a contains """#)));
    assert!(sel("has(a)").equivalent(&sel(r#"a ends with "" || a starts with "x""#)));
    assert!(sel("global()").equivalent(&sel("all()")));
    assert!(sel("").equivalent(&sel(r#"has(a) || a != "x""#)));
    assert_eq!(sel("all()").witness(), Some(map(&[])));
}

#[test]
fn a_fresh_character_outside_every_literal() {
    // Every preferred separator is used by the literal: the search goes on to others.
    let s = sel(
        r#"a starts with "p" && a != "p" && !(a contains "xyzqw0123456789-_.!") && !(a ends with "x")"#,
    );
    let w = s.witness().unwrap();
    assert!(s.matches(&w));
    let s = sel(r#"a starts with "é" && a ends with "é" && a != "é" && !(a contains "éé")"#);
    let w = s.witness().unwrap();
    assert!(s.matches(&w), "{w:?}");
}

#[test]
fn relations() {
    let cases = [
        ("env == 'prod'", "has(env)", Relation::Subset),
        ("has(env)", "env == 'prod'", Relation::Superset),
        ("env == 'prod'", "env in {'prod'}", Relation::Equivalent),
        ("env == 'prod'", "env == 'qa'", Relation::Disjoint),
        (
            "env contains 'pr'",
            "env ends with 'od'",
            Relation::Overlapping,
        ),
        ("!all()", "has(a) && !has(a)", Relation::Equivalent),
        ("!all()", "has(a)", Relation::Subset),
    ];
    for (a, b, relation) in cases {
        let c = sel(a).compare(&sel(b));
        assert_eq!(c.relation, relation, "{a} vs {b}");
        for (w, in_a, in_b) in [
            (&c.both, true, true),
            (&c.only_a, true, false),
            (&c.only_b, false, true),
        ] {
            if let Some(w) = w {
                assert_eq!(
                    (sel(a).matches(w), sel(b).matches(w)),
                    (in_a, in_b),
                    "{a} vs {b}: {w:?}"
                );
            }
        }
    }
}

/// `(x1 op "v" || y1 op "v") && …` with `n` clauses, clauses in the given order.
fn cnf(order: impl Iterator<Item = usize>) -> String {
    order
        .map(|i| format!(r#"(x{i} == "v" || y{i} contains "v")"#))
        .collect::<Vec<_>>()
        .join(" && ")
}

#[test]
fn twenty_term_chains() {
    let n = 20;
    let or: Vec<String> = (0..n).map(|i| format!(r#"l{i} == "v{i}""#)).collect();
    let mut reversed = or.clone();
    reversed.reverse();
    let (or, reversed) = (sel(&or.join(" || ")), sel(&reversed.join(" || ")));
    assert!(or.equivalent(&reversed));

    let values: Vec<String> = (0..n).map(|i| format!(r#""v{i}""#)).collect();
    let set = sel(&format!("a in {{{}}}", values.join(", ")));
    let chain: Vec<String> = (0..n).map(|i| format!(r#"a == "v{i}""#)).collect();
    assert!(set.equivalent(&sel(&chain.join(" || "))));
    let not_chain: Vec<String> = (0..n).map(|i| format!(r#"!(a contains "v{i}")"#)).collect();
    assert!(!set.intersects(&sel(&not_chain.join(" && "))));

    // A CNF of 20 clauses against its clauses reversed, and against a weaker one.
    let forward = sel(&cnf(0..n));
    let backward = sel(&cnf((0..n).rev()));
    assert!(forward.equivalent(&backward));
    let weaker = sel(&cnf(1..n));
    assert!(forward.implies(&weaker));
    let w = weaker.counterexample(&forward).unwrap();
    assert!(weaker.matches(&w) && !forward.matches(&w));
    // The negation of the CNF is a 20-term `||` of conjunctions: disjoint, and together all.
    let not_forward = sel(&format!("!({})", cnf(0..n)));
    assert_eq!(forward.compare(&not_forward).relation, Relation::Disjoint);
    assert!(sel("all()").implies(&sel(&format!("({}) || ({})", cnf(0..n), not_forward))));
}

#[test]
fn long_chains_are_decided_by_propagation() {
    let and: Vec<String> = (0..3000)
        .map(|i| format!(r#"l{i} starts with "v{i}""#))
        .collect();
    let and = sel(&and.join(" && "));
    let w = and.witness().unwrap();
    assert_eq!(w.len(), 3000);
    let or: Vec<String> = (0..3000).map(|i| format!(r#"l{i} != "v{i}""#)).collect();
    assert!(!sel(&format!("!({})", or.join(" || "))).implies(&sel(r#"l1 == "x""#)));
    assert!(and.implies(&sel(r#"l2999 contains "2999""#)));
}
