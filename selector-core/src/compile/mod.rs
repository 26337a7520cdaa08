//! A selector to a flat program: a decision graph with one node per leaf test.
//!
//! Each node tests one label and names the node to go to when the test holds and when it
//! does not; two reserved targets stand for "matches" and "does not match". `&&`, `||` and
//! `!` leave no instructions of their own: `a && b` sends `a`'s "true" to `b` and its "false"
//! to the chain's "false", `||` the other way round, and `!e` swaps `e`'s two targets. So
//! `!=` is `==` with its targets swapped, `not in` is `in` swapped, and `all()` is no node at
//! all. Evaluation is one label lookup and one comparison per node reached, with no register,
//! no `Not` and no jump instructions in between. The nodes are laid out in the order they
//! are tested, which is not always the source order: each chain tests its most decisive
//! operands first (module `order`). Targets always lie further on, so a run takes at most
//! one step per node.
//!
//! The program's one text buffer is the selector's canonical text, and label names and string
//! operands are ranges of it. The program is built as the parser reads (module
//! `builder`), then linked (module `link`); a syntax tree is handed over the same way. It
//! takes time linear in the selector's size (a long chain's operands are sorted). A selector's
//! program also keeps the source text, after the canonical text in the same buffer (or as
//! that text, when the two are the same). Up to four nodes, four set members and
//! `INLINE_TEXT` bytes of text are kept inside the program itself, so most selectors are a
//! single allocation; larger ones add one to three. The program is immutable and
//! `Send + Sync`.

mod builder;
mod link;

use crate::syntax::ast::Expr;
use crate::syntax::build::replay;
use crate::syntax::error::ParseError;
use crate::syntax::parser;
use crate::syntax::tree::Tree;
use builder::{ProgramBuilder, Scratch};

use crate::print::Output;
pub(crate) use crate::print::Test;
pub(crate) use crate::syntax::tree::Text;
use arrayvec::ArrayString;
use smallvec::SmallVec;
use std::collections::HashSet;

/// The target meaning "the selector matches".
pub(crate) const TRUE: u32 = u32::MAX;
/// The target meaning "the selector does not match".
pub(crate) const FALSE: u32 = u32::MAX - 1;

/// The most nodes a program may have for its repeated labels to share one range.
const SHARED_LABELS_UP_TO: usize = 32;

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
    /// Nodes in evaluation order ([`crate::order`]); every target is a later node or a terminal.
    pub(crate) nodes: Nodes,
    /// The first node to run, or a terminal for a constant selector.
    pub(crate) entry: u32,
    /// The canonical text, then the source text if the program keeps it; label names and
    /// string operands are ranges of the canonical text.
    pub(crate) text: TextBuf,
    /// Where the canonical text ends in `text`.
    canonical_end: usize,
    /// Where the source text starts in `text`: at `canonical_end`, or at 0 when the source
    /// is the canonical text itself, which is then not kept twice.
    source_start: usize,
    /// The members of every `in` set, as ranges of `text`.
    pub(crate) members: Members,
    /// Whether some label is tested by more than one node; those nodes then share one
    /// label range (the first), which lets an evaluation look the label up once.
    pub(crate) repeats: bool,
}

/// A program's nodes, kept inside the program up to four (nearly all selectors test at most
/// four labels), so that most selectors allocate no buffer for them.
pub(crate) type Nodes = SmallVec<[Node; 4]>;

/// The members of a program's sets, kept inside the program up to four.
pub(crate) type Members = SmallVec<[Text; 4]>;

/// How many bytes of text a program keeps inside itself: enough for the canonical and the
/// source text of most policy selectors.
const INLINE_TEXT: usize = 224;

/// A program's text: inside the program while it fits in [`INLINE_TEXT`] bytes, on the heap
/// once it does not. With the nodes and set members also inside, a selector is then a
/// single allocation, which matters most when many are made and dropped together: the
/// allocator's slow path for a second block of this size costs more than parsing a label.
// The inline variant is large on purpose: it is the point of the type.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub(crate) enum TextBuf {
    /// Text kept inside the program.
    Inline(ArrayString<INLINE_TEXT>),
    /// Text too long to be kept inside.
    Heap(String),
}

impl TextBuf {
    /// An empty text expected to grow to about `n` bytes: inside when they fit.
    fn with_capacity(n: usize) -> TextBuf {
        if n <= INLINE_TEXT {
            TextBuf::Inline(ArrayString::new())
        } else {
            TextBuf::Heap(String::with_capacity(n))
        }
    }

    /// The text.
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            TextBuf::Inline(s) => s,
            TextBuf::Heap(s) => s,
        }
    }

    /// Moves the text to the heap and appends `s` there.
    #[cold]
    fn spill_and_push(&mut self, s: &str) {
        if let TextBuf::Inline(inline) = self {
            let mut heap = String::with_capacity(2 * (inline.len() + s.len()));
            heap.push_str(inline);
            *self = TextBuf::Heap(heap);
        }
        if let TextBuf::Heap(heap) = self {
            heap.push_str(s);
        }
    }

    /// Inserts `c` at byte `at` (a length the text had earlier, so a character boundary);
    /// `None` if it is not one (which fails the build closed).
    fn insert(&mut self, at: usize, c: char) -> Option<()> {
        match self {
            TextBuf::Inline(inline) => {
                let tail = ArrayString::<INLINE_TEXT>::from(inline.get(at..)?).ok()?;
                inline.truncate(at);
                self.push(c);
                self.push_str(&tail);
            }
            TextBuf::Heap(heap) => {
                heap.get(at..)?;
                heap.insert(at, c);
            }
        }
        Some(())
    }
}

impl Output for TextBuf {
    #[inline]
    fn push_str(&mut self, s: &str) {
        match self {
            TextBuf::Inline(inline) if inline.remaining_capacity() >= s.len() => {
                let _ = inline.try_push_str(s);
            }
            TextBuf::Heap(heap) => heap.push_str(s),
            TextBuf::Inline(_) => self.spill_and_push(s),
        }
    }

    #[inline]
    fn push(&mut self, c: char) {
        match self {
            TextBuf::Inline(inline) if inline.remaining_capacity() >= c.len_utf8() => {
                let _ = inline.try_push(c);
            }
            TextBuf::Heap(heap) => heap.push(c),
            TextBuf::Inline(_) => self.spill_and_push(c.encode_utf8(&mut [0; 4])),
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.as_str().len()
    }
}

impl Default for Program {
    /// The program of `all()`: no node, always matches.
    fn default() -> Self {
        Program {
            nodes: Nodes::new(),
            entry: TRUE,
            text: TextBuf::Heap(String::from("all()")),
            canonical_end: "all()".len(),
            source_start: "all()".len(),
            members: Members::new(),
            repeats: false,
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

    /// Compiles a syntax tree over `text` (the source, or the text of a tree built from
    /// an [`Expr`]), keeping `source` after the canonical text ([`Program::source`]): the
    /// tree is handed to the compiler's builder as the parser would hand it.
    pub(crate) fn from_tree(tree: &Tree, text: &str, source: &str) -> Program {
        let mut p = Program::empty();
        Scratch::with(|scratch| {
            let mut builder = p.builder(text, source, scratch);
            let root = replay(tree, &mut builder);
            p.finish(root, scratch, source);
        });
        p
    }

    /// A program with nothing in it yet, for [`Program::parse_into`]; it allocates nothing.
    pub(crate) fn empty() -> Program {
        Program {
            nodes: Nodes::new(),
            entry: TRUE,
            text: TextBuf::Inline(ArrayString::new()),
            canonical_end: 0,
            source_start: 0,
            members: Members::new(),
            repeats: false,
        }
    }

    /// Parses and compiles `source` into this program (replacing what it held), in place:
    /// a selector's program is filled inside the selector's own allocation. The parser
    /// drives the compiler's builder, which prints the canonical text into the program's
    /// text buffer as it reads, records each label test, and orders each chain as it closes
    /// (see [`crate::order`]); linking then gives each test its node and targets. `source`
    /// is kept after the canonical text, unless it is that text ([`Program::source`]).
    pub(crate) fn parse_into(&mut self, source: &str) -> Result<(), Box<ParseError>> {
        Scratch::with(|scratch| {
            let builder = self.builder(source, source, scratch);
            let (root, _) = parser::parse_into(source, builder)?;
            self.finish(Some(root), scratch, source);
            Ok(())
        })
    }

    /// Empties the program and returns a builder that prints into it from `text`.
    fn builder<'a>(
        &'a mut self,
        text: &'a str,
        source: &str,
        scratch: &'a mut Scratch,
    ) -> ProgramBuilder<'a> {
        self.nodes.clear();
        self.members.clear();
        self.text = TextBuf::with_capacity(text.len() + 16 + source.len());
        ProgramBuilder::new(text, &mut self.text, &mut self.members, scratch)
    }

    /// Links the built program from `root` on (module `link`) and appends `source` to its
    /// text; a tree or a build that broke its invariants (none does) fails closed.
    fn finish(&mut self, root: Option<u32>, scratch: &Scratch, source: &str) {
        let entry = root.and_then(|root| {
            self.nodes.resize(scratch.tests.len(), link::EMPTY_NODE);
            link::link(scratch, &mut self.nodes, root)
        });
        let Some(entry) = entry else {
            debug_assert!(false, "the built program does not link");
            self.matches_nothing(source);
            return;
        };
        self.canonical_end = self.text.len();
        if self.text.as_str() == source {
            self.source_start = 0;
        } else {
            self.source_start = self.canonical_end;
            self.text.push_str(source);
        }
        self.entry = entry;
        self.share_repeated_labels();
    }

    /// Gives every node that tests a label an earlier node tests that node's label range,
    /// and notes whether any did ([`Program::repeats`]). Done for programs of up to
    /// [`SHARED_LABELS_UP_TO`] nodes (the pairwise comparison stays small).
    fn share_repeated_labels(&mut self) {
        self.repeats = false;
        if self.nodes.len() > SHARED_LABELS_UP_TO {
            return;
        }
        let text = self.text.as_str().as_bytes();
        let name = |t: Text| text.get(t.start as usize..t.end as usize);
        for i in 1..self.nodes.len() {
            let Some(label) = self.nodes.get(i).map(|n| n.label) else {
                break;
            };
            let len = label.end.wrapping_sub(label.start);
            let first = self
                .nodes
                .iter()
                .take(i)
                .map(|n| n.label)
                .find(|&l| l.end.wrapping_sub(l.start) == len && name(l) == name(label));
            if let (Some(first), Some(node)) = (first, self.nodes.get_mut(i)) {
                node.label = first;
                self.repeats = true;
            }
        }
    }

    /// Makes this the program of `!all()`, which matches nothing, keeping `source`.
    #[cold]
    fn matches_nothing(&mut self, source: &str) {
        self.repeats = false;
        self.nodes.clear();
        self.members.clear();
        self.text = TextBuf::with_capacity(6 + source.len());
        self.text.push_str("!all()");
        self.canonical_end = self.text.len();
        self.source_start = self.canonical_end;
        self.text.push_str(source);
        self.entry = FALSE;
    }

    /// The canonical text of the selector the program was compiled from.
    pub(crate) fn canonical(&self) -> &str {
        self.text.as_str().get(..self.canonical_end).unwrap_or("")
    }

    /// The source text kept with the program (empty if none was).
    pub(crate) fn source(&self) -> &str {
        self.text.as_str().get(self.source_start..).unwrap_or("")
    }

    /// The distinct label names the program reads, in the order it first tests them (the
    /// likeliest to settle a chain first, see the module `order`).
    ///
    /// ```
    /// let s = selector_core::Selector::parse("b == 'x' || a != 'y' || has(b)").unwrap();
    /// assert_eq!(s.program().label_names().collect::<Vec<_>>(), ["a", "b"]);
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
            .as_str()
            .get(t.start as usize..t.end as usize)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use crate::Selector;

    #[test]
    fn texts_on_both_sides_of_the_inline_limit() {
        use super::TextBuf;
        let (mut inline, mut heap) = (0, 0);
        // Canonical plus source from under to over `INLINE_TEXT`, with more nodes and set
        // members than are kept inline.
        for len in 0..=120 {
            let value = "v".repeat(len);
            let src = format!("a == '{value}' || b in {{'2', '1', '3', '4', '5'}} || has(c) || d != 'x' || has(e)");
            let s = Selector::parse(&src).unwrap();
            match s.program().text {
                TextBuf::Inline(_) => inline += 1,
                TextBuf::Heap(_) => heap += 1,
            }
            assert_eq!(s.source(), src);
            let canonical = format!(
                r#"(a == "{value}" || b in {{"1", "2", "3", "4", "5"}} || has(c) || d != "x" || has(e))"#
            );
            assert_eq!(s.canonical(), canonical);
            assert!(s.matches(&[("a", value.as_str())]));
            assert!(s.matches(&[("b", "5")]));
            assert!(s.matches(&[("d", "y")]));
            assert!(!s.matches(&[("d", "x"), ("b", "6")]));
            assert_eq!(s.program().len(), 5);
            assert_eq!(Selector::parse(&canonical).unwrap(), s);
        }
        assert!(
            inline > 10 && heap > 10,
            "{inline} inline, {heap} on the heap"
        );
        // A compact source whose canonical text outgrows the room planned for it: the text
        // moves to the heap while being printed.
        for n in 1..=14 {
            let src = vec!["has(a)"; n].join("&&");
            let s = Selector::parse(&src).unwrap();
            assert_eq!(
                s.canonical(),
                format!("({})", vec!["has(a)"; n].join(" && ")).replace("(has(a))", "has(a)")
            );
            assert_eq!(s.source(), src);
            assert!(s.matches(&[("a", "")]) && !s.matches(&[("b", "")]));
            if n == 13 {
                // Planned inline (2 x 102 + 16 bytes), but 230 bytes long in the end.
                assert!(matches!(s.program().text, TextBuf::Heap(_)));
            }
        }
    }

    #[test]
    fn programs_keep_the_source_after_the_canonical_text_unless_it_is_that_text() {
        let s = Selector::parse("  b in {'y','x'} &&a=='z' ").unwrap();
        assert_eq!(s.source(), "  b in {'y','x'} &&a=='z' ");
        assert_eq!(s.canonical(), r#"(b in {"x", "y"} && a == "z")"#);
        // A program compiled from the tree keeps no source, and equals the parsed one.
        let compiled = super::Program::compile(s.ast());
        assert_eq!(compiled.source(), "");
        assert_eq!(&compiled, s.program());
        // `a == "z"` is tested first: it is the likelier to fail.
        assert_eq!(compiled.label_names().collect::<Vec<_>>(), ["a", "b"]);
        let rebuilt = Selector::from_expr(s.ast().clone());
        assert_eq!(rebuilt.source(), rebuilt.canonical());
        assert_eq!(rebuilt, s);
        // A source that is its own canonical text is kept once.
        let canonical = r#"(b in {"x", "y"} && a == "z")"#;
        let same = Selector::parse(canonical).unwrap();
        assert_eq!((same.source(), same.canonical()), (canonical, canonical));
        assert_eq!(same.program().text.as_str(), canonical);
        assert_eq!(rebuilt.program().text.as_str(), canonical);
        // An empty source is kept as such, apart from its canonical text.
        for src in ["", "  "] {
            let all = Selector::parse(src).unwrap();
            assert_eq!((all.source(), all.canonical()), (src, "all()"));
        }
    }

    /// The `(` of a chain is inserted where its first operand started, once the parser
    /// sees the chain: everything recorded in that operand moves with its text.
    #[test]
    fn chains_found_late_move_their_first_operand() {
        let labels: [&[(&str, &str)]; 4] = [
            &[("a", "x"), ("b", "1"), ("c", "y")],
            &[("a", "z"), ("b", "2"), ("d", "w")],
            &[("c", "y"), ("d", "w"), ("e", "")],
            &[],
        ];
        for (src, canonical, tested) in [
            (
                "a in {'y','x'} && b == '1'",
                r#"(a in {"x", "y"} && b == "1")"#,
                &["a", "b"][..],
            ),
            (
                "((a == 'x' || b in {'2'}) && c == 'y') || d == 'w'",
                r#"(((a == "x" || b in {"2"}) && c == "y") || d == "w")"#,
                &["a", "b", "c", "d"],
            ),
            (
                "!(a == 'x' && has(b)) && !has(e) || c != 'y'",
                r#"((!(a == "x" && has(b)) && !has(e)) || c != "y")"#,
                &["a", "b", "c", "e"],
            ),
            (
                "!a in {'x'} && b not in {'1', '2'} && (c == 'y')",
                r#"(!a in {"x"} && b not in {"1", "2"} && c == "y")"#,
                &["a", "b", "c"],
            ),
        ] {
            let s = Selector::parse(src).unwrap();
            assert_eq!(s.canonical(), canonical, "{src}");
            assert_eq!(s.source(), src);
            for l in labels {
                assert_eq!(
                    s.matches(l),
                    crate::walk::matches(s.ast(), l),
                    "{src} {l:?}"
                );
            }
            // The program's strings are the tested ones, wherever the text moved them.
            let mut names: Vec<&str> = s.program().label_names().collect();
            names.sort_unstable();
            assert_eq!(names, tested, "{src}");
            assert_eq!(&super::Program::compile(s.ast()), s.program(), "{src}");
        }
    }

    /// Trees the parser cannot build (chains of no or one operand) compile from an `Expr`
    /// as they print and evaluate.
    #[test]
    fn chains_of_no_or_one_operand_compile_from_an_expr() {
        use crate::syntax::ast::{Expr, Span};
        let span = Span::new(0, 0);
        let has = |l: &str| Expr::Has {
            label: l.into(),
            span,
        };
        let cases = [
            (
                Expr::And {
                    exprs: vec![],
                    span,
                },
                "()",
                true,
            ),
            (
                Expr::Or {
                    exprs: vec![],
                    span,
                },
                "()",
                false,
            ),
            (
                Expr::And {
                    exprs: vec![has("a")],
                    span,
                },
                "(has(a))",
                true,
            ),
            (
                Expr::Or {
                    exprs: vec![
                        Expr::Or {
                            exprs: vec![],
                            span,
                        },
                        has("b"),
                    ],
                    span,
                },
                "(() || has(b))",
                false,
            ),
        ];
        for (expr, canonical, matches_a) in cases {
            let p = super::Program::compile(&expr);
            assert_eq!(p.canonical(), canonical);
            assert_eq!(p.canonical(), crate::print::canonical(&expr));
            assert_eq!(p.run(&[("a", "")]), matches_a, "{canonical}");
            assert_eq!(
                p.run(&[("a", "")]),
                crate::walk::matches(&expr, &[("a", "")])
            );
            assert!(p.run(&[("a", ""), ("b", "")]) || canonical == "()");
        }
    }
}
