//! How the parser builds what it reads: the [`Build`] trait, with a builder of the flat
//! [`Tree`] (whose buffers are reused from one parse to the next), one that builds nothing
//! (for validation and highlighting), and [`replay`], which hands a finished tree to any
//! builder as the parser would. The compiler's builder is in [`crate::compile`].

use super::ast::{CompareOp, Span};
use super::tree::{index_slice, text_range, Kind, Text, Tree};
use std::cell::RefCell;

/// What the parser produces for each rule: a tree, a compiled program, or nothing at all
/// (validation).
///
/// Label names and values are passed as byte spans of the source, in the order they are
/// written. The parser announces structure before its operands where a builder that prints
/// needs it: [`Build::not_start`] before the operand of a `!`, and [`Build::mark`] before an
/// operand that may turn out to start a chain, whose [`Build::chain_start`] comes after that
/// operand, at the first `&&` or `||`. A chain's operands are then handed over one by one
/// ([`Build::chain_push`], with [`Build::chain_sep`] before each further one) until
/// [`Build::and`] / [`Build::or`], and a set's values between [`Build::set_start`] and
/// [`Build::in_set`], so the parser itself allocates nothing.
pub(crate) trait Build {
    /// A parsed expression.
    type Node: Copy;
    fn all(&mut self, span: Span) -> Self::Node;
    fn global(&mut self, span: Span) -> Self::Node;
    fn has(&mut self, label: Span, span: Span) -> Self::Node;
    fn compare(&mut self, cmp: CompareOp, label: Span, value: Span, span: Span) -> Self::Node;
    /// Starts reading a set; returns what [`Build::in_set`] gets back.
    fn set_start(&mut self) -> usize;
    fn set_value(&mut self, value: Span);
    fn in_set(&mut self, label: Span, start: usize, negated: bool, span: Span) -> Self::Node;
    /// A `!` whose operand comes next, and then [`Build::not`].
    fn not_start(&mut self);
    fn not(&mut self, node: Self::Node, span: Span) -> Self::Node;
    /// Where an operand that may be the first of a chain starts; what
    /// [`Build::chain_start`] gets back.
    fn mark(&mut self) -> usize;
    /// Starts a chain whose first operand (not yet pushed) started at `mark`; returns what
    /// [`Build::and`] / [`Build::or`] get back.
    fn chain_start(&mut self, mark: usize) -> usize;
    fn chain_push(&mut self, node: Self::Node);
    /// Another operand of the chain follows (an `&&` chain when `is_and`).
    fn chain_sep(&mut self, is_and: bool);
    fn and(&mut self, start: usize, span: Span) -> Self::Node;
    fn or(&mut self, start: usize, span: Span) -> Self::Node;
}

/// Builds nothing: checks the grammar only.
pub(crate) struct CheckOnly;

impl Build for CheckOnly {
    type Node = ();
    fn all(&mut self, _: Span) {}
    fn global(&mut self, _: Span) {}
    fn has(&mut self, _: Span, _: Span) {}
    fn compare(&mut self, _: CompareOp, _: Span, _: Span, _: Span) {}
    fn set_start(&mut self) -> usize {
        0
    }
    fn set_value(&mut self, _: Span) {}
    fn in_set(&mut self, _: Span, _: usize, _: bool, _: Span) {}
    fn not_start(&mut self) {}
    fn not(&mut self, _: (), _: Span) {}
    fn mark(&mut self) -> usize {
        0
    }
    fn chain_start(&mut self, _: usize) -> usize {
        0
    }
    fn chain_push(&mut self, _: ()) {}
    fn chain_sep(&mut self, _: bool) {}
    fn and(&mut self, _: usize, _: Span) {}
    fn or(&mut self, _: usize, _: Span) {}
}

/// A tree builder's buffers, kept between parses (see [`Buffers::with`]).
#[derive(Default)]
pub(crate) struct Buffers {
    pub(super) tree: Tree,
    /// Operands of the chains being read, innermost last; a finished chain moves its own to
    /// [`Tree::kids`], so each chain's operands end up contiguous.
    pending: Vec<u32>,
}

/// Buffers larger than this many entries are freed after a parse rather than kept.
pub(crate) const KEEP_AT_MOST: usize = 4096;

thread_local! {
    /// This thread's buffers for building trees: a selector keeps only its compiled program,
    /// so the tree is scratch space, and reusing it saves the four allocations (and their
    /// growth) of a fresh one on every parse.
    /// Initialised by a constant, so that reaching it costs no first-use check.
    static SPARE: RefCell<Buffers> = const { RefCell::new(Buffers::EMPTY) };
}

impl Buffers {
    /// No buffers yet: allocates nothing.
    const EMPTY: Buffers = Buffers {
        tree: Tree::EMPTY,
        pending: Vec::new(),
    };

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
    fn not_start(&mut self) {}
    fn not(&mut self, node: u32, span: Span) -> u32 {
        self.buffers.tree.push(Kind::Not { child: node }, span)
    }
    fn mark(&mut self) -> usize {
        0
    }
    fn chain_start(&mut self, _: usize) -> usize {
        self.buffers.pending.len()
    }
    fn chain_push(&mut self, node: u32) {
        self.buffers.pending.push(node);
    }
    fn chain_sep(&mut self, _: bool) {}
    fn and(&mut self, start: usize, span: Span) -> u32 {
        self.chain(start, span, false)
    }
    fn or(&mut self, start: usize, span: Span) -> u32 {
        self.chain(start, span, true)
    }
}

/// Hands `tree` to `build` as the parser would hand it over (so a tree built from an
/// [`Expr`](crate::Expr) compiles as its text would). `None` if the tree breaks its
/// invariants (none does).
pub(crate) fn replay<B: Build>(tree: &Tree, build: &mut B) -> Option<B::Node> {
    replay_node(tree, tree.root()?, build)
}

fn replay_node<B: Build>(tree: &Tree, n: u32, build: &mut B) -> Option<B::Node> {
    let node = tree.node(n)?;
    let span = |t: Text| Span::new(t.start as usize, t.end as usize);
    let whole = span(node.span);
    Some(match node.kind {
        Kind::All => build.all(whole),
        Kind::Global => build.global(whole),
        Kind::Has { label } => build.has(span(label), whole),
        Kind::Compare { cmp, label, value } => build.compare(cmp, span(label), span(value), whole),
        Kind::In {
            label,
            members,
            negated,
        } => {
            let start = build.set_start();
            for &m in tree.members(members) {
                build.set_value(span(m));
            }
            build.in_set(span(label), start, negated, whole)
        }
        Kind::Not { child } => {
            build.not_start();
            let child = replay_node(tree, child, build)?;
            build.not(child, whole)
        }
        Kind::And { kids } | Kind::Or { kids } => {
            let is_and = matches!(node.kind, Kind::And { .. });
            let mark = build.mark();
            let chain = build.chain_start(mark);
            for (i, &k) in tree.kids(kids).iter().enumerate() {
                if i > 0 {
                    build.chain_sep(is_and);
                }
                let operand = replay_node(tree, k, build)?;
                build.chain_push(operand);
            }
            if is_and {
                build.and(chain, whole)
            } else {
                build.or(chain, whole)
            }
        }
    })
}
