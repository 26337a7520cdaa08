//! The order in which a compiled program tests the operands of each `&&` and `||` chain.
//!
//! Which operand of a chain is tested first changes no verdict (tests have no effects), but
//! it changes how many labels an evaluation looks up: `app contains 'e' && ns == 'dev'`
//! usually needs both lookups in that order and one in the other, since few label sets have
//! `ns == 'dev'` and many have an `e` in `app`. Without statistics on the labels, each test
//! gets a rough chance of holding by its kind (an `==` rarely holds, a `!=` nearly always,
//! `has` half the time), and each chain tests first the operand that settles it most
//! cheaply: for `&&` the lowest expected cost per chance of failing, for `||` per chance of
//! holding (the classic ordering of independent tests). Ties keep the source order, so a
//! chain whose tests are all alike keeps it.
//!
//! The compiler orders each chain when the parser closes it ([`order_chain`]): its operands'
//! estimates are known by then, since the parser closes inner chains first, and the chain's
//! own estimate, from its operands in their new order, is what its parent orders it by.

use crate::syntax::ast::CompareOp;

/// A subtree's estimate: its chance of holding and the number of labels an evaluation of
/// it is expected to look up.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Estimate {
    holds: f32,
    cost: f32,
}

impl Estimate {
    /// A constant (`all()`, `global()`): always holds, looks nothing up.
    pub(crate) const ALWAYS: Estimate = Estimate {
        holds: 1.0,
        cost: 0.0,
    };

    /// A label test that holds with chance `holds`.
    pub(crate) fn test(holds: f32) -> Estimate {
        Estimate { holds, cost: 1.0 }
    }

    /// `has(label)`.
    pub(crate) fn has() -> Estimate {
        Estimate::test(0.5)
    }

    /// `label <cmp> "value"`.
    pub(crate) fn compare(cmp: CompareOp) -> Estimate {
        Estimate::test(match cmp {
            CompareOp::Eq => 0.1,
            CompareOp::Ne => 0.9,
            CompareOp::StartsWith | CompareOp::EndsWith | CompareOp::Contains => 0.3,
        })
    }

    /// `label in {…}` with `members` values, or `not in` when `negated`.
    pub(crate) fn set(members: u32, negated: bool) -> Estimate {
        let held = (0.1 * members as f32).min(0.5);
        Estimate::test(if negated { 1.0 - held } else { held })
    }

    /// `!e`.
    pub(crate) fn not(self) -> Estimate {
        Estimate {
            holds: 1.0 - self.holds,
            cost: self.cost,
        }
    }

    /// The chance that this operand settles a chain: fails an `&&` (`is_and`), holds an `||`.
    fn settles(self, is_and: bool) -> f32 {
        if is_and {
            1.0 - self.holds
        } else {
            self.holds
        }
    }

    /// The key a chain's operands are sorted by: expected cost per chance of settling it.
    fn rank(self, is_and: bool) -> f32 {
        let settles = self.settles(is_and);
        if settles > 0.0 {
            self.cost / settles
        } else {
            f32::INFINITY
        }
    }

    /// The estimate of a chain (`&&` when `is_and`) of operands tested in the given order.
    fn chain(operands: impl Iterator<Item = Estimate>, is_and: bool) -> Estimate {
        let (mut cost, mut reach) = (0.0, 1.0);
        for e in operands {
            cost += reach * e.cost;
            reach *= 1.0 - e.settles(is_and);
        }
        Estimate {
            holds: if is_and { reach } else { 1.0 - reach },
            cost,
        }
    }
}

/// How many operands a chain may have to be ordered on the stack.
const SHORT_CHAIN: usize = 8;

/// Puts a chain's operands (an `&&` chain when `is_and`), each with its estimate, in the
/// order to test them: by [`Estimate::rank`], ties in the order written (the sort is
/// stable). Returns the chain's estimate, with its operands tested in that order.
pub(crate) fn order_chain(operands: &mut [(u32, Estimate)], is_and: bool) -> Estimate {
    if operands.len() <= SHORT_CHAIN {
        let mut ranks = [0f32; SHORT_CHAIN];
        for (rank, &(_, e)) in ranks.iter_mut().zip(operands.iter()) {
            *rank = e.rank(is_and);
        }
        // An insertion sort of both lists: stable, so ties keep the order written.
        for i in 1..operands.len() {
            let mut j = i;
            while let (Some(&before), Some(&here)) = (ranks.get(j.wrapping_sub(1)), ranks.get(j)) {
                if before <= here {
                    break;
                }
                ranks.swap(j - 1, j);
                operands.swap(j - 1, j);
                j -= 1;
            }
        }
    } else {
        // Stable: ties keep the order written.
        let mut ranked: Vec<(f32, (u32, Estimate))> = operands
            .iter()
            .map(|&(n, e)| (e.rank(is_and), (n, e)))
            .collect();
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (slot, (_, operand)) in operands.iter_mut().zip(ranked) {
            *slot = operand;
        }
    }
    Estimate::chain(operands.iter().map(|&(_, e)| e), is_and)
}

#[cfg(test)]
mod tests {
    use crate::Selector;

    /// The labels a selector's program tests, in evaluation order.
    fn tested(src: &str) -> Vec<String> {
        let s = Selector::parse(src).unwrap();
        let p = s.program();
        p.nodes.iter().map(|n| p.str(n.label).to_string()).collect()
    }

    #[test]
    fn selective_tests_go_first() {
        assert_eq!(tested("a contains 'e' && b == 'x'"), ["b", "a"]);
        assert_eq!(tested("a != 'x' && b in {'y'}"), ["b", "a"]);
        assert_eq!(tested("has(a) && !has(b) && c == 'x'"), ["c", "a", "b"]);
        // `||`: the test most likely to hold first.
        assert_eq!(tested("a == 'x' || b != 'y'"), ["b", "a"]);
        assert_eq!(tested("a in {'1','2','3'} || b == 'y'"), ["a", "b"]);
        // Nested chains are ordered by their own estimates, inner chains too.
        assert_eq!(tested("(has(a) && has(b)) || c != 'x'"), ["c", "a", "b"]);
        assert_eq!(tested("x == '1' && (has(a) || b != 'y')"), ["x", "b", "a"]);
        // A chain built from an `Expr` is ordered the same way.
        let s = Selector::parse("a contains 'e' && (has(c) || d != 'x') && b == 'x'").unwrap();
        let rebuilt = crate::compile::Program::compile(s.ast());
        assert_eq!(&rebuilt, s.program());
        assert_eq!(tested(s.canonical()), ["b", "a", "d", "c"]);
    }

    #[test]
    fn long_chains_are_ordered_too() {
        // More operands than are ordered on the stack.
        let src = (0..12)
            .map(|i| format!("has(a{i})"))
            .chain(["x == '1'".to_string()])
            .collect::<Vec<_>>()
            .join(" && ");
        let mut expected = vec!["x".to_string()];
        expected.extend((0..12).map(|i| format!("a{i}")));
        assert_eq!(tested(&src), expected);
        // Already in order: kept as written.
        let src = ["x == '1'".to_string()]
            .into_iter()
            .chain((0..12).map(|i| format!("has(a{i})")))
            .collect::<Vec<_>>()
            .join(" && ");
        assert_eq!(tested(&src), expected);
        let s = Selector::parse(&src).unwrap();
        let names: Vec<String> = (0..12).map(|i| format!("a{i}")).collect();
        let mut labels: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        labels.push(("x", "1"));
        assert!(s.matches(&labels));
        labels.retain(|(n, _)| *n != "a5");
        assert!(!s.matches(&labels));
    }

    #[test]
    fn ties_keep_the_source_order() {
        assert_eq!(tested("a == 'x' && b == 'y' && c == 'z'"), ["a", "b", "c"]);
        assert_eq!(tested("has(c) || has(b) || has(a)"), ["c", "b", "a"]);
        assert_eq!(tested("all() && a == 'x' && all()"), ["a"]);
    }

    #[test]
    fn reordering_keeps_the_canonical_text_and_targets_forward() {
        for src in [
            "a contains 'e' && (b == 'x' || !has(c)) && d not in {'1'}",
            "!(a != 'x' && b == 'y') || (c starts with 'p' && d == 'q')",
            "(a == '1' || a == '2') && has(a) && !(b == '3')",
        ] {
            let s = Selector::parse(src).unwrap();
            let p = s.program();
            for (i, n) in p.nodes.iter().enumerate() {
                for t in [n.on_true, n.on_false] {
                    assert!(
                        t as usize > i || t >= crate::compile::FALSE,
                        "{src}: node {i} goes back to {t}"
                    );
                }
            }
            assert_eq!(Selector::parse(s.canonical()).unwrap(), s);
        }
        assert_eq!(
            Selector::parse("a contains 'e' && b == 'x'")
                .unwrap()
                .canonical(),
            r#"(a contains "e" && b == "x")"#
        );
    }
}
