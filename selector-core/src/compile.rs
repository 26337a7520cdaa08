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
//! All label names and string operands live in one text buffer, so a program is a handful of
//! allocations whatever its size, and compiling takes time linear in the tree's size. The
//! program is immutable, `Send + Sync`, and knows nothing of the source text it came from.

use crate::ast::{CompareOp, Expr};
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Nodes in source order; every target is a later node or a terminal.
    pub(crate) nodes: Vec<Node>,
    /// The first node to run, or a terminal for a constant selector.
    pub(crate) entry: u32,
    /// Label names and string operands, back to back.
    pub(crate) text: String,
    /// The members of every `in` set, as ranges of `text`.
    pub(crate) members: Vec<Text>,
}

impl Default for Program {
    /// The program of `all()`: no node, always matches.
    fn default() -> Self {
        Program {
            nodes: Vec::new(),
            entry: TRUE,
            text: String::new(),
            members: Vec::new(),
        }
    }
}

/// How much a tree needs: nodes, bytes of text, set members.
#[derive(Default)]
struct Size {
    nodes: usize,
    text: usize,
    members: usize,
}

impl Size {
    fn add(&mut self, expr: &Expr) {
        match expr {
            Expr::All { .. } | Expr::Global { .. } => {}
            Expr::Has { label, .. } => {
                self.nodes += 1;
                self.text += label.len();
            }
            Expr::Compare { label, value, .. } => {
                self.nodes += 1;
                self.text += label.len() + value.len();
            }
            Expr::In { label, values, .. } => {
                self.nodes += 1;
                self.members += values.len();
                self.text += label.len() + values.iter().map(String::len).sum::<usize>();
            }
            Expr::Not { expr, .. } => self.add(expr),
            Expr::And { exprs, .. } | Expr::Or { exprs, .. } => {
                exprs.iter().for_each(|e| self.add(e))
            }
        }
    }
}

impl Program {
    /// Compiles a syntax tree.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("a == 'x' && has(b)").unwrap();
    /// let program = selector_core::compile::Program::compile(s.ast());
    /// assert!(program.run(&[("a", "x"), ("b", "")]));
    /// ```
    pub fn compile(expr: &Expr) -> Program {
        // Sized in one pass first, so that each buffer is allocated once.
        let mut size = Size::default();
        size.add(expr);
        let mut p = Program {
            nodes: Vec::with_capacity(size.nodes),
            entry: TRUE,
            text: String::with_capacity(size.text),
            members: Vec::with_capacity(size.members),
        };
        p.entry = p.emit(expr, TRUE, FALSE);
        // Nodes were emitted last first (a node's targets exist before it); put them in
        // source order, so that evaluation walks forward through memory.
        p.nodes.reverse();
        let last = p.nodes.len().saturating_sub(1) as u32;
        let flip = |t: u32| if t >= FALSE { t } else { last - t };
        p.entry = flip(p.entry);
        for node in &mut p.nodes {
            node.on_true = flip(node.on_true);
            node.on_false = flip(node.on_false);
        }
        p
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

    fn push_text(&mut self, s: &str) -> Text {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Text {
            start,
            end: self.text.len() as u32,
        }
    }

    fn node(&mut self, label: &str, test: Test, on_true: u32, on_false: u32) -> u32 {
        let label = self.push_text(label);
        self.nodes.push(Node {
            label,
            test,
            on_true,
            on_false,
        });
        (self.nodes.len() - 1) as u32
    }

    /// Emits `expr` so that it continues at `t` when it holds and at `f` when it does not,
    /// and returns where it starts.
    fn emit(&mut self, expr: &Expr, t: u32, f: u32) -> u32 {
        match expr {
            Expr::All { .. } | Expr::Global { .. } => t,
            Expr::Has { label, .. } => self.node(label, Test::Has, t, f),
            Expr::Compare {
                cmp, label, value, ..
            } => {
                let operand = self.push_text(value);
                match cmp {
                    CompareOp::Eq => self.node(label, Test::Eq(operand), t, f),
                    CompareOp::Ne => self.node(label, Test::Eq(operand), f, t),
                    _ => self.node(label, Test::Text(*cmp, operand), t, f),
                }
            }
            Expr::In {
                label,
                values,
                negated,
                ..
            } => {
                let mut sorted: Vec<&str> = values.iter().map(String::as_str).collect();
                sorted.sort_unstable();
                sorted.dedup();
                let start = self.members.len() as u32;
                for v in sorted {
                    let member = self.push_text(v);
                    self.members.push(member);
                }
                let test = Test::In {
                    start,
                    end: self.members.len() as u32,
                };
                if *negated {
                    self.node(label, test, f, t)
                } else {
                    self.node(label, test, t, f)
                }
            }
            Expr::Not { expr, .. } => self.emit(expr, f, t),
            Expr::And { exprs, .. } => exprs.iter().rev().fold(t, |next, e| self.emit(e, next, f)),
            Expr::Or { exprs, .. } => exprs.iter().rev().fold(f, |next, e| self.emit(e, t, next)),
        }
    }
}
