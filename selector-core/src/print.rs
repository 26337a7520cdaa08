//! Canonical text (SPEC.md section 5; Calico's `String()`) of an [`Expr`].
//!
//! The printer works on the parser's flat tree: it prints a parsed selector's canonical text
//! and, in the same walk, hands each label test to a `Sink` (the compiler's, which makes
//! the program's nodes from them: see [`crate::compile`]). The public functions copy an
//! [`Expr`] into such a tree first.

use crate::lexer::contains_byte;
use crate::syntax::ast::{CompareOp, Expr};
use crate::syntax::tree::{index_slice, text_range, Kind, Slice, Text, Tree};

/// The canonical text of `expr`.
///
/// ```
/// let s = selector_core::Selector::parse("b in {'y','x','y',} && !!has( a )").unwrap();
/// assert_eq!(selector_core::print::canonical(s.ast()), "(b in {\"x\", \"y\"} && has(a))");
/// ```
pub fn canonical(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr);
    out
}

/// A text that parses back to exactly this tree: the canonical text, except that a negation
/// of a negation is printed `!(!x)` rather than `!!x` (which would parse as `x`, SPEC.md
/// section 5). Used as the source text of selectors built from a tree.
///
/// ```
/// use selector_core::{print, Selector};
/// let s = Selector::parse("!(!has(a))").unwrap();
/// assert_eq!(print::canonical(s.ast()), "!!has(a)");
/// assert_eq!(print::reparseable(s.ast()), "!(!has(a))");
/// assert_eq!(Selector::parse(&print::reparseable(s.ast())).unwrap().ast(), s.ast());
/// ```
pub fn reparseable(expr: &Expr) -> String {
    let (tree, text) = Tree::from_expr(expr);
    let mut out = String::new();
    if Printer::new(&tree, &text, &mut out)
        .reparseable()
        .print()
        .is_none()
    {
        out = MATCHES_NOTHING.into();
    }
    out
}

/// Appends the canonical text of `expr` to `out`.
///
/// ```
/// let s = selector_core::Selector::parse("!has(a)").unwrap();
/// let mut out = String::from("selector: ");
/// selector_core::print::write_expr(&mut out, s.ast());
/// assert_eq!(out, "selector: !has(a)");
/// ```
pub fn write_expr(out: &mut String, expr: &Expr) {
    let (tree, text) = Tree::from_expr(expr);
    let start = out.len();
    if Printer::new(&tree, &text, out).print().is_none() {
        out.truncate(start);
        out.push_str(MATCHES_NOTHING);
    }
}

/// What a tree that breaks its invariants prints as (a tree from an [`Expr`] never does).
const MATCHES_NOTHING: &str = "!all()";

/// The quote Calico prints the value at `range` of `text` in: double, or single when the
/// value contains a double quote (there are no escapes, so no value holds both).
fn quote_for(text: &str, range: Text) -> char {
    // Read from the text eight bytes at a time (a short value is one load): values are
    // short, and this beats a byte loop over the value or a call to memchr.
    if contains_byte(
        text.as_bytes(),
        range.start as usize,
        range.end as usize,
        b'"',
    ) {
        '\''
    } else {
        '"'
    }
}

/// Where a [`Printer`] writes: a `String`, or a program's text buffer.
pub(crate) trait Output {
    /// Appends `s`.
    fn push_str(&mut self, s: &str);
    /// The length written so far, in bytes.
    fn len(&self) -> usize;
}

impl Output for String {
    #[inline]
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
    #[inline]
    fn len(&self) -> usize {
        String::len(self)
    }
}

/// What a printed label test checks, its strings as ranges of the printed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    /// Present.
    Has,
    /// Present and equal to the string.
    Eq(Text),
    /// Present and `contains` / `starts with` / `ends with` the string.
    Text(CompareOp, Text),
    /// Present and one of the set members `start..end` (counted as [`Sink::member`] got
    /// them; sorted by byte order, distinct).
    In { start: u32, end: u32 },
}

/// Where a recording [`Printer`] reports each label test, in text order, and each set
/// member, as ranges of the printed text.
pub(crate) trait Sink {
    /// Room for `tests` tests and `members` members.
    fn reserve(&mut self, tests: usize, members: usize);
    /// How many members were reported so far.
    fn members(&self) -> usize;
    /// A set member.
    fn member(&mut self, value: Text);
    /// A label test: tree node `node`.
    fn test(&mut self, node: u32, label: Text, test: Test);
}

impl<S: Sink> Sink for &mut S {
    #[inline]
    fn reserve(&mut self, tests: usize, members: usize) {
        (**self).reserve(tests, members);
    }
    #[inline]
    fn members(&self) -> usize {
        (**self).members()
    }
    #[inline]
    fn member(&mut self, value: Text) {
        (**self).member(value);
    }
    #[inline]
    fn test(&mut self, node: u32, label: Text, test: Test) {
        (**self).test(node, label, test);
    }
}

/// Records nothing: printing only.
impl Sink for () {
    #[inline]
    fn reserve(&mut self, _: usize, _: usize) {}
    #[inline]
    fn members(&self) -> usize {
        0
    }
    #[inline]
    fn member(&mut self, _: Text) {}
    #[inline]
    fn test(&mut self, _: u32, _: Text, _: Test) {}
}

/// Canonical text (SPEC.md section 5; Calico's `String()`), reporting each label test of the
/// tree to a [`Sink`] as it goes. It writes into buffers it borrows, so a program's are filled
/// where they will stay.
///
/// Most selectors are written much as Calico prints them (`app == "web" && has(x)`), so the
/// printer does not copy piece by piece: it keeps a pending range of the text that equals
/// what it has printed since the last write (see [`Printer::range`] and [`Printer::put`]),
/// and writes that range in one copy when the next piece is not the text's next bytes. A
/// selector written canonically costs one copy for each chain's body instead of one per label,
/// operator, quote and value.
pub(crate) struct Printer<'a, 'o, O: Output, R: Sink = ()> {
    tree: &'a Tree,
    text: &'a str,
    /// Prints a negated negation `!(!x)` rather than `!!x` (which would parse as `x`).
    reparseable: bool,
    /// Where the text goes.
    out: &'o mut O,
    /// Where label tests go.
    sink: R,
    /// `text[pending..next]` is printed but not yet written to `out`.
    pending: usize,
    /// Where the pending range ends: the text's next byte if the next piece continues it.
    next: usize,
    /// Where the text's bytes land in the output: byte `i` of the pending range is output
    /// byte `i + shift` (wrapping arithmetic).
    shift: usize,
    /// Whether a pending range was not a range of the text (which no tree's ranges are).
    broken: bool,
}

impl<'a, 'o, O: Output> Printer<'a, 'o, O> {
    /// A printer of `tree` over `text`, appending to `out`.
    pub(crate) fn new(tree: &'a Tree, text: &'a str, out: &'o mut O) -> Self {
        let shift = out.len();
        Printer {
            tree,
            text,
            reparseable: false,
            out,
            sink: (),
            pending: 0,
            next: 0,
            shift,
            broken: false,
        }
    }

    /// Also reports every label test and set member to `sink`.
    pub(crate) fn recording<R: Sink>(self, mut sink: R) -> Printer<'a, 'o, O, R> {
        sink.reserve(self.tree.tests(), self.tree.member_count());
        Printer {
            tree: self.tree,
            text: self.text,
            reparseable: self.reparseable,
            out: self.out,
            sink,
            pending: self.pending,
            next: self.next,
            shift: self.shift,
            broken: self.broken,
        }
    }
}

impl<O: Output, R: Sink> Printer<'_, '_, O, R> {
    /// Prints negated negations as `!(!x)` (see [`reparseable`]).
    pub(crate) fn reparseable(mut self) -> Self {
        self.reparseable = true;
        self
    }

    /// Prints the whole tree; `None` if the tree breaks its invariants (which none does),
    /// after which the output is incomplete and must be thrown away.
    #[must_use]
    pub(crate) fn print(mut self) -> Option<()> {
        let root = self.tree.root()?;
        self.node(root)?;
        self.flush();
        (!self.broken).then_some(())
    }

    /// Writes the pending range to the output, if there is one.
    #[inline(always)]
    fn flush(&mut self) {
        if self.next != self.pending {
            self.write_pending();
        }
    }

    /// Writes the pending range (kept out of line: most pieces extend it instead).
    #[inline(never)]
    fn write_pending(&mut self) {
        self.write_pending_inline();
    }

    /// [`Printer::write_pending`] for the writers out of line themselves: one call, not two.
    #[inline(always)]
    fn write_pending_inline(&mut self) {
        match self.text.get(self.pending..self.next) {
            Some(s) => self.out.push_str(s),
            None => self.broken(),
        }
        self.pending = self.next;
    }

    /// A range that is not one of the text (a tree that breaks its invariants).
    #[cold]
    fn broken(&mut self) {
        debug_assert!(
            false,
            "{}..{} of a text of {}",
            self.pending,
            self.next,
            self.text.len()
        );
        self.broken = true;
    }

    /// Prints the constant `s`: extends the pending range if the text goes on with `s`.
    /// Always inlined, so that the comparison is of a length known at compile time; the
    /// writes are out of line but for parentheses (a chain's are written at nearly every
    /// chain), which keeps the printer's code small.
    #[inline(always)]
    fn put(&mut self, s: &'static str) {
        let end = self.next + s.len();
        if self.text.as_bytes().get(self.next..end) == Some(s.as_bytes()) {
            self.next = end;
        } else if s == "(" || s == ")" {
            // Written at nearly every chain: inline, as a store.
            self.flush();
            self.out.push_str(s);
            self.shift = self.shift.wrapping_add(1);
        } else if let [b] = s.as_bytes() {
            self.write_byte(*b);
        } else {
            self.write(s);
        }
    }

    /// Writes `s` to the output after the pending range.
    #[inline(never)]
    fn write(&mut self, s: &str) {
        if self.next != self.pending {
            self.write_pending_inline();
        }
        self.out.push_str(s);
        // The text's next byte now lands `s.len()` further on in the output.
        self.shift = self.shift.wrapping_add(s.len());
    }

    /// Writes the one-byte (so ASCII) constant `b` after the pending range: for a quote,
    /// [`Printer::write`] with a length known at compile time (a store, not a call to
    /// `memcpy`).
    #[inline(never)]
    fn write_byte(&mut self, b: u8) {
        if self.next != self.pending {
            self.write_pending_inline();
        }
        match b {
            b'"' => self.out.push_str("\""),
            b'\'' => self.out.push_str("'"),
            _ => self.out.push_str(char::from(b).encode_utf8(&mut [0; 4])),
        }
        self.shift = self.shift.wrapping_add(1);
    }

    /// Prints the quote `q` (an ASCII quote).
    #[inline(always)]
    fn quote(&mut self, q: char) {
        match self.text.as_bytes().get(self.next) {
            Some(&b) if b == q as u8 => self.next += 1,
            Some(b'"' | b'\'') => self.requote(q),
            _ => self.write_byte(q as u8),
        }
    }

    /// Prints the quote `q` in place of the other quote, the text's next byte: a value
    /// written in single quotes that Calico prints in double ones, or the other way round.
    /// The pending range starts again after that byte, so that what follows the value can
    /// still be copied from the text.
    #[inline(never)]
    fn requote(&mut self, q: char) {
        if self.next != self.pending {
            self.write_pending_inline();
        }
        self.out.push_str(if q == '"' { "\"" } else { "'" });
        // One byte for one: the text's bytes after it keep their place in the output.
        self.next += 1;
        self.pending = self.next;
    }

    /// Prints `text[range]` and returns where it is in the output.
    #[inline(always)]
    fn range(&mut self, range: Text) -> Text {
        let (start, end) = (range.start as usize, range.end as usize);
        if start != self.next {
            self.restart(start);
        }
        self.next = end;
        text_range(start.wrapping_add(self.shift), end.wrapping_add(self.shift))
    }

    /// Writes the pending range and starts a new one at `start`.
    #[inline(never)]
    fn restart(&mut self, start: usize) {
        self.flush();
        // The output's next byte, where `text[start]` will be.
        let at = self.next.wrapping_add(self.shift);
        self.shift = at.wrapping_sub(start);
        self.pending = start;
        self.next = start;
    }

    /// The value at `range` in quote `q` (the one Calico prints it in: [`quote_for`]);
    /// returns where the value (without its quotes) is in the output.
    #[inline(always)]
    fn quoted(&mut self, range: Text, q: char) -> Text {
        self.quote(q);
        let value = self.range(range);
        self.quote(q);
        value
    }

    /// The quote Calico prints the value at `range` in. A parsed value written in double
    /// quotes holds none, so it needs no look (nearly all are written so).
    #[inline(always)]
    fn quote_for(&self, range: Text) -> char {
        let before = (range.start as usize).wrapping_sub(1);
        if self.tree.parsed() && self.text.as_bytes().get(before) == Some(&b'"') {
            '"'
        } else {
            quote_for(self.text, range)
        }
    }

    fn node(&mut self, n: u32) -> Option<()> {
        match self.tree.node(n)?.kind {
            Kind::Not { child } => {
                self.put("!");
                let double = matches!(self.tree.node(child)?.kind, Kind::Not { .. });
                if self.reparseable && double {
                    self.put("(");
                    self.node(child)?;
                    self.put(")");
                    Some(())
                } else {
                    self.node(child)
                }
            }
            Kind::And { kids } => self.chain::<true>(kids),
            Kind::Or { kids } => self.chain::<false>(kids),
            leaf => {
                self.leaf(n, leaf);
                Some(())
            }
        }
    }

    /// `(a && b && ...)` or `(a || b || ...)`; the tests among the operands are printed here
    /// rather than in a call each.
    fn chain<const AND: bool>(&mut self, kids: Slice) -> Option<()> {
        let tree = self.tree;
        self.put("(");
        for (i, &k) in tree.kids(kids).iter().enumerate() {
            if i > 0 {
                if AND {
                    self.put(" && ");
                } else {
                    self.put(" || ");
                }
            }
            match tree.node(k)?.kind {
                Kind::Not { .. } | Kind::And { .. } | Kind::Or { .. } => self.node(k)?,
                leaf => self.leaf(k, leaf),
            }
        }
        self.put(")");
        Some(())
    }

    /// Prints a node that has no operands (a label test, `all()` or `global()`) and reports
    /// its test.
    #[inline(always)]
    fn leaf(&mut self, n: u32, kind: Kind) {
        match kind {
            Kind::Has { label } => {
                self.put("has(");
                let label = self.range(label);
                self.put(")");
                self.sink.test(n, label, Test::Has);
            }
            Kind::Compare { cmp, label, value } => {
                let quote = self.quote_for(value);
                let label = self.range(label);
                match cmp {
                    CompareOp::Eq => self.put(" == "),
                    CompareOp::Ne => self.put(" != "),
                    CompareOp::Contains => self.put(" contains "),
                    CompareOp::StartsWith => self.put(" starts with "),
                    CompareOp::EndsWith => self.put(" ends with "),
                }
                let value = self.quoted(value, quote);
                let test = match cmp {
                    CompareOp::Eq | CompareOp::Ne => Test::Eq(value),
                    _ => Test::Text(cmp, value),
                };
                self.sink.test(n, label, test);
            }
            Kind::In {
                label,
                members,
                negated,
            } => {
                let label = self.range(label);
                if negated {
                    self.put(" not in {");
                } else {
                    self.put(" in {");
                }
                let start = self.sink.members();
                for (i, &m) in self.tree.members(members).iter().enumerate() {
                    if i > 0 {
                        self.put(", ");
                    }
                    let q = self.quote_for(m);
                    let member = self.quoted(m, q);
                    self.sink.member(member);
                }
                self.put("}");
                let range = index_slice(start, self.sink.members());
                self.sink.test(
                    n,
                    label,
                    Test::In {
                        start: range.start,
                        end: range.end,
                    },
                );
            }
            Kind::All => self.put("all()"),
            Kind::Global => self.put("global()"),
            // Not leaves: printed by `node`.
            Kind::Not { .. } | Kind::And { .. } | Kind::Or { .. } => {
                debug_assert!(false, "{kind:?} is not a leaf");
                self.broken = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::Program;
    use crate::test_strategies::selector_text;
    use crate::Selector;
    use proptest::prelude::*;

    /// The canonical text by the letter of SPEC.md section 5, one `format!` per node: what
    /// the printer's copies of pending ranges must add up to.
    fn reference(e: &Expr, reparseable: bool) -> String {
        let quoted = |v: &str| {
            let q = if v.contains('"') { '\'' } else { '"' };
            format!("{q}{v}{q}")
        };
        let chain = |es: &[Expr], sep: &str| {
            let parts: Vec<String> = es.iter().map(|e| reference(e, reparseable)).collect();
            format!("({})", parts.join(sep))
        };
        match e {
            Expr::All { .. } => "all()".into(),
            Expr::Global { .. } => "global()".into(),
            Expr::Has { label, .. } => format!("has({label})"),
            Expr::Compare {
                cmp, label, value, ..
            } => format!("{label} {} {}", cmp.as_str(), quoted(value)),
            Expr::In {
                label,
                values,
                negated,
                ..
            } => {
                let mut values = values.clone();
                values.sort();
                values.dedup();
                let values: Vec<String> = values.iter().map(|v| quoted(v)).collect();
                let op = if *negated { "not in" } else { "in" };
                format!("{label} {op} {{{}}}", values.join(", "))
            }
            Expr::Not { expr, .. } => match **expr {
                Expr::Not { .. } if reparseable => format!("!({})", reference(expr, true)),
                _ => format!("!{}", reference(expr, reparseable)),
            },
            Expr::And { exprs, .. } => chain(exprs, " && "),
            Expr::Or { exprs, .. } => chain(exprs, " || "),
        }
    }

    /// Every label test as (label, test, strings), sorted: from the syntax tree...
    fn tests_of_expr(e: &Expr, out: &mut Vec<(String, String, Vec<String>)>) {
        match e {
            Expr::Has { label, .. } => out.push((label.clone(), "has".into(), vec![])),
            Expr::Compare {
                cmp, label, value, ..
            } => {
                let op = match cmp {
                    CompareOp::Eq | CompareOp::Ne => "==",
                    _ => cmp.as_str(),
                };
                out.push((label.clone(), op.into(), vec![value.clone()]));
            }
            Expr::In { label, values, .. } => {
                let mut values = values.clone();
                values.sort();
                values.dedup();
                out.push((label.clone(), "in".into(), values));
            }
            Expr::Not { expr, .. } => tests_of_expr(expr, out),
            Expr::And { exprs, .. } | Expr::Or { exprs, .. } => {
                exprs.iter().for_each(|e| tests_of_expr(e, out));
            }
            Expr::All { .. } | Expr::Global { .. } => {}
        }
    }

    /// ... and from a program, through the ranges the printer reported.
    fn tests_of_program(p: &Program) -> Vec<(String, String, Vec<String>)> {
        let mut out: Vec<_> = p
            .nodes
            .iter()
            .map(|n| {
                let label = p.str(n.label).to_owned();
                match n.test {
                    Test::Has => (label, "has".into(), vec![]),
                    Test::Eq(v) => (label, "==".into(), vec![p.str(v).to_owned()]),
                    Test::Text(cmp, v) => (label, cmp.as_str().into(), vec![p.str(v).to_owned()]),
                    Test::In { start, end } => {
                        let members = &p.members[start as usize..end as usize];
                        let values = members.iter().map(|&m| p.str(m).to_owned()).collect();
                        (label, "in".into(), values)
                    }
                }
            })
            .collect();
        out.sort();
        out
    }

    /// Checks that the tests recorded in `p` are the tree's `tests` (sorted), less any the
    /// compiler skipped because an earlier test of the same label settles them.
    fn recorded(p: &Program, tests: &[(String, String, Vec<String>)], src: &str) {
        let got = tests_of_program(p);
        if got.len() == tests.len() {
            assert_eq!(got, tests, "{src}");
            return;
        }
        let mut left = tests.to_vec();
        for t in &got {
            let at = left.iter().position(|x| x == t);
            assert!(at.is_some(), "{src}: {t:?} is not among {tests:?}");
            left.remove(at.unwrap());
        }
    }

    /// Checks every way of printing `src`'s tree against [`reference`].
    fn check(src: &str) {
        let s = Selector::parse(src).unwrap();
        let ast = s.ast();
        let expected = reference(ast, false);
        assert_eq!(s.canonical(), expected, "{src}");
        assert_eq!(canonical(ast), expected, "{src}");
        assert_eq!(reparseable(ast), reference(ast, true), "{src}");
        let mut out = String::from("selector: ");
        write_expr(&mut out, ast);
        assert_eq!(out, format!("selector: {expected}"), "{src}");
        let mut tests = vec![];
        tests_of_expr(ast, &mut tests);
        tests.sort();
        recorded(s.program(), &tests, src);
        recorded(&Program::compile(ast), &tests, src);
        let again = Selector::parse(&reparseable(ast)).unwrap();
        assert_eq!(again.canonical(), expected, "{src}");
    }

    #[test]
    fn texts_partly_written_canonically_print_the_same() {
        for src in [
            r#"a == "x" && b == "y""#,
            r#"(a == "x" && b == "y")"#,
            r#"(a == "x" && b == "y") || c != "z""#,
            r#"a == "x" &&  b == "y""#,
            r#"a == "x"&&b == "y""#,
            r#"a == 'x' && b == "y""#,
            r#"a == 'x"y' && b == "x'y" && c == 'x'"#,
            r#"a in {"x", "y"} && b not in {"z"}"#,
            r#"a in {"y", "x", "y"}"#,
            r#"a in {"x","y"}"#,
            r#"a in {} && b not in {}"#,
            r#"a in {'x"', "y"}"#,
            r#"has(a) && !has(b) && !!has(c) && !(!has(d))"#,
            r#"!(a == "x" || has(b))"#,
            r#"((has(a)))"#,
            r#"( has(a) && has(b) )"#,
            r#"all() && global() || !all()"#,
            r#""#,
            r#"a starts with "x" || a startswith "x" || a ends with "y" || a contains "z""#,
            r#"has(a) && has(a) && has(a)"#,
        ] {
            check(src);
        }
    }

    /// The printer copies only bytes equal to what it prints, so a tree made from an `Expr`,
    /// whose text is its strings back to back, prints right even where they read like
    /// printed text.
    #[test]
    fn strings_that_read_like_printed_text_are_printed() {
        let e = Expr::And {
            exprs: vec![
                Expr::Has {
                    label: "a) && has(b".into(),
                    span: crate::ast::Span::new(0, 0),
                },
                Expr::Compare {
                    cmp: CompareOp::Eq,
                    label: "(".into(),
                    value: " == \"".into(),
                    span: crate::ast::Span::new(0, 0),
                },
            ],
            span: crate::ast::Span::new(0, 0),
        };
        assert_eq!(canonical(&e), reference(&e, false));
        assert_eq!(canonical(&e), r#"(has(a) && has(b) && ( == ' == "')"#);
        // Its values are not between quotes of their own: one that follows a double quote
        // may hold one.
        let e = Expr::Compare {
            cmp: CompareOp::Eq,
            label: "a\"".into(),
            value: "b\"c".into(),
            span: crate::ast::Span::new(0, 0),
        };
        assert_eq!(canonical(&e), r#"a" == 'b"c'"#);
    }

    /// A tree whose ranges are not ranges of its text: the debug assertion catches it...
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "0..7 of a text of 4")]
    fn ranges_outside_the_text_are_caught_in_debug_builds() {
        let t = crate::syntax::parser::with_tree("has(abc)", Clone::clone).unwrap();
        let _ = Program::from_tree(&t, "has(", "");
    }

    /// ... and in release builds it fails closed: `!all()`.
    #[test]
    #[cfg(not(debug_assertions))]
    fn ranges_outside_the_text_fail_closed() {
        let t = crate::syntax::parser::with_tree("has(abc)", Clone::clone).unwrap();
        let p = Program::from_tree(&t, "has(", "");
        assert_eq!(p.canonical(), MATCHES_NOTHING);
        assert!(!p.run(&[("abc", "")]));
    }

    proptest! {
        #[test]
        fn every_spelling_prints_the_reference_text(
            src in selector_text(),
            spelling in any::<u8>(),
        ) {
            // Spell the same selector more or less the way Calico prints it.
            let mut src = src;
            let respell = [
                ("'", "\""),
                (" == ", "=="),
                ("(", "( "),
                (" && ", "&&"),
                (", ", ","),
                (" || ", " ||  "),
                ("!(", "!( "),
            ];
            for (bit, (from, to)) in respell.iter().enumerate() {
                if spelling & (1 << bit) != 0 {
                    src = src.replace(from, to);
                }
            }
            if spelling & 0x80 != 0 {
                src = format!("({src})");
            }
            check(&src);
        }
    }
}
