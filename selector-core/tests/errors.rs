//! Every error the parser gives, rendered exactly: `tests/data/errors.txt` holds one case a
//! block (`=== <selector>` with `\n`, `\r`, `\t` escapes and `{N*x}` for N copies of x, then
//! the kind, the span and the whole rendering). `UPDATE_SNAPSHOTS=1` rewrites the file from
//! the current output (review the diff before committing).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use selector_core::Selector;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/errors.txt");

/// Expands the escapes of a case header into the selector text.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(['\\', '{']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("\\n") {
            out.push('\n');
            rest = r;
        } else if let Some(r) = rest.strip_prefix("\\r") {
            out.push('\r');
            rest = r;
        } else if let Some(r) = rest.strip_prefix("\\t") {
            out.push('\t');
            rest = r;
        } else if let Some((n, x, r)) = repeat(rest) {
            out.push_str(&x.repeat(n));
            rest = r;
        } else {
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// `{600*a}` → (600, "a", rest).
fn repeat(s: &str) -> Option<(usize, &str, &str)> {
    let body = s.strip_prefix('{')?;
    let close = body.find('}')?;
    let (n, x) = body[..close].split_once('*')?;
    Some((n.parse().ok()?, x, &body[close + 1..]))
}

fn describe(selector: &str) -> String {
    match Selector::parse(selector) {
        Ok(s) => format!("ok: {}", s.canonical()),
        Err(e) => {
            let span = e.span();
            format!(
                "kind: {}\nspan: {}..{} (line {}, column {})\n{e}",
                e.kind(),
                span.start,
                span.end,
                e.line(),
                e.column()
            )
        }
    }
}

#[test]
fn rendered_errors_match_the_snapshots() {
    let text = std::fs::read_to_string(PATH).unwrap();
    let mut blocks = Vec::new();
    for block in text
        .split("\n=== ")
        .map(|b| b.strip_prefix("=== ").unwrap_or(b))
    {
        let (header, expected) = block.split_once('\n').unwrap_or((block, ""));
        blocks.push((header.to_string(), expected.trim_end().to_string()));
    }
    assert!(
        blocks.len() >= 30,
        "the snapshot file should hold the whole catalogue"
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let out: Vec<String> = blocks
            .iter()
            .map(|(h, _)| format!("=== {h}\n{}\n", describe(&unescape(h))))
            .collect();
        std::fs::write(PATH, out.join("\n")).unwrap();
        return;
    }
    let mut failures = Vec::new();
    for (header, expected) in &blocks {
        let actual = describe(&unescape(header));
        if &actual != expected {
            failures.push(format!(
                "=== {header}\n--- expected\n{expected}\n--- actual\n{actual}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} snapshot(s) differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
