//! The `select` report: for each policy and each rule peer, what it selects in the input.

use serde::Serialize;

use crate::lint::Analysis;
use crate::model::{peer_selector, policy_selector, Endpoint, Model, SelectorCache};
use crate::resource::{Peer, Resource};

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

/// Builds the report for every policy of an input.
pub fn select(a: &Analysis) -> Vec<PolicySelection> {
    let model = Model::new(&a.resources);
    let mut cache = SelectorCache::default();
    let mut out = Vec::new();
    for r in &a.resources {
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
