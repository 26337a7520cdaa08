//! Rule `rule-selector-all`: `selector: all()` in a rule, read as "anywhere".

use crate::model::value::ValExt;
use crate::resource::Resource;
use crate::validate::{rules_of_resource, Ctx};

crate::declare_rule! {
    /// ## What it finds
    /// A rule's `source` or `destination` with `selector: all()`.
    ///
    /// ## Why it matters
    /// A rule selector matches by IP: `all()` matches the IPs of the endpoints and network
    /// sets Calico knows (in the policy's namespace, for a NetworkPolicy without
    /// `namespaceSelector`), never an arbitrary address such as a client on the Internet.
    /// Authors often mean "from anywhere".
    ///
    /// ## Example
    /// ```yaml
    /// source:
    ///   selector: all()
    /// ```
    ///
    /// ## Fix
    /// To match any address, leave `selector` out (or use `nets: [0.0.0.0/0]`); keep
    /// `all()` only if "any known endpoint" is what you mean.
    pub RULE_SELECTOR_ALL = "rule-selector-all", Info, "`selector: all()` in a rule matches only addresses Calico knows, not any address.";
}

/// Reports `selector: all()` in rule peers.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    for at in rules_of_resource(res) {
        for (side, e) in [
            ("source", &at.rule.source),
            ("destination", &at.rule.destination),
        ] {
            let Some(sel) = e.get().and_then(|e| e.selector.as_ref()) else {
                continue;
            };
            if sel.get().is_some_and(|s| s.trim() == "all()") {
                cx.report(
                    &RULE_SELECTOR_ALL,
                    res,
                    sel.span.clone(),
                    format!("`{}.{side}.selector: all()` matches only endpoints and network sets Calico knows, not any address", at.path()),
                    "leave `selector` out to match any address".to_string(),
                );
            }
        }
    }
}
