//! The plain data that crosses into JavaScript, built from the core's types with every span
//! in UTF-16 code units and bytes. Pure Rust (no JS calls), so it is unit-tested natively;
//! `lib.rs` only hands these values to `serde-wasm-bindgen`.
//!
//! Field names here are the JavaScript names (camelCase); `index.d.ts` declares the same
//! shapes, and the node tests check both against each other.

use crate::span::{Span, Utf16Cursor};
use selector_core::{ErrorKind, Explanation, LabelRestriction, ParseError, Selector, TokenKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// A selector syntax error as JavaScript sees it (also the fields of a thrown `SelectorError`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// What is wrong, lowercase, user input in backticks.
    pub message: String,
    /// How to fix it, when there is a common fix.
    pub help: Option<String>,
    /// Stable kind; serialises as a snake_case string, e.g. `unquoted_value`.
    pub kind: ErrorKind,
    /// Where, in UTF-16 code units and bytes.
    #[serde(flatten)]
    pub span: Span,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
}

impl ErrorInfo {
    /// Converts a core error; `text` must be the text that was parsed.
    pub fn new(error: &ParseError, text: &str) -> Self {
        let span = Utf16Cursor::new(text).span(error.span());
        ErrorInfo {
            message: error.message().to_owned(),
            help: error.help().map(str::to_owned),
            kind: error.kind(),
            span,
            line: error.line(),
            column: error.column(),
        }
    }
}

/// One finding of `check`: a finding of `selector_policy::check_selector` (the CLI's
/// `check` and Python's `validate` report the same), spans in the selector text.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectorDiagnostic {
    /// Stable rule id, e.g. `selector-syntax`, `never-matches`.
    pub rule: &'static str,
    /// Serialises as `error`, `warning` or `info`.
    pub severity: selector_policy::Severity,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The parse error's kind, for the finding that is the parse error itself; else `null`.
    pub kind: Option<ErrorKind>,
    /// Where, in UTF-16 code units and bytes of the selector.
    #[serde(flatten)]
    pub span: Span,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
}

/// The result of `check`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum CheckResult {
    /// The selector parses.
    Valid {
        /// Always `true`.
        ok: bool,
        /// Calico's canonical text.
        canonical: String,
        /// Calico's unique id.
        #[serde(rename = "uniqueId")]
        unique_id: String,
        /// Warnings about it (e.g. `never-matches`); usually empty.
        diagnostics: Vec<SelectorDiagnostic>,
    },
    /// The selector does not parse.
    Invalid {
        /// Always `false`.
        ok: bool,
        /// What is wrong: the syntax error first among the findings at its position.
        diagnostics: Vec<SelectorDiagnostic>,
    },
}

impl CheckResult {
    /// Checks `text` with `selector_policy::check_selector` and describes the outcome.
    pub fn of(text: &str) -> Self {
        let parsed = Selector::parse(text);
        let mut cursor = Utf16Cursor::new(text);
        // The findings are sorted by start, so the cursor only moves forward.
        let diagnostics = selector_policy::check_selector(text)
            .into_iter()
            .map(|d| SelectorDiagnostic {
                rule: d.rule.id,
                severity: d.severity,
                kind: parsed
                    .as_ref()
                    .err()
                    .filter(|e| e.span() == d.span && e.message() == d.message)
                    .map(ParseError::kind),
                span: cursor.span(d.span.clone()),
                message: d.message,
                help: d.help,
                line: d.line,
                column: d.column,
            })
            .collect();
        match parsed {
            Ok(selector) => CheckResult::Valid {
                ok: true,
                canonical: selector.canonical().to_owned(),
                unique_id: selector.unique_id().to_owned(),
                diagnostics,
            },
            Err(_) => CheckResult::Invalid {
                ok: false,
                diagnostics,
            },
        }
    }
}

/// One token for syntax highlighting.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    /// Serialises as `label`, `string`, `operator`, `function`, `not`, `and`, `or`, `lparen`, ...
    pub kind: TokenKind,
    /// Where, in UTF-16 code units and bytes.
    #[serde(flatten)]
    pub span: Span,
}

/// The result of `tokens`: the tokens read, and the error that stopped reading, if any.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokensResult {
    /// Tokens in source order (whitespace is not a token).
    pub tokens: Vec<TokenInfo>,
    /// The first syntax error, or `None` when the whole text is a valid selector.
    pub error: Option<ErrorInfo>,
}

impl TokensResult {
    /// Tokenises `text`.
    pub fn of(text: &str) -> Self {
        let read = selector_core::tokens(text);
        let mut cursor = Utf16Cursor::new(text);
        let tokens = read
            .tokens
            .iter()
            .map(|token| TokenInfo {
                kind: token.kind,
                span: cursor.span(token.span.clone()),
            })
            .collect();
        TokensResult {
            tokens,
            error: read.error.as_ref().map(|e| ErrorInfo::new(e, text)),
        }
    }
}

/// One label's restriction, in the conformance corpus's shape.
#[derive(Debug, Clone, Serialize)]
pub struct RestrictionInfo {
    /// The label must be present.
    pub present: bool,
    /// The label must be absent.
    pub absent: bool,
    /// The label's value must be one of these (sorted); `None` (JS `null`) when unrestricted.
    pub values: Option<Vec<String>>,
}

impl From<LabelRestriction> for RestrictionInfo {
    fn from(r: LabelRestriction) -> Self {
        RestrictionInfo {
            present: r.must_be_present,
            absent: r.must_be_absent,
            values: r.must_have_one_of,
        }
    }
}

/// The label restrictions of a selector, keyed by label name.
pub fn restrictions(selector: &Selector) -> BTreeMap<String, RestrictionInfo> {
    selector
        .label_restrictions()
        .into_iter()
        .map(|(name, r)| (name, r.into()))
        .collect()
}

/// A verdict tree node.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplanationInfo {
    /// Canonical text of the sub-expression.
    pub text: String,
    /// Whether the sub-expression is true on the labels.
    pub matched: bool,
    /// Where the sub-expression is in the selector's source text.
    #[serde(flatten)]
    pub span: Span,
    /// Operands, in source order.
    pub children: Vec<ExplanationInfo>,
}

impl ExplanationInfo {
    /// Converts a core explanation of a selector whose source text is `source`.
    pub fn new(explanation: &Explanation, source: &str) -> Self {
        let mut cursor = Utf16Cursor::new(source);
        Self::convert(explanation, &mut cursor)
    }

    fn convert(e: &Explanation, cursor: &mut Utf16Cursor<'_>) -> Self {
        // Parent first, then children left to right: spans come in ascending start order,
        // which keeps the cursor moving forward except when stepping back to an `end`.
        let span = cursor.span(e.span.clone());
        ExplanationInfo {
            text: e.text.clone(),
            matched: e.matched,
            span,
            children: e
                .children
                .iter()
                .map(|child| Self::convert(child, cursor))
                .collect(),
        }
    }
}

/// One finding of the policy linter, spans in both units.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LintDiagnostic {
    /// Stable rule id, e.g. `selector-syntax`.
    pub rule: &'static str,
    /// Serialises as `error`, `warning` or `info`.
    pub severity: selector_policy::Severity,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The file name given to `lintYaml` (`<input>` by default).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
    /// Where, in UTF-16 code units and bytes of the YAML text.
    #[serde(flatten)]
    pub span: Span,
}

/// Lints one YAML (or JSON) text with `selector_policy::lint_text` (every rule that fits
/// one file), spans converted to UTF-16 code units and bytes.
pub fn lint(text: &str, filename: &str) -> Vec<LintDiagnostic> {
    let diagnostics = selector_policy::lint_text(text, filename);
    // Convert spans in ascending order so the cursor only moves forward, then restore the
    // linter's order.
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| diagnostics.get(i).map_or(0, |d| d.span.start));
    let mut spans = vec![
        Span {
            start: 0,
            end: 0,
            byte_start: 0,
            byte_end: 0
        };
        diagnostics.len()
    ];
    let mut cursor = Utf16Cursor::new(text);
    for i in order {
        if let (Some(d), Some(slot)) = (diagnostics.get(i), spans.get_mut(i)) {
            *slot = cursor.span(d.span.clone());
        }
    }
    diagnostics
        .into_iter()
        .zip(spans)
        .map(|(d, span)| LintDiagnostic {
            rule: d.rule.id,
            severity: d.severity,
            message: d.message,
            help: d.help,
            file: d.file,
            line: d.line,
            column: d.column,
            span,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn json<T: Serialize>(v: &T) -> String {
        serde_json::to_value(v)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn check_reports_utf16_and_byte_spans() {
        let text = "😀 == \"x\"";
        let CheckResult::Invalid { ok, diagnostics } = CheckResult::of(text) else {
            panic!("expected an error for {text:?}");
        };
        assert!(!ok);
        let d = &diagnostics[0];
        assert_eq!(json(&d.severity), "error");
        assert_eq!(d.rule, "selector-syntax");
        assert!(d.kind.is_some() && !d.message.is_empty());
        // The emoji is 4 bytes and 2 UTF-16 units: the error must start at the emoji.
        assert_eq!((d.span.byte_start, d.span.start), (0, 0));
        assert!(d.span.byte_end == 0 || d.span.byte_end == 4);
    }

    #[test]
    fn check_valid_gives_canonical_and_id() {
        let r = CheckResult::of("a == \"x\"");
        let CheckResult::Valid {
            ok,
            canonical,
            unique_id,
            diagnostics,
        } = r
        else {
            panic!("expected valid");
        };
        assert!(ok);
        assert_eq!(canonical, "a == \"x\"");
        assert!(unique_id.starts_with("s:"));
        assert!(diagnostics.is_empty());
        // A valid selector that can never match: the same warning as the linter's.
        let CheckResult::Valid { diagnostics, .. } = CheckResult::of("!all()") else {
            panic!("expected valid");
        };
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            (diagnostics[0].rule, json(&diagnostics[0].severity).as_str()),
            ("never-matches", "warning")
        );
        assert!(diagnostics[0].kind.is_none());
    }

    #[test]
    fn tokens_of_a_valid_selector() {
        let r = TokensResult::of("ab == \"ü😀\"");
        assert!(r.error.is_none());
        let kinds: Vec<String> = r.tokens.iter().map(|t| json(&t.kind)).collect();
        assert_eq!(kinds, ["label", "operator", "string"]);
        let s = r.tokens[2].span;
        assert_eq!((s.byte_start, s.byte_end), (6, 14));
        assert_eq!((s.start, s.end), (6, 11));
    }

    #[test]
    fn explanation_spans_follow_the_source() {
        let src = "a == \"ü\" && b == \"y\"";
        let sel = Selector::parse(src).unwrap();
        let labels: HashMap<String, String> = [("b".to_owned(), "y".to_owned())].into();
        let e = ExplanationInfo::new(&sel.explain(&labels), sel.source());
        assert!(!e.matched);
        assert_eq!(e.span.byte_end, src.len());
        assert_eq!(e.span.end, src.encode_utf16().count());
        assert_eq!(e.children.len(), 2);
        assert!(e.children[1].matched);
        assert_eq!(e.children[1].span.start, src.find('b').unwrap() - 1);
    }

    #[test]
    fn restrictions_use_the_corpus_shape() {
        let sel = Selector::parse("a == \"x\"").unwrap();
        let r = restrictions(&sel);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"a": {"present": true, "absent": false, "values": ["x"]}})
        );
    }

    #[test]
    fn lint_spans_are_utf16_in_the_yaml_text() {
        let yaml = "# café 😀\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: p\nspec:\n  selector: app = \"😀\"\n";
        let diagnostics = lint(yaml, "policy.yaml");
        let d = diagnostics
            .iter()
            .find(|d| d.rule == "selector-syntax")
            .unwrap_or_else(|| panic!("no selector-syntax in {diagnostics:?}"));
        assert_eq!(d.file, "policy.yaml");
        assert_eq!(d.line, 7);
        let utf16: Vec<u16> = yaml.encode_utf16().collect();
        let text = String::from_utf16(&utf16[d.span.start..d.span.end]).unwrap();
        assert_eq!(text, &yaml[d.span.byte_start..d.span.byte_end]);
        assert!(
            d.span.byte_start - d.span.start == 3,
            "é is 1 extra byte, 😀 2 more"
        );
        assert_eq!(json(&d.severity), "error");
    }

    #[test]
    fn too_deep_yaml_is_one_diagnostic_at_its_line() {
        let text = format!("kind: GlobalNetworkPolicy\n{}x\n", "- ".repeat(20_000));
        let d = lint(&text, "");
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].rule, d[0].line, d[0].file.as_str()),
            ("yaml-syntax", 2, "<input>")
        );
        assert_eq!(d[0].span.byte_start, text.find('-').unwrap());
    }
}
