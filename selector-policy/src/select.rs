//! The `select` report: for each policy and each rule peer, what it selects in the input.

use serde::Serialize;

use crate::lint::Analysis;
use crate::model::k8s_policy::to_calico;
use crate::model::{
    entity_selector, peer_selector, policy_selector, rules_of, spec_policy_selector, Endpoint,
    Model, SelectorCache, ValExt,
};
use crate::resource::{Direction, Kind, Peer, Resource};

/// A resource named in a report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ResourceRef {
    /// Its kind.
    pub kind: &'static str,
    /// Its namespace, for namespaced kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
    /// For endpoints: facts the input does not hold that the model assumed (a Namespace
    /// that is not in the input, a defaulted service account, a missing profile).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<String>,
}

impl ResourceRef {
    fn of(r: &Resource) -> ResourceRef {
        ResourceRef {
            kind: r.kind.name(),
            namespace: r.namespace.clone(),
            name: r.name.clone(),
            assumed: Vec::new(),
        }
    }

    fn of_endpoint(a: &Analysis, e: &Endpoint) -> Option<ResourceRef> {
        let r = a.resources.get(e.resource)?;
        Some(ResourceRef {
            assumed: e.notes.clone(),
            ..ResourceRef::of(r)
        })
    }
}

/// What one rule peer selects.
#[derive(Clone, Debug, Serialize)]
pub struct PeerSelection {
    /// `source` or `destination`.
    pub peer: &'static str,
    /// Whether every selector of the peer is valid (when not, `selects` is empty).
    pub valid: bool,
    /// The combined selector Calico evaluates (namespace part && endpoint part), if any.
    pub selector: Option<String>,
    /// The `notSelector`, if any.
    pub not_selector: Option<String>,
    /// Endpoints and network sets of the input the peer matches.
    pub selects: Vec<ResourceRef>,
}

/// What one rule's peers select.
#[derive(Clone, Debug, Serialize)]
pub struct RuleSelection {
    /// `ingress` or `egress`.
    pub direction: &'static str,
    /// Index in its list.
    pub index: usize,
    /// The rule's action, as written.
    pub action: Option<String>,
    /// The peers that restrict by labels.
    pub peers: Vec<PeerSelection>,
}

/// What one policy selects.
#[derive(Clone, Debug, Serialize)]
pub struct PolicySelection {
    /// The policy.
    #[serde(flatten)]
    pub policy: ResourceRef,
    /// File it is defined in.
    pub file: String,
    /// 1-based line of its name.
    pub line: usize,
    /// 1-based column of its name.
    pub column: usize,
    /// Whether its selectors are valid (when not, `selects` is empty).
    pub valid: bool,
    /// The combined selector Calico applies (SPEC section 8).
    pub selector: Option<String>,
    /// Host endpoints and pods it applies to.
    pub selects: Vec<ResourceRef>,
    /// Its rules that have label-based peers.
    pub rules: Vec<RuleSelection>,
}

fn peer(
    cache: &mut SelectorCache,
    model: &Model,
    a: &Analysis,
    res: &Resource,
    p: &Peer,
    name: &'static str,
) -> Option<PeerSelection> {
    if !p.has_selection() {
        return None;
    }
    let refs = |ids: Vec<usize>| -> Vec<ResourceRef> {
        ids.into_iter()
            .filter_map(|id| model.endpoints.get(id))
            .filter_map(|e| ResourceRef::of_endpoint(a, e))
            .collect()
    };
    Some(match peer_selector(cache, res, p) {
        Some(ps) => PeerSelection {
            peer: name,
            valid: true,
            selector: ps.selector.as_ref().map(|s| s.canonical().to_string()),
            not_selector: ps.not_selector.as_ref().map(|s| s.canonical().to_string()),
            selects: refs(model.select_peer(&ps)),
        },
        None => PeerSelection {
            peer: name,
            valid: false,
            selector: None,
            not_selector: None,
            selects: Vec::new(),
        },
    })
}

/// The report of a Kubernetes NetworkPolicy, through its Calico form (POLICY.md 2.3).
fn kubernetes_policy(
    cache: &mut SelectorCache,
    model: &Model,
    a: &Analysis,
    r: &Resource,
) -> Option<PolicySelection> {
    let file = a.file_of(r)?;
    let (line, column) = file.position(r.name_span.start);
    let spec = to_calico(r).ok();
    let namespace = r.namespace.as_deref();
    let sel = spec
        .as_ref()
        .and_then(|s| spec_policy_selector(cache, namespace, s));
    let refs = |ids: Vec<usize>| -> Vec<ResourceRef> {
        ids.into_iter()
            .filter_map(|id| model.endpoints.get(id))
            .filter_map(|e| ResourceRef::of_endpoint(a, e))
            .collect()
    };
    let mut rules = Vec::new();
    if let Some(spec) = &spec {
        for (direction, list) in [
            (Direction::Ingress, &spec.ingress),
            (Direction::Egress, &spec.egress),
        ] {
            for (index, rule) in rules_of(list).enumerate() {
                let mut peers = Vec::new();
                for (name, e) in [("source", &rule.source), ("destination", &rule.destination)] {
                    let Some(e) = e.get() else { continue };
                    let ps = entity_selector(cache, namespace, e);
                    if ps
                        .as_ref()
                        .is_some_and(|p| p.selector.is_none() && p.not_selector.is_none())
                    {
                        continue;
                    }
                    peers.push(match ps {
                        Some(ps) => PeerSelection {
                            peer: name,
                            valid: true,
                            selector: ps.selector.as_ref().map(|s| s.canonical().to_string()),
                            not_selector: ps
                                .not_selector
                                .as_ref()
                                .map(|s| s.canonical().to_string()),
                            selects: refs(model.select_peer(&ps)),
                        },
                        None => PeerSelection {
                            peer: name,
                            valid: false,
                            selector: None,
                            not_selector: None,
                            selects: Vec::new(),
                        },
                    });
                }
                if !peers.is_empty() {
                    rules.push(RuleSelection {
                        direction: direction.name(),
                        index,
                        action: Some("Allow".to_string()),
                        peers,
                    });
                }
            }
        }
    }
    Some(PolicySelection {
        policy: ResourceRef::of(r),
        file: file.name.clone(),
        line,
        column,
        valid: sel.is_some(),
        selects: sel
            .as_ref()
            .map(|s| refs(model.select(s, |e| e.is_policy_target())))
            .unwrap_or_default(),
        selector: sel.map(|s| s.canonical().to_string()),
        rules,
    })
}

/// Builds the report for every policy of an input (Kubernetes NetworkPolicies through their
/// Calico form: rule indices count the Calico rules, one per protocol and peer).
pub fn select(a: &Analysis) -> Vec<PolicySelection> {
    let model = Model::new(&a.resources);
    let mut cache = SelectorCache::default();
    let mut out = Vec::new();
    for r in &a.resources {
        if matches!(
            r.kind,
            Kind::KubernetesNetworkPolicy | Kind::StagedKubernetesNetworkPolicy
        ) {
            out.extend(kubernetes_policy(&mut cache, &model, a, r));
            continue;
        }
        let (Some(policy), Some(file)) = (&r.policy, a.file_of(r)) else {
            continue;
        };
        let sel = policy_selector(&mut cache, r);
        let selects = sel
            .as_ref()
            .map(|s| {
                model
                    .select(s, |e| e.is_policy_target())
                    .into_iter()
                    .filter_map(|id| model.endpoints.get(id))
                    .filter_map(|e| ResourceRef::of_endpoint(a, e))
                    .collect()
            })
            .unwrap_or_default();
        let mut rules = Vec::new();
        for rule in &policy.rules {
            let peers: Vec<PeerSelection> =
                [("source", &rule.source), ("destination", &rule.destination)]
                    .into_iter()
                    .filter_map(|(n, p)| peer(&mut cache, &model, a, r, p, n))
                    .collect();
            if !peers.is_empty() {
                rules.push(RuleSelection {
                    direction: rule.direction.name(),
                    index: rule.index,
                    action: rule.action.clone(),
                    peers,
                });
            }
        }
        let (line, column) = file.position(r.name_span.start);
        out.push(PolicySelection {
            policy: ResourceRef::of(r),
            file: file.name.clone(),
            line,
            column,
            valid: sel.is_some(),
            selector: sel.map(|s| s.canonical().to_string()),
            selects,
            rules,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, SourceFile};

    #[test]
    fn reports_kubernetes_policies_and_assumed_facts() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/rules/unknown-field/clean-cluster.yaml"
        ))
        .unwrap();
        let a = analyze(vec![SourceFile::new("c.yaml", text)]);
        let report = select(&a);
        let knp = report
            .iter()
            .find(|p| p.policy.kind == "KubernetesNetworkPolicy")
            .unwrap();
        assert!(knp.valid);
        let names: Vec<&str> = knp.selects.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["db-0"]);
        // db-0 has no serviceAccountName: the report says Kubernetes' default was used.
        assert!(knp.selects[0]
            .assumed
            .iter()
            .any(|n| n.contains("serviceAccountName")));
        let peer = &knp.rules[0].peers[0];
        assert_eq!(peer.peer, "source");
        let peer_names: Vec<&str> = peer.selects.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(peer_names, vec!["web-0"]);
        // The ipBlock peer has no selector: not listed as a label-based peer.
        assert_eq!(knp.rules.len(), 1);
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains("\"assumed\":[\"no `spec.serviceAccountName`"));
    }
}
