//! Canonical text (SPEC.md section 5; Calico's `String()`) of an [`Expr`].
//!
//! The printer works on the parser's flat tree (the public functions copy an [`Expr`] into
//! one first). How each label test is printed is shared with the compiler, which prints a
//! selector's canonical text as the parser reads it ([`crate::compile`]).

use crate::lexer::contains_byte;
use crate::syntax::ast::{CompareOp, Expr};
use crate::syntax::tree::{text_range, Kind, Slice, Text, Tree};

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

/// What a printed label test checks, its strings as ranges of the printed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    /// Present.
    Has,
    /// Present and equal to the string.
    Eq(Text),
    /// Present and `contains` / `starts with` / `ends with` the string.
    Text(CompareOp, Text),
    /// Present and one of the set members `start..end` (counted in the order
    /// [`TestPrinter::set`] reported them; sorted by byte order, distinct).
    In { start: u32, end: u32 },
}

/// Prints label tests, whose names and values are ranges of `text`, into `out`, and says
/// where their strings now are: what the [`Printer`] and the compiler (which prints while
/// the parser reads) share.
pub(crate) struct TestPrinter<'a, 'o, O: Output> {
    pub(crate) text: &'a str,
    pub(crate) out: &'o mut O,
}

impl<O: Output> TestPrinter<'_, '_, O> {
    /// Copies `text[range]` and returns where it now is in the output; `None` for a range
    /// that is not one of the text (a tree that breaks its invariants), which fails the print
    /// (a compiled program then matches nothing).
    fn push(&mut self, range: Text) -> Option<Text> {
        let start = self.out.len();
        let s = self.text.get(range.start as usize..range.end as usize);
        debug_assert!(
            s.is_some(),
            "{}..{} of a text of {}",
            range.start,
            range.end,
            self.text.len()
        );
        self.out.push_str(s?);
        Some(text_range(start, self.out.len()))
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
    fn push_quoted(&mut self, range: Text, q: char) -> Option<Text> {
        self.out.push(q);
        let value = self.push(range)?;
        self.out.push(q);
        Some(value)
    }

    /// Prints `has(label)`; returns where the label now is.
    #[inline]
    pub(crate) fn has(&mut self, label: Text) -> Option<Text> {
        match self.verbatim(
            label.start.checked_sub(4),
            label.end.saturating_add(1),
            |t| t.starts_with(b"has(") && t.ends_with(b")"),
        ) {
            Some(at) => Some(text_range(
                at + 4,
                at + 4 + (label.end - label.start) as usize,
            )),
            None => {
                self.out.push_str("has(");
                let label = self.push(label)?;
                self.out.push(')');
                Some(label)
            }
        }
    }

    /// Prints `label <cmp> "value"`; returns what it tests.
    #[inline]
    pub(crate) fn compare(
        &mut self,
        cmp: CompareOp,
        label: Text,
        value: Text,
    ) -> Option<(Text, Test)> {
        let op = cmp.as_str().as_bytes();
        let quote = quote_for(self.text, value);
        // `label op "value"` if the text has it so: the label, one space, the
        // operator, one space and the value in its canonical quotes.
        let is_canonical = |t: &[u8]| {
            let after_label = (label.end - label.start) as usize;
            // The operator with its spaces, a constant per arm, so that the
            // comparison is a few loads rather than a call to memcmp.
            let spaced_op = t.get(after_label..).is_some_and(|rest| match cmp {
                CompareOp::Eq => rest.starts_with(b" == "),
                CompareOp::Ne => rest.starts_with(b" != "),
                CompareOp::Contains => rest.starts_with(b" contains "),
                CompareOp::StartsWith => rest.starts_with(b" starts with "),
                CompareOp::EndsWith => rest.starts_with(b" ends with "),
            });
            t.len() == after_label + op.len() + 4 + (value.end - value.start) as usize
                && spaced_op
                && t.get(after_label + 2 + op.len()) == Some(&(quote as u8))
                && t.last() == Some(&(quote as u8))
        };
        let (label, value) =
            match self.verbatim(Some(label.start), value.end.saturating_add(1), is_canonical) {
                Some(at) => {
                    let shift = |r: Text| {
                        let start = at + (r.start - label.start) as usize;
                        text_range(start, start + (r.end - r.start) as usize)
                    };
                    (shift(label), shift(value))
                }
                None => {
                    let label = self.push(label)?;
                    self.out.push(' ');
                    self.out.push_str(cmp.as_str());
                    self.out.push(' ');
                    (label, self.push_quoted(value, quote)?)
                }
            };
        let test = match cmp {
            CompareOp::Eq | CompareOp::Ne => Test::Eq(value),
            _ => Test::Text(cmp, value),
        };
        Some((label, test))
    }

    /// Prints `label in {"a", "b"}` (`not in` when `negated`) with the set's values (sorted
    /// and distinct), handing each member's printed range to `member`; returns where the
    /// label now is.
    #[inline]
    pub(crate) fn set(
        &mut self,
        label: Text,
        values: &[Text],
        negated: bool,
        mut member: impl FnMut(Text),
    ) -> Option<Text> {
        let label = self.push(label)?;
        self.out
            .push_str(if negated { " not in {" } else { " in {" });
        for (i, &m) in values.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            member(self.push_quoted(m, quote_for(self.text, m))?);
        }
        self.out.push('}');
        Some(label)
    }
}

/// Canonical text (SPEC.md section 5; Calico's `String()`) of a tree. It writes into a
/// buffer it borrows.
pub(crate) struct Printer<'a, 'o, O: Output> {
    tree: &'a Tree,
    /// Prints a negated negation `!(!x)` rather than `!!x` (which would parse as `x`).
    reparseable: bool,
    /// Prints the label tests; where the text goes.
    tests: TestPrinter<'a, 'o, O>,
}

impl<'a, 'o, O: Output> Printer<'a, 'o, O> {
    /// A printer of `tree` over `text`, appending to `out`.
    pub(crate) fn new(tree: &'a Tree, text: &'a str, out: &'o mut O) -> Self {
        Printer {
            tree,
            reparseable: false,
            tests: TestPrinter { text, out },
        }
    }

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
        self.node(root)
    }

    fn node(&mut self, n: u32) -> Option<()> {
        match self.tree.node(n)?.kind {
            Kind::All => self.tests.out.push_str("all()"),
            Kind::Global => self.tests.out.push_str("global()"),
            Kind::Has { label } => {
                self.tests.has(label)?;
            }
            Kind::Compare { cmp, label, value } => {
                self.tests.compare(cmp, label, value)?;
            }
            Kind::In {
                label,
                members,
                negated,
            } => {
                self.tests
                    .set(label, self.tree.members(members), negated, |_| {})?;
            }
            Kind::Not { child } => {
                self.tests.out.push('!');
                let double = matches!(self.tree.node(child)?.kind, Kind::Not { .. });
                if self.reparseable && double {
                    self.tests.out.push('(');
                    self.node(child)?;
                    self.tests.out.push(')');
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
        self.tests.out.push('(');
        for (i, &k) in tree.kids(kids).iter().enumerate() {
            if i > 0 {
                self.tests.out.push_str(sep);
            }
            self.node(k)?;
        }
        self.tests.out.push(')');
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::Program;
    use crate::test_strategies::selector_text;
    use crate::Selector;
    use proptest::prelude::*;

    /// The canonical text by the letter of SPEC.md section 5, one `format!` per node:
    /// what the printer, copying and piece by piece, must write.
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
        assert_eq!(tests_of_program(s.program()), tests, "{src}");
        assert_eq!(tests_of_program(&Program::compile(ast)), tests, "{src}");
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
    #[should_panic(expected = "4..7 of a text of 4")]
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
