//! The crate's modules form one-way layers: each module's code refers (through `crate::…`
//! and `super::…` paths, in `use` lines or inline) only to modules of earlier layers, or to
//! modules of its own folder. This reads the sources and checks every such path, so an import
//! that points up the list (or a module missing from it) fails here.
//!
//! Test code is not checked: a file's `#[cfg(test)] mod tests { … }` (kept at its end), and
//! `tests.rs` and `test_strategies.rs` files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, first to last; a module may use only modules of earlier layers (and the
/// modules of its own folder). A folder module (`interned`, `index`) is one entry: its files
/// may use each other.
const LAYERS: &[&[&str]] = &[
    // Leaves: no other module of the crate.
    &["lexer", "labels", "id"],
    // Syntax: the owned tree and the diagnostics, then the flat tree, its builders and the
    // conversions to and from the owned tree, then the parser.
    &["syntax::ast", "syntax::snippet"],
    &["syntax::error"],
    &["syntax::tree"],
    &["syntax::build", "syntax::convert"],
    &["syntax::parser", "syntax"],
    // On the syntax only.
    &["restrict", "walk", "rewrite", "order"],
    &["print"],
    &["compile", "explain"],
    &["vm"],
    &["selector"],
    &["interned"],
    &["index"],
    // Built on the public tree and `Selector` only.
    &["algebra"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| {
        layer
            .iter()
            .any(|m| *m == module || module.starts_with(&format!("{m}::")))
    })
}

/// The layer entry a module belongs to (`index::plan` → `index`), for the folder rule.
fn group_of(module: &str) -> Option<&'static str> {
    LAYERS
        .iter()
        .flat_map(|layer| layer.iter())
        .filter(|m| **m == module || module.starts_with(&format!("{m}::")))
        .max_by_key(|m| m.len())
        .copied()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `src/a/b.rs` → `a::b`, `src/a/mod.rs` → `a`, `src/lib.rs` → `` (the root).
fn module_name(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|c| c != "mod" && c != "lib")
        .collect();
    parts.join("::")
}

/// The code of a file without comments and without its trailing test module.
fn product_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests {"))
        {
            break;
        }
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Expands `a::{b, c::{d, e}}` into `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let path: String = path.split_whitespace().collect();
    let Some(open) = path.find('{') else {
        return vec![path];
    };
    let prefix = &path[..open];
    let inner = &path[open + 1..path.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| expand(&format!("{prefix}{p}")))
        .collect()
}

/// Every path the code names that starts with `crate::` or `super::`, in `use` items
/// (braces expanded) and inline.
fn paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    // `use` items, which may span lines and hold braces.
    while let Some(i) = rest.find("use ") {
        let before_ok = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric();
        let after = &rest[i + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if before_ok && (after.starts_with("crate::") || after.starts_with("super::")) {
            out.extend(expand(&after[..end]));
        }
        rest = &after[end.min(after.len())..];
    }
    // Inline paths.
    for start in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(i) = rest.find(start) {
            let before_ok = i == 0 || {
                let b = rest.as_bytes()[i - 1];
                !(b.is_ascii_alphanumeric() || b == b'_' || b == b':')
            };
            let tail = &rest[i..];
            let len = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            if before_ok && !tail[..len].ends_with("::") {
                out.push(tail[..len].to_string());
            }
            rest = &tail[len.max(1)..];
        }
    }
    out
}

/// The crate root's re-exports (`pub use selector::Selector;` → `Selector` → `selector`).
fn root_names(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for item in lib.split(';') {
        let item = item.trim();
        let Some(path) = item.strip_prefix("pub use ") else {
            continue;
        };
        for full in expand(path) {
            let (path, alias) = match full.split_once(" as ") {
                Some((p, a)) => (p.to_string(), Some(a.to_string())),
                None => (full.clone(), None),
            };
            let (module, name) = path.rsplit_once("::").unwrap();
            // `pub use a::b::{self}` re-exports the module `a::b` itself, as `b`.
            let name = match name {
                "self" => module.rsplit("::").next().unwrap(),
                _ => name,
            };
            let name = alias.unwrap_or_else(|| name.to_string());
            names.insert(name, module.to_string());
        }
    }
    names
}

/// The module a path refers to, relative to `from`: the longest prefix that is a module.
fn target(path: &str, from: &str, modules: &[String], roots: &BTreeMap<String, String>) -> String {
    let mut segments: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = Vec::new();
    match segments.first() {
        Some(&"crate") => {
            segments.remove(0);
        }
        Some(&"super") => {
            base = from.split("::").collect();
            while segments.first() == Some(&"super") {
                segments.remove(0);
                base.pop();
            }
        }
        _ => unreachable!("{path}"),
    }
    let full: Vec<&str> = base.into_iter().chain(segments).collect();
    for n in (1..=full.len()).rev() {
        let candidate = full[..n].join("::");
        if modules.contains(&candidate) {
            return candidate;
        }
    }
    match full.first() {
        Some(name) if roots.contains_key(*name) => roots[*name].clone(),
        // `*` or an item of the root itself.
        _ => String::new(),
    }
}

#[test]
fn every_module_uses_only_earlier_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let modules: Vec<String> = files.iter().map(|f| module_name(&src, f)).collect();
    let roots = root_names(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut problems = Vec::new();
    for (file, module) in files.iter().zip(&modules) {
        let name = file.file_name().unwrap().to_string_lossy();
        if module.is_empty() || name == "tests.rs" || name == "test_strategies.rs" {
            continue;
        }
        let Some(layer) = layer_of(module) else {
            problems.push(format!("{module}: not in LAYERS"));
            continue;
        };
        let code = product_code(&std::fs::read_to_string(file).unwrap());
        for path in paths(&code) {
            let used = target(&path, module, &modules, &roots);
            if used.is_empty() || used == *module || group_of(&used) == group_of(module) {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < layer => {}
                _ => problems.push(format!("{module} uses {used} (`{path}`)")),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

/// The checker itself finds what it must: brace groups, `super::` and inline paths.
#[test]
fn the_checker_reads_paths() {
    assert_eq!(
        expand("crate::{a, b::{c, d}}"),
        ["crate::a", "crate::b::c", "crate::b::d"]
    );
    let code = "use super::tree::{Kind, Tree};\nfn f() { crate::vm::run(); x::crate::no(); }";
    let found = paths(code);
    assert!(
        found.contains(&"super::tree::Kind".to_string()),
        "{found:?}"
    );
    assert!(found.contains(&"crate::vm::run".to_string()), "{found:?}");
    assert!(!found.iter().any(|p| p.contains("no")), "{found:?}");
    let modules = vec!["syntax".to_string(), "syntax::tree".to_string()];
    let roots = BTreeMap::from([("Selector".to_string(), "selector".to_string())]);
    assert_eq!(
        target("super::tree::Kind", "syntax::parser", &modules, &roots),
        "syntax::tree"
    );
    assert_eq!(
        target("crate::Selector", "index", &modules, &roots),
        "selector"
    );
    let lib = "pub use syntax::ast::{self, Expr};\npub use selector::Selector;";
    let roots = root_names(lib);
    assert_eq!(roots["ast"], "syntax::ast");
    assert_eq!(roots["Expr"], "syntax::ast");
    assert_eq!(
        target("crate::ast::Span", "algebra", &modules, &roots),
        "syntax::ast"
    );
    assert!(product_code("a\n#[cfg(test)]\nmod tests {\nuse crate::x;\n}").trim() == "a");
    // A module that points up the list is caught.
    assert!(layer_of("syntax::tree") < layer_of("compile"));
    assert!(layer_of("nowhere").is_none());
}
