//! Rewriting selectors to canonical text in place, keeping every other byte of the file.

use selector_core::Selector;

use crate::resource::{resources_of, SelectorField};
use crate::rules::single_quoted;
use crate::yaml::{self, Style};

/// A label value as Calico's printer writes it in a selector: in double quotes, or in
/// single quotes when it holds a double quote (selectors have no escapes, so no value can
/// hold both). The one place this rule is written in selector-policy; the bindings and the
/// rules call it.
pub fn quote_value(value: &str) -> String {
    if value.contains('"') {
        format!("'{value}'")
    } else {
        format!("\"{value}\"")
    }
}

/// The result of formatting one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formatted {
    /// The new text (equal to the input when nothing changed).
    pub text: String,
    /// How many selectors were rewritten.
    pub changed: usize,
    /// How many selector fields were left alone because they are invalid, tagged or
    /// written as block scalars (run `lint` to see why).
    pub skipped: usize,
}

/// Canonical text, iterated to a fixed point (Calico's printer is not always one: `!(!a == "x")`).
fn canonical(sel: &Selector) -> String {
    let mut text = sel.canonical().to_string();
    for _ in 0..4 {
        match Selector::parse(&text) {
            Ok(s) if s.canonical() != text => text = s.canonical().to_string(),
            _ => break,
        }
    }
    text
}

fn plain_safe(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let lower = s.to_ascii_lowercase();
    !(s.trim() != s
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || first.is_ascii_digit()
        || first == '+'
        || first == '.'
        || s.contains(": ")
        || s.contains(" #")
        || s.contains(['\t', '\n', '\r'])
        || s.ends_with(':')
        || (in_flow && s.contains([',', '[', ']', '{', '}']))
        || matches!(
            lower.as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "~"
        ))
}

fn double_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The YAML scalar to write for `canonical`, given how the original was written.
fn scalar_for(canonical: &str, style: Style, in_flow: bool) -> String {
    match style {
        Style::Plain if plain_safe(canonical, in_flow) => canonical.to_string(),
        Style::DoubleQuoted => double_quoted(canonical),
        _ => single_quoted(canonical),
    }
}

fn fields_of(text: &str) -> (Vec<SelectorField>, bool) {
    let loaded = yaml::load(text);
    let mut resources = Vec::new();
    for doc in &loaded.documents {
        resources_of(text, 0, doc, &mut resources);
    }
    let fields = resources
        .iter()
        .filter_map(|r| r.policy.as_ref())
        .flat_map(|p| p.fields().cloned().collect::<Vec<_>>())
        .collect();
    (fields, loaded.error.is_some())
}

/// Rewrites every valid selector of `text` to its canonical form.
///
/// # Errors
/// When the rewritten file would not read back as the same resources with the
/// canonical selectors (a safety net; it should not happen).
pub fn format_text(text: &str) -> Result<Formatted, String> {
    let (fields, _) = fields_of(text);
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut expected: Vec<Option<String>> = Vec::new();
    let mut skipped = 0;
    for f in &fields {
        let Some(t) = f.text() else {
            expected.push(None);
            continue;
        };
        let usable = t.tag.is_none()
            && !matches!(t.style, Style::Literal | Style::Folded)
            && !t.text.contains(['\n', '\r']);
        let sel = if usable {
            Selector::parse(&t.text).ok()
        } else {
            None
        };
        let Some(sel) = sel else {
            skipped += 1;
            expected.push(Some(t.text.clone()));
            continue;
        };
        let canon = canonical(&sel);
        let scalar = scalar_for(&canon, t.style, t.in_flow);
        if text.get(t.span.clone()) != Some(scalar.as_str()) {
            edits.push((t.span.clone(), scalar));
        }
        expected.push(Some(canon));
    }
    if edits.is_empty() {
        return Ok(Formatted {
            text: text.to_string(),
            changed: 0,
            skipped,
        });
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (r, s) in &edits {
        let (Some(before), true) = (text.get(pos..r.start), r.start >= pos) else {
            return Err("overlapping selector fields".to_string());
        };
        out.push_str(before);
        out.push_str(s);
        pos = r.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    let (after, _) = fields_of(&out);
    let got: Vec<Option<String>> = after
        .iter()
        .map(|f| f.text().map(|t| t.text.clone()))
        .collect();
    if got != expected {
        return Err(
            "the rewritten file does not read back with the canonical selectors; left unchanged"
                .to_string(),
        );
    }
    Ok(Formatted {
        text: out,
        changed: edits.len(),
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_and_keeps_the_rest() {
        let text = "# c\nkind: GlobalNetworkPolicy\napiVersion: projectcalico.org/v3\nspec:\n  selector: a=='x'&&b=='y'   # keep\n  ingress:\n  - source: {selector: \"!has(x)\", notSelector: 'a in {\"b\",\"a\"}'}\n    destination:\n      selector: \"c=='x'\"\n";
        let f = format_text(text).unwrap();
        assert_eq!(
            f.text,
            "# c\nkind: GlobalNetworkPolicy\napiVersion: projectcalico.org/v3\nspec:\n  selector: (a == \"x\" && b == \"y\")   # keep\n  ingress:\n  - source: {selector: \"!has(x)\", notSelector: 'a in {\"a\", \"b\"}'}\n    destination:\n      selector: \"c == \\\"x\\\"\"\n"
        );
        assert_eq!(f.changed, 3);
        assert_eq!(format_text(&f.text).unwrap().changed, 0);
    }

    #[test]
    fn values_are_quoted_as_calico_prints_them() {
        assert_eq!(quote_value("web"), "\"web\"");
        assert_eq!(quote_value("say \"hi\""), "'say \"hi\"'");
        // The same text as the core's printer.
        let printed = Selector::parse("a == 'x\"y'").unwrap();
        assert_eq!(printed.canonical(), format!("a == {}", quote_value("x\"y")));
    }

    #[test]
    fn quotes_what_plain_cannot_hold() {
        assert_eq!(scalar_for("!has(a)", Style::Plain, false), "'!has(a)'");
        assert_eq!(
            scalar_for("a in {\"x\", \"y\"}", Style::Plain, true),
            "'a in {\"x\", \"y\"}'"
        );
        assert_eq!(
            scalar_for("a == 'x\"'", Style::SingleQuoted, false),
            "'a == ''x\"'''"
        );
        assert_eq!(
            scalar_for("a == \"\\\"", Style::DoubleQuoted, false),
            "\"a == \\\"\\\\\\\"\""
        );
    }
}
