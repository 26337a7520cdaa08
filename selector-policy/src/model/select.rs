//! What policies and rule peers select (SPEC section 8), with an inverted label index.
//!
//! Endpoints are host endpoints, pods, workload endpoints, global network sets and
//! network sets. Each is evaluated with its own labels layered over labels inherited
//! from its profiles in order (pods: namespace `pcns.` and service account `pcsa.`
//! labels; host endpoints: `spec.profiles`), as Calico does (POLICY.md 7.1).
//! The core's [`SelectorIndex`] finds the endpoints a selector matches without evaluating
//! it on every endpoint.

use std::collections::{BTreeMap, HashMap};

use selector_core::index::SelectorIndex;
use selector_core::{Layered, Selector};

use super::profiles::{
    namespace_profile, service_account_profile, ProfileOrigin, Profiles, K8S_NAMESPACE_NAME_LABEL,
    NAME_LABEL,
};
use super::spec::{EntityRule, List, PolicySpec, Spec};
use super::value::{Val, ValExt};
pub(crate) use crate::fmt::quote_value as quote;
use crate::resource::{Kind, Peer, Resource, SelectorField};

/// `projectcalico.org/namespace`, on every namespaced endpoint and network set.
pub const NS_LABEL: &str = "projectcalico.org/namespace";
/// `projectcalico.org/serviceaccount`, on pods.
pub const SA_LABEL: &str = "projectcalico.org/serviceaccount";
/// `projectcalico.org/orchestrator`, `k8s` on pods.
pub const ORCH_LABEL: &str = "projectcalico.org/orchestrator";

/// The labels Calico adds to endpoints, namespaces and service accounts by itself.
pub const AUTOMATIC_LABELS: &[&str] = &[NS_LABEL, SA_LABEL, NAME_LABEL, ORCH_LABEL];

/// Parses each distinct selector text once.
#[derive(Default)]
pub struct SelectorCache {
    map: HashMap<String, Option<Selector>>,
}

impl SelectorCache {
    /// The parsed selector for `text`, or `None` when it is invalid.
    pub fn parse(&mut self, text: &str) -> Option<&Selector> {
        if !self.map.contains_key(text) {
            self.map
                .insert(text.to_string(), Selector::parse(text).ok());
        }
        self.map.get(text).and_then(Option::as_ref)
    }

    /// The selector Calico would use for a field: `None` when the field is invalid
    /// (not a string, tagged, containing a line break, or not parsable).
    pub fn field(&mut self, field: &SelectorField) -> Option<&Selector> {
        let t = field.text()?;
        if t.tag.as_ref().is_some_and(|t| !t.starts_with("!!")) {
            return None;
        }
        self.parse(&t.text)
    }
}

/// Whether a selector field is present, and if so whether it is usable.
enum Part {
    Absent,
    Invalid,
    Valid(String),
}

fn part(cache: &mut SelectorCache, field: Option<&SelectorField>) -> Part {
    match field {
        None => Part::Absent,
        Some(f) => match cache.field(f) {
            Some(s) => Part::Valid(s.canonical().to_string()),
            None => Part::Invalid,
        },
    }
}

fn prefixed(cache: &mut SelectorCache, field: Option<&SelectorField>, prefix: &str) -> Part {
    match field {
        None => Part::Absent,
        Some(f) => match cache.field(f) {
            Some(s) => Part::Valid(s.with_label_prefix(prefix).canonical().to_string()),
            None => Part::Invalid,
        },
    }
}

/// What a rule peer selects: endpoints matching `selector` (any when `None`) and not
/// matching `not_selector`.
#[derive(Clone, Debug)]
pub struct PeerSelector {
    /// The combined selector (namespace part && endpoint part), if any.
    pub selector: Option<Selector>,
    /// The `notSelector`, if any.
    pub not_selector: Option<Selector>,
}

/// The combined selector of a policy (SPEC section 8), or `None` when a part is invalid.
pub fn policy_selector(cache: &mut SelectorCache, res: &Resource) -> Option<Selector> {
    let policy = res.policy.as_ref()?;
    let s = part(cache, policy.selector.as_ref());
    let ns = prefixed(cache, policy.namespace_selector.as_ref(), "pcns.");
    let sa = prefixed(cache, policy.service_account_selector.as_ref(), "pcsa.");
    combine_policy(
        cache,
        namespace_of_policy(res.kind, res.namespace.as_deref()),
        s,
        ns,
        sa,
    )
}

/// The namespace a policy is limited to (`None` for global policies).
fn namespace_of_policy(kind: Kind, namespace: Option<&str>) -> Option<&str> {
    kind.is_namespaced().then(|| namespace.unwrap_or("default"))
}

/// A typed selector value as a part: absent, invalid (not a string or not parsable), or
/// the canonical text with `prefix` on every label.
fn typed_part(cache: &mut SelectorCache, v: Option<&Val<String>>, prefix: &str) -> Part {
    match v {
        None => Part::Absent,
        Some(v) => match v.get().and_then(|t| cache.parse(t)) {
            Some(s) if prefix.is_empty() => Part::Valid(s.canonical().to_string()),
            Some(s) => Part::Valid(s.with_label_prefix(prefix).canonical().to_string()),
            None => Part::Invalid,
        },
    }
}

/// The combined selector of a typed policy spec (SPEC section 8): `namespace` is the
/// policy's namespace for namespaced kinds, `None` for global ones. `None` when a part is
/// invalid (Calico would reject the policy).
pub fn spec_policy_selector(
    cache: &mut SelectorCache,
    namespace: Option<&str>,
    spec: &PolicySpec,
) -> Option<Selector> {
    let s = typed_part(cache, spec.selector.as_ref(), "");
    let ns = typed_part(cache, spec.namespace_selector.as_ref(), "pcns.");
    let sa = typed_part(cache, spec.service_account_selector.as_ref(), "pcsa.");
    combine_policy(cache, namespace, s, ns, sa)
}

fn combine_policy(
    cache: &mut SelectorCache,
    namespace: Option<&str>,
    s: Part,
    ns: Part,
    sa: Part,
) -> Option<Selector> {
    let s = match s {
        Part::Absent => None,
        Part::Invalid => return None,
        Part::Valid(s) => Some(s),
    };
    if matches!(ns, Part::Invalid) || matches!(sa, Part::Invalid) {
        return None;
    }
    let text = match namespace {
        Some(ns_name) => {
            let mut t = match s {
                Some(s) => format!("({s}) && {NS_LABEL} == {}", quote(ns_name)),
                None => format!("{NS_LABEL} == {}", quote(ns_name)),
            };
            if let Part::Valid(sa) = sa {
                t = format!("({t}) && {sa}");
            }
            t
        }
        None => {
            // An empty selector adds nothing (Calico's prefixAndAppendSelector):
            // `namespaceSelector: "!has(env)"` alone stays `!has(pcns.env)` (POLICY.md 9.32).
            let and = |t: Option<String>, part: String| match t {
                Some(t) => format!("({t}) && {part}"),
                None => part,
            };
            let mut t = s;
            if let Part::Valid(ns) = ns {
                t = Some(and(t, ns).replace("all()", &format!("has({NS_LABEL})")));
            }
            if let Part::Valid(sa) = sa {
                t = Some(and(t, sa).replace("all()", &format!("has({SA_LABEL})")));
            }
            t.unwrap_or_else(|| "all()".to_string())
        }
    };
    cache.parse(&text).cloned()
}

/// The selectors of a rule peer of a policy (SPEC section 8), or `None` when a part is invalid.
pub fn peer_selector(
    cache: &mut SelectorCache,
    res: &Resource,
    peer: &Peer,
) -> Option<PeerSelector> {
    if !peer.has_selection() {
        return Some(PeerSelector {
            selector: None,
            not_selector: None,
        });
    }
    let not_selector = match &peer.not_selector {
        None => None,
        Some(f) => Some(cache.field(f)?.clone()),
    };
    let namespace = res
        .namespace
        .as_deref()
        .filter(|_| res.kind.is_namespaced());
    let parts = PeerParts {
        namespace_selector: prefixed(cache, peer.namespace_selector.as_ref(), "pcns."),
        service_account_selector: prefixed(cache, peer.service_account_selector.as_ref(), "pcsa."),
        service_account_names: peer.service_account_names.clone(),
        selector: part(cache, peer.selector.as_ref()),
    };
    combine_peer(cache, namespace, parts, not_selector)
}

/// The selectors of a typed rule peer (SPEC section 8): `namespace` is the policy's
/// namespace, `None` for a global policy. `None` when a part is invalid.
pub fn entity_selector(
    cache: &mut SelectorCache,
    namespace: Option<&str>,
    entity: &EntityRule,
) -> Option<PeerSelector> {
    let sa = entity.service_accounts.as_ref();
    let sa_match = match sa {
        Some(v) => Some(v.get()?),
        None => None,
    };
    let names: Vec<String> = match sa_match.and_then(|m| m.names.as_ref()) {
        None => Vec::new(),
        Some(list) => list
            .get()?
            .iter()
            .map(|n| n.get().cloned())
            .collect::<Option<Vec<String>>>()?,
    };
    let sa_selector = sa_match.and_then(|m| m.selector.as_ref());
    let has_selection = entity.selector.is_some()
        || entity.not_selector.is_some()
        || entity.namespace_selector.is_some()
        || sa_selector.is_some()
        || !names.is_empty();
    if !has_selection {
        return Some(PeerSelector {
            selector: None,
            not_selector: None,
        });
    }
    let not_selector = match &entity.not_selector {
        None => None,
        Some(v) => Some(cache.parse(v.get()?)?.clone()),
    };
    let parts = PeerParts {
        namespace_selector: typed_part(cache, entity.namespace_selector.as_ref(), "pcns."),
        service_account_selector: typed_part(cache, sa_selector, "pcsa."),
        service_account_names: names,
        selector: typed_part(cache, entity.selector.as_ref(), ""),
    };
    combine_peer(cache, namespace, parts, not_selector)
}

struct PeerParts {
    namespace_selector: Part,
    service_account_selector: Part,
    service_account_names: Vec<String>,
    selector: Part,
}

fn combine_peer(
    cache: &mut SelectorCache,
    namespace: Option<&str>,
    parts: PeerParts,
    not_selector: Option<Selector>,
) -> Option<PeerSelector> {
    let namespace_part = match parts.namespace_selector {
        Part::Invalid => return None,
        Part::Valid(ns) => Some(
            ns.replace("all()", &format!("has({NS_LABEL})"))
                .replace("global()", &format!("!has({NS_LABEL})")),
        ),
        Part::Absent => namespace.map(|n| format!("{NS_LABEL} == {}", quote(n))),
    };
    let mut endpoint = Vec::new();
    match parts.service_account_selector {
        Part::Invalid => return None,
        Part::Valid(sa) => endpoint.push(format!("({sa})")),
        Part::Absent => {}
    }
    if !parts.service_account_names.is_empty() {
        let names: Vec<String> = parts
            .service_account_names
            .iter()
            .map(|n| quote(n))
            .collect();
        endpoint.push(format!("{SA_LABEL} in {{{}}}", names.join(", ")));
    }
    match parts.selector {
        Part::Invalid => return None,
        Part::Valid(s) => endpoint.push(format!("({s})")),
        Part::Absent => {}
    }
    let endpoint_part = (!endpoint.is_empty()).then(|| endpoint.join(" && "));
    let text = match (namespace_part, endpoint_part) {
        (Some(n), Some(e)) => Some(format!("({n}) && ({e})")),
        (Some(n), None) => Some(n),
        (None, Some(e)) => Some(e),
        (None, None) => None,
    };
    let selector = match text {
        Some(t) => Some(cache.parse(&t)?.clone()),
        None => None,
    };
    Some(PeerSelector {
        selector,
        not_selector,
    })
}

/// Something a selector can select.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Index of the resource in the input.
    pub resource: usize,
    /// Its kind (host endpoint, pod, workload endpoint, global network set or network set).
    pub kind: Kind,
    /// Own labels, with Calico's automatic labels added.
    pub own: BTreeMap<String, String>,
    /// The profiles it lists, in order (pods: `kns.<ns>`, `ksa.<ns>.<sa>`).
    pub profiles: Vec<String>,
    /// Facts the input does not hold that were assumed from Kubernetes' or Calico's
    /// behaviour (a missing Namespace, a defaulted service account, a missing profile).
    pub notes: Vec<String>,
    parent: usize,
}

impl Endpoint {
    /// Whether policies apply to it (host endpoints, pods, workload endpoints), as opposed
    /// to network sets.
    pub fn is_policy_target(&self) -> bool {
        matches!(
            self.kind,
            Kind::HostEndpoint | Kind::Pod | Kind::WorkloadEndpoint
        )
    }
}

/// The endpoints of an input and what selectors select among them.
pub struct Model {
    /// Every endpoint, in resource order.
    pub endpoints: Vec<Endpoint>,
    /// Every profile (generated, built-in and from the input).
    pub profiles: Profiles,
    parents: Vec<BTreeMap<String, String>>,
    index: SelectorIndex<usize, usize>,
}

/// Calico adds `projectcalico.org/serviceaccount` only for names shorter than this.
const MAX_SA_LABEL_LEN: usize = 63;

fn strings(list: &Option<List<String>>) -> Vec<String> {
    list.get()
        .into_iter()
        .flatten()
        .filter_map(|v| v.get().cloned())
        .collect()
}

impl Model {
    /// Builds the endpoints of `resources` with their label sets (POLICY.md 7.1) and indexes them.
    pub fn new(resources: &[Resource]) -> Model {
        let profiles = Profiles::new(resources);
        let mut parents = vec![BTreeMap::new()];
        let mut parent_ids: HashMap<Vec<String>, usize> = HashMap::new();
        parent_ids.insert(Vec::new(), 0);
        let mut endpoints = Vec::new();
        for (i, r) in resources.iter().enumerate() {
            let mut own = r.labels.clone();
            let mut notes = Vec::new();
            let ns = r.namespace.as_deref().unwrap_or("default");
            let profile_list: Vec<String> = match (&r.kind, &r.spec) {
                (Kind::HostEndpoint, Spec::HostEndpoint(h)) => strings(&h.profiles),
                (Kind::HostEndpoint, _) | (Kind::GlobalNetworkSet, _) => Vec::new(),
                (Kind::Pod, spec) => {
                    let sa = r.service_account.as_deref().unwrap_or("default");
                    own.insert(NS_LABEL.into(), ns.into());
                    own.insert(ORCH_LABEL.into(), "k8s".into());
                    if sa.len() < MAX_SA_LABEL_LEN {
                        own.insert(SA_LABEL.into(), sa.into());
                    } else {
                        notes.push(format!("service account name `{sa}` has 63 or more characters: Calico adds no `{SA_LABEL}` label"));
                    }
                    if let Spec::Pod(p) = spec {
                        if p.service_account_name.is_none() {
                            notes.push(
                                "no `spec.serviceAccountName`: Kubernetes uses `default`"
                                    .to_string(),
                            );
                        }
                    }
                    vec![namespace_profile(ns), service_account_profile(ns, sa)]
                }
                (Kind::WorkloadEndpoint, Spec::WorkloadEndpoint(w)) => {
                    own.insert(NS_LABEL.into(), ns.into());
                    if let Some(o) = w.orchestrator.get() {
                        own.insert(ORCH_LABEL.into(), o.clone());
                    }
                    if let Some(sa) = w.service_account_name.get() {
                        if sa.len() < MAX_SA_LABEL_LEN {
                            own.insert(SA_LABEL.into(), sa.clone());
                        }
                    }
                    strings(&w.profiles)
                }
                (Kind::NetworkSet, _) => {
                    own.insert(NS_LABEL.into(), ns.into());
                    vec![namespace_profile(ns)]
                }
                _ => continue,
            };
            for p in &profile_list {
                match profiles.get(p) {
                    // Kubernetes creates the `default` service account, without labels.
                    Some(prof)
                        if prof.origin == ProfileOrigin::ServiceAccount
                            && p.ends_with(".default") => {}
                    Some(prof) if prof.assumed => notes.push(match prof.origin {
                        ProfileOrigin::Namespace => format!("namespace `{ns}` is not in the input: assumed to exist with only the label `{K8S_NAMESPACE_NAME_LABEL}: {ns}`"),
                        _ => format!("service account `{}` of namespace `{ns}` is not in the input: assumed to exist with no labels", p.rsplit('.').next().unwrap_or(p)),
                    }),
                    Some(_) => {}
                    None => notes.push(format!("profile `{p}` is not in the input: Calico treats a missing profile as deny-all, and profiles after it are never reached")),
                }
            }
            let parent = match parent_ids.get(&profile_list) {
                Some(id) => *id,
                None => {
                    parents.push(profiles.inherited_labels(&profile_list));
                    let id = parents.len() - 1;
                    parent_ids.insert(profile_list.clone(), id);
                    id
                }
            };
            endpoints.push(Endpoint {
                resource: i,
                kind: r.kind,
                own,
                profiles: profile_list,
                notes,
                parent,
            });
        }
        let mut index = SelectorIndex::new();
        for (id, e) in endpoints.iter().enumerate() {
            // Own labels win over inherited ones: the index sees the merged set.
            let inherited = parents
                .get(e.parent)
                .into_iter()
                .flatten()
                .filter(|(k, _)| !e.own.contains_key(*k));
            index.insert_endpoint(id, e.own.iter().chain(inherited));
        }
        Model {
            endpoints,
            profiles,
            parents,
            index,
        }
    }

    /// Whether endpoint `id` matches `sel`.
    pub fn matches(&self, id: usize, sel: &Selector) -> bool {
        let Some(e) = self.endpoints.get(id) else {
            return false;
        };
        let empty = BTreeMap::new();
        let parent = self.parents.get(e.parent).unwrap_or(&empty);
        sel.matches(&Layered {
            own: &e.own,
            parent,
        })
    }

    /// The endpoints (indices into [`Model::endpoints`]) that `sel` selects among those
    /// passing `filter`, in order.
    pub fn select(&self, sel: &Selector, filter: impl Fn(&Endpoint) -> bool) -> Vec<usize> {
        let mut ids: Vec<usize> = self
            .index
            .endpoints_matching_selector(sel)
            .into_iter()
            .copied()
            .filter(|id| self.endpoints.get(*id).is_some_and(&filter))
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The endpoints and network sets a rule peer selects.
    pub fn select_peer(&self, peer: &PeerSelector) -> Vec<usize> {
        let mut ids = match &peer.selector {
            Some(s) => self.select(s, |_| true),
            None => (0..self.endpoints.len()).collect(),
        };
        if let Some(not) = &peer.not_selector {
            ids.retain(|id| !self.matches(*id, not));
        }
        ids
    }

    /// The full labels of an endpoint (own over inherited).
    pub fn labels(&self, id: usize) -> BTreeMap<String, String> {
        let Some(e) = self.endpoints.get(id) else {
            return BTreeMap::new();
        };
        let mut all = self.parents.get(e.parent).cloned().unwrap_or_default();
        all.extend(e.own.iter().map(|(k, v)| (k.clone(), v.clone())));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::resources_of;
    use crate::yaml::load;

    fn resources(text: &str) -> Vec<Resource> {
        let mut out = Vec::new();
        for d in &load(text).documents {
            resources_of(text, 0, d, &mut out);
        }
        out
    }

    const PODS: &str = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: a}}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: web, namespace: shop, labels: {role: front}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: w, namespace: shop, labels: {app: web, pcns.team: own}}\nspec: {serviceAccountName: web}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: d, namespace: other, labels: {app: db}}\n---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\nmetadata: {name: h, labels: {app: web}}\n";

    #[test]
    fn combines_policies_as_calico() {
        let text = format!("{PODS}---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {{name: n, namespace: shop}}\nspec: {{selector: app == 'web', serviceAccountSelector: role == 'front'}}\n---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {{name: g}}\nspec: {{namespaceSelector: projectcalico.org/name == 'shop'}}\n");
        let rs = resources(&text);
        let mut cache = SelectorCache::default();
        let np = rs.iter().find(|r| r.name == "n").unwrap();
        assert_eq!(
            policy_selector(&mut cache, np).unwrap().canonical(),
            "((app == \"web\" && projectcalico.org/namespace == \"shop\") && pcsa.role == \"front\")"
        );
        let g = rs.iter().find(|r| r.name == "g").unwrap();
        // An empty selector adds nothing (Calico's prefixAndAppendSelector): the namespace part alone.
        let gs = policy_selector(&mut cache, g).unwrap();
        assert_eq!(gs.canonical(), "pcns.projectcalico.org/name == \"shop\"");
        let model = Model::new(&rs);
        let names = |ids: Vec<usize>| -> Vec<&str> {
            ids.iter()
                .map(|i| rs[model.endpoints[*i].resource].name.as_str())
                .collect()
        };
        assert_eq!(names(model.select(&gs, |_| true)), vec!["w"]);
        let npsel = policy_selector(&mut cache, np).unwrap();
        assert_eq!(names(model.select(&npsel, |_| true)), vec!["w"]);
        // Own labels win over inherited ones.
        let own = Selector::parse("pcns.team == 'own'").unwrap();
        assert_eq!(names(model.select(&own, |_| true)), vec!["w"]);
        let inherited = Selector::parse("pcns.team == 'a'").unwrap();
        assert!(model.select(&inherited, |_| true).is_empty());
    }

    #[test]
    fn combines_rule_peers() {
        let text = format!("{PODS}---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {{name: n, namespace: shop}}\nspec:\n  ingress:\n  - source: {{selector: app == 'web'}}\n  - source: {{namespaceSelector: global()}}\n  - source: {{notSelector: app == 'web'}}\n  - source: {{serviceAccounts: {{names: [web]}}}}\n");
        let rs = resources(&text);
        let np = rs.iter().find(|r| r.name == "n").unwrap();
        let rules = &np.policy.as_ref().unwrap().rules;
        let mut cache = SelectorCache::default();
        let model = Model::new(&rs);
        let peer = |i: usize, cache: &mut SelectorCache| {
            let ps = peer_selector(cache, np, &rules[i].source).unwrap();
            let texts = (
                ps.selector.as_ref().map(|s| s.canonical().to_string()),
                ps.not_selector.as_ref().map(|s| s.canonical().to_string()),
            );
            let names: Vec<String> = model
                .select_peer(&ps)
                .iter()
                .map(|i| rs[model.endpoints[*i].resource].name.clone())
                .collect();
            (texts, names)
        };
        let (t, n) = peer(0, &mut cache);
        assert_eq!(
            t.0.as_deref(),
            Some("(projectcalico.org/namespace == \"shop\" && app == \"web\")")
        );
        assert_eq!(n, vec!["w"]);
        let (t, n) = peer(1, &mut cache);
        assert_eq!(t.0.as_deref(), Some("!has(projectcalico.org/namespace)"));
        assert_eq!(n, vec!["h"]);
        let (t, n) = peer(2, &mut cache);
        assert_eq!(
            t,
            (
                Some("projectcalico.org/namespace == \"shop\"".into()),
                Some("app == \"web\"".into())
            )
        );
        assert!(n.is_empty());
        let (_, n) = peer(3, &mut cache);
        assert_eq!(n, vec!["w"]);
    }

    #[test]
    fn index_agrees_with_a_full_scan() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  namespace: ns{}\n  labels: {{app: a{}, tier: t{}{}}}\n",
                i % 3,
                i % 7,
                i % 4,
                if i % 5 == 0 { ", extra: x" } else { "" }
            ));
        }
        let rs = resources(&text);
        let model = Model::new(&rs);
        for src in [
            "app == 'a1'",
            "app in {'a1', 'a2'} && tier != 't0'",
            "has(extra) || tier == 't3'",
            "!has(extra)",
            "app not in {'a1'} && has(tier)",
            "(app == 'a3' || app == 'a4') && projectcalico.org/namespace == 'ns1'",
            "pcns.projectcalico.org/name == 'ns2' && tier starts with 't1'",
            "app == 'nope'",
            "all()",
        ] {
            let sel = Selector::parse(src).unwrap();
            let scan: Vec<usize> = (0..model.endpoints.len())
                .filter(|i| model.matches(*i, &sel))
                .collect();
            assert_eq!(model.select(&sel, |_| true), scan, "{src}");
        }
    }
}
