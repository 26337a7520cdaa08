//! The lint rule registry: every rule's metadata, declared next to its check.
//!
//! A rule file declares its metadata with [`declare_rule!`]; its doc comment *is* the rule's
//! documentation (what it finds, why it matters, an example, the fix). [`RULES`] lists every
//! rule once; the README table, `calico-selector rules` and SARIF rule metadata are generated
//! from it.

use crate::diag::Severity;

/// A lint rule's stable id, default severity, one-line summary and documentation.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable id, kebab-case (`unknown-field`).
    pub id: &'static str,
    /// Default severity of its findings.
    pub severity: Severity,
    /// What it finds, in one line.
    pub summary: &'static str,
    /// Its documentation (Markdown): what it finds, why it matters, an example, the fix.
    pub doc: &'static str,
}

/// Declares a rule: `declare_rule! { /// docs… \n pub NAME = "id", Severity, "summary"; }`.
/// The doc comment lines become [`Rule::doc`].
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis $name:ident = $id:literal, $sev:ident, $summary:literal;) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::registry::Rule = $crate::registry::Rule {
            id: $id,
            severity: $crate::diag::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

#[cfg(test)]
mod tests {
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
    }
}
