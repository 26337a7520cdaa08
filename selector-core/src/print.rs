//! Canonical text (SPEC.md section 5; Calico's `String()`) of an [`Expr`].
//!
//! The printer itself works on the parser's compact tree (the crate-private
//! `tree::Printer`), which prints a parsed selector's canonical text while compiling it;
//! these functions copy an [`Expr`] into such a tree first.

use crate::ast::Expr;
use crate::tree::{Printer, Tree};

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
