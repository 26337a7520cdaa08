//! proptest strategies shared by the unit tests of the index and the interned evaluator:
//! a few label names and values (so that random selectors and label sets often meet) and
//! random selector text over them.

use proptest::prelude::*;

/// One of a few label names.
pub(crate) fn label_name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c", "d"]).prop_map(str::to_owned)
}

/// One of a few label values, the empty one included.
pub(crate) fn label_value() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "x", "y", "xy", "yx"]).prop_map(str::to_owned)
}

/// Random selector text: every operator, `!`, and `&&`/`||` chains up to four levels deep.
pub(crate) fn selector_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        label_name().prop_map(|n| format!("has({n})")),
        (label_name(), label_value()).prop_map(|(n, v)| format!("{n} == '{v}'")),
        (label_name(), label_value()).prop_map(|(n, v)| format!("{n} != '{v}'")),
        (label_name(), label_value()).prop_map(|(n, v)| format!("{n} contains '{v}'")),
        (label_name(), label_value()).prop_map(|(n, v)| format!("{n} starts with '{v}'")),
        (label_name(), label_value()).prop_map(|(n, v)| format!("{n} ends with '{v}'")),
        (
            label_name(),
            prop::collection::vec(label_value(), 0..4),
            any::<bool>()
        )
            .prop_map(|(n, vs, neg)| {
                let set: Vec<String> = vs.iter().map(|v| format!("'{v}'")).collect();
                let op = if neg { "not in" } else { "in" };
                format!("{n} {op} {{{}}}", set.join(", "))
            }),
        Just("all()".to_owned()),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| format!("!({e})")),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|es| format!("({})", es.join(" && "))),
            prop::collection::vec(inner, 2..4).prop_map(|es| format!("({})", es.join(" || "))),
        ]
    })
}
