//! Selectors as Boolean formulas in negation normal form over per-label atoms.
//!
//! Every leaf of a selector is a Boolean combination of five atoms on one label, each false
//! when the label is absent: `has(k)`, `k == v`, `k contains s`, `k starts with p`,
//! `k ends with q`. So `k != v` is `¬(k == v)`, `k in {a, b}` is `k == a ∨ k == b`,
//! `k not in {…}` is the conjunction of the negated equalities, and `contains ""`,
//! `starts with ""`, `ends with ""` are `has(k)`. Negations are pushed down to the atoms.

use crate::ast::{CompareOp, Expr};
use std::collections::HashMap;

/// What an atom tests about its label's value (all false when the label is absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// The label is present.
    Has,
    /// Present and equal to the operand.
    Eq,
    /// Present and containing the operand.
    Contains,
    /// Present and starting with the operand.
    StartsWith,
    /// Present and ending with the operand.
    EndsWith,
}

impl Kind {
    /// The atom's truth for a label value (`None` = absent).
    pub(crate) fn test(self, value: Option<&str>, operand: &str) -> bool {
        match (self, value) {
            (_, None) => false,
            (Kind::Has, Some(_)) => true,
            (Kind::Eq, Some(v)) => v == operand,
            (Kind::Contains, Some(v)) => v.contains(operand),
            (Kind::StartsWith, Some(v)) => v.starts_with(operand),
            (Kind::EndsWith, Some(v)) => v.ends_with(operand),
        }
    }
}

/// One atom: a test of one label.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Atom {
    /// Index into [`Atoms::labels`].
    pub(crate) label: usize,
    /// The test.
    pub(crate) kind: Kind,
    /// The operand (empty for [`Kind::Has`]).
    pub(crate) operand: String,
}

/// The atoms of one or more selectors, interned so that equal tests share one index.
#[derive(Debug, Default)]
pub(crate) struct Atoms {
    /// Label names, by index.
    pub(crate) labels: Vec<String>,
    label_ids: HashMap<String, usize>,
    /// Atoms, by index.
    pub(crate) atoms: Vec<Atom>,
    atom_ids: HashMap<Atom, usize>,
    /// For each label, the indices of its atoms.
    pub(crate) by_label: Vec<Vec<usize>>,
}

impl Atoms {
    fn label(&mut self, name: &str) -> usize {
        if let Some(&id) = self.label_ids.get(name) {
            return id;
        }
        let id = self.labels.len();
        self.labels.push(name.to_string());
        self.label_ids.insert(name.to_string(), id);
        self.by_label.push(Vec::new());
        id
    }

    fn atom(&mut self, label: &str, kind: Kind, operand: &str) -> usize {
        let label = self.label(label);
        let atom = Atom {
            label,
            kind,
            operand: operand.to_string(),
        };
        if let Some(&id) = self.atom_ids.get(&atom) {
            return id;
        }
        let id = self.atoms.len();
        self.atoms.push(atom.clone());
        self.atom_ids.insert(atom, id);
        if let Some(list) = self.by_label.get_mut(label) {
            list.push(id);
        }
        id
    }

    /// The literal `atom` (or its negation when `negated`) as a formula.
    fn lit(&mut self, label: &str, kind: Kind, operand: &str, negated: bool) -> Formula {
        let (kind, operand) = match kind {
            Kind::Contains | Kind::StartsWith | Kind::EndsWith if operand.is_empty() => {
                (Kind::Has, "")
            }
            _ => (kind, operand),
        };
        Formula::Lit {
            atom: self.atom(label, kind, operand),
            positive: !negated,
        }
    }

    /// `expr` (negated when `negated`) in negation normal form over these atoms.
    pub(crate) fn formula(&mut self, expr: &Expr, negated: bool) -> Formula {
        match expr {
            Expr::All { .. } | Expr::Global { .. } => Formula::Const(!negated),
            Expr::Has { label, .. } => self.lit(label, Kind::Has, "", negated),
            Expr::Compare {
                cmp, label, value, ..
            } => match cmp {
                CompareOp::Eq => self.lit(label, Kind::Eq, value, negated),
                CompareOp::Ne => self.lit(label, Kind::Eq, value, !negated),
                CompareOp::Contains => self.lit(label, Kind::Contains, value, negated),
                CompareOp::StartsWith => self.lit(label, Kind::StartsWith, value, negated),
                CompareOp::EndsWith => self.lit(label, Kind::EndsWith, value, negated),
            },
            Expr::In {
                label,
                values,
                negated: not_in,
                ..
            } => {
                // `in` is a disjunction of equalities; `not in` (or a negated `in`) the
                // conjunction of their negations.
                let negated = negated != *not_in;
                let lits = values
                    .iter()
                    .map(|v| self.lit(label, Kind::Eq, v, negated))
                    .collect();
                if negated {
                    Formula::and(lits)
                } else {
                    Formula::or(lits)
                }
            }
            Expr::Not { expr, .. } => self.formula(expr, !negated),
            Expr::And { exprs, .. } | Expr::Or { exprs, .. } => {
                let parts = exprs.iter().map(|e| self.formula(e, negated)).collect();
                // De Morgan: a negated `&&` is an `||` of negations, and the reverse.
                if matches!(expr, Expr::And { .. }) != negated {
                    Formula::and(parts)
                } else {
                    Formula::or(parts)
                }
            }
        }
    }
}

/// A formula in negation normal form. Built by [`Formula::and`] / [`Formula::or`], which
/// flatten nested chains and fold constants, so a `Const` only ever stands alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Formula {
    /// True or false.
    Const(bool),
    /// An atom (`positive`) or its negation.
    Lit {
        /// Index into [`Atoms::atoms`].
        atom: usize,
        /// Whether the literal is the atom itself rather than its negation.
        positive: bool,
    },
    /// Conjunction of two or more formulas.
    And(Vec<Formula>),
    /// Disjunction of two or more formulas.
    Or(Vec<Formula>),
}

impl Formula {
    /// The conjunction of `parts`, flattened, constants folded.
    pub(crate) fn and(parts: Vec<Formula>) -> Formula {
        Formula::chain(parts, true)
    }

    /// The disjunction of `parts`, flattened, constants folded.
    pub(crate) fn or(parts: Vec<Formula>) -> Formula {
        Formula::chain(parts, false)
    }

    /// `and` (when `is_and`) or `or` of `parts`: the unit of the operation is dropped, its
    /// zero absorbs everything.
    fn chain(parts: Vec<Formula>, is_and: bool) -> Formula {
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                Formula::Const(c) if c == is_and => {}
                Formula::Const(_) => return Formula::Const(!is_and),
                Formula::And(inner) if is_and => out.extend(inner),
                Formula::Or(inner) if !is_and => out.extend(inner),
                other => out.push(other),
            }
        }
        match out.len() {
            0 => Formula::Const(is_and),
            1 => out.pop().unwrap_or(Formula::Const(is_and)),
            _ if is_and => Formula::And(out),
            _ => Formula::Or(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Selector;

    fn nnf(src: &str) -> (Atoms, Formula) {
        let mut atoms = Atoms::default();
        let f = atoms.formula(Selector::parse(src).unwrap().ast(), false);
        (atoms, f)
    }

    #[test]
    fn operators_become_atoms() {
        let (atoms, f) = nnf("a != 'x' && a in {'x', 'y'} && b contains '' && !(c not in {})");
        assert_eq!(atoms.atoms.len(), 3, "{atoms:?}");
        assert_eq!(f, Formula::Const(false));
        let (atoms, f) = nnf("!(a != 'x' || b starts with '')");
        assert_eq!(atoms.atoms[1].kind, Kind::Has);
        assert_eq!(
            f,
            Formula::And(vec![
                Formula::Lit {
                    atom: 0,
                    positive: true
                },
                Formula::Lit {
                    atom: 1,
                    positive: false
                }
            ])
        );
    }

    #[test]
    fn constants_fold() {
        assert_eq!(nnf("all() || has(a)").1, Formula::Const(true));
        assert_eq!(nnf("!global() || a in {}").1, Formula::Const(false));
        assert_eq!(nnf("").1, Formula::Const(true));
    }
}
