//! Property tests: random *valid* selector text (keywords as labels, both quote styles, odd
//! whitespace, runs of `!`, nesting, sets with trailing commas, every operator spelling) and
//! random labels. For each: the compiled program agrees with the tree walker, printing and
//! re-parsing keeps the meaning, the canonical text is stable after a second round (SPEC.md
//! section 5: `!!` makes the first round differ), and label restrictions are sound.
//!
//! `PROPTEST_CASES=n` changes the number of cases (default 512).

// Test code: a failed unwrap is a failed property.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

use checks::{assert_restrictions_sound, check_eval, derived_label_sets, LabelSet};
use proptest::prelude::*;
use selector_core::Selector;

/// Label names: keywords (ordinary labels in Calico), typical names, random ones.
fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "a", "b", "c", "has", "all", "global", "in", "not", "notin", "contains", "starts",
            "ends", "with", "startswith", "and", "or", "x.y/z", "a-b_c", "0", "-", "_", ".",
            "projectcalico.org/namespace", "pcns.team",
        ])
        .prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_./-]{1,12}",
    ]
}

/// Values: a small pool (so label sets hit them) plus arbitrary text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "", "x", "y", "xy", "yx", "it's", "say \"hi\"", "ü", " ", "\t", "a\nb", "{}", ",",
            "||", "all()", "\\",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// Whitespace: mostly nothing or one space, sometimes runs of spaces and tabs.
fn ws() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        3 => Just(" ".to_owned()),
        1 => "[ \t]{1,4}",
    ]
}

/// Whitespace that is never empty (between a label and an operator word).
fn ws1() -> impl Strategy<Value = String> {
    prop_oneof![3 => Just(" ".to_owned()), 1 => "[ \t]{1,4}"]
}

/// A string literal holding `v` in a quote style that can hold it (there are no escapes).
fn quoted(v: &str, prefer_single: bool) -> String {
    if v.contains('"') || (prefer_single && !v.contains('\'')) {
        format!("'{v}'")
    } else {
        format!("\"{v}\"")
    }
}

/// A value for a string literal: never both kinds of quote.
fn literal() -> impl Strategy<Value = String> {
    (value(), any::<bool>()).prop_map(|(v, single)| {
        let v = if v.contains('"') {
            v.replace('\'', "")
        } else {
            v
        };
        quoted(&v, single)
    })
}

/// One test of one label, in every spelling the grammar allows.
fn leaf() -> impl Strategy<Value = String> {
    let cmp = prop::sample::select(vec![
        "==",
        "!=",
        "contains",
        "starts with",
        "starts\twith",
        "startswith",
        "ends with",
        "endswith",
        "ends  with",
    ]);
    let set_op = prop::sample::select(vec!["in", "not in", "notin", "not\t in"]);
    prop_oneof![
        1 => ws().prop_map(|a| format!("all({a})")),
        1 => ws().prop_map(|a| format!("global({a})")),
        2 => (label(), ws(), ws()).prop_map(|(l, a, b)| format!("has({a}{l}{b})")),
        4 => (label(), ws1(), cmp, ws(), literal()).prop_map(|(l, s, op, s2, v)| {
            // `==`/`!=` need no space before them; operator words do.
            let s = if op.starts_with(['=', '!']) && s.len() == 1 { String::new() } else { s };
            format!("{l}{s}{op}{s2}{v}")
        }),
        3 => (
            label(),
            ws1(),
            set_op,
            ws(),
            prop::collection::vec((literal(), ws(), ws()), 0..5),
            any::<bool>(),
            ws(),
        )
            .prop_map(|(l, s, op, s2, vals, trailing, s3)| {
                let items: Vec<String> =
                    vals.iter().map(|(v, a, b)| format!("{a}{v}{b}")).collect();
                let mut set = items.join(",");
                if trailing && !items.is_empty() {
                    set.push(',');
                }
                format!("{l}{s}{op}{s2}{{{set}{s3}}}")
            }),
    ]
}

/// `!` runs: none, one, several (with whitespace between them).
fn bangs() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(String::new()),
        2 => Just("!".to_owned()),
        1 => prop::collection::vec(ws(), 2..7).prop_map(|w| w.iter().map(|s| format!("!{s}")).collect()),
    ]
}

/// A valid selector: nested `&&`/`||` chains, parentheses, `!` runs.
fn selector() -> impl Strategy<Value = String> {
    let unary = (bangs(), leaf(), ws(), ws()).prop_map(|(n, l, a, b)| format!("{a}{n}{l}{b}"));
    unary.prop_recursive(6, 64, 5, |inner| {
        prop_oneof![
            (prop::collection::vec(inner.clone(), 2..5), any::<bool>())
                .prop_map(|(xs, and)| xs.join(if and { "&&" } else { "||" })),
            (bangs(), inner.clone(), ws(), ws()).prop_map(|(n, x, a, b)| format!("{a}{n}({x}){b}")),
            (inner.clone(), inner).prop_map(|(x, y)| format!("({x}) && {y} || !({y})")),
        ]
    })
}

/// Label sets over the same small pools the selectors use.
fn labels() -> impl Strategy<Value = LabelSet> {
    prop::collection::btree_map(label(), value(), 0..8)
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_selectors_are_valid_and_keep_their_meaning(text in selector(), labels in labels()) {
        let sel = Selector::parse(&text);
        prop_assert!(sel.is_ok(), "generated selector rejected: {:?}: {}", text, sel.err().map(|e| e.to_string()).unwrap_or_default());
        let sel = sel.unwrap();
        prop_assert!(selector_core::validate(&text).is_ok());
        prop_assert!(selector_core::tokens(&text).error.is_none());

        let second = Selector::parse(sel.canonical()).unwrap();
        let third = Selector::parse(second.canonical()).unwrap();
        prop_assert_eq!(second.canonical(), third.canonical(), "not stable from {:?}", text);

        let mut sets = derived_label_sets(&sel, text.as_bytes());
        sets.push(labels);
        for set in &sets {
            // program == walker (and explain, and a pair slice), inside check_eval
            let verdict = check_eval(&sel, set);
            prop_assert_eq!(second.matches(set), verdict, "{:?} vs canonical {:?} on {:?}", text, sel.canonical(), set);
            prop_assert_eq!(third.matches(set), verdict);
            assert_restrictions_sound(&sel, set);
            assert_restrictions_sound(&second, set);
        }
    }

    #[test]
    fn arbitrary_text_never_breaks_the_checks(text in "[ -~\t\n]{0,64}|[(){}!&|=, \"'a-c]{0,64}") {
        // The full parse-target property set (validate == parse, tokens, error spans and
        // line/column, round trip) on text that is mostly invalid.
        checks::check_text(&text);
    }
}

/// The generators do produce every feature they claim to (so the properties above are not
/// vacuous): keywords as labels, both quotes, tabs, `!` runs, nesting, trailing commas.
#[test]
fn generator_covers_the_grammar() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = selector();
    let mut all = String::new();
    for _ in 0..400 {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        assert!(Selector::parse(&text).is_ok(), "{text:?}");
        all.push_str(&text);
        all.push('\n');
    }
    for needle in [
        "'",
        "\"",
        "\t",
        "!!",
        "! ",
        "((",
        ",}",
        "notin",
        "starts with",
        "&&",
        "||",
        "has(",
        "all(",
        "global(",
        "in ",
    ] {
        assert!(all.contains(needle), "generator never produced {needle:?}");
    }
}
