//! Diagnostics and severities.

use std::cmp::Ordering;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::registry::Rule;
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

    /// The severity named `error`, `warning` or `info`.
    pub fn parse(name: &str) -> Option<Severity> {
        match name {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
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

/// A rule, serialized as its id and read back from the registry.
mod rule_serde {
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    use crate::registry::Rule;

    pub fn serialize<S: Serializer>(r: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
        r.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static Rule, D::Error> {
        let id = String::deserialize(d)?;
        crate::registry::find(&id)
            .ok_or_else(|| D::Error::custom(crate::registry::unknown_id_message(&id)))
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The rule that found it (serialized as its id, e.g. `selector-syntax`).
    #[serde(with = "rule_serde")]
    pub rule: &'static Rule,
    /// Severity: the rule's default, or the one the configuration chose.
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
    /// A finding of `rule` (with its default severity) at `span` of `file`.
    pub fn new(
        rule: &'static Rule,
        file: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let (line, column) = file.position(span.start);
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            help,
            file: file.name.clone(),
            line,
            column,
            span,
        }
    }

    /// The rule's id.
    pub fn rule_id(&self) -> &'static str {
        self.rule.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_serde() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        let f = SourceFile::new("f.yaml", "a: b\n");
        let d = Diagnostic::new(&crate::rules::never_matches::RULE, &f, 3..4, "m", None);
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains("\"span\":{\"start\":3,\"end\":4}"));
        assert!(json.contains("\"severity\":\"warning\""));
        let back: Diagnostic = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        assert!(json.contains("\"rule\":\"never-matches\""));
        let bad = json.replace("never-matches", "never-matchs");
        let err = serde_json::from_str::<Diagnostic>(&bad).unwrap_err();
        assert!(err.to_string().contains("did you mean `never-matches`"));
    }
}
