//! The index held to the naive loop.

use super::plan::*;
use super::slots::*;
use super::*;
use crate::test_strategies::{label_name, label_value, selector_text};
use crate::Selector;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

type Pairs = Vec<(String, String)>;

fn parse(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

#[test]
fn selectors_that_restrictions_conflict_are_never_evaluated() {
    let mut index = SelectorIndex::<u8, u8>::new();
    for e in 0..10 {
        index.insert_endpoint(e, [("a", "x"), ("b", "y")]);
    }
    for (s, text) in ["has(a) && !has(a)", "a in {}", "a == 'x' && a == 'y'"]
        .into_iter()
        .enumerate()
    {
        assert!(index.insert_selector(s as u8, parse(text)).is_empty());
    }
    assert_eq!(index.evaluations(), 0);
    index.insert_endpoint(11, [("a", "y")]);
    assert_eq!(index.evaluations(), 0);
}

#[test]
fn conflicting_restrictions_need_a_label_twice_or_an_empty_set() {
    let mut interner = Interner::new();
    for text in [
        "a == 'x' && b == 'y' || !has(c) && d in {'x', 'y'} && e contains 'z'",
        "all()",
        "!(a in {'x'})",
    ] {
        let s = parse(text);
        assert!(!restrictions_may_conflict(&interner.compile(&s)), "{text}");
        assert!(!s.restrictions_conflict(), "{text}");
    }
    for text in [
        "has(a) && !has(a)",
        "a in {}",
        "!(b in {})",
        "a == 'x' && a == 'y'",
        "a == 'x' || a == 'y'",
    ] {
        let s = parse(text);
        assert!(restrictions_may_conflict(&interner.compile(&s)), "{text}");
    }
}

proptest! {
    #[test]
    fn selectors_without_conflicts_can_match(text in selector_text()) {
        let s = parse(&text);
        if !restrictions_may_conflict(&Interner::new().compile(&s)) {
            prop_assert!(!s.restrictions_conflict());
        }
    }
}

#[test]
fn inserting_a_selector_builds_no_syntax_tree() {
    let mut index = SelectorIndex::<usize, u8>::new();
    index.insert_endpoint(0, [("a", "x"), ("b", "y")]);
    let texts = [
        r#"a == "x" && b in {"y","z"}"#,
        r#"!has(c) || d != "e""#,
        "app contains 'e' && tier not in {'db'}",
        // Labels tested twice: restrictions are looked at too.
        "a == 'x' && (a == 'y' || b starts with 'q')",
        "has(a) && !has(a)",
        "a in {}",
        "",
    ];
    for (i, text) in texts.into_iter().enumerate() {
        let s = parse(text);
        index.insert_selector(i, s.clone());
        index.endpoints_matching_selector(&s);
        assert!(s.built_ast().is_none(), "{text}");
    }
    assert_eq!(index.endpoints_matching(&4).count(), 0);
}

#[test]
fn a_selector_made_from_a_tree_is_filed_by_that_tree() {
    // Its source, `has(a) || has(b)`, parses to another tree than the one it evaluates.
    let s = parse("has(a)").map_labels(|_| "a) || has(b".to_owned());
    assert_eq!(s.source(), "has(a) || has(b)");
    let mut index = SelectorIndex::<u8, u8>::new();
    index.plan = Plan::Candidates;
    index.insert_endpoint(0, [("b", "")]);
    index.insert_endpoint(1, [("a) || has(b", "")]);
    assert_eq!(index.insert_selector(0, s.clone()).started, [(0, 1)]);
    let mut index = SelectorIndex::<u8, u8>::new();
    index.insert_selector(0, s);
    assert!(index.insert_endpoint(0, [("b", "")]).is_empty());
    assert_eq!(
        index.insert_endpoint(1, [("a) || has(b", "")]).started,
        [(0, 1)]
    );
}

proptest! {
    #[test]
    fn restrictions_from_the_tree_agree_with_the_syntax_tree(text in selector_text()) {
        let s = parse(&text);
        let from_tree = crate::syntax::parser::with_tree(&text, |t| restrict::restrictions_conflict(t, &text));
        let from_expr = restrict::restrictions(s.ast())
            .values()
            .any(crate::LabelRestriction::is_impossible);
        prop_assert_eq!(from_tree.ok(), Some(from_expr));
        prop_assert_eq!(s.restrictions_conflict(), from_expr);
    }
}

#[test]
fn exact_keys_need_no_evaluation() {
    let mut index = SelectorIndex::<u8, u8>::new();
    index.plan = Plan::Candidates;
    for (e, env) in ["qa", "prod", "dev"].into_iter().enumerate() {
        index.insert_endpoint(e as u8, [("env", env), ("app", "web-1")]);
    }
    index.insert_endpoint(3, [("app", "db")]);
    let cases = [
        ("env != 'qa'", 3),
        ("env not in {'qa', 'dev'}", 2),
        ("env == 'prod' || env == 'dev'", 2),
        ("app starts with 'web'", 3),
        ("!(app contains 'b')", 0),
        ("all()", 4),
    ];
    for (s, (text, expected)) in cases.into_iter().enumerate() {
        let changes = index.insert_selector(s as u8, parse(text));
        assert_eq!(changes.started.len(), expected, "{text}");
    }
    assert_eq!(index.evaluations(), 0);
}

#[test]
fn candidates_only_are_evaluated() {
    let mut index = SelectorIndex::<u8, u8>::new();
    index.plan = Plan::Candidates;
    for e in 0..10 {
        index.insert_endpoint(e, [("tier", if e < 2 { "db" } else { "web" })]);
    }
    index.insert_selector(0, parse("tier == 'db' && !has(x)"));
    assert_eq!(index.evaluations(), 2);
    assert_eq!(index.endpoints_matching(&0).count(), 2);
    // Every endpoint it does not match has tier=db: only those two are evaluated.
    index.insert_selector(1, parse("tier != 'db' || x contains 'q'"));
    assert_eq!(index.evaluations(), 4);
    assert_eq!(index.endpoints_matching(&1).count(), 8);
    // Every endpoint it does not match has label y: none has, all match unevaluated.
    index.insert_selector(2, parse("(has(x) || !has(y)) || (!has(z) && has(w))"));
    assert_eq!(index.evaluations(), 4);
    assert_eq!(index.endpoints_matching(&2).count(), 10);
}

#[test]
fn replacing_and_removing_report_changes() {
    let mut index = SelectorIndex::<&str, &str>::new();
    index.insert_endpoint("e", [("a", "1")]);
    index.insert_selector("s", parse("a == '1'"));
    let c = index.insert_endpoint("e", [("a", "1"), ("b", "2")]);
    assert!(c.is_empty());
    let c = index.insert_selector("s", parse("b == '2'"));
    assert!(c.is_empty());
    let c = index.insert_endpoint("e", [("a", "1")]);
    assert_eq!(c.stopped, [("s", "e")]);
    assert!(index.remove_selector(&"s").is_empty());
    assert_eq!(index.selector_count(), 0);
    assert!(index.remove_endpoint(&"e").is_empty());
    assert_eq!(index.endpoint_count(), 0);
    assert!(index.endpoints_by_value.is_empty() && index.values_by_name.is_empty());
    assert!(index.value_sets.iter().next().is_none());
}

#[test]
fn bulk_matching_on_many_endpoints_agrees_with_evaluation() {
    // Enough endpoints for several bitmap words and both forms of endpoint sets.
    let names = ["a", "b", "c"];
    let values = ["x", "y", "xy", "z", ""];
    let labels = |e: usize| -> Pairs {
        names
            .iter()
            .enumerate()
            .filter(|(i, _)| (e >> i) % 3 != 0)
            .map(|(i, n)| (n.to_string(), values[(e * (i + 7)) % 5].to_string()))
            .collect()
    };
    let texts = [
        "has(a) && b != 'x'",
        "a in {'x', 'y'} || !(c contains 'y')",
        "!(a starts with 'x') && (has(b) || c == '')",
        "a == 'z' && b == 'y' && c ends with 'y'",
        "all()",
        "!all()",
        "a == 'nowhere'",
    ];
    for plan in [Plan::Bulk, Plan::Candidates, Plan::Auto] {
        let mut index = SelectorIndex::<usize, usize>::new();
        index.plan = plan;
        for e in 0..300 {
            index.insert_endpoint(e, labels(e));
        }
        for (s, text) in texts.iter().enumerate() {
            let selector = parse(text);
            let mut got: Vec<usize> = index
                .insert_selector(s, selector.clone())
                .started
                .iter()
                .map(|p| p.1)
                .collect();
            got.sort_unstable();
            let want: Vec<usize> = (0..300)
                .filter(|&e| selector.matches(labels(e).as_slice()))
                .collect();
            assert_eq!(got, want, "{text} ({plan:?})");
        }
        // Remove most endpoints (sets turn sparse again), then match again.
        for e in (0..300).filter(|e| e % 7 != 0) {
            index.remove_endpoint(&e);
        }
        for (s, text) in texts.iter().enumerate() {
            let selector = parse(text);
            let mut got: Vec<usize> = index
                .endpoints_matching_selector(&selector)
                .into_iter()
                .copied()
                .collect();
            got.sort_unstable();
            let want: Vec<usize> = (0..300)
                .filter(|&e| e % 7 == 0 && selector.matches(labels(e).as_slice()))
                .collect();
            assert_eq!(got, want, "{text} after removals ({plan:?})");
            let mut stored: Vec<usize> = index.endpoints_matching(&s).copied().collect();
            stored.sort_unstable();
            assert_eq!(stored, want);
        }
    }
}

#[test]
fn endpoint_sets_switch_form_both_ways() {
    let mut set = SlotSet::default();
    for slot in 0..200 {
        set.insert(slot);
    }
    assert!(matches!(set, SlotSet::Dense { len: 200, .. }));
    for slot in 1..200 {
        set.remove(slot);
    }
    assert_eq!(set, SlotSet::Sparse(vec![0]));
    set.insert(5000);
    assert_eq!(set, SlotSet::Sparse(vec![0, 5000]));
    assert!(set.contains(5000) && !set.contains(4999));
}

proptest! {
    #[test]
    fn endpoint_sets_behave_as_sets(
        ops in prop::collection::vec((any::<bool>(), 0..700u32), 0..400),
    ) {
        let mut set = SlotSet::default();
        let mut model = BTreeSet::new();
        for (insert, slot) in ops {
            if insert {
                prop_assert_eq!(set.insert(slot), model.insert(slot));
            } else {
                prop_assert_eq!(set.remove(slot), model.remove(&slot));
            }
            prop_assert_eq!(set.len(), model.len());
            prop_assert_eq!(set.is_empty(), model.is_empty());
            let mut slots = Vec::new();
            set.for_each(|s| slots.push(s));
            prop_assert_eq!(&slots, &model.iter().copied().collect::<Vec<_>>());
            prop_assert_eq!(&set.iter().collect::<Vec<_>>(), &slots);
            let mut bits = vec![0u64; 11];
            set.or_into(&mut bits);
            let mut from_bits = Vec::new();
            for_each_bit(&bits, |s| from_bits.push(s));
            prop_assert_eq!(&from_bits, &slots);
            prop_assert_eq!(&SlotSet::from_bits(&bits).iter().collect::<Vec<_>>(), &slots);
            prop_assert_eq!(&SlotSet::from_sorted(slots.clone()).iter().collect::<Vec<_>>(), &slots);
            prop_assert!(model.iter().all(|&s| set.contains(s)));
            prop_assert_eq!(set.contains(slot), model.contains(&slot));
        }
    }

    #[test]
    fn slot_set_differences_are_exact(
        a in prop::collection::btree_set(0..300u32, 0..200),
        b in prop::collection::btree_set(0..300u32, 0..200),
    ) {
        let build = |m: &BTreeSet<u32>| {
            let mut set = SlotSet::default();
            m.iter().for_each(|&s| { set.insert(s); });
            set
        };
        let (x, y) = (build(&a), build(&b));
        let (mut started, mut stopped) = (BTreeSet::new(), BTreeSet::new());
        x.diff(&y, |slot, start| {
            if start { started.insert(slot) } else { stopped.insert(slot) };
        });
        prop_assert_eq!(started, b.difference(&a).copied().collect::<BTreeSet<_>>());
        prop_assert_eq!(stopped, a.difference(&b).copied().collect::<BTreeSet<_>>());
    }
}

fn labels() -> impl Strategy<Value = Pairs> {
    prop::collection::vec((label_name(), label_value()), 0..4)
}

#[derive(Debug, Clone)]
enum Step {
    Selector(u8, String),
    RemoveSelector(u8),
    Endpoint(u8, Pairs),
    RemoveEndpoint(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..6u8, selector_text()).prop_map(|(i, s)| Step::Selector(i, s)),
        1 => (0..6u8).prop_map(Step::RemoveSelector),
        3 => (0..6u8, labels()).prop_map(|(i, l)| Step::Endpoint(i, l)),
        1 => (0..6u8).prop_map(Step::RemoveEndpoint),
    ]
}

/// The naive loop: every selector on every endpoint.
fn naive(
    selectors: &BTreeMap<u8, Selector>,
    endpoints: &BTreeMap<u8, Pairs>,
) -> BTreeSet<(u8, u8)> {
    let mut out = BTreeSet::new();
    for (s, selector) in selectors {
        for (e, labels) in endpoints {
            if selector.matches(labels.as_slice()) {
                out.insert((*s, *e));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_index_agrees_with_the_naive_loop(
        steps in prop::collection::vec(step(), 1..40),
        plan in prop::sample::select(vec![Plan::Auto, Plan::Candidates, Plan::Bulk]),
    ) {
        let mut index = SelectorIndex::<u8, u8>::new();
        index.plan = plan;
        let mut selectors = BTreeMap::new();
        let mut endpoints = BTreeMap::new();
        let mut before = BTreeSet::new();
        for step in steps {
            let changes = match step {
                Step::Selector(id, text) => {
                    let s = parse(&text);
                    selectors.insert(id, s.clone());
                    index.insert_selector(id, s)
                }
                Step::RemoveSelector(id) => {
                    selectors.remove(&id);
                    index.remove_selector(&id)
                }
                Step::Endpoint(id, labels) => {
                    let changes = index.insert_endpoint(id, labels.iter().map(|(k, v)| (k, v)));
                    endpoints.insert(id, labels);
                    changes
                }
                Step::RemoveEndpoint(id) => {
                    endpoints.remove(&id);
                    index.remove_endpoint(&id)
                }
            };
            let after = naive(&selectors, &endpoints);
            let started: BTreeSet<_> = changes.started.iter().copied().collect();
            let stopped: BTreeSet<_> = changes.stopped.iter().copied().collect();
            prop_assert_eq!(started.len(), changes.started.len());
            prop_assert_eq!(stopped.len(), changes.stopped.len());
            prop_assert_eq!(&started, &after.difference(&before).copied().collect());
            prop_assert_eq!(&stopped, &before.difference(&after).copied().collect());

            for s in selectors.keys() {
                let got: BTreeSet<u8> = index.endpoints_matching(s).copied().collect();
                let want: BTreeSet<u8> =
                    after.iter().filter(|p| p.0 == *s).map(|p| p.1).collect();
                prop_assert_eq!(&got, &want);
                let fresh: BTreeSet<u8> = index
                    .endpoints_matching_selector(&selectors[s])
                    .into_iter()
                    .copied()
                    .collect();
                prop_assert_eq!(&fresh, &want);
            }
            for (e, labels) in &endpoints {
                let got: BTreeSet<u8> = index.selectors_matching(e).copied().collect();
                let want: BTreeSet<u8> =
                    after.iter().filter(|p| p.1 == *e).map(|p| p.0).collect();
                prop_assert_eq!(&got, &want);
                let fresh: BTreeSet<u8> = index
                    .selectors_matching_labels(labels.iter().map(|(k, v)| (k, v)))
                    .into_iter()
                    .copied()
                    .collect();
                prop_assert_eq!(&fresh, &want);
                for s in selectors.keys() {
                    prop_assert_eq!(index.is_match(s, e), after.contains(&(*s, *e)));
                }
            }
            prop_assert_eq!(index.selector_count(), selectors.len());
            prop_assert_eq!(index.endpoint_count(), endpoints.len());
            before = after;
        }
    }

    #[test]
    fn queries_with_unseen_strings_agree_with_the_naive_loop(
        stored in prop::collection::vec(selector_text(), 0..6),
        text in selector_text(),
        endpoint_labels in prop::collection::vec(labels(), 0..6),
        query in prop::collection::vec(
            (prop::sample::select(vec!["a", "b", "z"]), prop::sample::select(vec!["x", "new", "xnew"])),
            0..4,
        ),
        plan in prop::sample::select(vec![Plan::Auto, Plan::Candidates, Plan::Bulk]),
    ) {
        let mut index = SelectorIndex::<usize, usize>::new();
        index.plan = plan;
        for (i, labels) in endpoint_labels.iter().enumerate() {
            index.insert_endpoint(i, labels.iter().map(|(k, v)| (k, v)));
        }
        for (i, s) in stored.iter().enumerate() {
            index.insert_selector(i, parse(s));
        }
        let s = parse(&text);
        let mut got: Vec<usize> = index.endpoints_matching_selector(&s).into_iter().copied().collect();
        got.sort_unstable();
        let want: Vec<usize> = endpoint_labels
            .iter()
            .enumerate()
            .filter(|(_, l)| s.matches(l.as_slice()))
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(got, want);
        let mut got: Vec<usize> = index.selectors_matching_labels(query.iter().copied()).into_iter().copied().collect();
        got.sort_unstable();
        let want: Vec<usize> = stored
            .iter()
            .enumerate()
            .filter(|(_, t)| parse(t).matches(query.as_slice()))
            .map(|(i, _)| i)
            .collect();
        prop_assert_eq!(got, want);
    }
}
