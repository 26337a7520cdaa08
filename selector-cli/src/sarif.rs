//! SARIF 2.1.0 output of `lint --format sarif`, with the rule metadata from the registry.
//!
//! Small typed serde structs for the part of SARIF we write, rather than the `serde-sarif`
//! crate: that crate generates types (with builders) for the whole schema and pulls in
//! several more dependencies, for the ten objects used here.

use std::collections::HashMap;

use selector_policy::{all_rules, Diagnostic, Rule, Severity, SourceFile};
use serde::Serialize;

/// A SARIF log.
#[derive(Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<ResultObject>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    short_description: Message,
    full_description: Message,
    help: Markdown,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Markdown {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultObject {
    rule_id: &'static str,
    rule_index: Option<usize>,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// SARIF's name of a severity (`info` is `note`).
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(r: &Rule) -> ReportingDescriptor {
    let doc = r.doc_markdown();
    ReportingDescriptor {
        id: r.id,
        short_description: Message {
            text: r.summary.to_string(),
        },
        full_description: Message {
            // The first paragraph of the doc (what it finds), without its heading.
            text: doc
                .split("\n\n")
                .next()
                .unwrap_or(r.summary)
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join(" "),
        },
        help: Markdown {
            text: doc.clone(),
            markdown: doc,
        },
        default_configuration: Configuration {
            level: level(r.severity),
        },
    }
}

/// A SARIF 2.1.0 log with one run: every registered rule, and a result per finding.
pub fn log(diags: &[Diagnostic], files: &HashMap<String, SourceFile>) -> Log {
    let rules: Vec<&Rule> = all_rules().collect();
    let results = diags
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
            ResultObject {
                rule_id: d.rule.id,
                rule_index: rules.iter().position(|r| r.id == d.rule.id),
                level: level(d.severity),
                message: Message { text },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri },
                        region: Region {
                            start_line: d.line,
                            start_column: d.column,
                            end_line,
                            end_column,
                        },
                    },
                }],
            }
        })
        .collect();
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "calico-selector",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: rules.iter().map(|r| descriptor(r)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}
