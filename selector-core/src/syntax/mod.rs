//! Text to syntax: the parser (over the recognisers of `lexer`), the flat tree it builds and
//! its builders, its diagnostics (and the caret renderer they share with the linter), and the owned [`ast`] with the conversions between the two.
//! Nothing here knows about printing, compiling or evaluating.

pub mod ast;
pub(crate) mod build;
pub(crate) mod convert;
pub(crate) mod error;
pub(crate) mod parser;
pub(crate) mod snippet;
pub(crate) mod tree;
