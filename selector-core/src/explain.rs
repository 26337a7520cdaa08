//! Why a selector does or does not match: the verdict of every sub-expression.

use crate::labels::LabelLookup;
use crate::print::canonical;
use crate::syntax::ast::Expr;
use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// The verdict of one sub-expression and of all its operands (every operand is evaluated,
/// even where evaluation would short-circuit, so the whole picture is shown).
///
/// ```
/// let s = selector_core::Selector::parse("has(a) && has(b)").unwrap();
/// let e = s.explain(&[("b", "1")]);
/// assert!(!e.matched && !e.children[0].matched && e.children[1].matched);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Canonical text of the sub-expression.
    pub text: String,
    /// Its byte range in the selector's source.
    pub span: Range<usize>,
    /// Whether it is true on the labels.
    pub matched: bool,
    /// The operands' verdicts (empty for tests of one label).
    pub children: Vec<Explanation>,
}

/// Explains `expr` on `labels`.
pub(crate) fn explain<L: LabelLookup + ?Sized>(expr: &Expr, labels: &L) -> Explanation {
    let children: Vec<Explanation> = expr.children().iter().map(|e| explain(e, labels)).collect();
    let matched = match expr {
        Expr::Not { .. } => !children.iter().all(|c| c.matched),
        Expr::And { .. } => children.iter().all(|c| c.matched),
        Expr::Or { .. } => children.iter().any(|c| c.matched),
        leaf => crate::walk::matches(leaf, labels),
    };
    Explanation {
        text: canonical(expr),
        span: expr.span().range(),
        matched,
        children,
    }
}

impl Explanation {
    fn write(&self, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
        let mark = if self.matched { "✓" } else { "✗" };
        writeln!(f, "{:indent$}{mark} {}", "", self.text, indent = depth * 2)?;
        self.children.iter().try_for_each(|c| c.write(f, depth + 1))
    }
}

/// An indented tree, one sub-expression a line, marked ✓ (true) or ✗ (false).
///
/// ```
/// let s = selector_core::Selector::parse("a == 'x' && has(b)").unwrap();
/// let text = s.explain(&[("a", "x")]).to_string();
/// assert_eq!(text, "✗ (a == \"x\" && has(b))\n  ✓ a == \"x\"\n  ✗ has(b)\n");
/// ```
impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}
