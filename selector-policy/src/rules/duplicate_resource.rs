//! `duplicate-resource`: two resources with the same kind, namespace and name.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Severity};
use crate::model::SelectorCache;
use crate::resource::{Kind, Resource};
use crate::rules::{Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A resource with the same kind, namespace and name as an earlier one in the same input
    /// (the files applied together). A copy with different content is an error; an
    /// identical copy is a warning.
    ///
    /// ## Why it matters
    /// Applying both silently replaces the earlier resource with the later one: the rules of
    /// the first are gone, though the file still shows them. Identical copies do no harm
    /// today but drift apart when only one is edited.
    ///
    /// ## Example
    /// ```yaml
    /// kind: GlobalNetworkSet
    /// metadata:
    ///   name: cdn-edges
    /// spec:
    ///   nets: [192.0.2.0/26]
    /// ---
    /// kind: GlobalNetworkSet
    /// metadata:
    ///   name: cdn-edges
    /// spec:
    ///   nets: [192.0.2.64/26]
    /// ```
    ///
    /// ## Fix
    /// Give each resource its own `metadata.name`, or merge them; remove identical copies.
    pub RULE = "duplicate-resource", Error, "Two resources with the same kind, namespace and name: the later replaces the earlier on apply.", check = Check::Input(check);
}

fn check(cx: &InputCx<'_>, _: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let a = cx.analysis;
    let mut seen: HashMap<(Kind, Option<&str>, &str), &Resource> = HashMap::new();
    for r in &a.resources {
        if r.name.is_empty() {
            continue;
        }
        let key = (r.kind, r.namespace.as_deref(), r.name.as_str());
        let Some(first) = seen.get(&key) else {
            seen.insert(key, r);
            continue;
        };
        let (Some(file), Some(first_file)) = (a.file_of(r), a.file_of(first)) else {
            continue;
        };
        let (line, col) = first_file.position(first.name_span.start);
        let ns = r
            .namespace
            .as_ref()
            .map(|n| format!(" in namespace `{n}`"))
            .unwrap_or_default();
        let identical = first_file.text.get(first.span.clone()) == file.text.get(r.span.clone());
        let mut d = Diagnostic::new(
            &RULE,
            file,
            r.name_span.clone(),
            format!(
                "{} `{}`{ns} is already defined at {}:{line}:{col}{}",
                r.kind.name(),
                r.name,
                first_file.name,
                if identical {
                    " (an identical copy)"
                } else {
                    " with different content; applying both silently replaces the earlier one"
                }
            ),
            Some(if identical {
                "remove one of the copies".to_string()
            } else {
                "give each resource its own `metadata.name`".to_string()
            }),
        );
        if identical {
            d.severity = d.severity.min(Severity::Warning);
        }
        out.push(d);
    }
}
