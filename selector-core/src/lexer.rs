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
///
/// ```
/// use selector_core::{lexer::MAX_LABEL_LEN, validate};
/// assert!(validate(&format!("has({})", "a".repeat(MAX_LABEL_LEN))).is_ok());
/// assert!(validate(&format!("has({})", "a".repeat(MAX_LABEL_LEN + 1))).is_err());
/// ```
pub const MAX_LABEL_LEN: usize = 512;

/// Whether `c` may appear in a label name: `[a-zA-Z0-9_./-]`.
///
/// ```
/// assert!(selector_core::lexer::is_label_char('/'));
/// assert!(!selector_core::lexer::is_label_char(':'));
/// ```
#[inline]
pub fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
}

/// Whether `c` is selector whitespace (space or tab only).
///
/// ```
/// assert!(selector_core::lexer::is_space('\t'));
/// assert!(!selector_core::lexer::is_space('\n'));
/// ```
#[inline]
pub fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Skips spaces and tabs.
///
/// ```
/// assert_eq!(selector_core::lexer::space(" \tx"), Ok(("x", " \t")));
/// ```
pub fn space(input: &str) -> IResult<&str, &str> {
    take_while(is_space).parse(input)
}

/// A label (or operator word): one or more label characters, read greedily.
///
/// ```
/// assert_eq!(selector_core::lexer::word("ain {}"), Ok((" {}", "ain")));
/// ```
pub fn word(input: &str) -> IResult<&str, &str> {
    take_while1(is_label_char).parse(input)
}

/// A complete string literal in either quote style; returns the text between the quotes.
/// There are no escapes: `\` is an ordinary byte.
///
/// ```
/// assert_eq!(selector_core::lexer::string_literal(r#"'a\"b' x"#), Ok((" x", r#"a\"b"#)));
/// ```
pub fn string_literal(input: &str) -> IResult<&str, &str> {
    let quote = input.chars().next().unwrap_or('"');
    delimited(char(quote), take_till(move |c| c == quote), char(quote)).parse(input)
}

/// What a token is, for syntax highlighting.
///
/// ```
/// use selector_core::{tokens, TokenKind};
/// assert_eq!(tokens("a starts with 'x'").tokens[1].kind, TokenKind::Operator);
/// ```
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
///
/// ```
/// let t = selector_core::tokens("  has(a)");
/// assert_eq!(t.tokens[0].span, 2..5);
/// ```
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
