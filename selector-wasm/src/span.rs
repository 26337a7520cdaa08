//! Byte offsets (what the Rust core reports) to UTF-16 offsets (what JavaScript strings,
//! `setSelectionRange` and editors use).
//!
//! JavaScript strings reach Rust as UTF-8; a lone surrogate becomes U+FFFD, which is one
//! UTF-16 code unit just like the surrogate it replaces, so UTF-16 offsets computed on the
//! Rust side index the caller's original string.

use serde::Serialize;
use std::ops::Range;
use wasm_bindgen::prelude::wasm_bindgen;

/// The TypeScript declaration of the type(s) below, written into the package's `.d.ts`.
// Read by the wasm-bindgen macro below (which rustc's dead-code pass does not count) and
// by the tests.
#[allow(dead_code)]
pub(crate) const SPAN_TS: &str = r#"
/** A range in the input, in UTF-16 code units and in UTF-8 bytes; `end` is exclusive. */
export interface Span {
  /** First UTF-16 code unit. */
  start: number;
  /** One past the last UTF-16 code unit. */
  end: number;
  /** First UTF-8 byte. */
  byteStart: number;
  /** One past the last UTF-8 byte. */
  byteEnd: number;
}
"#;
#[wasm_bindgen(typescript_custom_section)]
const SPAN_TS_SECTION: &str = SPAN_TS;

/// A span in both units: UTF-16 code units (`start`, `end`) and UTF-8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// First UTF-16 code unit.
    pub start: usize,
    /// One past the last UTF-16 code unit.
    pub end: usize,
    /// First byte (UTF-8).
    pub byte_start: usize,
    /// One past the last byte (UTF-8).
    pub byte_end: usize,
}

/// Converts byte offsets of one text to UTF-16 offsets.
///
/// Queries in ascending order cost O(text) in total (the cursor only moves forward); a query
/// behind the cursor restarts from the beginning. ASCII text needs no counting at all.
#[derive(Debug, Clone)]
pub struct Utf16Cursor<'a> {
    text: &'a str,
    ascii: bool,
    byte: usize,
    utf16: usize,
}

impl<'a> Utf16Cursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Utf16Cursor {
            text,
            ascii: text.is_ascii(),
            byte: 0,
            utf16: 0,
        }
    }

    /// The UTF-16 offset of byte offset `byte`. An offset past the end is clamped to the end;
    /// one inside a character counts that character as not yet reached.
    pub fn offset(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if self.ascii {
            return byte;
        }
        if byte < self.byte {
            self.byte = 0;
            self.utf16 = 0;
        }
        let rest = self.text.get(self.byte..).unwrap_or_default();
        for (at, ch) in rest.char_indices() {
            if self.byte + at + ch.len_utf8() > byte {
                break;
            }
            self.utf16 += ch.len_utf16();
        }
        // Land on the end of the last character counted, which is `byte` when it is a
        // character boundary.
        let mut end = byte;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        self.byte = end;
        self.utf16
    }

    /// Both units for a byte range.
    pub fn span(&mut self, bytes: Range<usize>) -> Span {
        let start = self.offset(bytes.start);
        let end = self.offset(bytes.end.max(bytes.start));
        Span {
            start,
            end,
            byte_start: bytes.start.min(self.text.len()),
            byte_end: bytes.end.max(bytes.start).min(self.text.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(text: &str, byte: usize) -> usize {
        text[..byte].encode_utf16().count()
    }

    #[test]
    fn ascii_offsets_are_bytes() {
        let mut c = Utf16Cursor::new("a == \"b\"");
        assert_eq!(c.offset(0), 0);
        assert_eq!(c.offset(5), 5);
        assert_eq!(c.offset(99), 8);
    }

    #[test]
    fn every_boundary_agrees_with_encode_utf16_in_any_order() {
        let text = "ü == '😀x' && é日本 != \"𝄞\"";
        let bounds: Vec<usize> = (0..=text.len())
            .filter(|&b| text.is_char_boundary(b))
            .collect();
        let mut c = Utf16Cursor::new(text);
        for &b in &bounds {
            assert_eq!(c.offset(b), naive(text, b), "ascending, byte {b}");
        }
        for &b in bounds.iter().rev() {
            assert_eq!(c.offset(b), naive(text, b), "descending, byte {b}");
        }
    }

    #[test]
    fn offsets_inside_a_character_round_down() {
        let text = "a😀b";
        let mut c = Utf16Cursor::new(text);
        assert_eq!(c.offset(2), 1);
        assert_eq!(c.offset(5), 3);
        assert_eq!(c.offset(6), 4);
    }

    #[test]
    fn span_carries_both_units() {
        let text = "😀 == \"x\"";
        let mut c = Utf16Cursor::new(text);
        let s = c.span(5..7);
        assert_eq!(
            s,
            Span {
                start: 3,
                end: 5,
                byte_start: 5,
                byte_end: 7
            }
        );
    }
}
