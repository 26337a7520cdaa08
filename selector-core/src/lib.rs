//! The Calico label-selector language, exactly as Calico's parser behaves.
//!
//! ```
//! use selector_core::Selector;
//! use std::collections::HashMap;
//!
//! let s = Selector::parse(r#"running-calico == "true" && !has(ignore)"#)?;
//! let labels = HashMap::from([("running-calico".to_string(), "true".to_string())]);
//! assert!(s.matches(&labels));
//! assert_eq!(s.canonical(), r#"(running-calico == "true" && !has(ignore))"#);
//! assert!(s.unique_id().starts_with("s:"));
//! # Ok::<(), selector_core::ParseError>(())
//! ```
//!
//! Data flows one way, each stage in a module of its own that uses only the ones before it
//! (`tests/layering.rs` checks this):
//! `lexer` (byte-level recognisers) → `syntax` (the flat tree of ranges of the source, its
//! builder, the parser, diagnostics; the owned [`ast`] and conversions to and from it) →
//! [`mod@print`] (canonical text) → [`compile`] (the flat [`compile::Program`], made in the
//! printer's walk) → `vm` (runs it) / [`interned`] (labels and selectors as integers) →
//! [`index`] (many selectors against many label sets). Label restrictions (`restrict`),
//! the reference evaluator [`walk`] and [`rewrite`] use the syntax only.
//!
//! # Limits
//! - Parentheses nest at most [`NESTING_LIMIT`] (256) levels on every target (native, Python,
//!   WASM); the 257th `(` is an [`ErrorKind::NestingTooDeep`] error, never a stack overflow.
//!   A run of `!` is counted in a loop, not nested.
//!   Labels are at most 512 bytes ([`MAX_LABEL_LEN`]).
//! - Offsets are 32-bit inside a compiled selector: selectors of 4 GiB or more are not
//!   supported. There is no other size limit: parsing, validation, printing, the unique id, compiling,
//!   label restrictions, `explain` and evaluation take time and memory linear in the input
//!   (`tests/limits.rs` holds the inputs; `examples/limits_timing.rs` measures them).
//! - Nothing in this crate panics on any input; the cargo-fuzz targets in `fuzz/` check
//!   this continuously, and every input that ever failed is replayed by `cargo test`.

pub mod algebra;
mod explain;
mod id;
pub mod index;
pub mod interned;
mod labels;
mod lexer;
mod order;
pub mod print;
mod restrict;
pub mod rewrite;
mod selector;
mod syntax;
#[cfg(test)]
mod test_strategies;
mod vm;
pub mod walk;

pub mod compile;

pub use algebra::{Comparison, Relation, Witness};
pub use explain::Explanation;
pub use id::unique_id;
pub use labels::{LabelLookup, Labels, Layered};
pub use lexer::{is_label_char, is_space, Token, TokenKind, MAX_LABEL_LEN};
pub use restrict::{restrictions as label_restrictions, LabelRestriction};
pub use selector::Selector;
pub use syntax::ast::{self, Expr};
pub use syntax::error::{ErrorKind, ParseError};
pub use syntax::parser::{tokens, validate, Tokens, NESTING_LIMIT};
pub use syntax::snippet::{Snippet, SnippetColors};
