//! Offset conversions between UTF-8 byte offsets (Rust) and code-point indices (Python `str`).

/// The code-point index of byte offset `byte` in `text` (clamped to the text, and rounded down
/// to a character boundary).
pub(crate) fn char_index(text: &str, byte: usize) -> usize {
    let mut end = byte.min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).map_or(0, |prefix| prefix.chars().count())
}
