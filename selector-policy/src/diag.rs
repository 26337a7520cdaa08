//! Diagnostics, severities and the table of lint rules.

use std::cmp::Ordering;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::source::SourceFile;

/// How serious a finding is. Ordered `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Calico rejects the resource, or it does something the author cannot have meant.
    Error,
    /// Probably a mistake.
    Warning,
    /// Worth knowing; often fine.
    Info,
}

impl Severity {
    fn rank(self) -> u8 {
        match self {
            Severity::Info => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
        }
    }

    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl PartialOrd for Severity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Severity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// A byte range, serialized as `{"start": s, "end": e}`.
mod span_serde {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::ops::Range;

    #[derive(Serialize, Deserialize)]
    struct Span {
        start: usize,
        end: usize,
    }

    pub fn serialize<S: Serializer>(r: &Range<usize>, s: S) -> Result<S::Ok, S::Error> {
        Span {
            start: r.start,
            end: r.end,
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Range<usize>, D::Error> {
        let s = Span::deserialize(d)?;
        Ok(s.start..s.end)
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable rule id, e.g. `selector-syntax`, `duplicate-resource`.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The file name as given (`-` for stdin, `<input>` for [`crate::lint_text`] without a name).
    pub file: String,
    /// 1-based line of `span.start`.
    pub line: usize,
    /// 1-based column of `span.start`, counted in chars.
    pub column: usize,
    /// Byte offsets into the file text.
    #[serde(with = "span_serde")]
    pub span: Range<usize>,
}

impl Diagnostic {
    /// A diagnostic for rule `rule` (its severity from [`RULES`]) at `span` of `file`.
    pub fn new(
        rule: &RuleInfo,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let (line, column) = file.position(span.start);
        Diagnostic {
            rule: rule.id.to_string(),
            severity: rule.severity,
            message: message.into(),
            help,
            file: file.name.clone(),
            line,
            column,
            span,
        }
    }
}

/// A lint rule's stable id, default severity and one-line description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable id.
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// What it finds.
    pub summary: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $sev:ident, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $name: RuleInfo = RuleInfo { id: $id, severity: Severity::$sev, summary: $summary };
        )*
        /// Every rule, in the order of the documentation.
        pub const RULES: &[RuleInfo] = &[$($name),*];
    };
}

rules! {
    IO_ERROR = "io-error", Error, "A path that cannot be read.";
    YAML_SYNTAX = "yaml-syntax", Error, "A file that is not valid YAML or JSON.";
    SELECTOR_SYNTAX = "selector-syntax", Error, "A selector that Calico cannot parse (or a selector field that is not a string).";
    SELECTOR_NEWLINE = "selector-newline", Error, "A newline or carriage return inside a selector, typically from a YAML `|` block.";
    YAML_TAG_SELECTOR = "yaml-tag-selector", Error, "An unquoted selector starting with `!`, which YAML reads as a tag.";
    NEVER_MATCHES = "never-matches", Warning, "A selector that can never match any labels.";
    DUPLICATE_RESOURCE = "duplicate-resource", Error, "Two resources with the same kind, namespace and name: the later replaces the earlier on apply.";
    GLOBAL_MISUSE = "global-misuse", Error, "`global()` outside a rule's namespaceSelector, or combined with other expressions there.";
    AUTOMATIC_LABEL_MISUSE = "automatic-label-misuse", Warning, "A Calico automatic label used in a field whose resources never carry it.";
    UNKNOWN_LABEL = "unknown-label", Warning, "A label that no labelled resource in the input carries.";
    UNSELECTED_HOST_ENDPOINT = "unselected-host-endpoint", Warning, "A HostEndpoint that no policy in the input selects: all its traffic is denied except failsafe ports.";
    POLICY_SELECTS_NOTHING = "policy-selects-nothing", Info, "A policy whose selector selects no endpoint in the input.";
    K8S_SELECTOR_SYNTAX = "k8s-selector-syntax", Error, "Kubernetes label-selector syntax where a Calico selector is needed.";
    PEER_OUTSIDE_NAMESPACE = "peer-outside-namespace", Warning, "A namespaced policy's rule selector that matches resources of the input only outside the policy's namespace (it needs a namespaceSelector).";
    TEXTUAL_REWRITE = "textual-rewrite", Warning, "A string literal containing `all()` or `global()` where Calico rewrites that text when it combines selectors.";
}

/// The rule with id `id`.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_serde() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        let f = SourceFile::new("f.yaml", "a: b\n");
        let d = Diagnostic::new(&NEVER_MATCHES, &f, 3..4, "m", None);
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"span\":{\"start\":3,\"end\":4}"));
        assert!(json.contains("\"severity\":\"warning\""));
        let back: Diagnostic = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        assert_eq!(
            rule_info("io-error").map(|r| r.severity),
            Some(Severity::Error)
        );
    }
}
