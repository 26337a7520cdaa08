//! Source files and byte-offset to line/column conversion.

use std::ops::Range;

/// One input file: its name as given and its whole text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file name as given on the command line (`-` for stdin, `<input>` by default).
    pub name: String,
    /// The whole text of the file.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps a file's text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and 1-based column (counted in chars) of a byte offset.
    /// Offsets past the end are clamped; offsets inside a char count as that char.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_index).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..)
            .map(|rest| {
                rest.char_indices()
                    .take_while(|(i, _)| start + i < offset)
                    .count()
            })
            .unwrap_or(0);
        (line_index + 1, column + 1)
    }

    /// The text of the 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = line
            .checked_sub(1)
            .and_then(|i| self.line_starts.get(i))
            .copied()
        else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The byte range of the 1-based line `line` (without its line break).
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = line
            .checked_sub(1)
            .and_then(|i| self.line_starts.get(i))
            .copied()
            .unwrap_or(0);
        start..start + self.line_text(line).len()
    }
}

/// Converts the YAML parser's positions to byte offsets.
///
/// Positions are taken from a marker's line and column (chars), not from its running char
/// index: the parser counts a `%` directive line in bytes, so after a directive holding
/// non-ASCII text its index runs ahead of the real char index, while line and column stay
/// right. Both tables are built once, so each conversion is O(1) even for a one-line file.
pub(crate) struct CharOffsets {
    /// Byte offset of every char, plus the text length; empty for ASCII text.
    offsets: Vec<usize>,
    /// Char index of the start of every line (a line ends after `\n`, `\r\n` or a lone `\r`).
    line_starts: Vec<usize>,
    /// Number of chars in the text.
    chars: usize,
    len: usize,
}

impl CharOffsets {
    pub(crate) fn new(text: &str) -> CharOffsets {
        let offsets = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        let mut line_starts = vec![0];
        let mut chars = 0;
        let mut iter = text.chars().peekable();
        while let Some(c) = iter.next() {
            chars += 1;
            if c == '\r' && iter.peek() == Some(&'\n') {
                iter.next();
                chars += 1;
                line_starts.push(chars);
            } else if c == '\n' || c == '\r' {
                line_starts.push(chars);
            }
        }
        CharOffsets {
            offsets,
            line_starts,
            chars,
            len: text.len(),
        }
    }

    /// The byte offset of the char with this index (the text length past the end).
    pub(crate) fn byte(&self, char_index: usize) -> usize {
        if self.offsets.is_empty() {
            char_index.min(self.len)
        } else {
            self.offsets.get(char_index).copied().unwrap_or(self.len)
        }
    }

    /// The byte offset of a parser marker: `line` 1-based, `col` 0-based, in chars; a column
    /// past the end of its line is kept within the line.
    pub(crate) fn byte_at(&self, line: usize, col: usize) -> usize {
        let i = line.saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else {
            return self.len;
        };
        let end = self.line_starts.get(i + 1).copied().unwrap_or(self.chars);
        self.byte((start + col).min(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars() {
        let f = SourceFile::new("x", "ab\néx: y\n");
        assert_eq!(f.position(0), (1, 1));
        assert_eq!(f.position(3), (2, 1));
        assert_eq!(f.position(5), (2, 2));
        assert_eq!(f.line_text(2), "éx: y");
        assert_eq!(f.line_text(9), "");
    }

    #[test]
    fn markers_convert_by_line_and_column() {
        let text = "%ü\r\n---\nkéy: (=\r\rz";
        let c = CharOffsets::new(text);
        assert_eq!(c.byte_at(1, 1), 1);
        assert_eq!(c.byte_at(3, 0), 9);
        assert_eq!(&text[c.byte_at(3, 5)..], "(=\r\rz");
        assert_eq!(&text[c.byte_at(5, 0)..], "z");
        assert_eq!(c.byte_at(5, 9), text.len());
        assert_eq!(c.byte_at(9, 0), text.len());
    }
}
