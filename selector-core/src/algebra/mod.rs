//! Selector algebra: satisfiability, implication, equivalence and intersection, exact for
//! the whole language, with witnesses.
//!
//! # The decision procedure
//! A selector becomes a Boolean formula in negation normal form over per-label atoms
//! (`has`, `==`, `contains`, `starts with`, `ends with`, all false on an absent label;
//! `formula.rs`). A label set is a model when the formula is true and, for each label, one
//! value (or absence) makes that label's literals true. That per-label question is decided
//! exactly by one candidate value (`theory.rs`: the operand of an asserted `==`, else
//! prefix·f·substrings·f·suffix with `f` a character in no operand; the file proves that if
//! any value works, this one does). The Boolean part is searched by DPLL (`search.rs`): unit
//! propagation, decisions in source order, each label's literals checked by the theory as
//! soon as they are assigned, and every state whose decision failed both ways remembered, so
//! no sub-search is repeated.
//!
//! # Cost
//! Satisfiability of these formulas is NP-complete (`has(x)` atoms alone encode propositional
//! SAT), so no exact procedure is polynomial on every input. Each search step costs
//! O(formula size), plus one theory check: linear in the literals of one label times their
//! lengths. The steps stay few on selectors as people write them: chains of literals,
//! `in`/`not in` sets and `||` chains are decided by propagation and at most one decision per
//! literal; a CNF of n clauses against a permutation of its clauses needs O(n²) steps, not
//! 2ⁿ, because the states after each clause coincide and are remembered (`tests/algebra.rs`
//! has 20 clauses; `benches/algebra.rs` measures 20 and 40 and the shared workload). What
//! remains exponential are formulas that are hard as propositional SAT, such as the
//! pigeonhole principle written in `has()` tests (measured in `benches/algebra.rs`).
//!
//! Every witness and counterexample is checked with [`Selector::matches`] before it is
//! returned; a model that failed the check would be a bug in this module (`debug_assert!`),
//! and is never returned.

mod formula;
mod search;
mod theory;

use crate::Selector;
use formula::{Atoms, Formula};
use std::collections::BTreeMap;

/// A label set, as returned by [`Selector::witness`] and [`Selector::counterexample`].
pub type Witness = BTreeMap<String, String>;

/// How two selectors' sets of matching label sets relate (the five cases are exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Both match the same label sets (also when both match none).
    Equivalent,
    /// Every label set matching the first matches the second, not the reverse.
    Subset,
    /// Every label set matching the second matches the first, not the reverse.
    Superset,
    /// Each matches label sets the other does not, and none match both.
    Disjoint,
    /// Some label sets match both, some only the first, some only the second.
    Overlapping,
}

impl Relation {
    /// Short text for people: `equivalent`, `A ⊂ B`, `B ⊂ A`, `disjoint`, `overlapping`.
    ///
    /// ```
    /// assert_eq!(selector_core::algebra::Relation::Subset.symbol(), "A ⊂ B");
    /// ```
    pub fn symbol(self) -> &'static str {
        match self {
            Relation::Equivalent => "equivalent",
            Relation::Subset => "A ⊂ B",
            Relation::Superset => "B ⊂ A",
            Relation::Disjoint => "disjoint",
            Relation::Overlapping => "overlapping",
        }
    }
}

/// The relation of two selectors A and B, with a witness for each region that is not empty.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comparison {
    /// The relation.
    pub relation: Relation,
    /// A label set matching both A and B.
    pub both: Option<Witness>,
    /// A label set matching A and not B.
    pub only_a: Option<Witness>,
    /// A label set matching B and not A.
    pub only_b: Option<Witness>,
}

/// Which way a selector enters a query.
#[derive(Clone, Copy)]
enum Polarity {
    Matches,
    Fails,
}

/// A label set matching every `(selector, Matches)` and no `(selector, Fails)`, checked with
/// the evaluator; `None` when there is none.
fn find(parts: &[(&Selector, Polarity)]) -> Option<Witness> {
    let mut atoms = Atoms::default();
    let formula = Formula::and(
        parts
            .iter()
            .map(|(s, p)| atoms.formula(s.ast(), matches!(p, Polarity::Fails)))
            .collect(),
    );
    let model = search::solve(&atoms, &formula)?;
    let witness: Witness = atoms
        .labels
        .iter()
        .zip(model)
        .filter_map(|(label, value)| Some((label.clone(), value?)))
        .collect();
    let checked = parts.iter().all(|(s, p)| match p {
        Polarity::Matches => s.matches(&witness),
        Polarity::Fails => !s.matches(&witness),
    });
    debug_assert!(checked, "algebra: model {witness:?} fails the evaluator");
    checked.then_some(witness)
}

impl Selector {
    /// Whether some label set matches the selector.
    ///
    /// ```
    /// use selector_core::Selector;
    /// assert!(Selector::parse("a starts with 'abc' && a ends with 'bcd' && a != 'abcd'").unwrap().is_satisfiable());
    /// assert!(!Selector::parse("a contains 'xy' && !(a ends with 'y') && a ends with 'xy'").unwrap().is_satisfiable());
    /// ```
    pub fn is_satisfiable(&self) -> bool {
        self.witness().is_some()
    }

    /// A label set matching the selector, or `None` when none does.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("a starts with 'abc' && a ends with 'bcd' && a != 'abcd'").unwrap();
    /// let w = s.witness().unwrap();
    /// assert_eq!(w["a"], "abcbcd");
    /// assert!(s.matches(&w));
    /// ```
    pub fn witness(&self) -> Option<Witness> {
        find(&[(self, Polarity::Matches)])
    }

    /// Whether every label set matching `self` matches `other`.
    ///
    /// ```
    /// use selector_core::Selector;
    /// let prod = Selector::parse("env == 'prod' && has(app)").unwrap();
    /// assert!(prod.implies(&Selector::parse("env in {'prod', 'qa'}").unwrap()));
    /// let pr_od = Selector::parse("a starts with 'pr' && a ends with 'od'").unwrap();
    /// assert!(!pr_od.implies(&Selector::parse("a == 'prod'").unwrap()));
    /// ```
    pub fn implies(&self, other: &Selector) -> bool {
        self.counterexample(other).is_none()
    }

    /// Whether `self` and `other` match the same label sets.
    ///
    /// ```
    /// use selector_core::Selector;
    /// let a = Selector::parse("!(a == 'x' || !has(a))").unwrap();
    /// assert!(a.equivalent(&Selector::parse("has(a) && a != 'x'").unwrap()));
    /// ```
    pub fn equivalent(&self, other: &Selector) -> bool {
        self.implies(other) && other.implies(self)
    }

    /// Whether some label set matches both `self` and `other`.
    ///
    /// ```
    /// use selector_core::Selector;
    /// let a = Selector::parse("a contains 'x'").unwrap();
    /// assert!(a.intersects(&Selector::parse("a ends with 'y'").unwrap()));
    /// assert!(!a.intersects(&Selector::parse("!has(a)").unwrap()));
    /// ```
    pub fn intersects(&self, other: &Selector) -> bool {
        self.common_witness(other).is_some()
    }

    /// A label set matching both `self` and `other`, or `None` when none does.
    ///
    /// ```
    /// use selector_core::Selector;
    /// let a = Selector::parse("a contains 'x'").unwrap();
    /// let w = a.common_witness(&Selector::parse("a ends with 'y'").unwrap()).unwrap();
    /// assert_eq!(w["a"], "xy");
    /// ```
    pub fn common_witness(&self, other: &Selector) -> Option<Witness> {
        find(&[(self, Polarity::Matches), (other, Polarity::Matches)])
    }

    /// A label set matching `self` and not `other`, or `None` when `self` implies `other`.
    ///
    /// ```
    /// use selector_core::Selector;
    /// let pr_od = Selector::parse("a starts with 'pr' && a ends with 'od'").unwrap();
    /// let w = pr_od.counterexample(&Selector::parse("a == 'prod'").unwrap()).unwrap();
    /// assert_eq!(w["a"], "prxod");
    /// ```
    pub fn counterexample(&self, other: &Selector) -> Option<Witness> {
        find(&[(self, Polarity::Matches), (other, Polarity::Fails)])
    }

    /// The relation of `self` (A) to `other` (B), with a witness for each non-empty region.
    ///
    /// ```
    /// use selector_core::{algebra::Relation, Selector};
    /// let a = Selector::parse("env == 'prod'").unwrap();
    /// let c = a.compare(&Selector::parse("has(env)").unwrap());
    /// assert_eq!(c.relation, Relation::Subset);
    /// assert!(c.only_a.is_none() && c.only_b.is_some());
    /// ```
    pub fn compare(&self, other: &Selector) -> Comparison {
        let both = self.common_witness(other);
        let only_a = self.counterexample(other);
        let only_b = other.counterexample(self);
        let relation = match (&both, &only_a, &only_b) {
            (_, None, None) => Relation::Equivalent,
            (_, None, Some(_)) => Relation::Subset,
            (_, Some(_), None) => Relation::Superset,
            (None, Some(_), Some(_)) => Relation::Disjoint,
            (Some(_), Some(_), Some(_)) => Relation::Overlapping,
        };
        Comparison {
            relation,
            both,
            only_a,
            only_b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(s: &str) -> Selector {
        Selector::parse(s).unwrap()
    }

    #[test]
    fn the_issue_examples() {
        let s = sel("a starts with 'abc' && a ends with 'bcd' && a != 'abcd'");
        assert_eq!(s.witness().unwrap()["a"], "abcbcd");
        let pr_od = sel("a starts with 'pr' && a ends with 'od'");
        assert!(!pr_od.implies(&sel("a == 'prod'")));
        assert!(sel("a == 'prod'").implies(&pr_od));
        assert!(!sel(
            "!(a starts with 'ba') && a starts with 'duct' && a contains 'production' && !(a contains 'on')"
        )
        .is_satisfiable());
        assert!(!sel("!all()").is_satisfiable());
    }
}
