//! The rule table of `selector-cli/README.md` is generated from the rule registry.
//! `UPDATE_README=1 cargo test -p selector-cli --test readme` rewrites it.

// Test helpers: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

const START: &str = "<!-- rules-table:start (generated: do not edit by hand) -->\n";
const END: &str = "<!-- rules-table:end -->";

#[test]
fn readme_rule_table_is_generated_from_the_registry() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find(START)
        .expect("README.md lost its rules-table:start marker")
        + START.len();
    let end = text
        .find(END)
        .expect("README.md lost its rules-table:end marker");
    let table = selector_policy::registry::markdown_table();
    if text.get(start..end) == Some(table.as_str()) {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &text[..start], &text[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "the rule table of selector-cli/README.md is out of date; run\n  UPDATE_README=1 cargo test -p selector-cli --test readme\n--- expected\n{table}--- found\n{}",
        &text[start..end]
    );
}
