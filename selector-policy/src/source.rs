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

/// Converts the parser's char indices to byte offsets.
pub(crate) struct CharOffsets {
    /// Byte offset of every char, plus the text length; empty for ASCII text.
    offsets: Vec<usize>,
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
        CharOffsets {
            offsets,
            len: text.len(),
        }
    }

    pub(crate) fn byte(&self, char_index: usize) -> usize {
        if self.offsets.is_empty() {
            char_index.min(self.len)
        } else {
            self.offsets.get(char_index).copied().unwrap_or(self.len)
        }
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
}
