//! The lint rules: one file per rule under `rules/`, each with its metadata
//! ([`crate::declare_rule!`], whose doc comment is the rule's documentation) and its check.
//!
//! Adding a rule is one new file and one line in [`RULES`]. A rule's [`Check`] says how
//! the driver ([`crate::lint::analyze`]) runs it: on every selector, or once per input.

use std::fmt;
use std::ops::Range;

use selector_core::{tokens, ParseError, Selector, TokenKind};

use crate::diag::Diagnostic;
use crate::k8s;
use crate::lint::Analysis;
use crate::model::{Model, SelectorCache};
use crate::registry::Rule;
use crate::resource::{FieldKind, FieldValue, SelectorField, SelectorText};
use crate::source::SourceFile;
use crate::yaml::Style;

pub mod automatic_label_misuse;
pub mod deny_only_policy; // eval
pub mod duplicate_resource;
pub mod global_misuse;
pub mod host_endpoint_lockout; // eval
pub mod io_error;
pub mod k8s_selector_syntax;
pub mod never_matches;
pub mod not_selector_admits_internet; // eval
pub mod peer_outside_namespace;
pub mod policy_selects_nothing;
pub mod selector_newline;
pub mod selector_syntax;
pub mod shadowed_rule; // eval
pub mod staged_verdict_change; // eval
pub mod textual_rewrite;
pub mod unknown_label;
pub mod unused_suppression;
pub mod yaml_syntax;
pub mod yaml_tag_selector;

/// Every rule of this module, in documentation order.
pub static RULES: &[&Rule] = &[
    &io_error::RULE,
    &yaml_syntax::RULE,
    &selector_syntax::RULE,
    &selector_newline::RULE,
    &yaml_tag_selector::RULE,
    &k8s_selector_syntax::RULE,
    &never_matches::RULE,
    &global_misuse::RULE,
    &automatic_label_misuse::RULE,
    &duplicate_resource::RULE,
    &unknown_label::RULE,
    &policy_selects_nothing::RULE,
    &peer_outside_namespace::RULE,
    &textual_rewrite::RULE,
    &unused_suppression::RULE,
];

/// How the lint driver runs a rule.
pub enum Check {
    /// Reported where files are read (`io-error`, `yaml-syntax`), by the suppression pass, or
    /// by another module's own entry point.
    Elsewhere,
    /// Looks at one selector: a selector field of a resource, or a selector given alone
    /// ([`crate::check_selector`]).
    Selector(fn(&SelectorCx<'_>, &mut Vec<Diagnostic>)),
    /// Looks at one input: the resources of the files applied together.
    Input(fn(&InputCx<'_>, &mut SelectorCache, &mut Vec<Diagnostic>)),
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Check::Elsewhere => "Elsewhere",
            Check::Selector(_) => "Selector",
            Check::Input(_) => "Input",
        })
    }
}

/// One selector as the per-selector rules see it, read once for all of them.
pub struct SelectorCx<'a> {
    /// The file the selector is in (for a selector given alone: its own text).
    pub file: &'a SourceFile,
    /// Which field it is in; `None` for a selector given alone, which the rules that depend
    /// on the field (`global()`, automatic labels) skip.
    pub kind: Option<FieldKind>,
    /// The field's key as written (`selector`, `namespaceSelector`, ...).
    pub key: &'a str,
    /// The value node's byte range in the file.
    pub span: Range<usize>,
    /// The value.
    pub value: ValueCx<'a>,
}

/// A selector field's value.
pub enum ValueCx<'a> {
    /// A Kubernetes label selector object, with the Calico equivalent when there is one.
    K8sObject(Option<&'a str>),
    /// Not a string (a number, a list, another mapping).
    NotAString,
    /// A string.
    Text(Box<TextCx<'a>>),
}

/// A selector string, its line breaks and what parsing it gave.
pub struct TextCx<'a> {
    /// The text as Calico receives it.
    pub text: &'a str,
    /// The YAML tag the scalar had (not `!!str` & co), when it had one.
    pub tag: Option<&'a str>,
    /// Whether it was written as a `|` or `>` block scalar.
    pub block: bool,
    /// The scalar's byte range in the file (quotes included).
    pub span: Range<usize>,
    /// Byte offsets of line breaks outside string literals (Calico rejects them).
    pub breaks: Vec<usize>,
    /// The text with those line breaks read as spaces (same byte offsets), as parsed.
    pub analysed: String,
    /// The parsed selector, or the first syntax error.
    pub parsed: Result<Selector, ParseError>,
    /// When parsing failed: the Calico selector for Kubernetes label-selector syntax.
    pub k8s_equivalent: Option<String>,
    map: Option<&'a SelectorText>,
}

impl TextCx<'_> {
    fn new<'a>(
        text: &'a str,
        tag: Option<&'a str>,
        block: bool,
        map: Option<&'a SelectorText>,
    ) -> TextCx<'a> {
        let breaks = line_breaks_outside_strings(text);
        let mut bytes = text.as_bytes().to_vec();
        for &i in &breaks {
            if let Some(b) = bytes.get_mut(i) {
                *b = b' ';
            }
        }
        // Only ASCII line breaks were replaced by ASCII spaces, so this stays UTF-8.
        let analysed = String::from_utf8(bytes).unwrap_or_else(|_| text.to_string());
        let parsed = Selector::parse(&analysed);
        let k8s_equivalent = match &parsed {
            Ok(_) => None,
            Err(_) => k8s::equivalent(&analysed),
        };
        TextCx {
            text,
            tag,
            block,
            span: map.map_or(0..text.len(), |t| t.span.clone()),
            breaks,
            analysed,
            parsed,
            k8s_equivalent,
            map,
        }
    }

    /// The file byte range of a byte range of the selector text.
    pub fn file_range(&self, r: Range<usize>) -> Range<usize> {
        match self.map {
            Some(t) => t.file_range(r),
            None => r,
        }
    }

    /// The file byte range of the whole selector.
    pub fn whole(&self) -> Range<usize> {
        self.file_range(0..self.text.len())
    }

    /// The file byte range of the first label token named `name`, or of the whole selector.
    pub fn label_range(&self, name: &str) -> Range<usize> {
        label_span(self.text, name).map_or_else(|| self.whole(), |r| self.file_range(r))
    }
}

impl<'a> SelectorCx<'a> {
    /// The context of a selector field of a resource.
    pub fn of_field(file: &'a SourceFile, field: &'a SelectorField) -> SelectorCx<'a> {
        let value = match &field.value {
            FieldValue::K8sObject { equivalent } => ValueCx::K8sObject(equivalent.as_deref()),
            FieldValue::Invalid => ValueCx::NotAString,
            FieldValue::Text(t) => ValueCx::Text(Box::new(TextCx::new(
                &t.text,
                t.tag.as_deref().filter(|t| !t.starts_with("!!")),
                matches!(t.style, Style::Literal | Style::Folded),
                Some(t),
            ))),
        };
        SelectorCx {
            file,
            kind: Some(field.kind),
            key: field.path.rsplit('.').next().unwrap_or("selector"),
            span: field.span.clone(),
            value,
        }
    }

    /// The context of a selector given alone: `file` holds just the selector text.
    pub fn alone(file: &'a SourceFile) -> SelectorCx<'a> {
        SelectorCx {
            file,
            kind: None,
            key: "selector",
            span: 0..file.text.len(),
            value: ValueCx::Text(Box::new(TextCx::new(&file.text, None, false, None))),
        }
    }

    /// The text, when the value is a string.
    pub fn text(&self) -> Option<&TextCx<'a>> {
        match &self.value {
            ValueCx::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The parsed selector, when the value is a string that parses.
    pub fn selector(&self) -> Option<(&TextCx<'a>, &Selector)> {
        let t = self.text()?;
        t.parsed.as_ref().ok().map(|s| (t, s))
    }

    /// A finding of `rule` at `span` of the file.
    pub fn diag(
        &self,
        rule: &'static Rule,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule, self.file, span, message, Some(help.into()))
    }

    /// The syntax error `e` of the selector text `t` as a finding of `rule`, with the
    /// parser's own message and help, at the error's place in the file.
    pub fn parse_error(&self, rule: &'static Rule, t: &TextCx<'_>, e: &ParseError) -> Diagnostic {
        Diagnostic::new(
            rule,
            self.file,
            t.file_range(e.span()),
            e.message().to_string(),
            e.help().map(str::to_string),
        )
    }
}

/// What one policy of the input applies to.
pub struct PolicyTargets {
    /// Index of the policy in the input's resources.
    pub resource: usize,
    /// The selector Calico applies it with (SPEC section 8).
    pub selector: Selector,
    /// The host endpoints and pods it selects (indices into the model's endpoints), sorted.
    pub endpoints: Vec<usize>,
}

/// One input (the files applied together) as the per-input rules see it.
pub struct InputCx<'a> {
    /// The files and their resources.
    pub analysis: &'a Analysis,
    model: std::cell::OnceCell<Model>,
    cluster: std::cell::OnceCell<crate::eval::Cluster>,
    targets: std::cell::OnceCell<Vec<PolicyTargets>>,
}

impl<'a> InputCx<'a> {
    /// The context of an input.
    pub fn new(analysis: &'a Analysis) -> InputCx<'a> {
        InputCx {
            analysis,
            model: std::cell::OnceCell::new(),
            cluster: std::cell::OnceCell::new(),
            targets: std::cell::OnceCell::new(),
        }
    }

    /// What each policy with a valid selector applies to, worked out on first use.
    pub fn policy_targets(&self, cache: &mut SelectorCache) -> &[PolicyTargets] {
        self.targets.get_or_init(|| {
            let model = self.model();
            self.analysis
                .resources
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kind.is_policy())
                .filter_map(|(resource, r)| {
                    let selector = crate::model::policy_selector(cache, r)?;
                    let endpoints = model.select(&selector, |e| e.is_policy_target());
                    Some(PolicyTargets {
                        resource,
                        selector,
                        endpoints,
                    })
                })
                .collect()
        })
    }

    /// The endpoints and network sets of the input with their label index, built on first use.
    pub fn model(&self) -> &Model {
        self.model
            .get_or_init(|| Model::new(&self.analysis.resources))
    }

    /// The input resolved for the policy evaluator (the evaluator-based rules), built on first use.
    pub fn cluster(&self) -> &crate::eval::Cluster {
        self.cluster
            .get_or_init(|| crate::eval::Cluster::from_analysis(self.analysis))
    }

    /// Reports the evaluator's findings as diagnostics of `rule`.
    pub fn report(
        &self,
        rule: &'static crate::registry::Rule,
        findings: Vec<crate::eval::findings::Finding>,
        out: &mut Vec<Diagnostic>,
    ) {
        for f in findings {
            if let Some(file) = self.analysis.files.get(f.loc.file_index) {
                out.push(Diagnostic::new(rule, file, f.loc.span, f.message, f.help));
            }
        }
    }
}

/// Byte range of the first label token named `name` in a valid selector.
pub(crate) fn label_span(text: &str, name: &str) -> Option<Range<usize>> {
    tokens(text)
        .tokens
        .into_iter()
        .find(|t| t.kind == TokenKind::Label && text.get(t.span.clone()) == Some(name))
        .map(|t| t.span)
}

/// Byte offsets of `\n` and `\r` outside `"…"` and `'…'` literals (which have no escapes).
fn line_breaks_outside_strings(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    for (i, b) in text.bytes().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'\n' || b == b'\r' => out.push(i),
            None => {}
        }
    }
    out
}

/// A YAML-safe single-quoted scalar.
pub(crate) fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_in_strings_are_allowed() {
        assert_eq!(
            line_breaks_outside_strings("a == \"x\ny\" &&\nb == 'p\rq'\n"),
            vec![13, 24]
        );
    }

    #[test]
    fn finds_labels() {
        assert_eq!(label_span("has(b) && a == \"a\"", "a"), Some(10..11));
        assert_eq!(single_quoted("a == 'x'"), "'a == ''x'''");
    }

    #[test]
    fn every_rule_is_listed_once() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
    }
}
