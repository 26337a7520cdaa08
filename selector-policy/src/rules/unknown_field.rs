//! Rule `unknown-field`: a key the resource's API type does not declare.

use crate::model::read::{ENTITY_KEYS, HEP_KEYS, NP_KEYS, RULE_KEYS, STAGED_NP_KEYS};
use crate::model::value::IssueKind;
use crate::resource::Resource;
use crate::validate::suggest::did_you_mean;
use crate::validate::Ctx;

crate::declare_rule! {
    /// ## What it finds
    /// A field the Calico API type does not have at that place: a typo (`sorce`, `selectr`),
    /// or a real field in the wrong place (`ports` at rule level instead of under
    /// `destination`, `interface` instead of `interfaceName` in a HostEndpoint,
    /// `namespaceSelector` in a NetworkPolicy spec, `serviceAccountSelector` inside a rule's
    /// `source`).
    ///
    /// ## Why it matters
    /// `calicoctl` decodes strictly and rejects the resource. `kubectl` with Calico's native
    /// CRDs prunes unknown fields silently: a misspelt `selector` then leaves the policy
    /// selecting every endpoint, and a misplaced `ports` lets every port through.
    ///
    /// Kubernetes Pods, Namespaces, ServiceAccounts, WorkloadEndpoints and FelixConfiguration
    /// are not checked (only the fields that matter here are modelled).
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    /// - action: Allow
    ///   protocol: TCP
    ///   ports: [443]
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// ingress:
    /// - action: Allow
    ///   protocol: TCP
    ///   destination:
    ///     ports: [443]
    /// ```
    pub UNKNOWN_FIELD = "unknown-field", Error, "A field that Calico's strict decoding rejects (a typo, or a field in the wrong place).";
}

fn parent(path: &str) -> &str {
    path.rsplit_once('.').map_or("the top level", |(p, _)| p)
}

/// Reports every unknown field decoding found in `res`.
pub(crate) fn check(cx: &mut Ctx<'_>, res: &Resource) {
    for issue in &res.decode {
        let IssueKind::UnknownField { name, known } = &issue.kind else {
            continue;
        };
        let near = did_you_mean(name, known.iter().copied());
        let same = |k: &[&str]| *known == k;
        let help = if name == "ports" && same(RULE_KEYS) {
            "ports belong to a side of the rule: write `destination: {ports: [...]}` (or `source`)"
                .to_string()
        } else if name == "namespaceSelector" && (same(NP_KEYS) || same(STAGED_NP_KEYS)) {
            "a NetworkPolicy applies in its own namespace only: use a GlobalNetworkPolicy for `namespaceSelector`, or put it in a rule's `source`/`destination`".to_string()
        } else if name == "serviceAccountSelector" && same(ENTITY_KEYS) {
            "in a rule the field is `serviceAccounts: {selector: ...}`".to_string()
        } else if name == "interface" && same(HEP_KEYS) {
            "did you mean `interfaceName`?".to_string()
        } else if let Some(n) = near {
            format!("did you mean `{n}`?")
        } else {
            format!(
                "the fields allowed here are {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let dropped = if near == Some("selector") && parent(&issue.path) == "spec" {
            "; if it is dropped the policy selects every endpoint"
        } else {
            ""
        };
        cx.report(
            &UNKNOWN_FIELD,
            res,
            issue.span.clone(),
            format!(
                "unknown field `{name}` in `{}`: Calico rejects the {}{dropped}",
                parent(&issue.path),
                res.kind.name()
            ),
            help,
        );
    }
}
