//! Output formats for diagnostics: human (compiler style), JSON and SARIF 2.1.0.

use std::collections::HashMap;

use selector_core::{Snippet, SnippetColors};
use selector_policy::{Diagnostic, Severity, SourceFile, RULES};
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

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF 2.1.0 log with one run.
pub fn sarif(diags: &[Diagnostic], files: &HashMap<String, SourceFile>) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": r.summary},
                "defaultConfiguration": {"level": sarif_level(r.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let (end_line, mut end_column) = files
                .get(&d.file)
                .map_or((d.line, d.column), |f| f.position(d.span.end));
            if (end_line, end_column) == (d.line, d.column) {
                // SARIF regions end exclusively: show an empty span as one column.
                end_column += 1;
            }
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let uri = if d.file == "-" {
                "stdin".to_string()
            } else {
                d.file.replace('\\', "/")
            };
            json!({
                "ruleId": d.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == d.rule),
                "level": sarif_level(d.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": end_line,
                            "endColumn": end_column,
                        }
                    }
                }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "calico-selector",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
