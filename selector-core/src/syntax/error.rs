//! Parse errors: a stable kind, a byte span, a message, an optional help, and a rendering
//! that shows the selector with a caret under the offending bytes.

use super::snippet::Snippet;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::Range;

/// What went wrong, as a stable, machine-readable kind.
///
/// New kinds may be added in minor releases; match with a wildcard arm.
///
/// ```
/// use selector_core::{validate, ErrorKind};
/// assert_eq!(validate("env in (a, b)").unwrap_err().kind(), ErrorKind::KubernetesSetSyntax);
/// assert_eq!(validate("has (x)").unwrap_err().kind(), ErrorKind::SpaceBeforeParen);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended where more was expected.
    UnexpectedEnd,
    /// A character that cannot start or continue the expression here.
    UnexpectedCharacter,
    /// A label was expected (at the start of an expression or inside `has(`).
    ExpectedLabel,
    /// A label is not followed by an operator (`a "x"`, or `a` alone).
    MissingOperator,
    /// An operator that does not exist: `=`, `===`, a lone `&` or `|`.
    InvalidOperator,
    /// `and`, `or` or `not` written as a word.
    WordOperator,
    /// A value that is not quoted: `a == b`.
    UnquotedValue,
    /// A quoted string was expected.
    ExpectedString,
    /// A `{…}` set was expected after `in` / `not in`.
    ExpectedSet,
    /// Kubernetes-style `in (a, b)` instead of `in {"a", "b"}`.
    KubernetesSetSyntax,
    /// A string literal without its closing quote.
    UnterminatedString,
    /// A label longer than 512 bytes.
    LabelTooLong,
    /// A newline or carriage return outside a string literal.
    NewlineNotAllowed,
    /// A space between `has`, `all` or `global` and its `(`.
    SpaceBeforeParen,
    /// `has(a, b)`: more than one label in `has(`.
    HasMultipleLabels,
    /// An argument given to `all()` or `global()`.
    UnexpectedArgument,
    /// A `(` without its `)`.
    UnclosedParen,
    /// A `)` without its `(`.
    UnmatchedParen,
    /// A `{` without its `}`.
    UnclosedBrace,
    /// `()` with nothing inside.
    EmptyParens,
    /// Input left over after a complete selector.
    TrailingInput,
    /// Parentheses nested deeper than [`crate::NESTING_LIMIT`].
    NestingTooDeep,
}

impl ErrorKind {
    /// The kind as a stable snake_case string (the same as its serde form).
    ///
    /// ```
    /// let e = selector_core::validate("a == b").unwrap_err();
    /// assert_eq!(e.kind().as_str(), "unquoted_value");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::UnexpectedEnd => "unexpected_end",
            ErrorKind::UnexpectedCharacter => "unexpected_character",
            ErrorKind::ExpectedLabel => "expected_label",
            ErrorKind::MissingOperator => "missing_operator",
            ErrorKind::InvalidOperator => "invalid_operator",
            ErrorKind::WordOperator => "word_operator",
            ErrorKind::UnquotedValue => "unquoted_value",
            ErrorKind::ExpectedString => "expected_string",
            ErrorKind::ExpectedSet => "expected_set",
            ErrorKind::KubernetesSetSyntax => "kubernetes_set_syntax",
            ErrorKind::UnterminatedString => "unterminated_string",
            ErrorKind::LabelTooLong => "label_too_long",
            ErrorKind::NewlineNotAllowed => "newline_not_allowed",
            ErrorKind::SpaceBeforeParen => "space_before_paren",
            ErrorKind::HasMultipleLabels => "has_multiple_labels",
            ErrorKind::UnexpectedArgument => "unexpected_argument",
            ErrorKind::UnclosedParen => "unclosed_paren",
            ErrorKind::UnmatchedParen => "unmatched_paren",
            ErrorKind::UnclosedBrace => "unclosed_brace",
            ErrorKind::EmptyParens => "empty_parens",
            ErrorKind::TrailingInput => "trailing_input",
            ErrorKind::NestingTooDeep => "nesting_too_deep",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A selector that could not be parsed.
///
/// ```
/// use selector_core::{Selector, ErrorKind};
/// let err = Selector::parse("a = \"b\"").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidOperator);
/// assert_eq!(err.span(), 2..3);
/// assert_eq!(err.help(), Some("use `==` to compare a label with a value: `a == \"b\"`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ParseError {
    kind: ErrorKind,
    span: Range<usize>,
    line: usize,
    column: usize,
    message: String,
    help: Option<String>,
    text: String,
}

impl ParseError {
    /// Builds an error; `span` is clamped into `source` and onto character boundaries.
    pub(crate) fn new(
        kind: ErrorKind,
        source: &str,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) -> Self {
        let mut start = span.start.min(source.len());
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = span.end.clamp(start, source.len());
        while !source.is_char_boundary(end) {
            end += 1;
        }
        let before = source.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        ParseError {
            kind,
            span: start..end,
            line,
            column,
            message,
            help,
            text: source.to_owned(),
        }
    }

    /// The stable kind of the error.
    ///
    /// ```
    /// let e = selector_core::validate("a == \"x\" and has(b)").unwrap_err();
    /// assert_eq!(e.kind(), selector_core::ErrorKind::WordOperator);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The byte range of the offending input (on character boundaries; may be empty at the end).
    ///
    /// ```
    /// let e = selector_core::validate("a == \"x\" and has(b)").unwrap_err();
    /// assert_eq!(e.span(), 9..12);
    /// ```
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The 1-based line of the span's start (lines only arise from newlines in the input).
    ///
    /// ```
    /// let e = selector_core::validate("a == \"x\" and has(b)").unwrap_err();
    /// assert_eq!(e.line(), 1);
    /// ```
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column of the span's start, counted in characters.
    ///
    /// ```
    /// let e = selector_core::validate("a == \"x\" and has(b)").unwrap_err();
    /// assert_eq!(e.column(), 10);
    /// ```
    pub fn column(&self) -> usize {
        self.column
    }

    /// What is wrong, in one line (lowercase, input in backticks, no trailing period).
    ///
    /// ```
    /// let e = selector_core::validate("a == \"x\" and has(b)").unwrap_err();
    /// assert_eq!(e.message(), "`and` is not an operator in Calico selectors");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to write instead, when there is a specific suggestion.
    ///
    /// ```
    /// let e = selector_core::validate("a == \"x\" and has(b)").unwrap_err();
    /// assert_eq!(e.help(), Some("use `&&`"));
    /// ```
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// The selector text that failed to parse.
    ///
    /// ```
    /// let e = selector_core::validate("a == \"x\" and has(b)").unwrap_err();
    /// assert_eq!(e.source_text(), "a == \"x\" and has(b)");
    /// ```
    pub fn source_text(&self) -> &str {
        &self.text
    }

    /// The multi-line rendering used by `Display`: message, source line, caret line, help.
    ///
    /// ```
    /// let err = selector_core::Selector::parse("a == b").unwrap_err();
    /// assert_eq!(err.render(), "error: expected a quoted string after `==`, found `b`\n  |\n1 | a == b\n  |      ^\n  = help: quote the value: `a == \"b\"`");
    /// ```
    pub fn render(&self) -> String {
        let src = self.text.as_str();
        let start = self.span.start.min(src.len());
        let line_start = src
            .get(..start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line_end = src
            .get(start..)
            .and_then(|s| s.find('\n'))
            .map_or(src.len(), |i| start + i);
        let width = src
            .get(start..self.span.end.clamp(start, line_end))
            .map_or(0, |s| s.chars().count());
        let snippet = Snippet {
            line_number: self.line,
            line: src.get(line_start..line_end).unwrap_or(""),
            column: self.column,
            width,
            help: self.help.as_deref(),
        };
        let mut out = format!("error: {}\n", self.message);
        out.push_str(snippet.render(None).trim_end_matches('\n'));
        out
    }
}

impl Serialize for ParseError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ParseError", 7)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("message", &self.message)?;
        s.serialize_field("help", &self.help)?;
        s.serialize_field("start", &self.span.start)?;
        s.serialize_field("end", &self.span.end)?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("column", &self.column)?;
        s.end()
    }
}
