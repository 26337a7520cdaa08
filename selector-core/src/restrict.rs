//! Label restrictions (SPEC.md section 7; Calico's `LabelRestrictions()`): per label, what
//! any matching label set must satisfy. Used to index endpoints and to spot selectors that
//! can never match.

use crate::syntax::ast::{CompareOp, Expr};
use crate::syntax::tree::Text;
use crate::syntax::tree::{self, Kind, Tree};
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
/// let r = selector_core::label_restrictions(s.ast());
/// assert_eq!(r["a"].must_have_one_of, Some(vec!["x".into(), "y".into()]));
/// ```
pub fn restrictions(expr: &Expr) -> BTreeMap<String, LabelRestriction> {
    let (tree, text) = Tree::from_expr(expr);
    owned(of_tree(&tree, &text))
}

/// Whether the restrictions of a parser's tree over `text` are impossible for some label,
/// found with no string copied.
pub(crate) fn restrictions_conflict(tree: &Tree, text: &str) -> bool {
    of_tree(tree, text).values().any(Borrowed::is_impossible)
}

/// The restrictions with their strings copied out.
pub(crate) fn owned(borrowed: BTreeMap<&str, Borrowed>) -> BTreeMap<String, LabelRestriction> {
    borrowed
        .into_iter()
        .map(|(label, r)| {
            let owned = LabelRestriction {
                must_be_present: r.present,
                must_be_absent: r.absent,
                must_have_one_of: r
                    .one_of
                    .map(|values| values.into_iter().map(str::to_owned).collect()),
            };
            (label.to_owned(), owned)
        })
        .collect()
}

/// A [`LabelRestriction`] with its strings borrowed from the text of a parser's tree: the
/// rules work on these, so that the index can ask whether a selector can never match
/// without copying a string.
#[derive(Debug, Default)]
pub(crate) struct Borrowed<'t> {
    present: bool,
    absent: bool,
    /// Sorted, distinct.
    one_of: Option<Vec<&'t str>>,
}

impl Borrowed<'_> {
    /// [`LabelRestriction::is_impossible`].
    pub(crate) fn is_impossible(&self) -> bool {
        (self.present && self.absent) || self.one_of.as_ref().is_some_and(Vec::is_empty)
    }
}

/// The restrictions of a parser's tree over `text`, per label name.
pub(crate) fn of_tree<'t>(tree: &Tree, text: &'t str) -> BTreeMap<&'t str, Borrowed<'t>> {
    // A tree without its root (impossible) restricts nothing: restrictions only ever
    // narrow what is evaluated, so fewer of them are always sound.
    match tree.root() {
        Some(root) => node(tree, text, root),
        None => BTreeMap::new(),
    }
}

/// The restrictions of tree node `n`: a leaf that needs its label gives one, `!has` gives
/// "absent", `&&` merges its operands' (intersecting value lists), `||` keeps the labels all
/// its operands restrict (joining value lists), and anything else restricts nothing.
fn node<'t>(tree: &Tree, text: &'t str, n: u32) -> BTreeMap<&'t str, Borrowed<'t>> {
    let single = |label: Text, r| BTreeMap::from([(tree::slice(text, label), r)]);
    let present = |one_of| Borrowed {
        present: true,
        absent: false,
        one_of,
    };
    let Some(this) = tree.node(n) else {
        return BTreeMap::new();
    };
    match this.kind {
        Kind::Has { label }
        | Kind::Compare {
            cmp: CompareOp::Contains | CompareOp::StartsWith | CompareOp::EndsWith,
            label,
            ..
        } => single(label, present(None)),
        Kind::Compare {
            cmp: CompareOp::Eq,
            label,
            value,
        } => single(label, present(Some(vec![tree::slice(text, value)]))),
        Kind::In {
            label,
            members,
            negated: false,
        } => {
            let values = tree.members(members).iter();
            single(
                label,
                present(Some(values.map(|&v| tree::slice(text, v)).collect())),
            )
        }
        Kind::Not { child } => match tree.node(child).map(|c| c.kind) {
            Some(Kind::Has { label }) => single(
                label,
                Borrowed {
                    absent: true,
                    ..Borrowed::default()
                },
            ),
            _ => BTreeMap::new(),
        },
        Kind::And { kids } => {
            let mut out: BTreeMap<&str, Borrowed> = BTreeMap::new();
            for &k in tree.kids(kids) {
                for (label, r) in node(tree, text, k) {
                    let slot = out.entry(label).or_default();
                    slot.present |= r.present;
                    slot.absent |= r.absent;
                    slot.one_of = match (slot.one_of.take(), r.one_of) {
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
        Kind::Or { kids } => {
            let mut iter = tree.kids(kids).iter();
            let mut out = iter
                .next()
                .map(|&k| node(tree, text, k))
                .unwrap_or_default();
            for &k in iter {
                let other = node(tree, text, k);
                out = out
                    .into_iter()
                    .filter_map(|(label, a)| {
                        let b = other.get(label)?;
                        let merged = Borrowed {
                            present: a.present && b.present,
                            absent: a.absent && b.absent,
                            one_of: match (a.one_of, &b.one_of) {
                                (Some(mut x), Some(y)) => {
                                    x.extend_from_slice(y);
                                    x.sort_unstable();
                                    x.dedup();
                                    Some(x)
                                }
                                _ => None,
                            },
                        };
                        (merged.present || merged.absent).then_some((label, merged))
                    })
                    .collect();
            }
            out
        }
        Kind::All | Kind::Global | Kind::Compare { .. } | Kind::In { .. } => BTreeMap::new(),
    }
}
