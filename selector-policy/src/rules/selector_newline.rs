//! `selector-newline`: a line break inside a selector.

use crate::diag::Diagnostic;
use crate::rules::{single_quoted, Check, SelectorCx};

crate::declare_rule! {
    /// ## What it finds
    /// A newline or carriage return in a selector outside a string literal, typically from
    /// a YAML `|` block scalar, which keeps the line breaks.
    ///
    /// ## Why it matters
    /// Calico's parser rejects line breaks between tokens, so the resource is rejected. The
    /// other rules check the selector as if the line breaks were spaces.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   selector: |
    ///     node-pool == "batch" &&
    ///     has(gpu)
    /// ```
    ///
    /// ## Fix
    /// Write the selector on one line, or use a folded scalar (`>-`), which joins the lines:
    /// ```yaml
    /// spec:
    ///   selector: 'node-pool == "batch" && has(gpu)'
    /// ```
    pub RULE = "selector-newline", Error, "A newline or carriage return inside a selector, typically from a YAML `|` block.", check = Check::Selector(check);
}

fn one_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn check(cx: &SelectorCx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(t) = cx.text() else { return };
    let Some(&i) = t.breaks.first() else { return };
    let start = t.file_range(i..i + 1);
    out.push(cx.diag(
        &RULE,
        start,
        if t.block {
            "selector contains a line break (from a YAML block scalar); Calico rejects it"
        } else {
            "selector contains a line break; Calico rejects it"
        },
        format!(
            "write the selector on one line: `{}: {}`",
            cx.key,
            single_quoted(&one_line(t.text))
        ),
    ));
}
