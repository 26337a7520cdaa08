//! Inline suppressions: `# calico-selector: ignore[rule-id, other-id]` on the line of a
//! finding or on the line above it. A suppression that suppresses nothing is itself
//! reported (`unused-suppression`).

use std::collections::HashSet;
use std::ops::Range;

use crate::diag::Diagnostic;
use crate::registry;
use crate::rules::unused_suppression::RULE as UNUSED;
use crate::source::SourceFile;

/// What a comment starts with to be read as a suppression.
const MARKER: &str = "calico-selector:";

/// One id of a suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressedId {
    /// The rule id as written.
    pub id: String,
    /// Its byte range in the file.
    pub span: Range<usize>,
}

/// One `# calico-selector: ...` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Comment {
    /// `ignore[...]`, which covers its own line and the next one.
    Ignore {
        /// 1-based line of the comment.
        line: usize,
        /// The ids listed.
        ids: Vec<SuppressedId>,
    },
    /// A comment starting with the marker that is not a valid suppression.
    Malformed {
        /// The comment's byte range.
        span: Range<usize>,
    },
}

/// The byte offset of the `#` that starts a YAML comment on `line`, if any (a `#` at the
/// start or after whitespace, outside quotes).
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<u8> = None;
    let mut prev = b' ';
    for (i, b) in line.bytes().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'')
                && matches!(prev, b' ' | b'\t' | b'[' | b'{' | b',' | b':') =>
            {
                quote = Some(b)
            }
            None if b == b'#' && matches!(prev, b' ' | b'\t') => return Some(i),
            None => {}
        }
        prev = b;
    }
    None
}

/// Every suppression comment of `file`.
pub fn comments(file: &SourceFile) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for (n, line) in file.text.split('\n').enumerate() {
        let this_start = line_start;
        line_start += line.len() + 1;
        if !line.contains(MARKER) {
            continue;
        }
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let after_hash = line.get(hash + 1..).unwrap_or("");
        let body = after_hash.trim_start();
        let Some(rest) = body.strip_prefix(MARKER) else {
            continue;
        };
        let comment_span = this_start + hash..this_start + line.trim_end().len();
        let rest_offset = this_start + hash + 1 + (after_hash.len() - body.len()) + MARKER.len();
        let trimmed = rest.trim_start();
        let list_offset = rest_offset + (rest.len() - trimmed.len());
        let parsed = trimmed
            .strip_prefix("ignore[")
            .and_then(|r| r.split_once(']'))
            .map(|(list, _)| list);
        let Some(list) = parsed else {
            out.push(Comment::Malformed { span: comment_span });
            continue;
        };
        let mut ids = Vec::new();
        let mut pos = list_offset + "ignore[".len();
        for part in list.split(',') {
            let id = part.trim();
            let lead = part.len() - part.trim_start().len();
            if !id.is_empty() {
                ids.push(SuppressedId {
                    id: id.to_string(),
                    span: pos + lead..pos + lead + id.len(),
                });
            }
            pos += part.len() + 1;
        }
        if ids.is_empty() {
            out.push(Comment::Malformed { span: comment_span });
        } else {
            out.push(Comment::Ignore { line: n + 1, ids });
        }
    }
    out
}

/// Removes the findings that a suppression of their file covers, and adds an
/// `unused-suppression` finding for each suppression id that covers nothing.
pub fn apply(files: &[SourceFile], diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut kept = diagnostics;
    let mut unused = Vec::new();
    for file in files {
        let comments = comments(file);
        if comments.is_empty() {
            continue;
        }
        let mut used: HashSet<(usize, usize)> = HashSet::new();
        kept.retain(|d| {
            if d.file != file.name {
                return true;
            }
            for (ci, c) in comments.iter().enumerate() {
                let Comment::Ignore { line, ids } = c else {
                    continue;
                };
                if d.line != *line && d.line != line + 1 {
                    continue;
                }
                if let Some(ii) = ids.iter().position(|i| i.id == d.rule.id) {
                    used.insert((ci, ii));
                    return false;
                }
            }
            true
        });
        for (ci, c) in comments.iter().enumerate() {
            match c {
                Comment::Malformed { span } => unused.push(Diagnostic::new(
                    &UNUSED,
                    file,
                    span.clone(),
                    "this `# calico-selector:` comment is not a suppression and suppresses nothing",
                    Some("write `# calico-selector: ignore[rule-id]` (several ids separated by commas)".to_string()),
                )),
                Comment::Ignore { ids, .. } => {
                    for (ii, id) in ids.iter().enumerate() {
                        if used.contains(&(ci, ii)) {
                            continue;
                        }
                        let (message, help) = if registry::find(&id.id).is_some() {
                            (
                                format!("`ignore[{}]` suppresses no finding on this line or the next", id.id),
                                "remove it: the finding it silenced is gone".to_string(),
                            )
                        } else {
                            (
                                registry::unknown_id_message(&id.id),
                                "a suppression names rules by id; `calico-selector rules` lists them".to_string(),
                            )
                        };
                        unused.push(Diagnostic::new(&UNUSED, file, id.span.clone(), message, Some(help)));
                    }
                }
            }
        }
    }
    kept.extend(unused);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_comments_and_their_ids() {
        let text = "a: 1  # calico-selector: ignore[x-y, z]\nb: '# calico-selector: ignore[q]'\n# calico-selector: nope\n#calico-selector:ignore[]\n";
        let f = SourceFile::new("f", text);
        let c = comments(&f);
        assert_eq!(c.len(), 3);
        let Comment::Ignore { line, ids } = &c[0] else {
            panic!("{c:?}")
        };
        assert_eq!(*line, 1);
        assert_eq!(ids.len(), 2);
        assert_eq!(&text[ids[0].span.clone()], "x-y");
        assert_eq!(&text[ids[1].span.clone()], "z");
        assert!(matches!(c[1], Comment::Malformed { .. }));
        assert!(matches!(c[2], Comment::Malformed { .. }));
    }
}
