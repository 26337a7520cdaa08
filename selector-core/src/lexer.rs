//! Token recognisers (nom) and the token kinds reported for syntax highlighting.
//!
//! Calico's tokens are context-sensitive (`in` is an operator only after a label, `has(` is
//! special only when `(` follows at once), so the parser calls these recognisers at the
//! position where it expects a token rather than tokenising the whole input up front.

use nom::bytes::complete::{take_till, take_while, take_while1};
use nom::character::complete::char;
use nom::sequence::delimited;
use nom::{IResult, Parser};
use serde::Serialize;
use std::ops::Range;

/// Longest label Calico accepts, in bytes.
pub const MAX_LABEL_LEN: usize = 512;

/// Whether `c` may appear in a label name: `[a-zA-Z0-9_./-]`.
#[inline]
pub fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
}

/// Whether `c` is selector whitespace (space or tab only).
#[inline]
pub fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Skips spaces and tabs.
pub fn space(input: &str) -> IResult<&str, &str> {
    take_while(is_space).parse(input)
}

/// A label (or operator word): one or more label characters, read greedily.
pub fn word(input: &str) -> IResult<&str, &str> {
    take_while1(is_label_char).parse(input)
}

/// A complete string literal in either quote style; returns the text between the quotes.
pub fn string_literal(input: &str) -> IResult<&str, &str> {
    let quote = input.chars().next().unwrap_or('"');
    delimited(char(quote), take_till(move |c| c == quote), char(quote)).parse(input)
}

/// What a token is, for syntax highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A label name.
    Label,
    /// A quoted string, quotes included.
    String,
    /// `==`, `!=`, `contains`, `starts with`, `ends with`, `in`, `not in`.
    Operator,
    /// `has`, `all`, `global` (the word only; the parentheses are separate tokens).
    Function,
    /// `!`.
    Not,
    /// `&&`.
    And,
    /// `||`.
    Or,
    /// `(`.
    LParen,
    /// `)`.
    RParen,
    /// `{`.
    LBrace,
    /// `}`.
    RBrace,
    /// `,`.
    Comma,
}

/// One token with its byte span; whitespace is not reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    /// The kind of token.
    pub kind: TokenKind,
    /// Its byte range in the source.
    pub span: Range<usize>,
}

/// The tokens of a selector, as far as it parses, and the error that stopped it, if any.
///
/// ```
/// use selector_core::{tokens, TokenKind};
/// let t = tokens("has(a) && b == ");
/// assert_eq!(t.tokens[0].kind, TokenKind::Function);
/// assert!(t.error.is_some());
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Tokens {
    /// The tokens read before any error.
    pub tokens: Vec<Token>,
    /// Why parsing stopped early, if it did.
    pub error: Option<crate::ParseError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognisers() {
        assert_eq!(space(" \t x").unwrap(), ("x", " \t "));
        assert_eq!(word("a.b/c-d_1 ==").unwrap(), (" ==", "a.b/c-d_1"));
        assert!(word("==").is_err());
        assert_eq!(string_literal("'a\"b' x").unwrap(), (" x", "a\"b"));
        assert_eq!(string_literal("\"a\\\" x").unwrap(), (" x", "a\\"));
        assert!(string_literal("\"abc").is_err());
        assert!(!is_space('\n'));
        assert!(!is_label_char('ü'));
    }
}
