//! The one caret renderer, for selector errors ([`ParseError`](crate::ParseError)'s
//! `Display`) and for the linter's diagnostics (the CLI's human output): the source line in
//! a gutter with its number, a caret line under the span, and the help.
//!
//! ```text
//!   |
//! 1 | a == b
//!   |      ^
//!   = help: quote the value: `a == "b"`
//! ```
//!
//! A long line is cut to a window around the caret (marked `…`); tabs print as one space and
//! other control characters as their Unicode control picture, so the caret stays under its
//! span in any terminal.

use std::fmt::Write;

/// ANSI SGR codes to paint a snippet with (for example `"1;34"` for bold blue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnippetColors {
    /// The gutter: line number and bars.
    pub gutter: &'static str,
    /// The caret.
    pub caret: &'static str,
    /// The `= help:` label.
    pub help: &'static str,
}

/// One source line with a caret under part of it, and an optional help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snippet<'a> {
    /// The line's number (1-based), printed in the gutter.
    pub line_number: usize,
    /// The line's text, without its line break.
    pub line: &'a str,
    /// Where the caret starts: the 1-based column, in characters.
    pub column: usize,
    /// How many characters the caret spans (at least one is drawn, and never past the line).
    pub width: usize,
    /// The help printed under the caret.
    pub help: Option<&'a str>,
}

/// Characters of a line shown before the caret when the line is cut.
const BEFORE: usize = 40;
/// Characters of a line shown at most.
const WIDTH: usize = 120;

impl Snippet<'_> {
    /// The snippet's lines, each ending in a line break, painted with `colors` if given.
    ///
    /// ```
    /// use selector_core::Snippet;
    /// let s = Snippet { line_number: 1, line: "a == b", column: 6, width: 1, help: Some("quote it") };
    /// assert_eq!(s.render(None), "  |\n1 | a == b\n  |      ^\n  = help: quote it\n");
    /// ```
    pub fn render(&self, colors: Option<SnippetColors>) -> String {
        let paint = |code: fn(&SnippetColors) -> &'static str, text: &str| match &colors {
            Some(c) => format!("\x1b[{}m{text}\x1b[0m", code(c)),
            None => text.to_string(),
        };
        let (shown, caret_at, width) = self.window();
        let number = self.line_number.to_string();
        let pad = " ".repeat(number.len());
        let bar = paint(|c| c.gutter, "|");
        let mut out = String::new();
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(out, "{} {bar} {shown}", paint(|c| c.gutter, &number));
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(caret_at),
            paint(|c| c.caret, &"^".repeat(width))
        );
        if let Some(help) = self.help {
            let _ = writeln!(out, "{pad} {} {help}", paint(|c| c.help, "= help:"));
        }
        out
    }

    /// The part of the line to show (made visible), where the caret starts in it (0-based,
    /// in characters) and its width.
    fn window(&self) -> (String, usize, usize) {
        let total = self.line.chars().count();
        let col = self.column.saturating_sub(1).min(total);
        let skip = if total > WIDTH {
            col.saturating_sub(BEFORE)
        } else {
            0
        };
        let mut shown: String = self
            .line
            .chars()
            .skip(skip)
            .take(WIDTH)
            .map(visible)
            .collect();
        let mut caret_at = col - skip;
        if skip > 0 {
            shown.insert(0, '…');
            caret_at += 1;
        }
        if total > skip + WIDTH {
            shown.push('…');
        }
        let room = shown.chars().count().saturating_sub(caret_at).max(1);
        (shown, caret_at, self.width.clamp(1, room))
    }
}

/// A tab as one space, other control characters as their Unicode control picture: one
/// column each, so the caret stays aligned.
fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
        '\u{7f}' => '\u{2421}',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(line: &str, column: usize, width: usize) -> Snippet<'_> {
        Snippet {
            line_number: 12,
            line,
            column,
            width,
            help: None,
        }
    }

    #[test]
    fn the_caret_stays_under_its_span() {
        assert_eq!(
            snippet("a\t== \u{1}b", 6, 9).render(None),
            "   |\n12 | a == ␁b\n   |      ^^\n"
        );
        // A caret at the end of the line (a missing token) is drawn one past it.
        assert_eq!(
            snippet("ab", 3, 0).render(None),
            "   |\n12 | ab\n   |   ^\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(200), "b".repeat(200));
        let out = snippet(&line, 201, 3).render(None);
        let lines: Vec<&str> = out.lines().collect();
        let shown = lines.get(1).unwrap().trim_start_matches("12 | ");
        assert_eq!(shown.chars().count(), WIDTH + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let caret = lines.get(2).unwrap().trim_start_matches("   | ");
        assert_eq!(caret.find('^'), Some(1 + BEFORE));
        assert_eq!(shown.chars().nth(1 + BEFORE), Some('X'));
        assert_eq!(caret.trim(), "^^^");
    }

    #[test]
    fn colors_paint_the_gutter_caret_and_help() {
        let colors = SnippetColors {
            gutter: "1;34",
            caret: "1;31",
            help: "1;36",
        };
        let s = Snippet {
            help: Some("h"),
            ..snippet("x", 1, 1)
        };
        let out = s.render(Some(colors));
        assert!(out.contains("\x1b[1;34m12\x1b[0m \x1b[1;34m|\x1b[0m x"));
        assert!(out.contains("\x1b[1;31m^\x1b[0m"));
        assert!(out.contains("\x1b[1;36m= help:\x1b[0m h"));
    }
}
