//! Interned labels: the fast label form for evaluating many selectors against many label sets.
//!
//! An [`Interner`] gives every distinct label name and value a [`Symbol`] (a `u32`), storing
//! each distinct string once. A [`LabelSet`] is a small sorted array of `(name, value)` symbol
//! pairs, and an [`InternedSelector`] is a selector compiled against the same interner: its
//! label names, `==`/`!=` operands and set members are symbols resolved once, at compile time.
//! Evaluation then compares integers: a label's value is one load away (label names are
//! numbered, see [`LabelSet`]), `starts with` and `ends with` a short operand, and
//! `contains` in a short value, work on two words the interner keeps of every string, and
//! only longer operands and values look at the text. Nothing on the evaluation path
//! allocates.
//!
//! ```
//! use selector_core::{interned::Interner, Selector};
//!
//! let mut interner = Interner::new();
//! let labels = interner.label_set([("app", "web"), ("env", "prod")]);
//! let selector = Selector::parse("app in {'web', 'api'} && env starts with 'pr'")?;
//! let compiled = interner.compile(&selector);
//! assert!(compiled.matches(&labels, &interner));
//! // The same verdict as the selector itself on an ordinary map of the labels:
//! assert!(selector.matches(&interner.view(&labels)));
//! # Ok::<(), selector_core::ParseError>(())
//! ```
//!
//! Symbols, label sets and compiled selectors belong to the interner that made them: using
//! them with another interner gives meaningless (but never panicking) results.

mod compiled;
mod interner;
mod label_set;
#[cfg(test)]
mod tests;

pub use compiled::InternedSelector;
pub(crate) use compiled::{Graph, LeafTest};
pub use interner::{Interner, Symbol};
pub(crate) use label_set::TextTest;
pub use label_set::{InternedLabels, LabelSet};

/// The hasher of the interner's table and the index's id tables: FxHash (rustc's, from
/// `rustc-hash`). Far cheaper than SipHash on short label strings and small integer ids; it
/// is not meant to resist collision attacks, which label names and values (set by cluster
/// operators) do not call for.
pub(crate) type FastHash = rustc_hash::FxBuildHasher;
