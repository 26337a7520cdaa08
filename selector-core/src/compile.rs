//! Syntax tree to a flat program: a decision graph with one node per leaf test.
//!
//! Each node tests one label and names the node to go to when the test holds and when it
//! does not; two reserved targets stand for "matches" and "does not match". `&&`, `||` and
//! `!` leave no instructions of their own: `a && b` sends `a`'s "true" to `b` and its "false"
//! to the chain's "false", `||` the other way round, and `!e` swaps `e`'s two targets. So
//! `!=` is `==` with its targets swapped, `not in` is `in` swapped, and `all()` is no node at
//! all. Evaluation is one label lookup and one comparison per node reached, with no register,
//! no `Not` and no jump instructions in between; targets always lie further on, so a run
//! takes at most one step per node.
//!
//! The program's one text buffer is the selector's canonical text, and label names and string
//! operands are ranges of it, so a program is three allocations whatever its size, and
//! compiling takes time linear in the tree's size. A selector's program also keeps the
//! source text, after the canonical text in the same buffer (one allocation fewer per
//! selector). The program is immutable and `Send + Sync`.

use crate::ast::{CompareOp, Expr};
use crate::tree::{Kind, Printer, Tree};
use smallvec::SmallVec;
use std::collections::HashSet;

/// The target meaning "the selector matches".
pub(crate) const TRUE: u32 = u32::MAX;
/// The target meaning "the selector does not match".
pub(crate) const FALSE: u32 = u32::MAX - 1;

/// A byte range in [`Program::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Text {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// What a node tests about its label's value (the test fails when the label is absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    /// Present.
    Has,
    /// Present and equal to the string.
    Eq(Text),
    /// Present and `contains` / `starts with` / `ends with` the string.
    Text(CompareOp, Text),
    /// Present and one of `members[start..end]` (sorted by byte order, distinct).
    In { start: u32, end: u32 },
}

/// One node of the decision graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) label: Text,
    pub(crate) test: Test,
    /// Where to go when the test holds: a later node, [`TRUE`] or [`FALSE`].
    pub(crate) on_true: u32,
    /// Where to go when it does not.
    pub(crate) on_false: u32,
}

/// A compiled selector.
///
/// ```
/// use selector_core::{compile::Program, Selector};
/// let s = Selector::parse("a == 'x' || !has(b)").unwrap();
/// let program = Program::compile(s.ast());
/// assert!(program.run(&[("a", "x"), ("b", "y")]));
/// assert!(!program.run(&[("b", "y")]));
/// assert_eq!(program.len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct Program {
    /// Nodes in source order; every target is a later node or a terminal.
    pub(crate) nodes: Nodes,
    /// The first node to run, or a terminal for a constant selector.
    pub(crate) entry: u32,
    /// The canonical text, then the source text if the program keeps it; label names and
    /// string operands are ranges of the canonical text.
    pub(crate) text: String,
    /// Where the canonical text ends in `text`.
    canonical_end: usize,
    /// The members of every `in` set, as ranges of `text`.
    pub(crate) members: Members,
}

/// A program's nodes, kept inside the program up to four (nearly all selectors test at most
/// four labels), so that most selectors allocate no buffer for them.
pub(crate) type Nodes = SmallVec<[Node; 4]>;

/// The members of a program's sets, kept inside the program up to four.
pub(crate) type Members = SmallVec<[Text; 4]>;

impl Default for Program {
    /// The program of `all()`: no node, always matches.
    fn default() -> Self {
        Program {
            nodes: Nodes::new(),
            entry: TRUE,
            text: String::from("all()"),
            canonical_end: "all()".len(),
            members: Members::new(),
        }
    }
}

/// Programs are equal when they test the same labels the same way and come from the same
/// canonical text (the source text they keep does not count).
impl PartialEq for Program {
    fn eq(&self, other: &Self) -> bool {
        self.entry == other.entry
            && self.nodes == other.nodes
            && self.members == other.members
            && self.canonical() == other.canonical()
    }
}

impl Eq for Program {}

impl Program {
    /// Compiles a syntax tree.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("a == 'x' && has(b)").unwrap();
    /// let program = selector_core::compile::Program::compile(s.ast());
    /// assert!(program.run(&[("a", "x"), ("b", "")]));
    /// ```
    pub fn compile(expr: &Expr) -> Program {
        let (tree, text) = Tree::from_expr(expr);
        Program::from_tree(&tree, &text, "")
    }

    /// Compiles the parser's tree over `text` in two walks, allocating only the program's
    /// own three buffers. The first walk prints the canonical text, which becomes the
    /// program's text buffer, and records one node per label test in text order, its strings
    /// as ranges of that text. The second walk visits the tree backwards, so each test meets
    /// its two continuations (later tests or the terminals) before itself, and sets its
    /// targets. `source` is kept after the canonical text ([`Program::source`]).
    pub(crate) fn from_tree(tree: &Tree, text: &str, source: &str) -> Program {
        let out = String::with_capacity(text.len() + 16 + source.len());
        let printer = Printer::new(tree, text, out, true).print();
        let mut p = Program {
            nodes: printer.tests.unwrap_or_default(),
            entry: TRUE,
            canonical_end: printer.out.len(),
            text: printer.out,
            members: printer.members,
        };
        p.text.push_str(source);
        if let Some(root) = tree.root() {
            let mut unlinked = p.nodes.len();
            p.entry = p.link(tree, root, TRUE, FALSE, &mut unlinked);
        }
        p
    }

    /// The canonical text of the selector the program was compiled from.
    pub(crate) fn canonical(&self) -> &str {
        self.text.get(..self.canonical_end).unwrap_or("")
    }

    /// The source text kept with the program (empty if none was).
    pub(crate) fn source(&self) -> &str {
        self.text.get(self.canonical_end..).unwrap_or("")
    }

    /// Sets the targets of the tests of tree node `n`, which continues at `t` when it holds
    /// and at `f` when it does not, and returns where it starts. `unlinked` counts the tests
    /// not yet linked: the tree is visited last test first.
    fn link(&mut self, tree: &Tree, n: u32, t: u32, f: u32, unlinked: &mut usize) -> u32 {
        let (t, f) = match tree.node(n).kind {
            Kind::All | Kind::Global => return t,
            Kind::Not { child } => return self.link(tree, child, f, t, unlinked),
            Kind::And { kids } => {
                return tree
                    .kids(kids)
                    .iter()
                    .rev()
                    .fold(t, |on_true, &k| self.link(tree, k, on_true, f, unlinked))
            }
            Kind::Or { kids } => {
                return tree
                    .kids(kids)
                    .iter()
                    .rev()
                    .fold(f, |on_false, &k| self.link(tree, k, t, on_false, unlinked))
            }
            // `!=` and `not in` are `==` and `in` with their targets swapped.
            Kind::Compare {
                cmp: CompareOp::Ne, ..
            }
            | Kind::In { negated: true, .. } => (f, t),
            Kind::Has { .. } | Kind::Compare { .. } | Kind::In { .. } => (t, f),
        };
        *unlinked = unlinked.saturating_sub(1);
        if let Some(node) = self.nodes.get_mut(*unlinked) {
            node.on_true = t;
            node.on_false = f;
        }
        *unlinked as u32
    }

    /// The distinct label names the program reads, in order of first use.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("b == 'x' || a != 'y' || has(b)").unwrap();
    /// assert_eq!(s.program().label_names().collect::<Vec<_>>(), ["b", "a"]);
    /// ```
    pub fn label_names(&self) -> impl Iterator<Item = &str> {
        let mut seen = HashSet::new();
        self.nodes
            .iter()
            .map(|n| self.str(n.label))
            .filter(move |name| seen.insert(*name))
    }

    /// The number of nodes: one per label test.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("a == 'x' && (b != 'y' || all())").unwrap();
    /// assert_eq!(s.program().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the program tests no label at all (a constant selector such as `all()`).
    ///
    /// ```
    /// use selector_core::Selector;
    /// assert!(Selector::parse("all()").unwrap().program().is_empty());
    /// assert!(!Selector::parse("has(a)").unwrap().program().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The text of a range of the buffer.
    #[inline]
    pub(crate) fn str(&self, t: Text) -> &str {
        self.text
            .get(t.start as usize..t.end as usize)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use crate::Selector;

    #[test]
    fn programs_keep_the_source_after_the_canonical_text() {
        let s = Selector::parse("  b in {'y','x'} &&a=='z' ").unwrap();
        assert_eq!(s.source(), "  b in {'y','x'} &&a=='z' ");
        assert_eq!(s.canonical(), r#"(b in {"x", "y"} && a == "z")"#);
        // A program compiled from the tree keeps no source, and equals the parsed one.
        let compiled = super::Program::compile(s.ast());
        assert_eq!(compiled.source(), "");
        assert_eq!(&compiled, s.program());
        assert_eq!(compiled.label_names().collect::<Vec<_>>(), ["b", "a"]);
        let rebuilt = Selector::from_expr(s.ast().clone());
        assert_eq!(rebuilt.source(), rebuilt.canonical());
        assert_eq!(rebuilt, s);
    }
}
