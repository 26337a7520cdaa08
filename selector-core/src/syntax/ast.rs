//! The syntax tree of a parsed selector.
//!
//! Every node carries the byte span of the source text it came from. Chains of `&&` and
//! `||` are n-ary (one node per chain, as written); parentheses leave no node of their own,
//! and a run of `!` becomes one [`Expr::Not`] (odd run) or nothing (even run), exactly as
//! Calico's parser builds its tree.
//!
//! JSON shape (serde): every node is an object tagged by `op`, with its `span`
//! (`{"start": s, "end": e}`, bytes):
//! `{"op": "all"}`, `{"op": "global"}`, `{"op": "has", "label": …}`,
//! `{"op": "compare", "cmp": "eq"|"ne"|"contains"|"starts_with"|"ends_with", "label": …, "value": …}`,
//! `{"op": "in", "label": …, "values": […], "negated": bool}`, `{"op": "not", "expr": {…}}`,
//! `{"op": "and"|"or", "exprs": [{…}, …]}`.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A byte range in the selector's source text.
///
/// ```
/// let s = selector_core::Selector::parse("a == 'x'").unwrap();
/// assert_eq!(s.ast().span(), selector_core::ast::Span { start: 0, end: 8 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Span {
    /// First byte of the node.
    pub start: usize,
    /// One past the last byte of the node.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    ///
    /// ```
    /// let span = selector_core::ast::Span::new(2, 5);
    /// assert_eq!(span.range(), 2..5);
    /// ```
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span as a `Range<usize>`.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("  has(a)").unwrap();
    /// assert_eq!(&s.source()[s.ast().span().range()], "has(a)");
    /// ```
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// Operators that compare a label's value with one string.
///
/// ```
/// use selector_core::{ast::CompareOp, Expr, Selector};
/// let s = Selector::parse("a contains 'x'").unwrap();
/// assert!(matches!(s.ast(), Expr::Compare { cmp: CompareOp::Contains, .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    /// `==`: present and equal.
    Eq,
    /// `!=`: absent, or present and different.
    Ne,
    /// `contains`: present and the value contains the string.
    Contains,
    /// `starts with`: present and the value starts with the string.
    StartsWith,
    /// `ends with`: present and the value ends with the string.
    EndsWith,
}

impl CompareOp {
    /// The operator as Calico prints it.
    ///
    /// ```
    /// assert_eq!(selector_core::ast::CompareOp::StartsWith.as_str(), "starts with");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Contains => "contains",
            CompareOp::StartsWith => "starts with",
            CompareOp::EndsWith => "ends with",
        }
    }

    /// Applies the operator to a label value (`None` = label absent).
    ///
    /// ```
    /// use selector_core::ast::CompareOp;
    /// assert!(CompareOp::Ne.test(None, "x"));
    /// assert!(!CompareOp::Contains.test(None, ""));
    /// assert!(CompareOp::EndsWith.test(Some("web-blue"), "-blue"));
    /// ```
    #[inline]
    pub fn test(self, value: Option<&str>, operand: &str) -> bool {
        match (self, value) {
            (CompareOp::Ne, None) => true,
            (_, None) => false,
            (CompareOp::Eq, Some(v)) => v == operand,
            (CompareOp::Ne, Some(v)) => v != operand,
            (CompareOp::Contains, Some(v)) => v.contains(operand),
            (CompareOp::StartsWith, Some(v)) => v.starts_with(operand),
            (CompareOp::EndsWith, Some(v)) => v.ends_with(operand),
        }
    }
}

/// A selector expression.
///
/// ```
/// use selector_core::{Expr, Selector};
/// let s = Selector::parse("!(a in {'x'} || has(b))").unwrap();
/// let Expr::Not { expr, .. } = s.ast() else { unreachable!() };
/// assert!(matches!(expr.as_ref(), Expr::Or { exprs, .. } if exprs.len() == 2));
/// ```
///
/// New kinds of expression may be added: match with a `_` arm outside this crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Expr {
    /// `all()`: always true.
    All {
        /// Source span.
        span: Span,
    },
    /// `global()`: always true when evaluated on labels.
    Global {
        /// Source span.
        span: Span,
    },
    /// `has(label)`.
    Has {
        /// The label name.
        label: String,
        /// Source span.
        span: Span,
    },
    /// `label <op> "value"`.
    Compare {
        /// The comparison.
        cmp: CompareOp,
        /// The label name.
        label: String,
        /// The string operand.
        value: String,
        /// Source span.
        span: Span,
    },
    /// `label in {…}` (`negated: false`) or `label not in {…}` (`negated: true`).
    In {
        /// The label name.
        label: String,
        /// The set, sorted by byte order, duplicates removed.
        values: Vec<String>,
        /// `not in` rather than `in`.
        negated: bool,
        /// Source span.
        span: Span,
    },
    /// `!expr`.
    Not {
        /// The negated expression.
        expr: Box<Expr>,
        /// Source span (from the `!`).
        span: Span,
    },
    /// An `&&` chain of two or more operands.
    And {
        /// The operands, in source order.
        exprs: Vec<Expr>,
        /// Source span.
        span: Span,
    },
    /// An `||` chain of two or more operands.
    Or {
        /// The operands, in source order.
        exprs: Vec<Expr>,
        /// Source span.
        span: Span,
    },
}

impl Expr {
    /// The source span of this node.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("!has(a)").unwrap();
    /// assert_eq!(s.ast().span().range(), 0..7);
    /// ```
    pub fn span(&self) -> Span {
        match self {
            Expr::All { span }
            | Expr::Global { span }
            | Expr::Has { span, .. }
            | Expr::Compare { span, .. }
            | Expr::In { span, .. }
            | Expr::Not { span, .. }
            | Expr::And { span, .. }
            | Expr::Or { span, .. } => *span,
        }
    }

    /// The direct sub-expressions of this node.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("has(a) || has(b) || all()").unwrap();
    /// assert_eq!(s.ast().children().len(), 3);
    /// ```
    pub fn children(&self) -> &[Expr] {
        match self {
            Expr::Not { expr, .. } => std::slice::from_ref(expr.as_ref()),
            Expr::And { exprs, .. } | Expr::Or { exprs, .. } => exprs,
            _ => &[],
        }
    }

    /// The label this node tests, for leaf nodes that test one.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("tier in {'db'}").unwrap();
    /// assert_eq!(s.ast().label(), Some("tier"));
    /// ```
    pub fn label(&self) -> Option<&str> {
        match self {
            Expr::Has { label, .. } | Expr::Compare { label, .. } | Expr::In { label, .. } => {
                Some(label)
            }
            _ => None,
        }
    }
}
