//! Calico resources, what their selectors select, and lint rules for them.
//!
//! No terminal I/O here: the `calico-selector` binary (crate `selector-cli`) and the
//! Python and WASM bindings call [`lint_text`] and [`lint_paths`].
//!
//! ```
//! let text = "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: p\nspec:\n  selector: a = 'b'\n";
//! let diags = selector_policy::lint_text(text, "p.yaml");
//! assert_eq!(diags[0].rule, "selector-syntax");
//! assert_eq!((diags[0].line, diags[0].column), (6, 15));
//! ```

pub mod diag;
pub mod fmt;
pub mod k8s;
pub mod lint;
pub mod model;
pub mod paths;
pub mod registry;
pub mod resource;
mod rules;
pub mod select;
pub mod source;
pub mod validate;
pub mod yaml;

use std::path::PathBuf;

pub use diag::{rule_info, Diagnostic, RuleInfo, Severity, RULES};
pub use lint::{analyze, Analysis};
pub use paths::Scope;
pub use source::SourceFile;

/// Lints one file's text with every rule (the rules that compare resources look at the
/// resources of this text only). `filename` names the file in diagnostics (`<input>` when empty).
pub fn lint_text(text: &str, filename: &str) -> Vec<Diagnostic> {
    let name = if filename.is_empty() {
        "<input>"
    } else {
        filename
    };
    analyze(vec![SourceFile::new(name, text)]).diagnostics
}

/// Lints files and directories (searched recursively for `*.yaml`, `*.yml`, `*.json`).
/// Files in one directory are one input for the rules that compare resources; files
/// named directly are one input together. Unreadable paths are `io-error` diagnostics.
pub fn lint_paths(paths: &[PathBuf]) -> Vec<Diagnostic> {
    lint_paths_scoped(paths, Scope::Directory)
}

/// [`lint_paths`] with a choice of how files are grouped into inputs.
pub fn lint_paths_scoped(paths: &[PathBuf], scope: Scope) -> Vec<Diagnostic> {
    let (groups, mut out) = paths::collect(paths, scope);
    for files in groups {
        out.extend(analyze(files).diagnostics);
    }
    out
}
