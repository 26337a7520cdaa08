//! Canonical text (SPEC.md section 5; Calico's `String()`).

use crate::ast::Expr;
use crate::parser::quote;
use std::fmt::Write;

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

/// Appends the canonical text of `expr` to `out`.
///
/// ```
/// let s = selector_core::Selector::parse("!has(a)").unwrap();
/// let mut out = String::from("selector: ");
/// selector_core::print::write_expr(&mut out, s.ast());
/// assert_eq!(out, "selector: !has(a)");
/// ```
pub fn write_expr(out: &mut String, expr: &Expr) {
    match expr {
        Expr::All { .. } => out.push_str("all()"),
        Expr::Global { .. } => out.push_str("global()"),
        Expr::Has { label, .. } => {
            let _ = write!(out, "has({label})");
        }
        Expr::Compare {
            cmp, label, value, ..
        } => {
            let _ = write!(out, "{label} {} {}", cmp.as_str(), quote(value));
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
                out.push_str(&quote(v));
            }
            out.push('}');
        }
        Expr::Not { expr, .. } => {
            out.push('!');
            write_expr(out, expr);
        }
        Expr::And { exprs, .. } => write_chain(out, exprs, " && "),
        Expr::Or { exprs, .. } => write_chain(out, exprs, " || "),
    }
}

fn write_chain(out: &mut String, exprs: &[Expr], sep: &str) {
    out.push('(');
    for (i, e) in exprs.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        write_expr(out, e);
    }
    out.push(')');
}
