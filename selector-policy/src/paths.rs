//! Finding the files to read, grouping them into inputs, and linting them with the
//! configuration that applies ([`lint`], what the CLI's `lint` and Python's `lint_paths` run).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::lint::analyze_with;
use crate::rules::io_error::RULE as IO_ERROR;
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
            let unreadable = !walk_errors.is_empty();
            for (path, e) in walk_errors {
                errors.push(io_error(&path, &e));
            }
            if found.is_empty() && !unreadable {
                let file = SourceFile::new(p.display().to_string(), "");
                let mut d = Diagnostic::new(
                    &IO_ERROR,
                    &file,
                    0..0,
                    format!(
                        "no manifest in `{}`: no *.yaml, *.yml or *.json file in it or below",
                        p.display()
                    ),
                    Some(
                        "check the path; manifests with other extensions can be named one by one"
                            .to_string(),
                    ),
                );
                d.severity = Severity::Warning;
                errors.push(d);
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

/// [`collect`], with text read from standard input as the file `-`: it joins the files named
/// directly (or is an input of its own when only directories are named).
pub fn inputs(
    paths: &[PathBuf],
    stdin: Option<String>,
    scope: Scope,
) -> (Vec<Vec<SourceFile>>, Vec<Diagnostic>) {
    let (mut groups, diagnostics) = collect(paths, scope);
    if let Some(text) = stdin {
        let file = SourceFile::new("-", text);
        let explicit_first = paths.iter().any(|p| !p.is_dir()) || scope == Scope::All;
        match groups.first_mut() {
            Some(g) if explicit_first => g.push(file),
            _ => groups.insert(0, vec![file]),
        }
    }
    (groups, diagnostics)
}

/// How to lint paths: which files go together, and the rule configuration.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// How files are grouped into inputs.
    pub scope: Scope,
    /// Rule choices given directly (the command line); they go on top of a discovered file's.
    pub config: Config,
    /// Look for a configuration file (`calico-selector.toml`, `pyproject.toml`) by walking
    /// up from each input's directory.
    pub discover_config: bool,
    /// A configuration file to use instead of looking for one.
    pub config_file: Option<PathBuf>,
    /// Text read from standard input, linted as the file `-` (with the files named directly).
    pub stdin: Option<String>,
}

/// The outcome of [`lint`].
pub struct LintReport {
    /// Every finding, input by input.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read, in input order.
    pub files: Vec<SourceFile>,
    /// The configuration files used.
    pub config_files: Vec<PathBuf>,
}

/// Lints `paths` (and `options.stdin`): files grouped into inputs, each input linted with
/// the configuration found for it (or given), inline suppressions applied.
///
/// # Errors
/// A configuration that cannot be read or names unknown rules, or paths that hold no
/// manifest at all (every path an existing directory without a `*.yaml`, `*.yml` or
/// `*.json` file): a usage error, not a finding.
pub fn lint(paths: &[PathBuf], options: &LintOptions) -> Result<LintReport, String> {
    options.config.check_ids()?;
    let given = match &options.config_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let c = Config::from_toml(&text, path)?.ok_or_else(|| {
                format!("`{}` has no [tool.calico-selector] table", path.display())
            })?;
            Some((path.clone(), c))
        }
        None => None,
    };
    let (mut groups, mut diagnostics) = collect(paths, options.scope);
    if let Some(text) = &options.stdin {
        let file = SourceFile::new("-", text.clone());
        let explicit_first = paths.iter().any(|p| !p.is_dir()) || options.scope == Scope::All;
        match groups.first_mut() {
            Some(g) if explicit_first => g.push(file),
            _ => groups.insert(0, vec![file]),
        }
    }
    if groups.is_empty() && diagnostics.iter().all(|d| d.severity < Severity::Error) {
        let names: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(format!(
            "no manifest to lint in {}: no *.yaml, *.yml or *.json file found",
            names.join(", ")
        ));
    }
    let mut found: HashMap<PathBuf, Option<(PathBuf, Config)>> = HashMap::new();
    let mut config_files: Vec<PathBuf> = Vec::new();
    let mut files = Vec::new();
    for group in groups {
        let file_config = match (&given, options.discover_config) {
            (Some(g), _) => Some(g.clone()),
            (None, false) => None,
            (None, true) => {
                let start = group
                    .first()
                    .filter(|f| f.name != "-")
                    .map_or_else(|| PathBuf::from("."), |f| PathBuf::from(&f.name));
                let dir = start.parent().map(Path::to_path_buf).unwrap_or_default();
                match found.get(&dir) {
                    Some(c) => c.clone(),
                    None => {
                        let c = Config::discover(&start)?;
                        found.insert(dir, c.clone());
                        c
                    }
                }
            }
        };
        let config = match file_config {
            Some((path, c)) => {
                if !config_files.contains(&path) {
                    config_files.push(path);
                }
                c.merged(&options.config)
            }
            None => options.config.clone(),
        };
        let a = analyze_with(group, &config);
        diagnostics.extend(a.diagnostics);
        files.extend(a.files);
    }
    Ok(LintReport {
        diagnostics,
        files,
        config_files,
    })
}
