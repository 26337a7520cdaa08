//! The reference evaluator: a direct walk of the syntax tree. Slow but obviously right;
//! tests and the fuzzer hold the compiled program against it.

use crate::labels::LabelLookup;
use crate::syntax::ast::Expr;

/// Evaluates `expr` on `labels` by walking the tree.
///
/// ```
/// let s = selector_core::Selector::parse("a in {'x'} && !has(b)").unwrap();
/// assert!(selector_core::walk::matches(s.ast(), &[("a", "x")]));
/// ```
pub fn matches<L: LabelLookup + ?Sized>(expr: &Expr, labels: &L) -> bool {
    match expr {
        Expr::All { .. } | Expr::Global { .. } => true,
        Expr::Has { label, .. } => labels.with_label(label, |v| v.is_some()),
        Expr::Compare {
            cmp, label, value, ..
        } => labels.with_label(label, |v| cmp.test(v, value)),
        Expr::In {
            label,
            values,
            negated,
            ..
        } => labels.with_label(label, |v| match v {
            Some(v) => values.iter().any(|x| x == v) != *negated,
            None => *negated,
        }),
        Expr::Not { expr, .. } => !matches(expr, labels),
        Expr::And { exprs, .. } => exprs.iter().all(|e| matches(e, labels)),
        Expr::Or { exprs, .. } => exprs.iter().any(|e| matches(e, labels)),
    }
}
