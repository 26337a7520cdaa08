//! Rewrites of the syntax tree: renaming labels (Calico's `pcns.`/`pcsa.` prefixing).

use crate::syntax::ast::Expr;

/// A copy of `expr` with every label name replaced by `f(name)`.
///
/// ```
/// let s = selector_core::Selector::parse("has(a) && b == 'x'").unwrap();
/// let e = selector_core::rewrite::map_labels(s.ast(), &mut |l| format!("pcsa.{l}"));
/// assert_eq!(selector_core::print::canonical(&e), r#"(has(pcsa.a) && pcsa.b == "x")"#);
/// ```
pub fn map_labels(expr: &Expr, f: &mut impl FnMut(&str) -> String) -> Expr {
    match expr {
        Expr::All { .. } | Expr::Global { .. } => expr.clone(),
        Expr::Has { label, span } => Expr::Has {
            label: f(label),
            span: *span,
        },
        Expr::Compare {
            cmp,
            label,
            value,
            span,
        } => Expr::Compare {
            cmp: *cmp,
            label: f(label),
            value: value.clone(),
            span: *span,
        },
        Expr::In {
            label,
            values,
            negated,
            span,
        } => Expr::In {
            label: f(label),
            values: values.clone(),
            negated: *negated,
            span: *span,
        },
        Expr::Not { expr, span } => Expr::Not {
            expr: Box::new(map_labels(expr, f)),
            span: *span,
        },
        Expr::And { exprs, span } => Expr::And {
            exprs: exprs.iter().map(|e| map_labels(e, f)).collect(),
            span: *span,
        },
        Expr::Or { exprs, span } => Expr::Or {
            exprs: exprs.iter().map(|e| map_labels(e, f)).collect(),
            span: *span,
        },
    }
}
