//! `yaml-syntax`: a file that is not valid YAML or JSON.

use crate::diag::Diagnostic;
use crate::source::SourceFile;
use crate::yaml::YamlError;

crate::declare_rule! {
    /// ## What it finds
    /// A file that the YAML parser rejects (JSON is YAML), at the byte where parsing stopped.
    /// Documents before the error are still checked; the rest of the file is not.
    ///
    /// ## Why it matters
    /// `kubectl apply` and `calicoctl apply` reject the whole file, so none of its resources
    /// are applied, including the ones before the error.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   egress:
    ///     - action: Allow
    ///       destination: {ports: [123]
    /// ```
    /// The flow mapping `{...}` is never closed.
    ///
    /// ## Fix
    /// Close the bracket or fix the indentation at the position shown. An unquoted selector
    /// starting with `!` is read as a YAML tag: quote it (`selector: '!has(x)'`).
    pub RULE = "yaml-syntax", Error, "A file that is not valid YAML or JSON.";
}

/// The most nesting the YAML loader is given, as bounded by [`nesting_bound`]. WebAssembly
/// has a small stack, and a deeper tree (say 10,000 block sequences, `- - - … x`) overflows
/// it while the tree is built, walked or dropped; a trap would leave the module unusable.
/// Real policies are nested a few dozen levels. The same limit holds everywhere, so the
/// CLI, Python and the browser give the same findings.
pub const NESTING_LIMIT: usize = 2000;

/// An upper bound on how deeply the YAML on each line can be nested, and the line where it
/// is largest: `(bound, byte offset of that line)`.
///
/// A block collection nested in another starts further right, or on the same line after an
/// indicator (`- `, `? `, `: `), except a sequence directly under a mapping key, which may
/// share the key's indentation (hence the factor 2). Flow collections (`[`, `{`) are limited
/// by the YAML parser itself. So `2 × (indentation + indicators on the line + 1)` bounds the
/// depth; indicators inside scalars only make the bound looser.
pub fn nesting_bound(text: &str) -> (usize, usize) {
    let mut worst = (0, 0);
    let mut line_start = 0;
    for line in text.split('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let bytes = line.as_bytes();
        let indicators = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| {
                matches!(b, b'-' | b'?' | b':')
                    && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\r'))
            })
            .count();
        let bound = 2 * (indent + indicators + 1);
        if bound > worst.0 {
            worst = (bound, line_start);
        }
        line_start += line.len() + 1;
    }
    worst
}

/// The finding for a file nested too deeply to be given to the YAML loader, if it is.
pub(crate) fn too_deep(file: &SourceFile) -> Option<Diagnostic> {
    let (depth, at) = nesting_bound(&file.text);
    if depth <= NESTING_LIMIT {
        return None;
    }
    let end = file
        .text
        .get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(file.text.len(), |n| at + n);
    Some(Diagnostic::new(
        &RULE,
        file,
        at..end,
        format!(
            "this YAML may be nested more than {} levels deep, too deep to lint",
            NESTING_LIMIT / 2
        ),
        Some("Calico resources are nested a few levels deep: check the indentation and `- ` markers of this line".to_owned()),
    ))
}

/// The finding for a YAML error of `file`.
pub(crate) fn diagnostic(file: &SourceFile, err: &YamlError) -> Diagnostic {
    let start = err.offset.min(file.text.len());
    let end = file
        .text
        .get(start..)
        .and_then(|s| s.chars().next())
        .map_or(start, |c| start + c.len_utf8());
    let (line, _) = file.position(start);
    let tagged = file
        .line_text(line)
        .split_once(':')
        .is_some_and(|(k, v)| k.trim().ends_with("elector") && v.trim_start().starts_with('!'));
    let help = if tagged {
        "an unquoted selector that starts with `!` is read as a YAML tag: quote the selector, e.g. `selector: '!has(x)'`"
    } else {
        "fix the YAML syntax; resources after this point in the file are not checked"
    };
    Diagnostic::new(
        &RULE,
        file,
        start..end,
        format!("invalid YAML: {}", err.message),
        Some(help.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_bound_is_small_for_policies_and_large_for_pathological_yaml() {
        let policy =
            "spec:\n  ingress:\n    - action: Allow\n      source:\n        selector: a == 'b'\n";
        assert!(nesting_bound(policy).0 < 40);
        let dashes = format!("a: 1\n{}x\n", "- ".repeat(5000));
        assert_eq!(nesting_bound(&dashes), (2 * (5000 + 1), 5));
        let indented: String = (0..3000)
            .map(|i| format!("{}- a\n", " ".repeat(i)))
            .collect();
        assert!(nesting_bound(&indented).0 > NESTING_LIMIT);
        let text = format!("kind: GlobalNetworkPolicy\n{}x\n", "- ".repeat(20_000));
        let d = crate::lint_text(&text, "");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].rule.id, d[0].line), ("yaml-syntax", 2));
    }
}
