//! Output formats for diagnostics: human (compiler style), JSON and SARIF 2.1.0.

use selector_core::{Snippet, SnippetColors};
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

/// Renders one diagnostic like a compiler: header, then the source line, caret and help
/// by selector-core's caret renderer (the one selector errors use too).
pub fn human(d: &Diagnostic, file: Option<&SourceFile>, style: Style) -> String {
    let sev_code = Style::severity_code(d.severity);
    let mut out = format!(
        "{}: {}{}\n",
        style.paint("1", &format!("{}:{}:{}", d.file, d.line, d.column)),
        style.paint(sev_code, &format!("{}[{}]", d.severity.as_str(), d.rule)),
        style.paint("1", &format!(": {}", d.message)),
    );
    let colors = style.color.then_some(SnippetColors {
        gutter: "1;34",
        caret: sev_code,
        help: "1;36",
    });
    match file.filter(|f| !f.text.is_empty()) {
        Some(file) => {
            let range = file.line_range(d.line);
            let end = d.span.end.clamp(d.span.start, range.end);
            let width = file
                .text
                .get(d.span.start.min(end)..end)
                .map_or(0, |s| s.chars().count());
            let snippet = Snippet {
                line_number: d.line,
                line: file.line_text(d.line),
                column: d.column,
                width,
                help: d.help.as_deref(),
            };
            out.push_str(&snippet.render(colors));
        }
        None => {
            if let Some(help) = &d.help {
                let pad = " ".repeat(d.line.to_string().len());
                out.push_str(&format!(
                    "{pad} {} {help}\n",
                    style.paint("1;36", "= help:")
                ));
            }
        }
    }
    out
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
