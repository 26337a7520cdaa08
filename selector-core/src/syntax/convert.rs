//! Conversions between the flat [`Tree`] and the owned [`Expr`]: a selector's syntax tree is
//! made from the flat one on demand, and a tree built by hand (or rewritten) is copied into a
//! flat one so that printing and compiling have one implementation for both.

use super::ast::{Expr, Span};
use super::tree::{index_slice, slice, text_range, Kind, Slice, Text, Tree};

impl Tree {
    /// The [`Expr`] of this tree over `text`; `!all()` (matches nothing) for a tree that
    /// breaks its invariants, which none does.
    pub(crate) fn to_expr(&self, text: &str) -> Expr {
        self.root()
            .and_then(|root| self.expr(text, root))
            .unwrap_or_else(|| matches_nothing(Span::new(0, text.len())))
    }

    fn expr(&self, text: &str, n: u32) -> Option<Expr> {
        let node = self.node(n)?;
        let span = Span::new(node.span.start as usize, node.span.end as usize);
        let owned = |t: Text| slice(text, t).to_owned();
        Some(match node.kind {
            Kind::All => Expr::All { span },
            Kind::Global => Expr::Global { span },
            Kind::Has { label } => Expr::Has {
                label: owned(label),
                span,
            },
            Kind::Compare { cmp, label, value } => Expr::Compare {
                cmp,
                label: owned(label),
                value: owned(value),
                span,
            },
            Kind::In {
                label,
                members,
                negated,
            } => Expr::In {
                label: owned(label),
                values: self.members(members).iter().map(|&m| owned(m)).collect(),
                negated,
                span,
            },
            Kind::Not { child } => Expr::Not {
                expr: Box::new(self.expr(text, child)?),
                span,
            },
            Kind::And { kids } => Expr::And {
                exprs: self.exprs(text, kids)?,
                span,
            },
            Kind::Or { kids } => Expr::Or {
                exprs: self.exprs(text, kids)?,
                span,
            },
        })
    }

    /// The operands of a chain as [`Expr`]s.
    fn exprs(&self, text: &str, kids: Slice) -> Option<Vec<Expr>> {
        self.kids(kids)
            .iter()
            .map(|&k| self.expr(text, k))
            .collect()
    }

    /// The tree of `expr` and the text its ranges refer to (its labels and values back to
    /// back). Set values are sorted and made distinct, as the parser would have them.
    pub(crate) fn from_expr(expr: &Expr) -> (Tree, String) {
        let mut builder = FromExpr {
            tree: Tree::default(),
            text: String::new(),
        };
        let root = builder.add(expr);
        builder.tree.root = Some(root);
        (builder.tree, builder.text)
    }
}

/// `!all()`: the expression that matches nothing, what an impossible state turns into.
pub(crate) fn matches_nothing(span: Span) -> Expr {
    Expr::Not {
        expr: Box::new(Expr::All { span }),
        span,
    }
}

/// Copies an [`Expr`] into a [`Tree`] and its text.
struct FromExpr {
    tree: Tree,
    text: String,
}

impl FromExpr {
    fn push_text(&mut self, s: &str) -> Text {
        let start = self.text.len();
        self.text.push_str(s);
        text_range(start, self.text.len())
    }

    fn add(&mut self, expr: &Expr) -> u32 {
        let span = expr.span();
        let kind = match expr {
            Expr::All { .. } => Kind::All,
            Expr::Global { .. } => Kind::Global,
            Expr::Has { label, .. } => Kind::Has {
                label: self.push_text(label),
            },
            Expr::Compare {
                cmp, label, value, ..
            } => Kind::Compare {
                cmp: *cmp,
                label: self.push_text(label),
                value: self.push_text(value),
            },
            Expr::In {
                label,
                values,
                negated,
                ..
            } => {
                let label = self.push_text(label);
                let start = self.tree.members.len();
                for v in values {
                    let member = self.push_text(v);
                    self.tree.members.push(member);
                }
                Kind::In {
                    label,
                    members: self.tree.finish_set(&self.text, start),
                    negated: *negated,
                }
            }
            Expr::Not { expr, .. } => Kind::Not {
                child: self.add(expr),
            },
            Expr::And { exprs, .. } => Kind::And {
                kids: self.chain(exprs),
            },
            Expr::Or { exprs, .. } => Kind::Or {
                kids: self.chain(exprs),
            },
        };
        self.tree.push(kind, span)
    }

    /// Adds the operands of a chain first (they may be chains themselves), then lists them.
    fn chain(&mut self, exprs: &[Expr]) -> Slice {
        let children: Vec<u32> = exprs.iter().map(|e| self.add(e)).collect();
        let start = self.tree.kids.len();
        self.tree.kids.extend(children);
        index_slice(start, self.tree.kids.len())
    }
}
