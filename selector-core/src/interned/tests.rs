//! Tests of interned labels and selectors against the reference evaluator.

use super::interner::*;
use super::label_set::*;
use super::{Graph, LeafTest};
use crate::syntax::ast::CompareOp;
use crate::test_strategies::{label_name, label_value, selector_text};
use crate::walk;
use crate::Selector;
use proptest::prelude::*;

#[test]
fn first_pair_of_a_name_wins() {
    let mut interner = Interner::new();
    let labels = interner.label_set([("a", "1"), ("b", "2"), ("a", "3")]);
    assert_eq!(labels.len(), 2);
    let a = interner.get("a").unwrap();
    assert_eq!(labels.get(a), interner.get("1"));
}

#[test]
fn lookups_find_every_label_and_nothing_else_at_every_size() {
    let mut interner = Interner::new();
    let strings: Vec<Symbol> = (0..200)
        .map(|i| interner.intern(&format!("s{i}")))
        .collect();
    for len in 0..=20 {
        // Names spread over the symbol space so that hash slots collide.
        let pairs: Vec<(String, String)> = (0..len)
            .map(|i| (format!("s{}", i * 7 % 200), format!("s{}", i + 100)))
            .collect();
        let labels = interner.label_set(pairs.iter().map(|(n, v)| (n, v)));
        assert_eq!(labels.len(), len);
        for &sym in &strings {
            let name = interner.resolve(sym).unwrap();
            let expected = pairs
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| interner.get(v));
            assert_eq!(labels.get(sym), expected, "{len} labels, {name}");
        }
        assert_eq!(labels.get(Symbol::UNKNOWN), None);
    }
}

#[test]
fn long_label_sets_use_binary_search() {
    let mut interner = Interner::new();
    let pairs: Vec<(String, String)> = (0..40)
        .map(|i| (format!("n{i}"), format!("v{i}")))
        .collect();
    let labels = interner.label_set(pairs.iter().map(|(n, v)| (n, v)));
    for (n, v) in &pairs {
        let n = interner.get(n).unwrap();
        assert_eq!(labels.get(n), interner.get(v));
    }
    assert_eq!(labels.get(Symbol::UNKNOWN), None);
    let s = Selector::parse(
        "n39 in {'v39', 'a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q'}",
    )
    .unwrap();
    assert!(interner.compile(&s).matches(&labels, &interner));
    let s = Selector::parse(
        "n38 in {'v39', 'a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q'}",
    )
    .unwrap();
    assert!(!interner.compile(&s).matches(&labels, &interner));
}

#[test]
fn unknown_strings_match_nothing_when_frozen() {
    let mut interner = Interner::new();
    let labels = interner.label_set([("app", "web")]);
    for (text, expected) in [
        ("app == 'api'", false),
        ("app != 'api'", true),
        ("has(tier)", false),
        ("tier != 'x'", true),
        ("app in {'api', 'web'}", true),
        ("app not in {'api'}", true),
        ("tier not in {'x'}", true),
        ("app contains 'e'", true),
        ("tier contains ''", false),
    ] {
        let s = Selector::parse(text).unwrap();
        assert_eq!(
            interner.compile_frozen(&s).matches(&labels, &interner),
            expected,
            "{text}"
        );
    }
    assert_eq!(interner.len(), 2);
}

proptest! {
    #[test]
    fn affix_words_agree_with_string_tests(
        value in "[ab]{0,10}|[a-zé.-]{0,20}",
        operand in "[ab]{0,9}|[a-zé.-]{0,3}",
    ) {
        let mut interner = Interner::new();
        let v = interner.intern(&value);
        for (affix, cmp) in [(Affix::Head, CompareOp::StartsWith), (Affix::Tail, CompareOp::EndsWith)] {
            let expected = cmp.test(Some(&value), &operand);
            if operand.len() <= 8 {
                let word = affix.word(operand.as_bytes());
                let got = interner.affix_test(v, affix, word, operand.len() as u32);
                prop_assert_eq!(got, expected, "{:?} {:?} {:?}", value, affix, operand);
            }
            let s = Selector::parse(&format!("a {} '{}'", if cmp == CompareOp::StartsWith { "starts with" } else { "ends with" }, operand)).unwrap();
            let labels = interner.label_set([("a", value.as_str())]);
            prop_assert_eq!(interner.compile(&s).matches(&labels, &interner), expected);
        }
    }

    #[test]
    fn contains_agrees_with_the_string_search(
        value in "[ab\\x00]{0,18}|[a-zé.-]{0,24}",
        needle in "[ab\\x00]{0,4}|[a-zé.-]{0,2}|[ab]{15,17}",
    ) {
        let mut interner = Interner::new();
        let v = interner.intern(&value);
        let expected = value.contains(needle.as_str());
        prop_assert_eq!(interner.contains(v, needle.as_bytes()), expected, "{:?} {:?}", value, needle);
        let test = TextTest::new(CompareOp::Contains, &needle);
        prop_assert_eq!(test.holds(&interner, v), expected);
        if !needle.contains(['\'', '\0']) {
            let s = Selector::parse(&format!("a contains '{needle}'")).unwrap();
            let labels = interner.label_set([("a", value.as_str())]);
            prop_assert_eq!(interner.compile(&s).matches(&labels, &interner), expected);
        }
    }

    #[test]
    fn symbols_are_equal_exactly_when_strings_are(
        strings in prop::collection::vec("[a-c]{0,3}|[a-z0-9./-]{0,40}", 0..300),
    ) {
        let mut interner = Interner::new();
        let mut model: Vec<String> = Vec::new();
        for s in &strings {
            let sym = interner.intern(s);
            match model.iter().position(|m| m == s) {
                Some(i) => prop_assert_eq!(sym.index(), i),
                None => {
                    prop_assert_eq!(sym.index(), model.len());
                    model.push(s.clone());
                }
            }
            prop_assert_eq!(interner.resolve(sym), Some(s.as_str()));
        }
        prop_assert_eq!(interner.len(), model.len());
        for (i, m) in model.iter().enumerate() {
            prop_assert_eq!(interner.get(m).map(Symbol::index), Some(i));
        }
        prop_assert_eq!(interner.get("not interned, ever"), None);
        prop_assert_eq!(interner.resolve(Symbol::UNKNOWN), None);
    }

    #[test]
    fn interned_agrees_with_the_tree_walker(
        text in selector_text(),
        pairs in prop::collection::vec((label_name(), label_value()), 0..5),
    ) {
        let s = Selector::parse(&text).unwrap();
        let mut interner = Interner::new();
        // Intern the label set first so that frozen compilation sees unknown strings too.
        let labels = interner.label_set(pairs.iter().map(|(n, v)| (n, v)));
        let expected = walk::matches(s.ast(), pairs.as_slice());
        prop_assert_eq!(interner.compile_frozen(&s).matches(&labels, &interner), expected);
        prop_assert_eq!(interner.compile(&s).matches(&labels, &interner), expected);
        prop_assert_eq!(s.matches(&interner.view(&labels)), expected);
        // The graph view, read as the index reads it, agrees too.
        prop_assert_eq!(graph_matches(&interner.compile_frozen(&s), &labels, &interner), expected);
        prop_assert_eq!(graph_matches(&interner.compile(&s), &labels, &interner), expected);
    }
}

/// Walks the [`Graph`] view of a compiled selector, reading each test as the index does.
fn graph_matches(graph: &impl Graph, labels: &LabelSet, interner: &Interner) -> bool {
    let nodes: Vec<_> = graph.graph_nodes().collect();
    let mut at = graph.entry();
    while let Some(node) = nodes.get(at as usize) {
        let value = labels.get(node.name);
        let holds = match node.test {
            LeafTest::Has => value.is_some(),
            LeafTest::Eq(v) => value == Some(v),
            LeafTest::In(set) => value.is_some_and(|v| set.contains(&v)),
            LeafTest::Text(cmp, operand) => {
                value.is_some_and(|v| TextTest::new(cmp, operand).holds(interner, v))
            }
        };
        at = if holds { node.on_true } else { node.on_false };
    }
    at == crate::compile::TRUE
}

#[test]
fn the_graph_view_reads_has_and_one_member_sets_as_written() {
    let mut interner = Interner::new();
    let x = interner.intern("x");
    for (text, expected) in [
        ("has(a)", LeafTest::Has),
        ("!has(a)", LeafTest::Has),
        ("a == 'x'", LeafTest::Eq(Symbol::UNKNOWN)),
        ("a in {'x'}", LeafTest::Eq(Symbol::UNKNOWN)),
        ("a not in {'x', 'x'}", LeafTest::Eq(Symbol::UNKNOWN)),
    ] {
        let s = interner.compile(&Selector::parse(text).unwrap());
        let nodes: Vec<_> = s.graph_nodes().collect();
        assert_eq!(nodes.len(), 1, "{text}");
        let node = nodes[0];
        match (node.test, expected) {
            (LeafTest::Has, LeafTest::Has) => {}
            (LeafTest::Eq(v), LeafTest::Eq(_)) => assert_eq!(v, x, "{text}"),
            (got, _) => panic!("{text}: {got:?}"),
        }
        let negated = text.starts_with('!') || text.contains(" not ");
        let (yes, no) = (crate::compile::TRUE, crate::compile::FALSE);
        let expected_targets = if negated { (no, yes) } else { (yes, no) };
        assert_eq!((node.on_true, node.on_false), expected_targets, "{text}");
    }
}
