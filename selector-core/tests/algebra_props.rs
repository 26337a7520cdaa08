//! The selector algebra against brute force: random selectors over two labels and a small
//! alphabet, every answer compared with an enumeration of label sets built from the
//! selectors' own literals (the literals, their prefixes and suffixes, concatenations of
//! two or three of them with and without a fresh separator, every short string over the
//! alphabet), absence and one fresh value.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use selector_core::{Expr, Relation, Selector};
use std::collections::{BTreeMap, BTreeSet};

const LABELS: [&str; 2] = ["a", "b"];
const VALUES: [&str; 6] = ["", "a", "b", "ab", "ba", "aa"];

fn leaf() -> impl Strategy<Value = String> {
    let label = prop::sample::select(LABELS.to_vec());
    let value = prop::sample::select(VALUES.to_vec());
    let op = prop::sample::select(vec!["==", "!=", "contains", "starts with", "ends with"]);
    prop_oneof![
        1 => label.clone().prop_map(|l| format!("has({l})")),
        6 => (label.clone(), op, value.clone()).prop_map(|(l, o, v)| format!("{l} {o} \"{v}\"")),
        2 => (label, any::<bool>(), prop::collection::vec(value, 0..3)).prop_map(|(l, not, vs)| {
            let vs: Vec<String> = vs.iter().map(|v| format!("\"{v}\"")).collect();
            format!("{l} {}in {{{}}}", if not { "not " } else { "" }, vs.join(", "))
        }),
        1 => Just("all()".to_string()),
    ]
}

fn selector() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 6, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|s| format!("!({s})")),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|v| format!("({})", v.join(" && "))),
            prop::collection::vec(inner, 2..4).prop_map(|v| format!("({})", v.join(" || "))),
        ]
    })
}

fn literals(e: &Expr, out: &mut BTreeSet<String>) {
    match e {
        Expr::Compare { value, .. } => {
            out.insert(value.clone());
        }
        Expr::In { values, .. } => out.extend(values.iter().cloned()),
        _ => {}
    }
    for c in e.children() {
        literals(c, out);
    }
}

/// Candidate values for any label, from the literals of `selectors`.
fn candidates(selectors: &[&Selector]) -> Vec<Option<String>> {
    let mut lits = BTreeSet::new();
    for s in selectors {
        literals(s.ast(), &mut lits);
    }
    let mut values: BTreeSet<String> = BTreeSet::new();
    for l in &lits {
        for i in 0..=l.len() {
            values.insert(l[..i].to_string());
            values.insert(l[i..].to_string());
        }
    }
    for x in &lits {
        for y in &lits {
            values.insert(format!("{x}{y}"));
            values.insert(format!("{x}#{y}"));
            for z in &lits {
                values.insert(format!("{x}{y}{z}"));
                values.insert(format!("{x}#{y}#{z}"));
            }
        }
    }
    // Every string of up to four characters over the alphabet and the separator.
    let mut short = vec![String::new()];
    for _ in 0..4 {
        let next: Vec<String> = short
            .iter()
            .flat_map(|s| ["a", "b", "#"].map(|c| format!("{s}{c}")))
            .collect();
        values.extend(next.iter().cloned());
        short = next;
    }
    values.insert("fresh".to_string());
    std::iter::once(None)
        .chain(values.into_iter().map(Some))
        .collect()
}

/// Every label set over `LABELS` with values from the candidates.
fn label_sets(selectors: &[&Selector]) -> Vec<BTreeMap<String, String>> {
    let values = candidates(selectors);
    let mut out = Vec::new();
    for x in &values {
        for y in &values {
            let mut m = BTreeMap::new();
            for (label, v) in LABELS.iter().zip([x, y]) {
                if let Some(v) = v {
                    m.insert(label.to_string(), v.clone());
                }
            }
            out.push(m);
        }
    }
    out
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn satisfiable_agrees_with_brute_force(src in selector()) {
        let s = sel(&src);
        let brute = label_sets(&[&s]).iter().any(|m| s.matches(m));
        let witness = s.witness();
        if let Some(w) = &witness {
            prop_assert!(s.matches(w), "witness {w:?} fails {src}");
        }
        prop_assert_eq!(witness.is_some(), brute, "{}", src);
        prop_assert_eq!(s.is_satisfiable(), brute);
    }

    #[test]
    fn implies_and_intersects_agree_with_brute_force(a in selector(), b in selector()) {
        let (s, t) = (sel(&a), sel(&b));
        let sets = label_sets(&[&s, &t]);
        let brute_implies = sets.iter().all(|m| !s.matches(m) || t.matches(m));
        let brute_intersects = sets.iter().any(|m| s.matches(m) && t.matches(m));
        let brute_reverse = sets.iter().all(|m| !t.matches(m) || s.matches(m));
        prop_assert_eq!(s.implies(&t), brute_implies, "{} => {}", a, b);
        prop_assert_eq!(s.intersects(&t), brute_intersects, "{} & {}", a, b);
        prop_assert_eq!(s.equivalent(&t), brute_implies && brute_reverse);
        match s.counterexample(&t) {
            Some(w) => prop_assert!(s.matches(&w) && !t.matches(&w), "{w:?}"),
            None => prop_assert!(brute_implies),
        }
        let c = s.compare(&t);
        if let Some(w) = &c.both {
            prop_assert!(s.matches(w) && t.matches(w));
        }
        if let Some(w) = &c.only_b {
            prop_assert!(!s.matches(w) && t.matches(w));
        }
        let expected = match (brute_implies, brute_reverse, brute_intersects) {
            (true, true, _) => Relation::Equivalent,
            (true, false, _) => Relation::Subset,
            (false, true, _) => Relation::Superset,
            (false, false, false) => Relation::Disjoint,
            (false, false, true) => Relation::Overlapping,
        };
        prop_assert_eq!(c.relation, expected);
    }

    #[test]
    fn implies_is_reflexive_and_transitive(a in selector(), b in selector(), c in selector()) {
        let (s, t, u) = (sel(&a), sel(&b), sel(&c));
        prop_assert!(s.implies(&s));
        prop_assert!(s.equivalent(&s));
        // `s && t` implies both; `s || t` is implied by both: chains to test transitivity on.
        let st = sel(&format!("({a}) && ({b})"));
        let s_or_t = sel(&format!("({a}) || ({b})"));
        prop_assert!(st.implies(&s) && s.implies(&s_or_t) && st.implies(&s_or_t));
        if s.implies(&t) && t.implies(&u) {
            prop_assert!(s.implies(&u));
        }
    }

    #[test]
    fn the_canonical_text_is_equivalent(src in selector()) {
        let s = sel(&src);
        let again = sel(s.canonical());
        prop_assert!(s.equivalent(&again));
        let not = sel(&format!("!({src})"));
        prop_assert!(!s.intersects(&not));
        prop_assert_eq!(s.equivalent(&not), false);
    }
}
