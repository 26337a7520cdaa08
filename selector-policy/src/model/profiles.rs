//! Profiles: the label sources and last-resort rules of endpoints (POLICY.md 1.3, 7.1).
//!
//! In the Kubernetes datastore the only profiles are generated: `kns.<ns>` from each
//! Namespace (labels `pcns.*`, one Allow rule each way), `ksa.<ns>.<sa>` from each
//! ServiceAccount (labels `pcsa.*`, no rules) and the built-in `projectcalico-default-allow`.
//! Profile resources of the input are added as written. A namespace or service account that
//! endpoints refer to but the input does not define is synthesized with Kubernetes'
//! defaults and marked `assumed`.

use std::collections::BTreeMap;

use super::spec::{rules_of, Action, RuleSpec, Spec};
use super::value::{Spanned, ValExt};
use crate::resource::{Kind, Resource};

/// The label every Namespace gets from Kubernetes.
pub const K8S_NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";
/// The built-in allow-all profile.
pub const DEFAULT_ALLOW: &str = "projectcalico-default-allow";
/// `projectcalico.org/name`, the name label of generated profiles.
pub const NAME_LABEL: &str = "projectcalico.org/name";

/// Where a profile comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileOrigin {
    /// `kns.<ns>`, generated from a Namespace.
    Namespace,
    /// `ksa.<ns>.<sa>`, generated from a ServiceAccount.
    ServiceAccount,
    /// `projectcalico-default-allow`.
    DefaultAllow,
    /// A Profile resource of the input.
    Resource,
}

/// One profile: labels it gives its endpoints and its rules.
#[derive(Clone, Debug)]
pub struct Profile {
    /// The profile's name (`kns.shop`).
    pub name: String,
    /// Where it comes from.
    pub origin: ProfileOrigin,
    /// Labels inherited by endpoints that list it (`labelsToApply`).
    pub labels: BTreeMap<String, String>,
    /// Ingress rules, in order (generated rules have an empty span).
    pub ingress: Vec<RuleSpec>,
    /// Egress rules, in order.
    pub egress: Vec<RuleSpec>,
    /// Index of the resource it was made from (Namespace, ServiceAccount or Profile).
    pub resource: Option<usize>,
    /// Whether the input lacks the resource it comes from and Kubernetes' defaults were used.
    pub assumed: bool,
}

/// An `action: Allow` rule with nothing else, as generated profiles hold.
pub fn allow_all_rule() -> RuleSpec {
    RuleSpec {
        action: Some(Spanned::new(Ok(Action::Allow), 0..0, 0..0)),
        ..RuleSpec::default()
    }
}

/// The name of a namespace's profile.
pub fn namespace_profile(ns: &str) -> String {
    format!("kns.{ns}")
}

/// The name of a service account's profile.
pub fn service_account_profile(ns: &str, sa: &str) -> String {
    format!("ksa.{ns}.{sa}")
}

/// Every profile of an input by name.
#[derive(Clone, Debug, Default)]
pub struct Profiles {
    /// Profiles by name.
    pub by_name: BTreeMap<String, Profile>,
}

impl Profiles {
    /// The profiles of `resources`, with namespaces and service accounts that pods, network
    /// sets and namespaced policies refer to synthesized when the input lacks them.
    pub fn new(resources: &[Resource]) -> Profiles {
        let mut by_name = BTreeMap::new();
        by_name.insert(
            DEFAULT_ALLOW.to_string(),
            Profile {
                name: DEFAULT_ALLOW.to_string(),
                origin: ProfileOrigin::DefaultAllow,
                labels: BTreeMap::new(),
                ingress: vec![allow_all_rule()],
                egress: vec![allow_all_rule()],
                resource: None,
                assumed: false,
            },
        );
        let mut out = Profiles { by_name };
        for (i, r) in resources.iter().enumerate() {
            match r.kind {
                Kind::Namespace => out.add_namespace(&r.name, Some((i, r))),
                Kind::ServiceAccount => {
                    let ns = r.namespace.as_deref().unwrap_or("default");
                    out.add_service_account(ns, &r.name, Some((i, r)));
                }
                Kind::Profile => {
                    let Spec::Profile(p) = &r.spec else { continue };
                    let labels = p
                        .labels_to_apply
                        .get()
                        .into_iter()
                        .flatten()
                        .filter_map(|(k, v)| Some((k.value.clone(), v.get()?.clone())))
                        .collect();
                    out.by_name.entry(r.name.clone()).or_insert(Profile {
                        name: r.name.clone(),
                        origin: ProfileOrigin::Resource,
                        labels,
                        ingress: rules_of(&p.ingress).cloned().collect(),
                        egress: rules_of(&p.egress).cloned().collect(),
                        resource: Some(i),
                        assumed: false,
                    });
                }
                _ => {}
            }
        }
        for r in resources {
            let Some(ns) = r.namespace.as_deref() else {
                continue;
            };
            if !out.by_name.contains_key(&namespace_profile(ns)) {
                out.add_namespace(ns, None);
            }
            if let Some(sa) = r.service_account.as_deref() {
                if !out.by_name.contains_key(&service_account_profile(ns, sa)) {
                    out.add_service_account(ns, sa, None);
                }
            }
        }
        out
    }

    fn add_namespace(&mut self, ns: &str, from: Option<(usize, &Resource)>) {
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        if let Some((_, r)) = from {
            for (k, v) in &r.labels {
                labels.insert(format!("pcns.{k}"), v.clone());
            }
        }
        // Kubernetes adds this label to every Namespace.
        labels
            .entry(format!("pcns.{K8S_NAMESPACE_NAME_LABEL}"))
            .or_insert_with(|| ns.to_string());
        labels.insert(format!("pcns.{NAME_LABEL}"), ns.to_string());
        let name = namespace_profile(ns);
        self.by_name.insert(
            name.clone(),
            Profile {
                name,
                origin: ProfileOrigin::Namespace,
                labels,
                ingress: vec![allow_all_rule()],
                egress: vec![allow_all_rule()],
                resource: from.map(|(i, _)| i),
                assumed: from.is_none(),
            },
        );
    }

    fn add_service_account(&mut self, ns: &str, sa: &str, from: Option<(usize, &Resource)>) {
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        if let Some((_, r)) = from {
            for (k, v) in &r.labels {
                labels.insert(format!("pcsa.{k}"), v.clone());
            }
        }
        labels.insert(format!("pcsa.{NAME_LABEL}"), sa.to_string());
        let name = service_account_profile(ns, sa);
        self.by_name.insert(
            name.clone(),
            Profile {
                name,
                origin: ProfileOrigin::ServiceAccount,
                labels,
                ingress: Vec::new(),
                egress: Vec::new(),
                resource: from.map(|(i, _)| i),
                assumed: from.is_none(),
            },
        );
    }

    /// The profile named `name`, if the input (or Calico) defines it.
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.by_name.get(name)
    }

    /// The labels inherited from `profiles` in order: the first profile wins a clash.
    pub fn inherited_labels(&self, profiles: &[String]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for p in profiles {
            for (k, v) in self.get(p).map(|p| &p.labels).into_iter().flatten() {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        out
    }
}
