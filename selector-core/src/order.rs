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
//! The compiler asks for each chain's order as it links the chain ([`Planner::order`]); a
//! nested chain's estimate is worked out once, when its parent is ordered, and kept.

use crate::syntax::ast::CompareOp;
use crate::syntax::tree::{Kind, Slice, Tree};
use smallvec::SmallVec;

/// A subtree's estimate: its chance of holding and the number of labels an evaluation of
/// it is expected to look up.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Estimate {
    holds: f32,
    cost: f32,
}

impl Estimate {
    /// A constant (`all()`, `global()`): always holds, looks nothing up.
    const ALWAYS: Estimate = Estimate {
        holds: 1.0,
        cost: 0.0,
    };

    /// A label test that holds with chance `holds`.
    fn test(holds: f32) -> Estimate {
        Estimate { holds, cost: 1.0 }
    }

    /// `has(label)`.
    fn has() -> Estimate {
        Estimate::test(0.5)
    }

    /// `label <cmp> "value"`.
    fn compare(cmp: CompareOp) -> Estimate {
        Estimate::test(match cmp {
            CompareOp::Eq => 0.1,
            CompareOp::Ne => 0.9,
            CompareOp::StartsWith | CompareOp::EndsWith | CompareOp::Contains => 0.3,
        })
    }

    /// `label in {…}` with `members` values, or `not in` when `negated`.
    fn set(members: u32, negated: bool) -> Estimate {
        let held = (0.1 * members as f32).min(0.5);
        Estimate::test(if negated { 1.0 - held } else { held })
    }

    /// `!e`.
    fn not(self) -> Estimate {
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

/// A chain's operands in the order to test them.
pub(crate) enum Ordered<'t> {
    /// In the order they are written: the tree's own list.
    AsWritten(&'t [u32]),
    /// In another order (on the stack for the usual few).
    Moved(SmallVec<[u32; 8]>),
}

impl Ordered<'_> {
    /// The operands, first to test first.
    pub(crate) fn as_slice(&self) -> &[u32] {
        match self {
            Ordered::AsWritten(operands) => operands,
            Ordered::Moved(operands) => operands,
        }
    }
}

/// Orders the chains of one tree, keeping the estimates of nested chains.
pub(crate) struct Planner<'t> {
    tree: &'t Tree,
    /// Per tree node, the estimate of a chain nested in another chain's operands, once
    /// worked out (it is asked for again when its parent is ordered); empty until then.
    chains: Vec<Option<Estimate>>,
    /// How many chain estimates are under way (see [`Planner::chain`]).
    depth: u32,
}

impl<'t> Planner<'t> {
    /// A planner for `tree`.
    pub(crate) fn new(tree: &'t Tree) -> Planner<'t> {
        Planner {
            tree,
            chains: Vec::new(),
            depth: 0,
        }
    }

    /// The operands `kids` of a chain (`&&` when `is_and`) in the order to test them.
    pub(crate) fn order(&mut self, kids: Slice, is_and: bool) -> Ordered<'t> {
        let operands = self.tree.kids(kids);
        // The ranks of a chain of the usual few operands, on the stack.
        let mut ranks = [0f32; SHORT_CHAIN];
        if operands.len() > ranks.len() {
            return self.order_long(operands, is_and);
        }
        let (mut in_order, mut last) = (true, f32::NEG_INFINITY);
        for (slot, &k) in ranks.iter_mut().zip(operands) {
            let rank = self.rank(k, is_and);
            in_order &= last <= rank;
            last = rank;
            *slot = rank;
        }
        if in_order {
            return Ordered::AsWritten(operands);
        }
        // An insertion sort of both lists by rank: stable, so ties keep the source order.
        let mut ordered: SmallVec<[u32; 8]> = SmallVec::from_slice(operands);
        for i in 1..operands.len() {
            let mut j = i;
            while let (Some(&before), Some(&here)) = (ranks.get(j.wrapping_sub(1)), ranks.get(j)) {
                if before <= here {
                    break;
                }
                ranks.swap(j - 1, j);
                ordered.swap(j - 1, j);
                j -= 1;
            }
        }
        Ordered::Moved(ordered)
    }

    /// [`Planner::order`] for a chain of more than [`SHORT_CHAIN`] operands.
    #[cold]
    fn order_long(&mut self, operands: &'t [u32], is_and: bool) -> Ordered<'t> {
        let mut ranked: Vec<(f32, u32)> = Vec::with_capacity(operands.len());
        for &k in operands {
            ranked.push((self.rank(k, is_and), k));
        }
        if ranked.is_sorted_by(|a, b| a.0 <= b.0) {
            return Ordered::AsWritten(operands);
        }
        // Stable: ties keep the source order.
        ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ordered::Moved(ranked.iter().map(|r| r.1).collect())
    }

    /// The rank of operand `k` in a chain (`&&` when `is_and`): a label test's straight
    /// from its kind, anything else's from its estimate.
    #[inline(always)]
    fn rank(&mut self, k: u32, is_and: bool) -> f32 {
        let leaf = match self.tree.node(k).map(|n| n.kind) {
            Some(Kind::Has { .. }) => Estimate::has(),
            Some(Kind::Compare { cmp, .. }) => Estimate::compare(cmp),
            _ => return self.estimate(k).rank(is_and),
        };
        leaf.rank(is_and)
    }

    /// The estimate of tree node `n`. Estimates only order operands, so a node the tree
    /// lacks (an impossible state) gets a neutral one rather than an error.
    fn estimate(&mut self, mut n: u32) -> Estimate {
        // Through any number of `!`, without recursion.
        let mut negated = false;
        let estimate = loop {
            let Some(node) = self.tree.node(n) else {
                break Estimate::default();
            };
            break match node.kind {
                Kind::All | Kind::Global => Estimate::ALWAYS,
                Kind::Has { .. } => Estimate::has(),
                Kind::Compare { cmp, .. } => Estimate::compare(cmp),
                Kind::In {
                    members, negated, ..
                } => Estimate::set(members.end.saturating_sub(members.start), negated),
                Kind::Not { child } => {
                    negated = !negated;
                    n = child;
                    continue;
                }
                Kind::And { kids } => self.chain(n, kids, true),
                Kind::Or { kids } => self.chain(n, kids, false),
            };
        };
        if negated {
            estimate.not()
        } else {
            estimate
        }
    }

    /// The estimate of chain node `n`, its operands tested in their best order. A chain
    /// estimated while estimating another is kept: the operands of a chain are estimated
    /// again when it is ordered, and without keeping them a chain nested `d` deep would be
    /// estimated `d` times.
    fn chain(&mut self, n: u32, kids: Slice, is_and: bool) -> Estimate {
        if let Some(&Some(known)) = self.chains.get(n as usize) {
            return known;
        }
        let tree = self.tree;
        let mut operands: SmallVec<[Estimate; 8]> = SmallVec::new();
        self.depth += 1;
        for &k in tree.kids(kids) {
            let e = self.estimate(k);
            operands.push(e);
        }
        self.depth -= 1;
        operands.sort_by(|a, b| a.rank(is_and).total_cmp(&b.rank(is_and)));
        let estimate = Estimate::chain(operands.iter().copied(), is_and);
        if self.depth > 0 {
            if self.chains.is_empty() {
                self.chains.resize(tree.node_count(), None);
            }
            if let Some(slot) = self.chains.get_mut(n as usize) {
                *slot = Some(estimate);
            }
        }
        estimate
    }
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
