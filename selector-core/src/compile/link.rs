//! Linking: gives each recorded test its node of the program and its two targets.
//!
//! The steps are visited from the root in testing order (each chain's operands as the
//! builder ordered them), backwards, so that each test meets its two continuations (later
//! tests or the terminals) before itself: the last test to run takes the last node.

use super::builder::{Scratch, Step};
use super::{Node, Nodes, Test, Text, FALSE, TRUE};

/// A node that no test has been put in yet: it leads nowhere but to "no match".
pub(super) const EMPTY_NODE: Node = Node {
    label: Text { start: 0, end: 0 },
    test: Test::Has,
    on_true: FALSE,
    on_false: FALSE,
};

/// Links the steps from `root` on into `nodes` (one per recorded test, filled here);
/// returns the program's entry, or `None` if the build broke its invariants (none does).
pub(super) fn link(scratch: &Scratch, nodes: &mut Nodes, root: u32) -> Option<u32> {
    if scratch.broken {
        return None;
    }
    let mut linker = Linker {
        scratch,
        nodes,
        unplaced: scratch.tests.len(),
        broken: false,
    };
    let entry = linker.link(root, TRUE, FALSE);
    (!linker.broken && linker.unplaced == 0).then_some(entry)
}

struct Linker<'a> {
    scratch: &'a Scratch,
    nodes: &'a mut Nodes,
    /// How many tests are not yet placed.
    unplaced: usize,
    /// Whether a step or a test was missing (an impossible state).
    broken: bool,
}

impl Linker<'_> {
    /// Places the tests of step `n`, which continues at `t` when it holds and at `f` when
    /// it does not, and returns where it starts.
    fn link(&mut self, n: u32, t: u32, f: u32) -> u32 {
        let Some(&(step, _)) = self.scratch.steps.get(n as usize) else {
            return self.broken();
        };
        match step {
            Step::Always => t,
            Step::Not { child } => self.link(child, f, t),
            // Each operand continues at the next one where the chain is not yet settled: on
            // "true" in an `&&`, on "false" in an `||`.
            Step::Chain { kids, is_and } => {
                let scratch = self.scratch;
                let Some(kids) = scratch.kids.get(kids.start as usize..kids.end as usize) else {
                    return self.broken();
                };
                let last = if is_and { t } else { f };
                kids.iter().rev().fold(last, |next, &k| {
                    let (t, f) = if is_and { (next, f) } else { (t, next) };
                    // Most operands are tests: placed here, without a call.
                    match scratch.steps.get(k as usize) {
                        Some(&(Step::Test { test, swapped }, _)) => self.place(test, swapped, t, f),
                        _ => self.link(k, t, f),
                    }
                })
            }
            Step::Test { test, swapped } => self.place(test, swapped, t, f),
        }
    }

    /// Places test `test` in the last node not yet taken, going to `t` when it holds and
    /// to `f` when it does not (the other way round when `swapped`); returns that node.
    #[inline]
    fn place(&mut self, test: u32, swapped: bool, t: u32, f: u32) -> u32 {
        let (on_true, on_false) = if swapped { (f, t) } else { (t, f) };
        let (Some(at), Some(printed)) = (
            self.unplaced.checked_sub(1),
            self.scratch.tests.get(test as usize),
        ) else {
            return self.broken();
        };
        let Some(node) = self.nodes.get_mut(at) else {
            return self.broken();
        };
        *node = Node {
            label: printed.label,
            test: printed.test,
            on_true,
            on_false,
        };
        self.unplaced = at;
        at as u32
    }

    /// An impossible state: noted (the program then matches nothing) and caught by tests
    /// and fuzzers in debug builds.
    #[cold]
    fn broken(&mut self) -> u32 {
        debug_assert!(false, "a step or test the build does not have");
        self.broken = true;
        FALSE
    }
}
