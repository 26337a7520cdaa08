//! The parser's own syntax tree: flat vectors of nodes that point into the source text.
//!
//! [`Expr`](crate::Expr) owns a `String` for every label and value and a `Vec` or `Box` for
//! every `&&`, `||` and `!`, so building one costs an allocation per token, more than all the
//! rest of parsing. The parser builds this tree instead: one vector of nodes, one of chain
//! children and one of set members, with label names and values as byte ranges of the text.
//! It serves what needs the whole tree at once: printing an [`Expr`](crate::Expr)
//! ([`crate::print`]), label restrictions, and the [`Expr`](crate::Expr) a selector makes
//! only when asked for its syntax tree (`convert`). Compiling a selector builds no tree: the
//! parser drives the compiler's own builder ([`crate::compile`]).
//!
//! Every index a tree holds (its root, a `!`'s child, a chain's operands) names a node pushed
//! before it, so a finished tree refers only to nodes it has. Walkers still get an `Option`
//! from [`Tree::node`] and treat `None` as an impossible state: the selector matches nothing.

use super::ast::{CompareOp, Span};

/// A byte range of the text a tree refers to (the source, or the text of a tree built from
/// an [`Expr`](crate::Expr)); the compiled program's strings are ranges of its own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Text {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// A range of indices into one of the tree's vectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slice {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// What a node is; label names and values are ranges of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    All,
    Global,
    Has {
        label: Text,
    },
    Compare {
        cmp: CompareOp,
        label: Text,
        value: Text,
    },
    /// `members` is a range of [`Tree::members`], sorted by text and distinct.
    In {
        label: Text,
        members: Slice,
        negated: bool,
    },
    Not {
        child: u32,
    },
    /// `kids` is a range of [`Tree::kids`].
    And {
        kids: Slice,
    },
    Or {
        kids: Slice,
    },
}

/// One node and the byte span of the source it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) span: Text,
}

/// A syntax tree in three vectors (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tree {
    pub(super) nodes: Vec<Node>,
    /// The operands of every chain, each chain's contiguous and in order.
    pub(super) kids: Vec<u32>,
    /// The values of every set.
    pub(super) members: Vec<Text>,
    /// The root node: always set in a finished tree (the parser's, or one from an
    /// [`Expr`]); `None` only in buffers between parses.
    pub(super) root: Option<u32>,
}

/// `start..end` as a [`Text`]; offsets beyond `u32` are clamped (the parser refuses such
/// input before it gets here).
pub(crate) fn text_range(start: usize, end: usize) -> Text {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Text {
        start: clamp(start),
        end: clamp(end),
    }
}

/// The text of `range` in `text` (empty if out of range, which a well-built tree never is).
pub(crate) fn slice(text: &str, range: Text) -> &str {
    let s = text.get(range.start as usize..range.end as usize);
    debug_assert!(s.is_some(), "range {range:?} of a text of {}", text.len());
    s.unwrap_or("")
}

impl Tree {
    /// A tree with no nodes yet (and no root): allocates nothing.
    pub(super) const EMPTY: Tree = Tree {
        nodes: Vec::new(),
        kids: Vec::new(),
        members: Vec::new(),
        root: None,
    };

    /// The root node. A finished tree always has one (see the field's doc); walkers
    /// treat `None` as an impossible state and fail closed: the selector matches nothing.
    pub(crate) fn root(&self) -> Option<u32> {
        debug_assert!(self.root.is_some(), "a finished tree has a root");
        self.root
    }

    /// Node `n`. Every index a finished tree hands out (its root, a `!`'s child, a chain's
    /// operands) is one of its nodes, since a node is pushed before anything that refers to
    /// it; walkers treat `None` as an impossible state and fail closed.
    pub(crate) fn node(&self, n: u32) -> Option<Node> {
        let node = self.nodes.get(n as usize).copied();
        debug_assert!(node.is_some(), "node {n} of a tree of {}", self.nodes.len());
        node
    }

    /// The operands of a chain.
    pub(crate) fn kids(&self, kids: Slice) -> &[u32] {
        self.kids
            .get(kids.start as usize..kids.end as usize)
            .unwrap_or(&[])
    }

    /// The values of a set.
    pub(crate) fn members(&self, members: Slice) -> &[Text] {
        self.members
            .get(members.start as usize..members.end as usize)
            .unwrap_or(&[])
    }

    /// Empties the tree, keeping its buffers.
    pub(super) fn clear(&mut self) {
        self.nodes.clear();
        self.kids.clear();
        self.members.clear();
        self.root = None;
    }

    pub(super) fn push(&mut self, kind: Kind, span: Span) -> u32 {
        let n = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(Node {
            kind,
            span: text_range(span.start, span.end),
        });
        n
    }

    /// Sorts the set values from `start` on by their text and drops repeats.
    pub(super) fn finish_set(&mut self, text: &str, start: usize) -> Slice {
        let kept = sort_set(text, &mut self.members, start);
        index_slice(start, kept)
    }
}

/// Sorts `values[start..]`, ranges of `text`, by their text and drops repeats (within
/// them only: earlier values are left alone); returns where the kept values end.
pub(crate) fn sort_set(text: &str, values: &mut Vec<Text>, start: usize) -> usize {
    if let Some(set) = values.get_mut(start..) {
        set.sort_unstable_by(|a, b| slice(text, *a).cmp(slice(text, *b)));
    }
    let mut kept = start;
    for i in start..values.len() {
        let Some(&value) = values.get(i) else {
            break;
        };
        let repeat = kept > start
            && values
                .get(kept - 1)
                .is_some_and(|&last| slice(text, last) == slice(text, value));
        if !repeat {
            if let Some(slot) = values.get_mut(kept) {
                *slot = value;
            }
            kept += 1;
        }
    }
    values.truncate(kept);
    kept
}

/// A range of indices.
pub(crate) fn index_slice(start: usize, end: usize) -> Slice {
    let r = text_range(start, end);
    Slice {
        start: r.start,
        end: r.end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::Printer;
    use crate::syntax::ast::Expr;
    use crate::syntax::build::{Buffers, KEEP_AT_MOST};
    use crate::syntax::parser;

    fn tree(src: &str) -> Tree {
        parser::with_tree(src, Tree::clone).unwrap()
    }

    #[test]
    fn sets_are_sorted_and_distinct() {
        let src = "a in {'y', 'x', 'y', 'a', 'x'}";
        let t = tree(src);
        let root = t.node(t.root().unwrap()).unwrap();
        let Kind::In { members, .. } = root.kind else {
            panic!("{root:?}")
        };
        let values: Vec<&str> = t.members(members).iter().map(|&m| slice(src, m)).collect();
        assert_eq!(values, ["a", "x", "y"]);
    }

    #[test]
    fn tests_already_in_canonical_form_are_copied_and_others_printed() {
        let cases = [
            ("a == \"x\"", "a == \"x\""),
            ("a == 'x'", "a == \"x\""),
            ("a == 'x\"y'", "a == 'x\"y'"),
            ("a == \"x'y\"", "a == \"x'y\""),
            ("a  startswith \"x\"", "a starts with \"x\""),
            ("a starts\twith \"x\"", "a starts with \"x\""),
            ("a starts  with \"x\"", "a starts with \"x\""),
            ("a\t== \"x\"", "a == \"x\""),
            ("a ==  \"x\"", "a == \"x\""),
            ("a==\"x\"", "a == \"x\""),
            ("a contains \"\"", "a contains \"\""),
            ("has(a)", "has(a)"),
            ("has( a)", "has(a)"),
            ("has(a\t)", "has(a)"),
            (
                "x && has(a) && b != \"y\"",
                "(has(x) && has(a) && b != \"y\")",
            ),
        ];
        for (src, canonical) in cases {
            let src = src.replace("x && ", "has(x) && ");
            let s = crate::Selector::parse(&src).unwrap();
            assert_eq!(s.canonical(), canonical, "{src}");
            // The program's ranges point at the right bytes, copied or printed.
            let names: Vec<&str> = s.program().label_names().collect();
            assert!(names.contains(&"a"), "{src}: {names:?}");
            let value = match s.ast() {
                Expr::Compare { value, .. } => value.clone(),
                _ => String::new(),
            };
            let labels = [("a", value.as_str()), ("x", ""), ("b", "z")];
            assert_eq!(
                s.matches(&labels),
                crate::walk::matches(s.ast(), &labels),
                "{src}"
            );
        }
        // A tree built from an `Expr` keeps its strings back to back; a label and a value that
        // happen to read like a whole test there are still printed, not copied.
        let e = Expr::Compare {
            cmp: CompareOp::Eq,
            label: "a == \"".into(),
            value: "x".into(),
            span: crate::syntax::ast::Span::new(0, 0),
        };
        assert_eq!(crate::print::canonical(&e), "a == \" == \"x\"");
    }

    #[test]
    fn chains_keep_their_own_operands() {
        let src = "a == 'x' && (has(b) || has(c) || d in {'z'}) && !has(e)";
        let t = tree(src);
        let mut out = String::new();
        Printer::new(&t, src, &mut out).print().unwrap();
        assert_eq!(
            out,
            r#"(a == "x" && (has(b) || has(c) || d in {"z"}) && !has(e))"#
        );
        assert_eq!(
            t.to_expr(src),
            crate::syntax::parser::parse_expr(src).unwrap()
        );
    }

    #[test]
    fn reused_buffers_start_empty_after_errors_and_large_trees() {
        let small = "a in {'x'} && (has(b) || c != 'd')";
        let expected = tree(small).to_expr(small);
        let large = vec!["has(l)"; 5000].join(" && ");
        for src in ["a in {'x', 'y' && ", "(((has(a) ||", large.as_str(), ""] {
            let _ = parser::with_tree(src, |t| t.to_expr(src));
            assert_eq!(tree(small).to_expr(small), expected, "after {src:.20}");
        }
        // The large tree was not kept.
        Buffers::with(|b| assert!(b.tree.nodes.capacity() <= KEEP_AT_MOST));
    }

    /// A tree whose root is not one of its nodes: the debug assertion catches it, so tests
    /// and fuzzers would see the path taken.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "node 7 of a tree of 0")]
    fn a_missing_node_is_caught_in_debug_builds() {
        let t = Tree {
            root: Some(7),
            ..Tree::default()
        };
        let _ = t.to_expr("");
    }

    /// In release builds the same tree fails closed everywhere: it matches nothing.
    #[test]
    #[cfg(not(debug_assertions))]
    fn a_missing_node_fails_closed_in_release_builds() {
        let t = Tree {
            root: Some(7),
            ..Tree::default()
        };
        assert_eq!(crate::print::canonical(&t.to_expr("")), "!all()");
        let p = crate::compile::Program::from_tree(&t, "", "");
        assert!(!p.run(&[("a", "x")]));
        assert_eq!(p.canonical(), "!all()");
        let no_root = Tree::default();
        assert!(!crate::compile::Program::from_tree(&no_root, "", "").run(&[("a", "")]));
    }

    #[test]
    fn from_expr_round_trips() {
        for src in [
            "",
            "all()",
            "!!has(a)",
            "a in {'b', 'a'} || c != 'd' && global()",
        ] {
            let expr = crate::syntax::parser::parse_expr(src).unwrap();
            let (t, text) = Tree::from_expr(&expr);
            assert_eq!(t.to_expr(&text), expr, "{src}");
        }
    }
}
