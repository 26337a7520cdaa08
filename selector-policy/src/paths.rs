//! Finding the files to read and grouping them into inputs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, IO_ERROR};
use crate::source::SourceFile;

/// How files are grouped into inputs for the rules that look at several resources
/// (duplicates, unknown labels, what policies select).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Files found in the same directory are one input (like `calicoctl apply -f DIR`);
    /// files named on the command line (and stdin) together are one input.
    #[default]
    Directory,
    /// Everything is one input.
    All,
}

fn is_manifest(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>, errors: &mut Vec<(PathBuf, String)>) {
    if depth > 64 {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push((dir.to_path_buf(), e.to_string()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, depth + 1, out, errors);
        } else if is_manifest(&p) {
            out.push(p);
        }
    }
}

fn io_error(path: &Path, err: &str) -> Diagnostic {
    let file = SourceFile::new(path.display().to_string(), "");
    Diagnostic::new(
        &IO_ERROR,
        &file,
        0..0,
        format!("cannot read `{}`: {err}", path.display()),
        Some("check that the path exists and is readable".to_string()),
    )
}

fn read(path: &Path, errors: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(SourceFile::new(path.display().to_string(), text)),
            Err(_) => {
                errors.push(io_error(path, "the file is not UTF-8 text"));
                None
            }
        },
        Err(e) => {
            errors.push(io_error(path, &e.to_string()));
            None
        }
    }
}

/// Reads `paths` (files, and directories searched recursively for `*.yaml`, `*.yml` and
/// `*.json`) and groups the files into inputs. Unreadable paths become `io-error`
/// diagnostics.
pub fn collect(paths: &[PathBuf], scope: Scope) -> (Vec<Vec<SourceFile>>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut explicit = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, Vec<SourceFile>> = BTreeMap::new();
    let mut dir_order: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            let mut walk_errors = Vec::new();
            walk(p, 0, &mut found, &mut walk_errors);
            for (path, e) in walk_errors {
                errors.push(io_error(&path, &e));
            }
            for f in found {
                let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
                if let Some(file) = read(&f, &mut errors) {
                    if !by_dir.contains_key(&dir) {
                        dir_order.push(dir.clone());
                    }
                    by_dir.entry(dir).or_default().push(file);
                }
            }
        } else if let Some(file) = read(p, &mut errors) {
            explicit.push(file);
        }
    }
    let mut groups = Vec::new();
    if !explicit.is_empty() {
        groups.push(explicit);
    }
    for d in dir_order {
        if let Some(files) = by_dir.remove(&d) {
            groups.push(files);
        }
    }
    if scope == Scope::All {
        groups = vec![groups.into_iter().flatten().collect()];
    }
    (groups, errors)
}
