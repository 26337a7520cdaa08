//! Calico resources, what their selectors select, and lint rules for them.
//!
//! No terminal I/O here: the `calico-selector` binary (crate `selector-cli`) and the
//! Python and WASM bindings call [`lint_text`], [`lint_paths`] / [`paths::lint`] and
//! [`check_selector`].
//!
//! ```
//! let text = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: p\nspec:\n  selector: a = 'b'\n";
//! let diags = selector_policy::lint_text(text, "p.yaml");
//! assert_eq!(diags[0].rule.id, "selector-syntax");
//! assert_eq!((diags[0].line, diags[0].column), (6, 15));
//! ```

pub mod config;
pub mod diag;
pub mod eval;
pub mod fmt;
pub mod k8s;
pub mod lint;
pub mod model;
pub mod paths;
pub mod registry;
pub mod resource;
pub mod rules;
pub mod select;
pub mod source;
pub mod suppress;
pub mod yaml;

use std::path::PathBuf;

pub use config::Config;
pub use diag::{Diagnostic, Severity};
pub use lint::{analyze, analyze_with, check_selector, Analysis};
pub use paths::{LintOptions, LintReport, Scope};
pub use registry::{rules as all_rules, Rule};
pub use source::SourceFile;

/// Lints one file's text with every rule (the rules that compare resources look at the
/// resources of this text only) and its inline suppressions. `filename` names the file in
/// diagnostics (`<input>` when empty).
pub fn lint_text(text: &str, filename: &str) -> Vec<Diagnostic> {
    lint_text_with(text, filename, &Config::default())
}

/// [`lint_text`] with a rule configuration.
pub fn lint_text_with(text: &str, filename: &str, config: &Config) -> Vec<Diagnostic> {
    let name = if filename.is_empty() {
        "<input>"
    } else {
        filename
    };
    analyze_with(vec![SourceFile::new(name, text)], config).diagnostics
}

/// Lints files and directories (searched recursively for `*.yaml`, `*.yml`, `*.json`), as
/// the CLI's `lint` does: files in one directory are one input for the rules that compare
/// resources, files named directly are one input together; each input uses the
/// configuration file found by walking up from it. Unreadable paths are `io-error`
/// diagnostics.
///
/// # Errors
/// As [`paths::lint`]: a configuration that cannot be read, or no manifest at all.
pub fn lint_paths(paths: &[PathBuf]) -> Result<Vec<Diagnostic>, String> {
    lint_paths_scoped(paths, Scope::Directory)
}

/// [`lint_paths`] with a choice of how files are grouped into inputs.
///
/// # Errors
/// As [`paths::lint`].
pub fn lint_paths_scoped(paths: &[PathBuf], scope: Scope) -> Result<Vec<Diagnostic>, String> {
    let options = LintOptions {
        scope,
        discover_config: true,
        ..LintOptions::default()
    };
    paths::lint(paths, &options).map(|r| r.diagnostics)
}
