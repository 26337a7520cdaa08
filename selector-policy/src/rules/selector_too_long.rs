//! Rule `selector-too-long`: a selector longer than the 1024 characters Calico's schema allows.

use crate::model::spec::Spec;
use crate::model::value::{Val, ValExt};
use crate::resource::Resource;
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// A policy's `selector`, `namespaceSelector` or `serviceAccountSelector`, or a rule's
    /// `selector`, `notSelector` or `namespaceSelector`, longer than 1024 characters
    /// (`serviceAccounts.selector` has no limit).
    ///
    /// ## Why it matters
    /// The CRD schema (Calico v3.33 and later) rejects the resource.
    ///
    /// ## Example
    /// ```yaml
    /// selector: app in {'svc-0001', 'svc-0002', 'svc-0003', ... 80 more values ...}
    /// ```
    ///
    /// ## Fix
    /// Give the selected endpoints a shared label and select that, or split the policy:
    /// ```yaml
    /// selector: exposure == 'public'
    /// ```
    pub SELECTOR_TOO_LONG = "selector-too-long", Error, "A selector longer than 1024 characters (rejected by the CRD schema since Calico v3.33).";
}

const MAX_LEN: usize = 1024;

fn field(cx: &mut Ctx<'_>, res: &Resource, v: &Option<Val<String>>, path: &str) {
    let Some(v) = v else { return };
    let Some(text) = v.get() else { return };
    let n = text.chars().count();
    if n > MAX_LEN {
        cx.report(
            &SELECTOR_TOO_LONG,
            res,
            v.key_span.clone(),
            format!("`{path}` is {n} characters long, more than the {MAX_LEN} Calico allows"),
            "select a shared label instead of listing values, or split the policy".to_string(),
        );
    }
}

/// Reports over-long selectors in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    if let Spec::Policy(p) = &res.spec {
        field(cx, res, &p.selector, "spec.selector");
        field(cx, res, &p.namespace_selector, "spec.namespaceSelector");
        field(
            cx,
            res,
            &p.service_account_selector,
            "spec.serviceAccountSelector",
        );
    }
    for at in rules_of_resource(res) {
        for (side, e) in [
            ("source", &at.rule.source),
            ("destination", &at.rule.destination),
        ] {
            let Some(e) = e.get() else { continue };
            let base = format!("{}.{side}", at.path());
            field(cx, res, &e.selector, &format!("{base}.selector"));
            field(cx, res, &e.not_selector, &format!("{base}.notSelector"));
            field(
                cx,
                res,
                &e.namespace_selector,
                &format!("{base}.namespaceSelector"),
            );
        }
    }
}
