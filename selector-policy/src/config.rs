//! Which rules run and how severe their findings are: `select`, `ignore` and `severity`,
//! from a configuration file found by walking up from the linted path
//! (`calico-selector.toml`, or a `[tool.calico-selector]` table in `pyproject.toml`, as
//! ruff does) and from the command line.
//!
//! ```toml
//! # calico-selector.toml
//! ignore = ["policy-selects-nothing"]
//! [severity]
//! unknown-label = "error"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diagnostic, Severity};
use crate::registry;

/// The configuration file names looked for in each directory, in order.
pub const FILE_NAMES: &[&str] = &["calico-selector.toml", "pyproject.toml"];

/// Rule choices. Ids are checked against the registry by [`Config::check_ids`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The rules to run (every rule when absent).
    #[serde(default)]
    pub select: Option<Vec<String>>,
    /// Rules not to run.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule id, replacing the rule's default.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Deserialize)]
struct PyProject {
    #[serde(default)]
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    #[serde(rename = "calico-selector", default)]
    calico_selector: Option<Config>,
}

impl Config {
    /// Every id named is a registered rule, or an error naming the first unknown one
    /// (with "did you mean").
    pub fn check_ids(&self) -> Result<(), String> {
        let ids = self
            .select
            .iter()
            .flatten()
            .chain(&self.ignore)
            .chain(self.severity.keys());
        for id in ids {
            if registry::find(id).is_none() {
                return Err(registry::unknown_id_message(id));
            }
        }
        Ok(())
    }

    /// `self` with `over` on top: `over`'s `select` replaces this one, `ignore` adds to it,
    /// `severity` entries replace this one's.
    pub fn merged(&self, over: &Config) -> Config {
        let mut out = self.clone();
        if over.select.is_some() {
            out.select.clone_from(&over.select);
        }
        out.ignore.extend(over.ignore.iter().cloned());
        for (k, v) in &over.severity {
            out.severity.insert(k.clone(), *v);
        }
        out
    }

    /// Whether findings of rule `id` are kept.
    pub fn enabled(&self, id: &str) -> bool {
        let selected = self
            .select
            .as_ref()
            .is_none_or(|s| s.iter().any(|x| x == id));
        selected && !self.ignore.iter().any(|x| x == id)
    }

    /// Drops the findings of rules not enabled and sets the configured severities.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter(|d| self.enabled(d.rule.id))
            .map(|mut d| {
                if let Some(s) = self.severity.get(d.rule.id) {
                    d.severity = *s;
                }
                d
            })
            .collect()
    }

    /// Reads a configuration file's text: `calico-selector.toml` holds the keys at the top
    /// level, `pyproject.toml` in `[tool.calico-selector]` (`Ok(None)` when it has none).
    pub fn from_toml(text: &str, path: &Path) -> Result<Option<Config>, String> {
        let err = |e: toml::de::Error| format!("{}: {}", path.display(), e.message());
        let config = if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            let p: PyProject = toml::from_str(text).map_err(err)?;
            p.tool.and_then(|t| t.calico_selector)
        } else {
            Some(toml::from_str::<Config>(text).map_err(err)?)
        };
        if let Some(c) = &config {
            c.check_ids()
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(config)
    }

    /// The configuration for `path`: the first `calico-selector.toml`, or `pyproject.toml`
    /// with a `[tool.calico-selector]` table, in its directory or a parent. `Ok(None)` when
    /// there is none.
    pub fn discover(path: &Path) -> Result<Option<(PathBuf, Config)>, String> {
        let start = if path.is_dir() {
            path.to_path_buf()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let start = std::fs::canonicalize(&start).unwrap_or(start);
        // Shown relative to the working directory when below it, as paths are given.
        let cwd = std::env::current_dir()
            .ok()
            .and_then(|d| std::fs::canonicalize(d).ok());
        for dir in start.ancestors() {
            for name in FILE_NAMES {
                let absolute = dir.join(name);
                let candidate = match cwd.as_deref().and_then(|c| absolute.strip_prefix(c).ok()) {
                    Some(rel) => rel.to_path_buf(),
                    None => absolute,
                };
                if !candidate.is_file() {
                    continue;
                }
                let text = std::fs::read_to_string(&candidate)
                    .map_err(|e| format!("cannot read `{}`: {e}", candidate.display()))?;
                if let Some(c) = Config::from_toml(&text, &candidate)? {
                    return Ok(Some((candidate, c)));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_files_and_checks_ids() {
        let c = Config::from_toml(
            "ignore = [\"policy-selects-nothing\"]\n[severity]\nunknown-label = \"error\"\n",
            Path::new("calico-selector.toml"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.ignore, vec!["policy-selects-nothing"]);
        assert_eq!(c.severity.get("unknown-label"), Some(&Severity::Error));
        assert!(!c.enabled("policy-selects-nothing") && c.enabled("never-matches"));

        let p = Config::from_toml(
            "[project]\nname = \"x\"\n[tool.calico-selector]\nselect = [\"never-matches\"]\n",
            Path::new("pyproject.toml"),
        )
        .unwrap()
        .unwrap();
        assert!(p.enabled("never-matches") && !p.enabled("unknown-label"));
        assert_eq!(
            Config::from_toml("[project]\n", Path::new("pyproject.toml")).unwrap(),
            None
        );

        let e =
            Config::from_toml("ignore = [\"unknown-lable\"]\n", Path::new("c.toml")).unwrap_err();
        assert!(e.contains("did you mean `unknown-label`"), "{e}");
        let e = Config::from_toml("ignroe = []\n", Path::new("c.toml")).unwrap_err();
        assert!(e.contains("ignroe"), "{e}");
        let e = Config::from_toml(
            "[severity]\nnever-matches = \"fatal\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(e.contains("fatal"), "{e}");
    }

    #[test]
    fn command_line_goes_on_top() {
        let file = Config {
            select: None,
            ignore: vec!["a".into()],
            severity: BTreeMap::from([("b".to_string(), Severity::Info)]),
        };
        let cli = Config {
            select: Some(vec!["b".into()]),
            ignore: vec!["c".into()],
            severity: BTreeMap::from([("b".to_string(), Severity::Error)]),
        };
        let m = file.merged(&cli);
        assert_eq!(m.select, Some(vec!["b".to_string()]));
        assert_eq!(m.ignore, vec!["a".to_string(), "c".to_string()]);
        assert_eq!(m.severity.get("b"), Some(&Severity::Error));
    }
}
