//! The conformance corpus (`data/calico-corpus.jsonl`, Calico's own verdicts) as Rust values.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One corpus record (format: SPEC.md section 9).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The selector text.
    pub selector: String,
    /// Whether Calico accepts it.
    pub valid: bool,
    /// Calico's canonical text (valid selectors only).
    pub canonical: Option<String>,
    /// Calico's unique id (valid selectors only).
    pub unique_id: Option<String>,
    /// Calico's label restrictions (valid selectors only).
    pub label_restrictions: Option<BTreeMap<String, Restriction>>,
    /// Label sets with Calico's verdict (valid selectors only).
    #[serde(default)]
    pub cases: Vec<Case>,
    /// Calico's error message (invalid selectors only).
    pub calico_error: Option<String>,
}

/// One label restriction as the corpus spells it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restriction {
    /// The label must be present.
    pub present: bool,
    /// The label must be absent.
    pub absent: bool,
    /// Allowed values, or `None` for no value restriction.
    pub values: Option<Vec<String>>,
}

/// A label set and whether the selector matches it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The labels.
    pub labels: BTreeMap<String, String>,
    /// Calico's verdict.
    pub matches: bool,
}

/// The path of the corpus file.
pub fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/calico-corpus.jsonl")
}

/// Reads every record of the corpus.
pub fn load_corpus() -> Result<Vec<Record>, String> {
    let text = std::fs::read_to_string(corpus_path()).map_err(|e| e.to_string())?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}
