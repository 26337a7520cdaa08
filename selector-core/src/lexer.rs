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

// The recognisers work on bytes: every byte they look for (space, tab, label characters,
// quotes) is ASCII, and in UTF-8 an ASCII byte never occurs inside a multi-byte character,
// so byte positions are character boundaries and no character needs decoding. Labels and
// string values are scanned eight bytes at a time (one `u64`, "SWAR"): a byte-at-a-time
// loop mispredicts its exit branch at the end of every label and value.

/// Each byte of a `u64` set to `b`.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of every byte.
const HIGH: u64 = splat(0x80);

/// The high bit set in each byte of `x` (whose bytes are all below 0x80) that lies in
/// `lo..=hi`. Each sum stays below 0x100 per byte, so no carry crosses into the next byte.
#[inline]
const fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = x + splat(0x80 - lo);
    let above_hi = x + splat(0x7f - hi);
    at_least_lo & !above_hi & HIGH
}

/// The high bit set in each byte of `w` that is a label character, `[a-zA-Z0-9_./-]`.
#[inline]
const fn label_bytes(w: u64) -> u64 {
    let ascii = !w & HIGH;
    let x = w & !HIGH;
    // Clearing bit 5 maps exactly `a-z` and `A-Z` onto `A-Z`; `-./0-9` is one range.
    let letters = in_range(x & !splat(0x20), b'A', b'Z');
    let digits_and_punctuation = in_range(x, b'-', b'9');
    let underscore = in_range(x, b'_', b'_');
    (letters | digits_and_punctuation | underscore) & ascii
}

/// The high bit set in the lowest byte of `w` equal to `b` (higher bits may be wrong).
#[inline]
const fn lowest_equal(w: u64, b: u8) -> u64 {
    let x = w ^ splat(b);
    x.wrapping_sub(splat(1)) & !x & HIGH
}

/// The eight bytes of `input` from `at` as a little-endian `u64`, padded with zero bytes
/// (neither a label character nor a quote) past the end. Near the end, the last eight bytes
/// are loaded and shifted down, rather than copied into a padded buffer.
#[inline]
fn load(input: &[u8], at: usize) -> u64 {
    let word = |bytes: &[u8]| match *bytes {
        [a, b, c, d, e, f, g, h] => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
        _ => 0,
    };
    if let Some(bytes) = input.get(at..at + 8) {
        return word(bytes);
    }
    match input.len().checked_sub(8) {
        // `at` is within the last eight bytes: drop the bytes before it.
        Some(last) => word(input.get(last..).unwrap_or(&[])) >> (8 * (at - last).min(7)),
        None => input
            .get(at..)
            .unwrap_or(&[])
            .iter()
            .rev()
            .fold(0, |w, &b| w << 8 | u64::from(b)),
    }
}

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
    word_len_at(input, 0)
}

/// The number of label characters in `input` from `start` on.
#[inline]
pub(crate) fn word_len_at(input: &[u8], start: usize) -> usize {
    let mut at = start;
    while at < input.len() {
        let stop = !label_bytes(load(input, at)) & HIGH;
        if stop != 0 {
            return (at + stop.trailing_zeros() as usize / 8).min(input.len()) - start;
        }
        at += 8;
    }
    input.len().saturating_sub(start)
}

/// Whether `input[start..end]` contains `b`. Reads `input` eight bytes at a time from
/// `start`, also past `end` (so that a short range is one load), but stops at `end`: a
/// selector's many values are each searched only within themselves.
#[inline]
pub(crate) fn contains_byte(input: &[u8], start: usize, end: usize, b: u8) -> bool {
    let end = end.min(input.len());
    let mut at = start;
    while at < end {
        let found = lowest_equal(load(input, at), b);
        if found != 0 {
            return at + (found.trailing_zeros() as usize / 8) < end;
        }
        at += 8;
    }
    false
}

/// The position of the first `b` in `input` from `start` on, if any.
#[inline]
fn find_byte(input: &[u8], start: usize, b: u8) -> Option<usize> {
    let mut at = start;
    while at < input.len() {
        let found = lowest_equal(load(input, at), b);
        if found != 0 {
            let i = at + found.trailing_zeros() as usize / 8;
            return (i < input.len()).then_some(i);
        }
        at += 8;
    }
    None
}

/// The length of the string literal at the start of `input`, quotes included, or `None` if
/// `input` does not start with a quote or the string is not closed.
#[inline]
pub(crate) fn string_len(input: &[u8]) -> Option<usize> {
    string_len_at(input, 0)
}

/// The length of the string literal at `start` in `input`, quotes included, or `None` if
/// none starts there or it is not closed.
#[inline]
pub(crate) fn string_len_at(input: &[u8], start: usize) -> Option<usize> {
    let quote = *input.get(start)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    find_byte(input, start + 1, quote).map(|end| end + 1 - start)
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

    /// The byte-at-a-time definitions the eight-byte scans must agree with.
    fn word_len_reference(input: &[u8]) -> usize {
        input
            .iter()
            .position(|&b| !is_label_char(char::from(b)) || !b.is_ascii())
            .unwrap_or(input.len())
    }

    fn string_len_reference(input: &[u8]) -> Option<usize> {
        let (&quote, text) = input.split_first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        text.iter().position(|&b| b == quote).map(|len| len + 2)
    }

    #[test]
    fn every_byte_is_classified_as_the_reference_does_at_every_position() {
        for b in 0..=255u8 {
            for at in 0..20 {
                for len in at + 1..24 {
                    let mut input = vec![b'a'; len];
                    if let Some(slot) = input.get_mut(at) {
                        *slot = b;
                    }
                    assert_eq!(
                        word_len(&input),
                        word_len_reference(&input),
                        "{b:#x} at {at} of {len}"
                    );
                    let mut quoted = input.clone();
                    quoted.insert(0, b'"');
                    assert_eq!(
                        string_len(&quoted),
                        string_len_reference(&quoted),
                        "{b:#x} at {at} of {len}"
                    );
                    quoted[0] = b'\'';
                    assert_eq!(
                        string_len(&quoted),
                        string_len_reference(&quoted),
                        "{b:#x} at {at} of {len}"
                    );
                }
            }
        }
        assert_eq!(word_len(b""), 0);
        assert_eq!(string_len(b"\""), None);
        assert_eq!(string_len(b"''"), Some(2));
    }

    proptest::proptest! {
        #[test]
        fn scans_match_the_reference(input in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
                                     text in "[a-z\"'. \u{e9}\u{80}-\u{ff}]{0,40}") {
            proptest::prop_assert_eq!(word_len(&input), word_len_reference(&input));
            for start in 0..=input.len() {
                proptest::prop_assert_eq!(word_len_at(&input, start), word_len_reference(&input[start..]));
                proptest::prop_assert_eq!(string_len_at(&input, start), string_len_reference(&input[start..]));
            }
            proptest::prop_assert_eq!(string_len(&input), string_len_reference(&input));
            proptest::prop_assert_eq!(word_len(text.as_bytes()), word_len_reference(text.as_bytes()));
            proptest::prop_assert_eq!(string_len(text.as_bytes()), string_len_reference(text.as_bytes()));
        }
    }
}
