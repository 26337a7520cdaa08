//! Values read from a manifest with their byte spans, and what decoding found wrong.
//!
//! Every typed field is a [`Val`]: the value when it has the right type and form, or the
//! [`Raw`] text when it has not, so validation can still point at it and quote it.

use std::ops::Range;

/// A value with the byte span of its node and of its key (or list item) in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Byte range of the value node (quotes included).
    pub span: Range<usize>,
    /// Byte range of the key (for a list item: the item itself).
    pub key_span: Range<usize>,
}

impl<T> Spanned<T> {
    /// Wraps a value.
    pub fn new(value: T, span: Range<usize>, key_span: Range<usize>) -> Spanned<T> {
        Spanned {
            value,
            span,
            key_span,
        }
    }
}

/// A field's value: `Ok` when it decodes as the API type, `Err` with the raw text when not.
pub type Val<T> = Spanned<Result<T, Raw>>;

/// Accessors shared by every [`Val`].
pub trait ValExt<T> {
    /// The decoded value, if it decoded.
    fn get(&self) -> Option<&T>;
}

impl<T> ValExt<T> for Val<T> {
    fn get(&self) -> Option<&T> {
        self.value.as_ref().ok()
    }
}

impl<T> ValExt<T> for Option<Val<T>> {
    fn get(&self) -> Option<&T> {
        self.as_ref().and_then(|v| v.value.as_ref().ok())
    }
}

/// The JSON type a YAML node decodes to (Calico decodes YAML through JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawKind {
    /// A quoted scalar, or a plain one that is not a number, boolean or null.
    String,
    /// A plain scalar that reads as a number.
    Number,
    /// `true` / `false`.
    Bool,
    /// `null`, `~` or nothing.
    Null,
    /// A sequence.
    List,
    /// A mapping.
    Map,
}

impl RawKind {
    /// The JSON name of the type (`string`, `number`, ...).
    pub fn name(self) -> &'static str {
        match self {
            RawKind::String => "string",
            RawKind::Number => "number",
            RawKind::Bool => "boolean",
            RawKind::Null => "null",
            RawKind::List => "list",
            RawKind::Map => "mapping",
        }
    }
}

/// A value that did not decode as its field's type or form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raw {
    /// The scalar's text (for collections: the source text, cut to 80 bytes).
    pub text: String,
    /// What the node was.
    pub kind: RawKind,
    /// Whether decoding already reported it as a wrong type ([`IssueKind::WrongType`]);
    /// when false the type was right and the content is what validation must judge.
    pub wrong_type: bool,
}

/// What decoding (before any validator) found wrong in a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueKind {
    /// A key the API type does not declare; `known` are the keys it does declare there.
    UnknownField {
        /// The key as written.
        name: String,
        /// The keys allowed in this mapping.
        known: &'static [&'static str],
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// What the field takes, in words (`a number`, `a list of strings`).
        expected: &'static str,
        /// What was written.
        found: RawKind,
    },
    /// A key written twice in one mapping (strict decoding rejects it).
    DuplicateKey {
        /// The key.
        name: String,
    },
}

/// One decoding problem, at the key or value it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeIssue {
    /// Byte range in the file.
    pub span: Range<usize>,
    /// Path of the field, e.g. `spec.ingress[0].sorce`.
    pub path: String,
    /// What is wrong.
    pub kind: IssueKind,
}
