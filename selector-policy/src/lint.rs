//! The lint driver: reads an input (one or more files applied together), runs every
//! registered rule on it, applies inline suppressions and the rule configuration.

use std::cmp::Reverse;
use std::collections::HashMap;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::SelectorCache;
use crate::registry;
use crate::resource::{resources_of, Resource};
use crate::rules::{yaml_syntax, Check, InputCx, SelectorCx};
use crate::source::SourceFile;
use crate::suppress;
use crate::yaml;

/// The files of one input with their resources and every finding.
pub struct Analysis {
    /// The files, in input order.
    pub files: Vec<SourceFile>,
    /// Every resource read, in file order (`Resource::file` indexes `files`).
    pub resources: Vec<Resource>,
    /// Every finding, sorted by file then position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// The file a resource came from.
    pub fn file_of(&self, r: &Resource) -> Option<&SourceFile> {
        self.files.get(r.file)
    }
}

/// Loads every file of one input and reports syntax problems.
pub fn load(files: Vec<SourceFile>) -> Analysis {
    let mut resources = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if let Some(d) = yaml_syntax::too_deep(file) {
            diagnostics.push(d);
            continue;
        }
        let loaded = yaml::load(&file.text);
        if let Some(err) = &loaded.error {
            diagnostics.push(yaml_syntax::diagnostic(file, err));
        }
        for doc in &loaded.documents {
            resources_of(&file.text, i, doc, &mut resources);
        }
    }
    Analysis {
        files,
        resources,
        diagnostics,
    }
}

/// Runs every rule on one input (its files are taken as applied together), with the
/// default configuration.
pub fn analyze(files: Vec<SourceFile>) -> Analysis {
    analyze_with(files, &Config::default())
}

/// Runs every rule on one input, then applies the inline suppressions of its files and
/// `config` (which rules, which severities).
pub fn analyze_with(files: Vec<SourceFile>, config: &Config) -> Analysis {
    let mut a = load(files);
    let mut out = Vec::new();
    for r in &a.resources {
        let (Some(policy), Some(file)) = (&r.policy, a.file_of(r)) else {
            continue;
        };
        for field in policy.fields() {
            let cx = SelectorCx::of_field(file, field);
            run_selector_rules(&cx, &mut out);
        }
    }
    let mut cache = SelectorCache::default();
    let cx = InputCx::new(&a);
    for rule in registry::rules() {
        if let Check::Input(check) = rule.check {
            check(&cx, &mut cache, &mut out);
        }
    }
    // Modules with their own entry point (and their rules in `registry::LISTS`, declared
    // `Check::Elsewhere`) add one line each here, e.g.
    // `out.extend(crate::validate::validate(&a.files, &a.resources));`.
    a.diagnostics.extend(out);
    let found = std::mem::take(&mut a.diagnostics);
    a.diagnostics = config.apply(suppress::apply(&a.files, found));
    sort(&a.files, &mut a.diagnostics);
    a
}

fn run_selector_rules(cx: &SelectorCx<'_>, out: &mut Vec<Diagnostic>) {
    for rule in registry::rules() {
        if let Check::Selector(check) = rule.check {
            check(cx, out);
        }
    }
}

/// Checks one selector given alone with every rule that looks at a single selector (the
/// rules that depend on the field it is in, such as `global-misuse`, are left out). Spans
/// are byte offsets into `text`; the file is `<input>`. The CLI's `check`, Python's
/// `validate` and WASM's `check` call this.
pub fn check_selector(text: &str) -> Vec<Diagnostic> {
    let file = SourceFile::new("<input>", text);
    let mut out = Vec::new();
    run_selector_rules(&SelectorCx::alone(&file), &mut out);
    sort(std::slice::from_ref(&file), &mut out);
    out
}

/// Sorts findings by file (input order), position, severity (most severe first) and rule.
pub(crate) fn sort(files: &[SourceFile], diagnostics: &mut [Diagnostic]) {
    let order: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    diagnostics.sort_by(|x, y| {
        let key = |d: &Diagnostic| {
            (
                order.get(d.file.as_str()).copied(),
                d.span.start,
                Reverse(d.severity),
                d.rule.id,
                d.span.end,
            )
        };
        key(x).cmp(&key(y))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selector_alone_gets_the_single_selector_rules() {
        let d = check_selector("!all()");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule.id, "never-matches");
        let d = check_selector("app in (a, b)");
        assert_eq!(d[0].rule.id, "k8s-selector-syntax");
        let d = check_selector("a = 'x'");
        assert_eq!(d[0].rule.id, "selector-syntax");
        assert_eq!(d[0].span, 2..3);
        let d = check_selector("a == 'x' &&\nb == 'y'");
        assert_eq!(d[0].rule.id, "selector-newline");
        // Field-dependent rules need the field: not reported for a selector alone.
        assert!(check_selector("global()").is_empty());
        assert!(check_selector("projectcalico.org/name == 'x'").is_empty());
        assert!(check_selector("app == 'web'").is_empty());
    }
}
