//! The parser's own syntax tree: flat vectors of nodes that point into the source text.
//!
//! [`Expr`] owns a `String` for every label and value and a `Vec` or `Box` for every `&&`,
//! `||` and `!`, so building one costs an allocation per token, more than all the rest of
//! parsing. The parser builds this tree instead: one vector of nodes, one of chain children
//! and one of set members, with label names and values as byte ranges of the text. The
//! canonical text and the compiled program are produced from it in one walk
//! ([`Program::from_tree`](crate::compile::Program::from_tree)), and a selector turns it into
//! an [`Expr`] only when asked for its syntax tree.
//!
//! Trees from an [`Expr`] ([`Tree::from_expr`]) refer to a text buffer of their own, so
//! printing and compiling have one implementation for both.

use crate::ast::{CompareOp, Expr, Span};
use crate::compile::Text;
use crate::parser::Build;
use std::cell::RefCell;

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
    nodes: Vec<Node>,
    /// The operands of every chain, each chain's contiguous and in order.
    kids: Vec<u32>,
    /// The values of every set.
    members: Vec<Text>,
    /// The root node: always set in a finished tree (the parser's, or one from an
    /// [`Expr`]); `None` only in buffers between parses.
    root: Option<u32>,
    /// How many nodes are label tests (`has`, comparisons, sets).
    tests: usize,
}

/// `start..end` as a [`Text`]; offsets beyond `u32` are clamped (the parser refuses such
/// input before it gets here).
fn text_range(start: usize, end: usize) -> Text {
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
    /// The root node. A finished tree always has one (see [`Tree::root`]'s field); walkers
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

    /// The number of label tests.
    pub(crate) fn tests(&self) -> usize {
        self.tests
    }

    /// The number of set values, all sets together.
    pub(crate) fn member_count(&self) -> usize {
        self.members.len()
    }

    /// Empties the tree, keeping its buffers.
    fn clear(&mut self) {
        self.nodes.clear();
        self.kids.clear();
        self.members.clear();
        self.root = None;
        self.tests = 0;
    }

    fn push(&mut self, kind: Kind, span: Span) -> u32 {
        if matches!(
            kind,
            Kind::Has { .. } | Kind::Compare { .. } | Kind::In { .. }
        ) {
            self.tests += 1;
        }
        let n = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(Node {
            kind,
            span: text_range(span.start, span.end),
        });
        n
    }

    /// Sorts the set values from `start` on by their text and drops repeats.
    fn finish_set(&mut self, text: &str, start: usize) -> Slice {
        if let Some(values) = self.members.get_mut(start..) {
            values.sort_unstable_by(|a, b| slice(text, *a).cmp(slice(text, *b)));
        }
        // Drop repeats in place (within this set only: earlier sets are left alone).
        let mut kept = start;
        for i in start..self.members.len() {
            let Some(&value) = self.members.get(i) else {
                break;
            };
            let repeat = kept > start
                && self
                    .members
                    .get(kept - 1)
                    .is_some_and(|&last| slice(text, last) == slice(text, value));
            if !repeat {
                if let Some(slot) = self.members.get_mut(kept) {
                    *slot = value;
                }
                kept += 1;
            }
        }
        self.members.truncate(kept);
        index_slice(start, kept)
    }

    /// The [`Expr`] of this tree over `text`; `!all()` (matches nothing) for a tree that
    /// breaks its invariants, which none does.
    pub(crate) fn to_expr(&self, text: &str) -> Expr {
        self.root()
            .and_then(|root| self.expr(text, root))
            .unwrap_or_else(|| matches_nothing(Span::new(0, text.len())))
    }

    fn expr(&self, text: &str, n: u32) -> Option<Expr> {
        let node = self.node(n)?;
        let span = Span::new(node.span.start as usize, node.span.end as usize);
        let owned = |t: Text| slice(text, t).to_owned();
        Some(match node.kind {
            Kind::All => Expr::All { span },
            Kind::Global => Expr::Global { span },
            Kind::Has { label } => Expr::Has {
                label: owned(label),
                span,
            },
            Kind::Compare { cmp, label, value } => Expr::Compare {
                cmp,
                label: owned(label),
                value: owned(value),
                span,
            },
            Kind::In {
                label,
                members,
                negated,
            } => Expr::In {
                label: owned(label),
                values: self.members(members).iter().map(|&m| owned(m)).collect(),
                negated,
                span,
            },
            Kind::Not { child } => Expr::Not {
                expr: Box::new(self.expr(text, child)?),
                span,
            },
            Kind::And { kids } => Expr::And {
                exprs: self.exprs(text, kids)?,
                span,
            },
            Kind::Or { kids } => Expr::Or {
                exprs: self.exprs(text, kids)?,
                span,
            },
        })
    }

    /// The operands of a chain as [`Expr`]s.
    fn exprs(&self, text: &str, kids: Slice) -> Option<Vec<Expr>> {
        self.kids(kids)
            .iter()
            .map(|&k| self.expr(text, k))
            .collect()
    }

    /// The tree of `expr` and the text its ranges refer to (its labels and values back to
    /// back). Set values are sorted and made distinct, as the parser would have them.
    pub(crate) fn from_expr(expr: &Expr) -> (Tree, String) {
        let mut builder = FromExpr {
            tree: Tree::default(),
            text: String::new(),
        };
        let root = builder.add(expr);
        builder.tree.root = Some(root);
        (builder.tree, builder.text)
    }
}

/// `!all()`: the expression that matches nothing, what an impossible state turns into.
pub(crate) fn matches_nothing(span: Span) -> Expr {
    Expr::Not {
        expr: Box::new(Expr::All { span }),
        span,
    }
}

/// A range of indices.
fn index_slice(start: usize, end: usize) -> Slice {
    let r = text_range(start, end);
    Slice {
        start: r.start,
        end: r.end,
    }
}

/// Copies an [`Expr`] into a [`Tree`] and its text.
struct FromExpr {
    tree: Tree,
    text: String,
}

impl FromExpr {
    fn push_text(&mut self, s: &str) -> Text {
        let start = self.text.len();
        self.text.push_str(s);
        text_range(start, self.text.len())
    }

    fn add(&mut self, expr: &Expr) -> u32 {
        let span = expr.span();
        let kind = match expr {
            Expr::All { .. } => Kind::All,
            Expr::Global { .. } => Kind::Global,
            Expr::Has { label, .. } => Kind::Has {
                label: self.push_text(label),
            },
            Expr::Compare {
                cmp, label, value, ..
            } => Kind::Compare {
                cmp: *cmp,
                label: self.push_text(label),
                value: self.push_text(value),
            },
            Expr::In {
                label,
                values,
                negated,
                ..
            } => {
                let label = self.push_text(label);
                let start = self.tree.members.len();
                for v in values {
                    let member = self.push_text(v);
                    self.tree.members.push(member);
                }
                Kind::In {
                    label,
                    members: self.tree.finish_set(&self.text, start),
                    negated: *negated,
                }
            }
            Expr::Not { expr, .. } => Kind::Not {
                child: self.add(expr),
            },
            Expr::And { exprs, .. } => Kind::And {
                kids: self.chain(exprs),
            },
            Expr::Or { exprs, .. } => Kind::Or {
                kids: self.chain(exprs),
            },
        };
        self.tree.push(kind, span)
    }

    /// Adds the operands of a chain first (they may be chains themselves), then lists them.
    fn chain(&mut self, exprs: &[Expr]) -> Slice {
        let children: Vec<u32> = exprs.iter().map(|e| self.add(e)).collect();
        let start = self.tree.kids.len();
        self.tree.kids.extend(children);
        index_slice(start, self.tree.kids.len())
    }
}

/// A tree builder's buffers, kept between parses (see [`Buffers::with`]).
#[derive(Default)]
pub(crate) struct Buffers {
    tree: Tree,
    /// Operands of the chains being read, innermost last; a finished chain moves its own to
    /// [`Tree::kids`], so each chain's operands end up contiguous.
    pending: Vec<u32>,
}

/// Buffers larger than this many entries are freed after a parse rather than kept.
const KEEP_AT_MOST: usize = 4096;

thread_local! {
    /// This thread's buffers for building trees: a selector keeps only its compiled program,
    /// so the tree is scratch space, and reusing it saves the four allocations (and their
    /// growth) of a fresh one on every parse.
    static SPARE: RefCell<Buffers> = RefCell::new(Buffers::default());
}

impl Buffers {
    /// Runs `f` with this thread's buffers (new ones if they are already in use, which the
    /// parser never does), and frees them afterwards if they grew large.
    pub(crate) fn with<R>(f: impl FnOnce(&mut Buffers) -> R) -> R {
        SPARE.with(|spare| match spare.try_borrow_mut() {
            Ok(mut buffers) => {
                let out = f(&mut buffers);
                let t = &buffers.tree;
                let size = t.nodes.capacity() + t.kids.capacity() + t.members.capacity();
                if size + buffers.pending.capacity() > KEEP_AT_MOST {
                    *buffers = Buffers::default();
                }
                out
            }
            Err(_) => f(&mut Buffers::default()),
        })
    }
}

/// Builds a [`Tree`] over the source text while the parser reads it.
pub(crate) struct TreeBuilder<'s, 'b> {
    src: &'s str,
    buffers: &'b mut Buffers,
}

impl<'s, 'b> TreeBuilder<'s, 'b> {
    /// A builder for a tree over `src` in `buffers` (emptied first).
    pub(crate) fn reuse(src: &'s str, buffers: &'b mut Buffers) -> Self {
        buffers.tree.clear();
        buffers.pending.clear();
        TreeBuilder { src, buffers }
    }

    /// The finished tree, with `root` as its root.
    pub(crate) fn finish(self, root: u32) -> &'b Tree {
        self.buffers.tree.root = Some(root);
        &self.buffers.tree
    }

    fn chain(&mut self, start: usize, span: Span, or: bool) -> u32 {
        let Buffers { tree, pending } = &mut *self.buffers;
        let first = tree.kids.len();
        if let Some(operands) = pending.get(start..) {
            tree.kids.extend_from_slice(operands);
        }
        pending.truncate(start);
        let kids = index_slice(first, tree.kids.len());
        let kind = if or {
            Kind::Or { kids }
        } else {
            Kind::And { kids }
        };
        tree.push(kind, span)
    }
}

impl Build for TreeBuilder<'_, '_> {
    type Node = u32;
    fn all(&mut self, span: Span) -> u32 {
        self.buffers.tree.push(Kind::All, span)
    }
    fn global(&mut self, span: Span) -> u32 {
        self.buffers.tree.push(Kind::Global, span)
    }
    fn has(&mut self, label: Span, span: Span) -> u32 {
        let label = text_range(label.start, label.end);
        self.buffers.tree.push(Kind::Has { label }, span)
    }
    fn compare(&mut self, cmp: CompareOp, label: Span, value: Span, span: Span) -> u32 {
        let kind = Kind::Compare {
            cmp,
            label: text_range(label.start, label.end),
            value: text_range(value.start, value.end),
        };
        self.buffers.tree.push(kind, span)
    }
    fn set_start(&mut self) -> usize {
        self.buffers.tree.members.len()
    }
    fn set_value(&mut self, value: Span) {
        self.buffers
            .tree
            .members
            .push(text_range(value.start, value.end));
    }
    fn in_set(&mut self, label: Span, start: usize, negated: bool, span: Span) -> u32 {
        let members = self.buffers.tree.finish_set(self.src, start);
        let kind = Kind::In {
            label: text_range(label.start, label.end),
            members,
            negated,
        };
        self.buffers.tree.push(kind, span)
    }
    fn not(&mut self, node: u32, span: Span) -> u32 {
        self.buffers.tree.push(Kind::Not { child: node }, span)
    }
    fn chain_start(&mut self) -> usize {
        self.buffers.pending.len()
    }
    fn chain_push(&mut self, node: u32) {
        self.buffers.pending.push(node);
    }
    fn and(&mut self, start: usize, span: Span) -> u32 {
        self.chain(start, span, false)
    }
    fn or(&mut self, start: usize, span: Span) -> u32 {
        self.chain(start, span, true)
    }
}

/// The quote Calico prints a value in: double, or single when the value contains a double
/// quote (there are no escapes, so no value holds both).
fn quote_for(value: &str) -> char {
    // A byte loop: values are short, and this beats a call to memchr.
    if value.bytes().any(|b| b == b'"') {
        '\''
    } else {
        '"'
    }
}

/// Where a [`Printer`] writes: a `String`, or a program's text buffer.
pub(crate) trait Output {
    /// Appends `s`.
    fn push_str(&mut self, s: &str);
    /// Appends `c`.
    fn push(&mut self, c: char);
    /// The length written so far, in bytes.
    fn len(&self) -> usize;
}

impl Output for String {
    #[inline]
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
    #[inline]
    fn push(&mut self, c: char) {
        String::push(self, c);
    }
    #[inline]
    fn len(&self) -> usize {
        String::len(self)
    }
}

/// Where a recording [`Printer`] puts program nodes: one per label test, targets not yet
/// set, and the members of their sets as ranges of the output.
pub(crate) struct Recorder<'o> {
    tests: &'o mut crate::compile::Nodes,
    members: &'o mut crate::compile::Members,
}

/// Canonical text (SPEC.md section 5; Calico's `String()`), optionally recording each label
/// test of the tree, in text order, as a node of a compiled program whose strings are ranges
/// of that text (see [`Program::from_tree`](crate::compile::Program::from_tree)). It writes
/// into buffers it borrows, so a program's are filled where they will stay.
pub(crate) struct Printer<'a, 'o, O: Output> {
    tree: &'a Tree,
    text: &'a str,
    /// Prints a negated negation `!(!x)` rather than `!!x` (which would parse as `x`).
    reparseable: bool,
    /// Where the text goes.
    out: &'o mut O,
    /// Where program nodes go, when recording.
    recorder: Option<Recorder<'o>>,
}

impl<'a, 'o, O: Output> Printer<'a, 'o, O> {
    /// A printer of `tree` over `text`, appending to `out`.
    pub(crate) fn new(tree: &'a Tree, text: &'a str, out: &'o mut O) -> Self {
        Printer {
            tree,
            text,
            reparseable: false,
            out,
            recorder: None,
        }
    }

    /// Also records program nodes into `tests` and set members into `members`.
    pub(crate) fn recording(
        mut self,
        tests: &'o mut crate::compile::Nodes,
        members: &'o mut crate::compile::Members,
    ) -> Self {
        tests.reserve(self.tree.tests());
        members.reserve(self.tree.member_count());
        self.recorder = Some(Recorder { tests, members });
        self
    }

    /// Prints negated negations as `!(!x)` (see [`crate::print::reparseable`]).
    pub(crate) fn reparseable(mut self) -> Self {
        self.reparseable = true;
        self
    }

    /// Prints the whole tree; `None` if the tree breaks its invariants (which none does),
    /// after which the output is incomplete and must be thrown away.
    #[must_use]
    pub(crate) fn print(mut self) -> Option<()> {
        let root = self.tree.root()?;
        self.node(root)
    }

    fn push(&mut self, range: Text) -> Text {
        let start = self.out.len();
        self.out.push_str(slice(self.text, range));
        text_range(start, self.out.len())
    }

    /// Copies `text[start..end]` whole when `is_canonical` says it is already printed as
    /// the canonical text would print it, and returns where it now starts in the output.
    ///
    /// Selectors are mostly written the way Calico prints them (`app == "web"`), and one copy
    /// of a whole test costs much less than printing it in five or seven pieces. Only bytes
    /// that equal the printed form are ever copied, so this holds for any text, including the
    /// labels and values a tree built from an [`Expr`] keeps back to back.
    fn verbatim(
        &mut self,
        start: Option<u32>,
        end: u32,
        is_canonical: impl Fn(&[u8]) -> bool,
    ) -> Option<usize> {
        let whole = self.text.get(start? as usize..end as usize)?;
        if !is_canonical(whole.as_bytes()) {
            return None;
        }
        let at = self.out.len();
        self.out.push_str(whole);
        Some(at)
    }

    /// The value at `range` in quote `q` (the one Calico prints it in: [`quote_for`]);
    /// returns where the value (without its quotes) now is in the output.
    fn push_quoted(&mut self, range: Text, q: char) -> Text {
        self.out.push(q);
        let value = self.push(range);
        self.out.push(q);
        value
    }

    fn record(&mut self, label: Text, test: crate::compile::Test) {
        if let Some(Recorder { tests, .. }) = &mut self.recorder {
            tests.push(crate::compile::Node {
                label,
                test,
                on_true: crate::compile::TRUE,
                on_false: crate::compile::FALSE,
            });
        }
    }

    fn node(&mut self, n: u32) -> Option<()> {
        use crate::compile::Test;
        match self.tree.node(n)?.kind {
            Kind::All => self.out.push_str("all()"),
            Kind::Global => self.out.push_str("global()"),
            Kind::Has { label } => {
                let label = match self.verbatim(
                    label.start.checked_sub(4),
                    label.end.saturating_add(1),
                    |t| t.starts_with(b"has(") && t.ends_with(b")"),
                ) {
                    Some(at) => text_range(at + 4, at + 4 + (label.end - label.start) as usize),
                    None => {
                        self.out.push_str("has(");
                        let label = self.push(label);
                        self.out.push(')');
                        label
                    }
                };
                self.record(label, Test::Has);
            }
            Kind::Compare { cmp, label, value } => {
                let op = cmp.as_str().as_bytes();
                let quote = quote_for(slice(self.text, value));
                // `label op "value"` if the text has it so: the label, one space, the
                // operator, one space and the value in its canonical quotes.
                let is_canonical = |t: &[u8]| {
                    let after_label = (label.end - label.start) as usize;
                    t.len() == after_label + op.len() + 4 + (value.end - value.start) as usize
                        && t.get(after_label) == Some(&b' ')
                        && t.get(after_label + 1..after_label + 1 + op.len()) == Some(op)
                        && t.get(after_label + 1 + op.len()) == Some(&b' ')
                        && t.get(after_label + 2 + op.len()) == Some(&(quote as u8))
                        && t.last() == Some(&(quote as u8))
                };
                let (label, value) = match self.verbatim(
                    Some(label.start),
                    value.end.saturating_add(1),
                    is_canonical,
                ) {
                    Some(at) => {
                        let shift = |r: Text| {
                            let start = at + (r.start - label.start) as usize;
                            text_range(start, start + (r.end - r.start) as usize)
                        };
                        (shift(label), shift(value))
                    }
                    None => {
                        let label = self.push(label);
                        self.out.push(' ');
                        self.out.push_str(cmp.as_str());
                        self.out.push(' ');
                        (label, self.push_quoted(value, quote))
                    }
                };
                let test = match cmp {
                    CompareOp::Eq | CompareOp::Ne => Test::Eq(value),
                    _ => Test::Text(cmp, value),
                };
                self.record(label, test);
            }
            Kind::In {
                label,
                members,
                negated,
            } => {
                let label = self.push(label);
                self.out
                    .push_str(if negated { " not in {" } else { " in {" });
                let recorded = |r: &Option<Recorder>| r.as_ref().map_or(0, |r| r.members.len());
                let start = recorded(&self.recorder);
                for (i, &m) in self.tree.members(members).iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    let member = self.push_quoted(m, quote_for(slice(self.text, m)));
                    if let Some(r) = &mut self.recorder {
                        r.members.push(member);
                    }
                }
                self.out.push('}');
                let range = index_slice(start, recorded(&self.recorder));
                self.record(
                    label,
                    Test::In {
                        start: range.start,
                        end: range.end,
                    },
                );
            }
            Kind::Not { child } => {
                self.out.push('!');
                let double = matches!(self.tree.node(child)?.kind, Kind::Not { .. });
                if self.reparseable && double {
                    self.out.push('(');
                    self.node(child)?;
                    self.out.push(')');
                } else {
                    self.node(child)?;
                }
            }
            Kind::And { kids } => self.chain(kids, " && ")?,
            Kind::Or { kids } => self.chain(kids, " || ")?,
        }
        Some(())
    }

    fn chain(&mut self, kids: Slice, sep: &str) -> Option<()> {
        let tree = self.tree;
        self.out.push('(');
        for (i, &k) in tree.kids(kids).iter().enumerate() {
            if i > 0 {
                self.out.push_str(sep);
            }
            self.node(k)?;
        }
        self.out.push(')');
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser;

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
            span: crate::ast::Span::new(0, 0),
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
        assert_eq!(t.to_expr(src), crate::parser::parse_expr(src).unwrap());
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
            let expr = crate::parser::parse_expr(src).unwrap();
            let (t, text) = Tree::from_expr(&expr);
            assert_eq!(t.to_expr(&text), expr, "{src}");
        }
    }
}
