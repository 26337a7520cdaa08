//! Label restrictions (SPEC.md section 7; Calico's `LabelRestrictions()`): per label, what
//! any matching label set must satisfy. Used to index endpoints and to spot selectors that
//! can never match.

use crate::ast::{CompareOp, Expr};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a selector requires of one label in every label set it matches.
///
/// ```
/// use selector_core::{LabelRestriction, Selector};
/// let r = Selector::parse("env == 'prod'").unwrap().label_restrictions();
/// assert_eq!(r["env"], LabelRestriction {
///     must_be_present: true,
///     must_be_absent: false,
///     must_have_one_of: Some(vec!["prod".to_string()]),
/// });
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LabelRestriction {
    /// The label must be present.
    pub must_be_present: bool,
    /// The label must be absent.
    pub must_be_absent: bool,
    /// If set, the label's value must be one of these (sorted, no duplicates);
    /// an empty list means the selector can never match.
    pub must_have_one_of: Option<Vec<String>>,
}

impl LabelRestriction {
    /// Whether no label set can satisfy this restriction.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("has(e) && !has(e)").unwrap();
    /// assert!(s.label_restrictions()["e"].is_impossible());
    /// ```
    pub fn is_impossible(&self) -> bool {
        (self.must_be_present && self.must_be_absent)
            || self.must_have_one_of.as_ref().is_some_and(Vec::is_empty)
    }
}

/// The restrictions of `expr`, per label name.
///
/// ```
/// let s = selector_core::Selector::parse("a == 'x' || a == 'y'").unwrap();
/// let r = selector_core::restrict::restrictions(s.ast());
/// assert_eq!(r["a"].must_have_one_of, Some(vec!["x".into(), "y".into()]));
/// ```
pub fn restrictions(expr: &Expr) -> BTreeMap<String, LabelRestriction> {
    match expr {
        Expr::Has { label, .. }
        | Expr::Compare {
            cmp: CompareOp::Contains | CompareOp::StartsWith | CompareOp::EndsWith,
            label,
            ..
        } => single(label, present(None)),
        Expr::Compare {
            cmp: CompareOp::Eq,
            label,
            value,
            ..
        } => single(label, present(Some(vec![value.clone()]))),
        Expr::In {
            label,
            values,
            negated: false,
            ..
        } => single(label, present(Some(values.clone()))),
        Expr::Not { expr, .. } => match expr.as_ref() {
            Expr::Has { label, .. } => single(
                label,
                LabelRestriction {
                    must_be_absent: true,
                    ..LabelRestriction::default()
                },
            ),
            _ => BTreeMap::new(),
        },
        Expr::And { exprs, .. } => {
            let mut out: BTreeMap<String, LabelRestriction> = BTreeMap::new();
            for e in exprs {
                for (label, r) in restrictions(e) {
                    let slot = out.entry(label).or_default();
                    slot.must_be_present |= r.must_be_present;
                    slot.must_be_absent |= r.must_be_absent;
                    slot.must_have_one_of = match (slot.must_have_one_of.take(), r.must_have_one_of)
                    {
                        (Some(a), Some(b)) => Some(
                            a.into_iter()
                                .filter(|v| b.binary_search(v).is_ok())
                                .collect(),
                        ),
                        (a, b) => a.or(b),
                    };
                }
            }
            out
        }
        Expr::Or { exprs, .. } => {
            let mut iter = exprs.iter();
            let mut out = iter.next().map(restrictions).unwrap_or_default();
            for e in iter {
                let other = restrictions(e);
                out = out
                    .into_iter()
                    .filter_map(|(label, a)| {
                        let b = other.get(&label)?;
                        let merged = LabelRestriction {
                            must_be_present: a.must_be_present && b.must_be_present,
                            must_be_absent: a.must_be_absent && b.must_be_absent,
                            must_have_one_of: match (a.must_have_one_of, &b.must_have_one_of) {
                                (Some(mut x), Some(y)) => {
                                    x.extend(y.iter().cloned());
                                    x.sort_unstable();
                                    x.dedup();
                                    Some(x)
                                }
                                _ => None,
                            },
                        };
                        (merged.must_be_present || merged.must_be_absent).then_some((label, merged))
                    })
                    .collect();
            }
            out
        }
        Expr::All { .. } | Expr::Global { .. } | Expr::Compare { .. } | Expr::In { .. } => {
            BTreeMap::new()
        }
    }
}

fn present(values: Option<Vec<String>>) -> LabelRestriction {
    LabelRestriction {
        must_be_present: true,
        must_be_absent: false,
        must_have_one_of: values,
    }
}

fn single(label: &str, r: LabelRestriction) -> BTreeMap<String, LabelRestriction> {
    BTreeMap::from([(label.to_owned(), r)])
}
