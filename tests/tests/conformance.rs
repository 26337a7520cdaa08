//! Replays every record of Calico's verdict corpus; 100% agreement is required.
//! `CORPUS_FILTER=text` limits the run to selectors containing `text`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use conformance_tests::{load_corpus, Restriction};
use selector_core::Selector;
use std::collections::{BTreeMap, HashMap};

#[test]
fn corpus_agrees_with_calico() {
    let records = load_corpus().unwrap();
    let filter = std::env::var("CORPUS_FILTER").ok();
    let mut failures = Vec::new();
    let (mut checked, mut verdicts) = (0usize, 0usize);
    for r in &records {
        if filter.as_deref().is_some_and(|f| !r.selector.contains(f)) {
            continue;
        }
        checked += 1;
        let parsed = Selector::parse(&r.selector);
        assert_eq!(
            selector_core::validate(&r.selector).is_ok(),
            parsed.is_ok(),
            "validate disagrees with parse on {:?}",
            r.selector
        );
        match (r.valid, parsed) {
            (false, Ok(s)) => failures.push(format!(
                "{:?}: Calico rejects ({:?}), we accept as {}",
                r.selector, r.calico_error, s
            )),
            (true, Err(e)) => {
                failures.push(format!("{:?}: Calico accepts, we reject:\n{e}", r.selector))
            }
            (false, Err(_)) => {}
            (true, Ok(s)) => {
                if Some(s.canonical()) != r.canonical.as_deref() {
                    failures.push(format!(
                        "{:?}: canonical {:?}, Calico {:?}",
                        r.selector,
                        s.canonical(),
                        r.canonical
                    ));
                }
                if Some(s.unique_id()) != r.unique_id.as_deref() {
                    failures.push(format!(
                        "{:?}: unique id {:?}, Calico {:?}",
                        r.selector,
                        s.unique_id(),
                        r.unique_id
                    ));
                }
                let ours: BTreeMap<String, Restriction> = s
                    .label_restrictions()
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            k,
                            Restriction {
                                present: v.must_be_present,
                                absent: v.must_be_absent,
                                values: v.must_have_one_of,
                            },
                        )
                    })
                    .collect();
                if Some(&ours) != r.label_restrictions.as_ref() {
                    failures.push(format!(
                        "{:?}: restrictions {ours:?}, Calico {:?}",
                        r.selector, r.label_restrictions
                    ));
                }
                for case in &r.cases {
                    verdicts += 1;
                    let hash: HashMap<String, String> = case.labels.clone().into_iter().collect();
                    let by_hash = s.matches(&hash);
                    let by_tree = s.matches(&case.labels);
                    let by_walk = selector_core::walk::matches(s.ast(), &case.labels);
                    if by_hash != case.matches || by_tree != case.matches || by_walk != case.matches
                    {
                        failures.push(format!(
                            "{:?} on {:?}: HashMap {by_hash}, BTreeMap {by_tree}, walker {by_walk}; Calico {}",
                            r.selector, case.labels, case.matches
                        ));
                    }
                }
            }
        }
    }
    println!(
        "conformance: {checked} selectors, {verdicts} match verdicts, {} disagreements",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements with Calico:\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    if filter.is_none() {
        assert_eq!(checked, 3000, "the corpus should hold 3,000 records");
    }
}
