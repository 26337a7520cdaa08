//! Output formats for diagnostics: human (compiler style), JSON and SARIF 2.1.0.

use selector_policy::{Diagnostic, Severity, SourceFile};
use serde_json::{json, Value};

/// ANSI styling, or none.
#[derive(Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity_code(sev: Severity) -> &'static str {
        match sev {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        }
    }
}

/// Renders one diagnostic like a compiler: header, source line, caret, help.
pub fn human(d: &Diagnostic, file: Option<&SourceFile>, style: Style) -> String {
    let sev_code = Style::severity_code(d.severity);
    let mut out = format!(
        "{}: {}{}\n",
        style.paint("1", &format!("{}:{}:{}", d.file, d.line, d.column)),
        style.paint(sev_code, &format!("{}[{}]", d.severity.as_str(), d.rule)),
        style.paint("1", &format!(": {}", d.message)),
    );
    let gutter_width = d.line.to_string().len();
    let pad = " ".repeat(gutter_width);
    if let Some(file) = file.filter(|f| !f.text.is_empty()) {
        let line_text = file.line_text(d.line);
        let range = file.line_range(d.line);
        let end = d.span.end.clamp(d.span.start, range.end);
        let width = file
            .text
            .get(d.span.start.min(end)..end)
            .map_or(0, |s| s.chars().count())
            .max(1);
        let (shown, caret_column, width) = window(line_text, d.column, width);
        let bar = style.paint("1;34", "|");
        out.push_str(&format!("{pad} {bar}\n"));
        out.push_str(&format!(
            "{} {bar} {}\n",
            style.paint("1;34", &d.line.to_string()),
            shown.replace('\t', " ")
        ));
        out.push_str(&format!(
            "{pad} {bar} {}{}\n",
            " ".repeat(caret_column.saturating_sub(1)),
            style.paint(sev_code, &"^".repeat(width))
        ));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!(
            "{pad} {} {help}\n",
            style.paint("1;36", "= help:")
        ));
    }
    out
}

/// Longest source line shown whole; longer lines are cut around the caret.
const MAX_LINE: usize = 160;

/// The part of a source line to show, the caret's column in it and the caret's width.
fn window(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_LINE {
        return (line.to_string(), column, width);
    }
    let start = column.saturating_sub(1).saturating_sub(40);
    let end = (start + MAX_LINE).min(chars.len());
    let mut shown: String = chars.get(start..end).unwrap_or(&[]).iter().collect();
    let mut caret = column - start;
    if start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    let width = width.min(end.saturating_sub(column - 1).max(1));
    (shown, caret, width)
}

/// Counts of findings by severity.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize, usize) {
    let n = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closing summary line of human output.
pub fn summary(diags: &[Diagnostic], files: usize) -> String {
    let (e, w, i) = counts(diags);
    let checked = plural(files, "file");
    if diags.is_empty() {
        format!("no problems found ({checked} checked)\n")
    } else {
        format!(
            "{}, {}, {} ({checked} checked)\n",
            plural(e, "error"),
            plural(w, "warning"),
            plural(i, "info")
        )
    }
}

/// The documented JSON output of `lint --format json`.
pub fn json(diags: &[Diagnostic], files: usize) -> Value {
    let (e, w, i) = counts(diags);
    json!({
        "version": 1,
        "files": files,
        "summary": {"errors": e, "warnings": w, "infos": i},
        "diagnostics": diags,
    })
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = "x".repeat(1000);
        let (shown, caret, width) = window(&line, 500, 3);
        assert_eq!(shown.chars().count(), 162);
        assert_eq!(caret, 42);
        assert_eq!(width, 3);
        assert_eq!(window("short", 2, 1), ("short".to_string(), 2, 1));
    }
}
