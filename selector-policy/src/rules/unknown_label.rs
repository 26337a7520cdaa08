//! `unknown-label`: a label (or label value) that no resource of the input carries.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use selector_core::{tokens, TokenKind};

use crate::diag::Diagnostic;
use crate::model::{SelectorCache, AUTOMATIC_LABELS};
use crate::resource::{FieldKind, Kind, Resource, SelectorField};
use crate::rules::{label_span, Check, InputCx};

crate::declare_rule! {
    /// ## What it finds
    /// A label in a selector that no resource of the input able to match carries, or a value
    /// compared with `==` / `in` that no such resource has for that label, with "did you mean"
    /// for near names, transpositions included (`teir` → `tier`, `k8s-nodes` → `k8s-node`).
    ///
    /// A policy's main `selector` is compared with endpoint labels only (host endpoints and
    /// pods; for a namespaced policy, pods); rule peers with endpoints and network sets;
    /// `namespaceSelector`s with namespaces, service-account selectors with service accounts.
    /// Nothing is reported when the input has no resource of the kind compared with.
    ///
    /// ## Why it matters
    /// A typo in a label makes a selector match nothing, silently: an Allow admits nobody, a
    /// Deny denies nobody.
    ///
    /// ## Example
    /// ```yaml
    /// ingress:
    ///   - action: Allow
    ///     source:
    ///       selector: teir == "frontend"
    /// ```
    ///
    /// ## Fix
    /// Use the label the resources carry (`tier == "frontend"`). If the matching resources
    /// are defined elsewhere (another repository, created at run time), lint them together,
    /// or silence the line with `# calico-selector: ignore[unknown-label]`.
    pub RULE = "unknown-label", Warning, "A label, or a label's value, that no resource of the input able to match carries.", check = Check::Input(check);
}

/// Label name -> the values seen.
type LabelValues = BTreeMap<String, BTreeSet<String>>;

#[derive(Default)]
struct Known {
    host_endpoints: LabelValues,
    pods: LabelValues,
    global_sets: LabelValues,
    namespaced_sets: LabelValues,
    namespaces: LabelValues,
    accounts: LabelValues,
    /// Host endpoints' and pods' labels: what a policy's selector is compared with.
    targets: LabelValues,
    /// Every endpoint's and network set's labels: what a rule peer is compared with.
    peers: LabelValues,
    /// Namespaces with at least one pod or network set in the input.
    populated: BTreeSet<String>,
}

fn add(map: &mut LabelValues, r: &Resource) {
    for (k, v) in &r.labels {
        map.entry(k.clone()).or_default().insert(v.clone());
    }
}

fn merge(parts: &[&LabelValues]) -> LabelValues {
    let mut out = LabelValues::new();
    for p in parts {
        for (k, v) in *p {
            out.entry(k.clone()).or_default().extend(v.iter().cloned());
        }
    }
    out
}

impl Known {
    fn new(resources: &[Resource]) -> Known {
        let mut k = Known::default();
        for r in resources {
            let map = match r.kind {
                Kind::HostEndpoint => &mut k.host_endpoints,
                Kind::Pod => &mut k.pods,
                Kind::GlobalNetworkSet => &mut k.global_sets,
                Kind::NetworkSet => &mut k.namespaced_sets,
                Kind::Namespace => &mut k.namespaces,
                Kind::ServiceAccount => &mut k.accounts,
                _ => continue,
            };
            add(map, r);
            if matches!(r.kind, Kind::Pod | Kind::NetworkSet) {
                k.populated
                    .insert(r.namespace.clone().unwrap_or_else(|| "default".into()));
            }
        }
        k.targets = merge(&[&k.host_endpoints, &k.pods]);
        k.peers = merge(&[
            &k.host_endpoints,
            &k.pods,
            &k.global_sets,
            &k.namespaced_sets,
        ]);
        k
    }

    /// The labels a field's label is compared with, the label's name among them, and what
    /// carries them; `None` when nothing is to be reported. `namespace`: the namespace the
    /// field can only match in (a namespaced policy's selector, or its rule peer without a
    /// namespaceSelector): nothing is reported when the input has nothing there. Labels
    /// are compared with every namespace's: one carried elsewhere is no typo
    /// (`peer-outside-namespace` reports the scoping).
    fn lookup<'a>(
        &self,
        kind: FieldKind,
        namespace: Option<&str>,
        label: &'a str,
    ) -> Option<(&LabelValues, &'a str, &'static str)> {
        if AUTOMATIC_LABELS.contains(&label) {
            return None;
        }
        if namespace.is_some_and(|ns| !self.populated.contains(ns)) && kind.is_endpoint() {
            return None;
        }
        let (set, name, what) = if kind.is_namespace() {
            (&self.namespaces, label, "namespace")
        } else if kind.is_service_account() {
            (&self.accounts, label, "service account")
        } else if let Some(rest) = label.strip_prefix("pcns.") {
            (&self.namespaces, rest, "namespace")
        } else if let Some(rest) = label.strip_prefix("pcsa.") {
            (&self.accounts, rest, "service account")
        } else if kind == FieldKind::PolicySelector {
            // A policy applies to endpoints only, never to network sets.
            let what = if namespace.is_some() {
                "pod"
            } else {
                "host endpoint or pod"
            };
            (&self.targets, label, what)
        } else {
            let what = if namespace.is_some() {
                "pod or network set"
            } else {
                "endpoint or network set"
            };
            (&self.peers, label, what)
        };
        if set.is_empty() || AUTOMATIC_LABELS.contains(&name) {
            return None;
        }
        Some((set, name, what))
    }
}

/// The closest name within a small Damerau-Levenshtein distance (transpositions count one).
fn suggest<'a>(name: &str, known: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    let limit = (name.chars().count() / 4).clamp(1, 3);
    known
        .map(|k| (strsim::damerau_levenshtein(name, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

/// Byte range of the first string literal whose content is `value`.
fn value_span(text: &str, value: &str) -> Option<Range<usize>> {
    tokens(text)
        .tokens
        .into_iter()
        .find(|t| {
            t.kind == TokenKind::String
                && text
                    .get(t.span.clone())
                    .and_then(|s| s.get(1..s.len().saturating_sub(1)))
                    == Some(value)
        })
        .map(|t| t.span)
}

fn check(cx: &InputCx<'_>, cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let a = cx.analysis;
    let known = Known::new(&a.resources);
    for r in &a.resources {
        let (Some(policy), Some(file)) = (&r.policy, a.file_of(r)) else {
            continue;
        };
        let ns = r
            .kind
            .is_namespaced()
            .then(|| r.namespace.as_deref().unwrap_or("default"));
        let mut fields: Vec<(&SelectorField, Option<&str>)> = [
            &policy.selector,
            &policy.namespace_selector,
            &policy.service_account_selector,
        ]
        .into_iter()
        .flatten()
        .map(|f| (f, ns))
        .collect();
        for rule in &policy.rules {
            for peer in [&rule.source, &rule.destination] {
                let only = ns.filter(|_| peer.namespace_selector.is_none());
                fields.extend(peer.fields().map(|f| (f, only)));
            }
        }
        for (field, namespace) in fields {
            let (Some(sel), Some(t)) = (cache.field(field), field.text()) else {
                continue;
            };
            let restrictions = sel.label_restrictions();
            for label in sel.label_names() {
                let Some((set, name, what)) = known.lookup(field.kind, namespace, label) else {
                    continue;
                };
                let Some(values) = set.get(name) else {
                    let span =
                        label_span(&t.text, label).map_or(t.span.clone(), |s| t.file_range(s));
                    let help = match suggest(name, set.keys()) {
                        Some(s) => format!("did you mean `{}`?", label.replace(name, s)),
                        None => format!(
                            "no {what} in the input has a similar label; this matches only resources defined elsewhere"
                        ),
                    };
                    out.push(Diagnostic::new(
                        &RULE,
                        file,
                        span,
                        format!("no labelled {what} in the input carries label `{name}`"),
                        Some(help),
                    ));
                    continue;
                };
                // The values the selector requires of this label: report when none is seen.
                let Some(wanted) = restrictions
                    .get(label)
                    .and_then(|r| r.must_have_one_of.as_ref())
                    .filter(|w| !w.is_empty())
                else {
                    continue;
                };
                if wanted.iter().any(|v| values.contains(v)) {
                    continue;
                }
                for v in wanted {
                    let span = value_span(&t.text, v).map_or(t.span.clone(), |s| t.file_range(s));
                    let help = match suggest(v, values.iter()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "values of `{name}` in the input: {}",
                            values
                                .iter()
                                .take(5)
                                .map(|v| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    out.push(Diagnostic::new(
                        &RULE,
                        file,
                        span,
                        format!("no labelled {what} in the input has `{name}` = `{v}`"),
                        Some(help),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_count_transpositions() {
        let known: Vec<String> = ["tier", "app", "k8s-node"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(suggest("teir", known.iter()), Some("tier"));
        assert_eq!(suggest("k8s-nodes", known.iter()), Some("k8s-node"));
        assert_eq!(suggest("zone", known.iter()), None);
        assert_eq!(value_span("a == 'x' && b == \"y\"", "y"), Some(17..20));
    }
}
