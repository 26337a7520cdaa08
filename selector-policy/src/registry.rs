//! The lint rule registry: every rule's metadata, declared next to its check.
//!
//! A rule file declares its metadata with [`declare_rule!`](crate::declare_rule); its doc comment *is* the rule's
//! documentation (what it finds, why it matters, an example, the fix). Each module's list of
//! rules (`rules::RULES`, ...) names its rules once and [`rules`] joins the lists; the README
//! table, `calico-selector rules` and SARIF rule metadata are generated from it.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::diag::Severity;
use crate::rules::Check;

/// A lint rule's stable id, default severity, one-line summary, documentation and check.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, kebab-case (`unknown-field`).
    pub id: &'static str,
    /// Default severity of its findings.
    pub severity: Severity,
    /// What it finds, in one line.
    pub summary: &'static str,
    /// Its documentation (Markdown): what it finds, why it matters, an example, the fix.
    pub doc: &'static str,
    /// How the lint driver runs it.
    pub check: Check,
}

impl Rule {
    /// The documentation as Markdown, without the one leading space of each doc-comment line.
    pub fn doc_markdown(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }
}

/// Rules are equal when their ids are (ids are unique: see the registry's tests).
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

/// A rule prints as its id.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

/// A rule serializes as its id, so a diagnostic's JSON names its rule by id.
impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// Declares a rule: `declare_rule! { /// docs… \n pub NAME = "id", Severity, "summary"; }`,
/// optionally followed by `check = <rules::Check>` before the `;` (without it the rule is
/// reported by its own module's entry point, [`Check::Elsewhere`]).
/// The doc comment lines become [`Rule::doc`].
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis $name:ident = $id:literal, $sev:ident, $summary:literal;) => {
        $crate::declare_rule! {
            $(#[doc = $doc])* $vis $name = $id, $sev, $summary, check = $crate::rules::Check::Elsewhere;
        }
    };
    ($(#[doc = $doc:literal])* $vis:vis $name:ident = $id:literal, $sev:ident, $summary:literal, check = $check:expr;) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::registry::Rule = $crate::registry::Rule {
            id: $id,
            severity: $crate::diag::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}

/// Every list of rules, by the module that checks them. A module with its own list of
/// rules (and its own entry point, called from [`crate::lint::analyze`]) adds one line here.
const LISTS: &[&[&Rule]] = &[crate::rules::RULES, crate::eval::RULES];

/// Every registered rule, in documentation order.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    LISTS.iter().flat_map(|l| l.iter().copied())
}

/// The rule with id `id`.
pub fn find(id: &str) -> Option<&'static Rule> {
    rules().find(|r| r.id == id)
}

/// The registered id closest to `id` (Damerau-Levenshtein distance of at most a third of
/// its length, and at least 1; else the first id containing it), for "did you mean" in
/// errors about unknown ids.
pub fn suggest(id: &str) -> Option<&'static str> {
    let limit = (id.chars().count() / 3).max(1);
    rules()
        .map(|r| (strsim::damerau_levenshtein(id, r.id), r.id))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, id)| id)
        .or_else(|| {
            (id.len() >= 3)
                .then(|| rules().map(|r| r.id).find(|r| r.contains(id)))
                .flatten()
        })
}

/// An error about an unknown rule id, with a suggestion when one is close.
pub fn unknown_id_message(id: &str) -> String {
    match suggest(id) {
        Some(s) => format!("unknown rule `{id}`; did you mean `{s}`?"),
        None => format!("unknown rule `{id}`; `calico-selector rules` lists every rule"),
    }
}

/// The Markdown table of every rule (id, default severity, summary), as in
/// `selector-cli/README.md` between its `rules-table` markers.
pub fn markdown_table() -> String {
    let mut s = String::from("| id | severity | finds |\n|---|---|---|\n");
    for r in rules() {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            r.id,
            r.severity.as_str(),
            r.summary.replace('|', "\\|")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::declare_rule! {
        /// Finds nothing; here to test the macro.
        ///
        /// Second paragraph.
        pub(crate) EXAMPLE = "example-rule", Warning, "An example.";
    }

    #[test]
    fn doc_comment_becomes_the_rule_doc() {
        assert_eq!(EXAMPLE.id, "example-rule");
        assert_eq!(EXAMPLE.severity, crate::diag::Severity::Warning);
        assert_eq!(
            EXAMPLE.doc,
            " Finds nothing; here to test the macro.\n\n Second paragraph.\n"
        );
        assert_eq!(
            EXAMPLE.doc_markdown(),
            "Finds nothing; here to test the macro.\n\nSecond paragraph."
        );
        assert_eq!(EXAMPLE.to_string(), "example-rule");
    }

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for r in rules() {
            assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
            assert!(
                r.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                r.id
            );
            let doc = r.doc_markdown();
            assert!(doc.len() > 200, "{}: the doc is too short", r.id);
            assert!(doc.contains("```"), "{}: the doc has no example", r.id);
            assert!(r.summary.ends_with('.'), "{}", r.id);
        }
    }

    #[test]
    fn unknown_ids_get_suggestions() {
        assert_eq!(suggest("never-match"), Some("never-matches"));
        assert_eq!(suggest("unkown-label"), Some("unknown-label"));
        assert_eq!(suggest("zzz"), None);
        assert_eq!(suggest("suppression"), Some("unused-suppression"));
        assert!(unknown_id_message("yaml-sytnax").contains("did you mean `yaml-syntax`?"));
    }
}
