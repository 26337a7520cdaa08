//! `yaml-tag-selector`: an unquoted selector starting with `!`.

use crate::diag::Diagnostic;
use crate::rules::{single_quoted, Check, SelectorCx};

crate::declare_rule! {
    /// ## What it finds
    /// A plain (unquoted) selector that starts with `!`, such as `selector: !has(x)`.
    ///
    /// ## Why it matters
    /// YAML reads `!has(x)` as a *tag* on the value that follows, not as text: the selector
    /// Calico receives is not the one written (often an empty string, which selects
    /// everything), or the file fails to load.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   selector: !has(quarantine-cleared)
    /// ```
    ///
    /// ## Fix
    /// Quote the selector:
    /// ```yaml
    /// spec:
    ///   selector: '!has(quarantine-cleared)'
    /// ```
    pub RULE = "yaml-tag-selector", Error, "An unquoted selector starting with `!`, which YAML reads as a tag.", check = Check::Selector(check);
}

fn check(cx: &SelectorCx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(t) = cx.text() else { return };
    let Some(tag) = t.tag else { return };
    out.push(cx.diag(
        &RULE,
        t.span.clone(),
        format!(
            "YAML reads the unquoted `{tag}` as a tag, so this selector is not the text written"
        ),
        format!(
            "quote the selector: `{}: {}`",
            cx.key,
            single_quoted(t.text)
        ),
    ));
}
