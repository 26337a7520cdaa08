//! Skipping the tests of a compiled program that an earlier test of the same label settles.
//!
//! After `a == "x"` holds, `a == "y"` fails and `a in {"x", "z"}` holds; after `has(a)`
//! fails, every test of `a` fails. So an edge from such a test to a later test of its label
//! can go straight to where that test leads on the known value, and a test whose two targets
//! end up the same is not worth running. `a == "x" && a == "y"` becomes a program with no
//! node at all (it matches nothing), and `env == "prod" && env in {"prod", "qa"}` a single
//! test. Verdicts never change; evaluations look up fewer labels and visit fewer nodes.
//!
//! Runs on programs whose tests of one label share one label range (see
//! [`Program::repeats`]): only those can have a test another settles.

use super::{Node, Nodes, Program, Test, Text, FALSE, SHARED_LABELS_UP_TO};

impl Program {
    /// Redirects every edge that leads to a test its source settles, skips tests whose two
    /// targets are the same, and drops the nodes no evaluation reaches any more.
    #[inline(never)]
    pub(crate) fn skip_settled_tests(&mut self) {
        if self.nodes.len() > SHARED_LABELS_UP_TO {
            debug_assert!(
                false,
                "labels are shared only up to {SHARED_LABELS_UP_TO} nodes"
            );
            return;
        }
        // Most programs that test a label twice have no test the other settles: a look at
        // the kinds of tests and their targets tells.
        let settles_next = |from: &Node| {
            let to = match from.test {
                Test::Has => from.on_false,
                Test::Eq(_) => from.on_true,
                Test::In { start, end } if end.checked_sub(start) == Some(1) => from.on_true,
                Test::In { .. } | Test::Text(..) => return false,
            };
            self.nodes.get(to as usize).is_some_and(|next| {
                next.label == from.label && !matches!(next.test, Test::Text(..))
            })
        };
        if !self.nodes.iter().any(settles_next) {
            return;
        }
        let mut nodes = self.nodes.clone();
        for i in 0..nodes.len() {
            let Some(&from) = nodes.get(i) else { break };
            let on_true = self.settled_target(&nodes, &from, true);
            let on_false = self.settled_target(&nodes, &from, false);
            if let Some(node) = nodes.get_mut(i) {
                (node.on_true, node.on_false) = (on_true, on_false);
            }
        }
        // Last node first, so that every target has already been passed through.
        for i in (0..nodes.len()).rev() {
            let Some(&node) = nodes.get(i) else { break };
            let targets = (
                past_idle(&nodes, node.on_true),
                past_idle(&nodes, node.on_false),
            );
            if let Some(node) = nodes.get_mut(i) {
                (node.on_true, node.on_false) = targets;
            }
        }
        let entry = past_idle(&nodes, self.entry);
        self.keep_reached(nodes, entry);
    }

    /// Where `from`'s edge for outcome `held` should lead: past every test of the same label
    /// that the outcome settles.
    fn settled_target(&self, nodes: &[Node], from: &Node, held: bool) -> u32 {
        let mut to = if held { from.on_true } else { from.on_false };
        let Some(value) = self.known_value(from, held) else {
            return to;
        };
        // Targets lie further on, so this visits each later node at most once.
        while let Some(next) = nodes.get(to as usize) {
            if next.label != from.label {
                break;
            }
            match self.outcome(next, value) {
                Some(true) => to = next.on_true,
                Some(false) => to = next.on_false,
                None => break,
            }
        }
        to
    }

    /// What outcome `held` of `node` tells of its label's value: `Some(None)` absent,
    /// `Some(Some(v))` exactly `v`; `None` when it does not pin the value down.
    fn known_value(&self, node: &Node, held: bool) -> Option<Option<&[u8]>> {
        match (node.test, held) {
            (Test::Has, false) => Some(None),
            (Test::Eq(v), true) => Some(Some(self.bytes(v)?)),
            (Test::In { start, end }, true) if end.checked_sub(start) == Some(1) => {
                Some(Some(self.bytes(*self.members.get(start as usize)?)?))
            }
            _ => None,
        }
    }

    /// Whether `node`'s test holds on `value` (`None`: absent); `None` for the string tests,
    /// which are not worked out here.
    fn outcome(&self, node: &Node, value: Option<&[u8]>) -> Option<bool> {
        let Some(value) = value else {
            return Some(false);
        };
        match node.test {
            Test::Has => Some(true),
            Test::Eq(v) => Some(self.bytes(v)? == value),
            Test::In { start, end } => {
                let mut found = false;
                for &m in self.members.get(start as usize..end as usize)? {
                    found |= self.bytes(m)? == value;
                }
                Some(found)
            }
            Test::Text(..) => None,
        }
    }

    /// The bytes of a range of the program's text.
    fn bytes(&self, t: Text) -> Option<&[u8]> {
        self.text
            .as_str()
            .as_bytes()
            .get(t.start as usize..t.end as usize)
    }

    /// Makes `nodes` the program's nodes, keeping only those reached from `entry`, in order.
    fn keep_reached(&mut self, nodes: Nodes, entry: u32) {
        // Programs with repeated labels have at most `SHARED_LABELS_UP_TO` nodes.
        let mut reached = [false; SHARED_LABELS_UP_TO];
        if let Some(r) = reached.get_mut(entry as usize) {
            *r = true;
        }
        for (i, node) in nodes.iter().enumerate() {
            if reached.get(i) == Some(&true) {
                for to in [node.on_true, node.on_false] {
                    if let Some(r) = reached.get_mut(to as usize) {
                        *r = true;
                    }
                }
            }
        }
        // Each node's new index, if kept.
        let mut index = [None; SHARED_LABELS_UP_TO];
        let mut kept = Nodes::new();
        for (i, (&node, &r)) in nodes.iter().zip(&reached).enumerate() {
            if let (true, Some(slot)) = (r, index.get_mut(i)) {
                *slot = Some(kept.len() as u32);
                kept.push(node);
            }
        }
        // A terminal stays; a kept node leads only to kept nodes (an impossible state
        // otherwise, which fails closed).
        let renumber = |to: u32| match index.get(to as usize) {
            None => to,
            Some(&Some(i)) => i,
            Some(None) => {
                debug_assert!(false, "a kept node leads to a dropped one");
                FALSE
            }
        };
        for node in kept.iter_mut() {
            node.on_true = renumber(node.on_true);
            node.on_false = renumber(node.on_false);
        }
        self.entry = renumber(entry);
        self.repeats = kept
            .iter()
            .enumerate()
            .any(|(i, n)| kept.iter().take(i).any(|m| m.label == n.label));
        self.nodes = kept;
    }
}

/// Where an evaluation arriving at `to` goes next: past every test whose two targets are
/// the same.
fn past_idle(nodes: &[Node], mut to: u32) -> u32 {
    while let Some(node) = nodes.get(to as usize) {
        if node.on_true != node.on_false {
            break;
        }
        to = node.on_true;
    }
    to
}

#[cfg(test)]
mod tests {
    use crate::test_strategies::selector_text;
    use crate::Selector;
    use proptest::prelude::*;

    /// The program's tests, as `label test` strings, in evaluation order.
    fn tests(src: &str) -> Vec<String> {
        let s = Selector::parse(src).unwrap();
        let p = s.program();
        p.nodes
            .iter()
            .map(|n| format!("{} {:?}", p.str(n.label), n.test))
            .collect()
    }

    #[test]
    fn a_value_that_settles_a_later_test_skips_it() {
        // Nothing can match: no node at all.
        for src in [
            "a == 'x' && a == 'y'",
            "(a == 'y' && a == 'z') || (a == 'x' && a == 'w')",
            "a in {'x'} && a not in {'x', 'y'}",
            "!has(a) && a == 'x'",
            "!has(a) && a != 'x' && has(a)",
        ] {
            let s = Selector::parse(src).unwrap();
            assert!(s.program().is_empty(), "{src}: {:?}", tests(src));
            assert!(!s.matches(&[("a", "x"), ("b", "q")]), "{src}");
            assert!(!s.matches(&[("a", "y")]), "{src}");
            assert!(!s.matches(&[("b", "q")]), "{src}");
        }
        // The second test of `a` always holds after the first: one test left.
        let s = Selector::parse("a == 'x' && a in {'x', 'y'}").unwrap();
        assert_eq!(s.program().len(), 1);
        assert!(s.matches(&[("a", "x")]));
        assert!(!s.matches(&[("a", "y")]));
        // `!has(a)` settles `a != 'x'` (it holds on an absent label).
        let s = Selector::parse("!has(a) || a != 'x'").unwrap();
        assert_eq!(s.program().len(), 1, "{:?}", tests("!has(a) || a != 'x'"));
        assert!(s.matches(&[("b", "x")]));
        assert!(s.matches(&[("a", "y")]));
        assert!(!s.matches(&[("a", "x")]));
    }

    #[test]
    fn tests_not_settled_stay() {
        for (src, len) in [
            // A failed `==` or a held `has` does not pin the value down.
            ("a == 'x' || a == 'y'", 2),
            ("has(a) && a != 'x'", 2),
            // String tests are not worked out.
            ("a == 'x' && a contains 'y'", 2),
            // Another label in between: its edge is shared, nothing is known there.
            ("a == 'x' && b == 'y' && a == 'z'", 3),
            ("a == 'x' && b == 'y'", 2),
        ] {
            assert_eq!(Selector::parse(src).unwrap().program().len(), len, "{src}");
        }
    }

    proptest! {
        /// Skipping settled tests changes no verdict: every label set over the names and
        /// values the selectors use (each label absent or one of the values) gets the
        /// reference walker's verdict, from the program and from the interned selector.
        #[test]
        fn verdicts_are_unchanged(text in selector_text()) {
            let s = Selector::parse(&text).unwrap();
            let mut interner = crate::interned::Interner::new();
            let interned = interner.compile(&s);
            let values = [None, Some(""), Some("x"), Some("y"), Some("xy"), Some("yx")];
            for a in values {
                for b in values {
                    for c in [None, Some("x")] {
                        let labels: Vec<(&str, &str)> = [("a", a), ("b", b), ("c", c)]
                            .into_iter()
                            .filter_map(|(n, v)| Some((n, v?)))
                            .collect();
                        let expected = crate::walk::matches(s.ast(), &labels);
                        prop_assert_eq!(s.matches(&labels), expected, "{:?}", labels);
                        let set = interner.label_set(labels.iter().copied());
                        prop_assert_eq!(interned.matches(&set, &interner), expected);
                    }
                }
            }
        }
    }

    #[test]
    fn canonical_text_and_id_are_unchanged() {
        let s = Selector::parse("a == 'x' && a == 'y'").unwrap();
        assert_eq!(s.canonical(), r#"(a == "x" && a == "y")"#);
        assert_eq!(s.unique_id(), crate::unique_id(s.canonical()));
    }
}
