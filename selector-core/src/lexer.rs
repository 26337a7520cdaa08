//! Token recognisers (nom) and the token kinds reported for syntax highlighting.
//!
//! Calico's tokens are context-sensitive (`in` is an operator only after a label, `has(` is
//! special only when `(` follows at once), so the parser calls these recognisers at the
//! position where it expects a token rather than tokenising the whole input up front.

use nom::error::ErrorKind;
use nom::IResult;
use serde::Serialize;
use std::ops::Range;

/// Longest label Calico accepts, in bytes.
///
/// ```
/// use selector_core::{validate, MAX_LABEL_LEN};
/// assert!(validate(&format!("has({})", "a".repeat(MAX_LABEL_LEN))).is_ok());
/// assert!(validate(&format!("has({})", "a".repeat(MAX_LABEL_LEN + 1))).is_err());
/// ```
pub const MAX_LABEL_LEN: usize = 512;

/// Whether `c` may appear in a label name: `[a-zA-Z0-9_./-]`.
///
/// ```
/// assert!(selector_core::is_label_char('/'));
/// assert!(!selector_core::is_label_char(':'));
/// ```
#[inline]
pub fn is_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
}

/// Whether `c` is selector whitespace (space or tab only).
///
/// ```
/// assert!(selector_core::is_space('\t'));
/// assert!(!selector_core::is_space('\n'));
/// ```
#[inline]
pub fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Which bytes may appear in a label name, as a table: one load per byte instead of four
/// range checks in the parser's hottest loop. Label characters are all ASCII, so a label
/// ends at the first byte that is not one, whatever follows.
// Indexing in a constant is checked at compile time: it cannot panic at run time.
#[allow(clippy::indexing_slicing)]
const LABEL_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-');
        b += 1;
    }
    table
};

#[inline]
fn is_label_byte(b: u8) -> bool {
    LABEL_BYTES.get(usize::from(b)).copied().unwrap_or(false)
}

// The recognisers work on bytes: every byte they look for (space, tab, label characters,
// quotes) is ASCII, and in UTF-8 an ASCII byte never occurs inside a multi-byte character,
// so byte positions are character boundaries and no character needs decoding. They are plain
// loops rather than nom's `take_while`, which the compiler did not inline across crates and
// which then cost a tenth of all parsing time.

/// The number of spaces and tabs at the start of `input`.
#[inline]
pub(crate) fn space_len(input: &[u8]) -> usize {
    input
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(input.len())
}

/// The number of label characters at the start of `input`.
#[inline]
pub(crate) fn word_len(input: &[u8]) -> usize {
    input
        .iter()
        .position(|&b| !is_label_byte(b))
        .unwrap_or(input.len())
}

/// The length of the string literal at the start of `input`, quotes included, or `None` if
/// `input` does not start with a quote or the string is not closed.
#[inline]
pub(crate) fn string_len(input: &[u8]) -> Option<usize> {
    let (&quote, text) = input.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    text.iter().position(|&b| b == quote).map(|len| len + 2)
}

/// Splits `input` after `len` bytes, or fails with `kind` if `len` is 0.
fn split(input: &str, len: usize, kind: ErrorKind) -> IResult<&str, &str> {
    match (len, input.split_at_checked(len)) {
        (1.., Some((head, tail))) => Ok((tail, head)),
        _ => Err(nom::Err::Error(nom::error::Error::new(input, kind))),
    }
}

/// A label (or operator word): one or more label characters, read greedily.
pub(crate) fn word(input: &str) -> IResult<&str, &str> {
    split(input, word_len(input.as_bytes()), ErrorKind::TakeWhile1)
}

/// A complete string literal in either quote style; returns the text between the quotes.
/// There are no escapes: `\` is an ordinary byte.
pub(crate) fn string_literal(input: &str) -> IResult<&str, &str> {
    let len = string_len(input.as_bytes()).unwrap_or(0);
    let (rest, literal) = split(input, len, ErrorKind::Char)?;
    let text = literal.get(1..len.saturating_sub(1)).unwrap_or("");
    Ok((rest, text))
}

/// What a token is, for syntax highlighting.
///
/// ```
/// use selector_core::{tokens, TokenKind};
/// assert_eq!(tokens("a starts with 'x'").tokens[1].kind, TokenKind::Operator);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognisers() {
        assert_eq!(space_len(b" \t x"), 3);
        assert_eq!(word("a.b/c-d_1 ==").unwrap(), (" ==", "a.b/c-d_1"));
        assert!(word("==").is_err());
        assert_eq!(string_literal("'a\"b' x").unwrap(), (" x", "a\"b"));
        assert_eq!(string_literal("\"a\\\" x").unwrap(), (" x", "a\\"));
        assert!(string_literal("\"abc").is_err());
        assert!(!is_space('\n'));
        assert!(!is_label_char('ü'));
    }
}
