//! Canonical text (SPEC.md section 5; Calico's `String()`).

use crate::ast::Expr;

/// The canonical text of `expr`.
///
/// ```
/// let s = selector_core::Selector::parse("b in {'y','x','y',} && !!has( a )").unwrap();
/// assert_eq!(selector_core::print::canonical(s.ast()), "(b in {\"x\", \"y\"} && has(a))");
/// ```
pub fn canonical(expr: &Expr) -> String {
    // One allocation in the common case: canonical text is rarely longer than 64 bytes
    // plus the span of the source it came from.
    let span = expr.span();
    let mut out = String::with_capacity(64 + span.end.saturating_sub(span.start));
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
    let mut out = String::new();
    write(&mut out, expr, true);
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
    write(out, expr, false);
}

/// Canonical text, or with `reparseable` the form that keeps nested negations apart.
fn write(out: &mut String, expr: &Expr, reparseable: bool) {
    match expr {
        Expr::All { .. } => out.push_str("all()"),
        Expr::Global { .. } => out.push_str("global()"),
        Expr::Has { label, .. } => {
            out.push_str("has(");
            out.push_str(label);
            out.push(')');
        }
        Expr::Compare {
            cmp, label, value, ..
        } => {
            out.push_str(label);
            out.push(' ');
            out.push_str(cmp.as_str());
            out.push(' ');
            write_quoted(out, value);
        }
        Expr::In {
            label,
            values,
            negated,
            ..
        } => {
            out.push_str(label);
            out.push_str(if *negated { " not in {" } else { " in {" });
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_quoted(out, v);
            }
            out.push('}');
        }
        Expr::Not { expr, .. } => {
            out.push('!');
            if reparseable && matches!(**expr, Expr::Not { .. }) {
                out.push('(');
                write(out, expr, reparseable);
                out.push(')');
            } else {
                write(out, expr, reparseable);
            }
        }
        Expr::And { exprs, .. } => write_chain(out, exprs, " && ", reparseable),
        Expr::Or { exprs, .. } => write_chain(out, exprs, " || ", reparseable),
    }
}

fn write_chain(out: &mut String, exprs: &[Expr], sep: &str, reparseable: bool) {
    out.push('(');
    for (i, e) in exprs.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        write(out, e, reparseable);
    }
    out.push(')');
}

/// Appends `s` in the quotes Calico prints it in: double quotes, or single quotes when the
/// value contains a double quote (there are no escapes, so no value holds both).
fn write_quoted(out: &mut String, s: &str) {
    let q = if s.contains('"') { '\'' } else { '"' };
    out.push(q);
    out.push_str(s);
    out.push(q);
}
