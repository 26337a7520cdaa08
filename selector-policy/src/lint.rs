//! Reading an input (one or more files applied together) and running every rule on it.

use std::collections::{BTreeSet, HashMap};

use crate::diag::{
    Diagnostic, DUPLICATE_RESOURCE, PEER_OUTSIDE_NAMESPACE, POLICY_SELECTS_NOTHING,
    TEXTUAL_REWRITE, UNKNOWN_LABEL, UNSELECTED_HOST_ENDPOINT, YAML_SYNTAX,
};
use crate::model::{peer_selector, policy_selector, Model, SelectorCache, AUTOMATIC_LABELS};
use crate::resource::{resources_of, Kind, Resource, SelectorField};
use crate::rules::{check_field, label_span};
use crate::source::SourceFile;
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

fn yaml_error(file: &SourceFile, err: &yaml::YamlError) -> Diagnostic {
    let start = err.offset.min(file.text.len());
    let end = file
        .text
        .get(start..)
        .and_then(|s| s.chars().next())
        .map_or(start, |c| start + c.len_utf8());
    let (line, _) = file.position(start);
    let line_text = file.line_text(line);
    let tagged = line_text
        .split_once(':')
        .is_some_and(|(k, v)| k.trim().ends_with("elector") && v.trim_start().starts_with('!'));
    let help = if tagged {
        "an unquoted selector that starts with `!` is read as a YAML tag: quote the selector, e.g. `selector: '!has(x)'`".to_string()
    } else {
        "fix the YAML syntax; resources after this point in the file are not checked".to_string()
    };
    Diagnostic::new(
        &YAML_SYNTAX,
        file,
        start..end,
        format!("invalid YAML: {}", err.message),
        Some(help),
    )
}

/// Loads every file of one input and reports syntax problems.
pub fn load(files: Vec<SourceFile>) -> Analysis {
    let mut resources = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let loaded = yaml::load(&file.text);
        if let Some(err) = &loaded.error {
            diagnostics.push(yaml_error(file, err));
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

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.last().copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest known name within a small edit distance.
fn suggest<'a>(name: &str, known: &'a BTreeSet<String>) -> Option<&'a str> {
    let limit = (name.chars().count() / 4).clamp(1, 3);
    known
        .iter()
        .map(|k| (levenshtein(name, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

struct KnownLabels {
    /// Labels of host endpoints and global network sets.
    global: BTreeSet<String>,
    /// Labels of pods and network sets.
    namespaced: BTreeSet<String>,
    /// Both of the above.
    endpoint: BTreeSet<String>,
    namespace: BTreeSet<String>,
    account: BTreeSet<String>,
}

impl KnownLabels {
    fn new(resources: &[Resource]) -> KnownLabels {
        let mut k = KnownLabels {
            global: BTreeSet::new(),
            namespaced: BTreeSet::new(),
            endpoint: BTreeSet::new(),
            namespace: BTreeSet::new(),
            account: BTreeSet::new(),
        };
        for r in resources {
            let set = match r.kind {
                Kind::HostEndpoint | Kind::GlobalNetworkSet => &mut k.global,
                Kind::Pod | Kind::NetworkSet => &mut k.namespaced,
                Kind::Namespace => &mut k.namespace,
                Kind::ServiceAccount => &mut k.account,
                _ => continue,
            };
            set.extend(r.labels.keys().cloned());
        }
        k.endpoint = k.global.union(&k.namespaced).cloned().collect();
        k
    }

    /// The set a label of a field is looked up in, the label name inside it, and what
    /// carries such labels. `namespaced_only`: the field can only match namespaced
    /// endpoints (a namespaced policy's selector, or its rule peer without namespaceSelector).
    fn lookup<'a>(
        &self,
        field: &SelectorField,
        namespaced_only: bool,
        label: &'a str,
    ) -> Option<(&BTreeSet<String>, &'a str, &'static str)> {
        if AUTOMATIC_LABELS.contains(&label) {
            return None;
        }
        let (set, name, what) = if field.kind.is_namespace() {
            (&self.namespace, label, "namespace")
        } else if field.kind.is_service_account() {
            (&self.account, label, "service account")
        } else if let Some(rest) = label.strip_prefix("pcns.") {
            (&self.namespace, rest, "namespace")
        } else if let Some(rest) = label.strip_prefix("pcsa.") {
            (&self.account, rest, "service account")
        } else if namespaced_only {
            // Only namespaced resources can match, but a label carried by a global one
            // is no typo: `peer-outside-namespace` reports the scoping.
            if self.namespaced.is_empty() {
                return None;
            }
            (&self.endpoint, label, "pod or network set")
        } else {
            (&self.endpoint, label, "endpoint or network set")
        };
        if set.is_empty() || AUTOMATIC_LABELS.contains(&name) || set.contains(name) {
            return None;
        }
        Some((set, name, what))
    }
}

fn unknown_labels(a: &Analysis, cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let known = KnownLabels::new(&a.resources);
    for r in &a.resources {
        let (Some(policy), Some(file)) = (&r.policy, a.file_of(r)) else {
            continue;
        };
        let namespaced = r.kind.is_namespaced();
        let mut fields: Vec<(&SelectorField, bool)> = [
            &policy.selector,
            &policy.namespace_selector,
            &policy.service_account_selector,
        ]
        .into_iter()
        .flatten()
        .map(|f| (f, namespaced))
        .collect();
        for rule in &policy.rules {
            for peer in [&rule.source, &rule.destination] {
                let only = namespaced && peer.namespace_selector.is_none();
                fields.extend(peer.fields().map(|f| (f, only)));
            }
        }
        for (field, namespaced_only) in fields {
            let (Some(sel), Some(t)) = (cache.field(field), field.text()) else {
                continue;
            };
            for label in sel.label_names() {
                let Some((set, name, what)) = known.lookup(field, namespaced_only, label) else {
                    continue;
                };
                let span = label_span(&t.text, label).map_or(t.span.clone(), |s| t.file_range(s));
                let help = match suggest(name, set) {
                    Some(s) => format!("did you mean `{}`?", label.replace(name, s)),
                    None => format!(
                        "no {what} in the input has a similar label; this matches only resources defined elsewhere"
                    ),
                };
                out.push(Diagnostic::new(
                    &UNKNOWN_LABEL,
                    file,
                    span,
                    format!("no labelled {what} in the input carries label `{name}`"),
                    Some(help),
                ));
            }
        }
    }
}

/// SPEC section 8: Calico replaces the *text* `all()` (and `global()` in rule
/// namespaceSelectors) when it combines fields, string literals included.
fn textual_rewrites(a: &Analysis, cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    for r in &a.resources {
        let (Some(policy), Some(file)) = (&r.policy, a.file_of(r)) else {
            continue;
        };
        let mut fields: Vec<(&SelectorField, &[&str])> = Vec::new();
        let global_combined = !r.kind.is_namespaced()
            && (policy.namespace_selector.is_some() || policy.service_account_selector.is_some());
        if global_combined {
            fields.extend(
                [
                    &policy.selector,
                    &policy.namespace_selector,
                    &policy.service_account_selector,
                ]
                .into_iter()
                .flatten()
                .map(|f| (f, &["all()"][..])),
            );
        }
        for rule in &policy.rules {
            for peer in [&rule.source, &rule.destination] {
                if let Some(f) = &peer.namespace_selector {
                    fields.push((f, &["all()", "global()"][..]));
                }
            }
        }
        for (field, needles) in fields {
            let (Some(sel), Some(t)) = (cache.field(field), field.text()) else {
                continue;
            };
            if !needles.iter().any(|n| sel.canonical().contains(n)) {
                continue;
            }
            for tok in selector_core::tokens(&t.text).tokens {
                if tok.kind != selector_core::TokenKind::String {
                    continue;
                }
                let lit = t.text.get(tok.span.clone()).unwrap_or("");
                if let Some(n) = needles.iter().find(|n| lit.contains(*n)) {
                    out.push(Diagnostic::new(
                        &TEXTUAL_REWRITE,
                        file,
                        t.file_range(tok.span.clone()),
                        format!(
                            "Calico rewrites the text `{n}` when it combines this policy's selectors, even inside the string {lit}"
                        ),
                        Some("the value compared is not the one written: avoid `all()` and `global()` inside label values here".to_string()),
                    ));
                }
            }
        }
    }
}

fn duplicates(a: &Analysis, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<(Kind, Option<&str>, &str), &Resource> = HashMap::new();
    for r in &a.resources {
        if r.name.is_empty() {
            continue;
        }
        let key = (r.kind, r.namespace.as_deref(), r.name.as_str());
        match seen.get(&key) {
            None => {
                seen.insert(key, r);
            }
            Some(first) => {
                let (Some(file), Some(first_file)) = (a.file_of(r), a.file_of(first)) else {
                    continue;
                };
                let (line, col) = first_file.position(first.name_span.start);
                let ns = r
                    .namespace
                    .as_ref()
                    .map(|n| format!(" in namespace `{n}`"))
                    .unwrap_or_default();
                let identical =
                    first_file.text.get(first.span.clone()) == file.text.get(r.span.clone());
                out.push(Diagnostic::new(
                    &DUPLICATE_RESOURCE,
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
                ));
            }
        }
    }
}

/// A namespaced policy's rule peer with a `selector` and no `namespaceSelector` matches
/// only in the policy's namespace; report when what the selector matches is elsewhere.
fn peers_outside_namespace(
    a: &Analysis,
    model: &Model,
    cache: &mut SelectorCache,
    out: &mut Vec<Diagnostic>,
) {
    for r in &a.resources {
        let (Some(policy), Some(file), true) = (&r.policy, a.file_of(r), r.kind.is_namespaced())
        else {
            continue;
        };
        let ns = r.namespace.as_deref().unwrap_or("default");
        for rule in &policy.rules {
            for (peer, which) in [(&rule.source, "source"), (&rule.destination, "destination")] {
                let only_not = peer.selector.is_none()
                    && peer.namespace_selector.is_none()
                    && peer.service_account_selector.is_none()
                    && peer.service_account_names.is_empty();
                if let (true, Some(not), Some("Deny")) =
                    (only_not, &peer.not_selector, rule.action.as_deref())
                {
                    if let Some(t) = not.text() {
                        out.push(Diagnostic::new(
                            &PEER_OUTSIDE_NAMESPACE,
                            file,
                            t.file_range(0..t.text.len()),
                            format!(
                                "without a namespaceSelector this Deny covers only {which}s in namespace `{ns}` that do not match the notSelector; {which}s in other namespaces, host endpoints and addresses unknown to Calico are not denied"
                            ),
                            Some("a GlobalNetworkPolicy's notSelector matches every peer without the label, addresses unknown to Calico included; or add rules for the other peers".to_string()),
                        ));
                    }
                    continue;
                }
                let Some(field) = &peer.selector else {
                    continue;
                };
                if peer.namespace_selector.is_some() || peer.not_selector.is_some() {
                    continue;
                }
                let Some(ps) = peer_selector(cache, r, peer) else {
                    continue;
                };
                if !model.select_peer(&ps).is_empty() {
                    continue;
                }
                let Some(raw) = cache.field(field) else {
                    continue;
                };
                let elsewhere: Vec<&Resource> = model
                    .select(raw, |_| true)
                    .into_iter()
                    .filter_map(|id| model.endpoints.get(id))
                    .filter_map(|e| a.resources.get(e.resource))
                    .collect();
                let Some(t) = field.text() else { continue };
                if elsewhere.is_empty() {
                    continue;
                }
                let global = elsewhere.iter().any(|e| e.namespace.is_none());
                let namespaced = elsewhere.iter().any(|e| e.namespace.is_some());
                let mut names: Vec<String> =
                    elsewhere.iter().take(3).map(|e| e.display_name()).collect();
                if elsewhere.len() > 3 {
                    names.push(format!("and {} more", elsewhere.len() - 3));
                }
                let help = match (global, namespaced) {
                    (true, false) => "add `namespaceSelector: global()` to this peer to match global network sets and host endpoints",
                    (false, _) => "add a `namespaceSelector` to this peer (`all()` for every namespace, or `projectcalico.org/name == \"<ns>\"`)",
                    (true, true) => "add a `namespaceSelector` to this peer: `all()` matches every namespace, `global()` global network sets and host endpoints (use two rules for both)",
                };
                out.push(Diagnostic::new(
                    &PEER_OUTSIDE_NAMESPACE,
                    file,
                    t.file_range(0..t.text.len()),
                    format!(
                        "without a namespaceSelector this matches only in namespace `{ns}`, but what it matches in the input is elsewhere: {}",
                        names.join(", ")
                    ),
                    Some(help.to_string()),
                ));
            }
        }
    }
}

fn selection(a: &Analysis, cache: &mut SelectorCache, out: &mut Vec<Diagnostic>) {
    let model = Model::new(&a.resources);
    peers_outside_namespace(a, &model, cache, out);
    let mut selected = vec![false; model.endpoints.len()];
    let policy_targets = model
        .endpoints
        .iter()
        .filter(|e| e.is_policy_target())
        .count();
    let mut pods_per_namespace: HashMap<&str, usize> = HashMap::new();
    for r in &a.resources {
        if let (Kind::Pod, Some(ns)) = (r.kind, &r.namespace) {
            *pods_per_namespace.entry(ns).or_default() += 1;
        }
    }
    for r in &a.resources {
        if !r.kind.is_policy() {
            continue;
        }
        let Some(sel) = policy_selector(cache, r) else {
            continue;
        };
        let ids = model.select(&sel, |e| e.is_policy_target());
        if !r.kind.is_staged() {
            for id in &ids {
                if let Some(s) = selected.get_mut(*id) {
                    *s = true;
                }
            }
        }
        // Endpoints this policy could apply to: a namespaced policy only reaches pods of
        // its namespace; a global one reaches host endpoints and pods.
        let (targets, what) = if r.kind.is_namespaced() {
            let n = r
                .namespace
                .as_deref()
                .and_then(|ns| pods_per_namespace.get(ns))
                .copied()
                .unwrap_or(0);
            (
                n,
                format!(
                    "pods in namespace `{}`",
                    r.namespace.as_deref().unwrap_or("default")
                ),
            )
        } else {
            let n = policy_targets;
            (n, "host endpoints and pods".to_string())
        };
        if ids.is_empty() && targets > 0 {
            let Some(file) = a.file_of(r) else { continue };
            let span = r
                .policy
                .as_ref()
                .and_then(|p| p.selector.as_ref())
                .and_then(|f| f.text())
                .map_or(r.name_span.clone(), |t| t.file_range(0..t.text.len()));
            out.push(Diagnostic::new(
                &POLICY_SELECTS_NOTHING,
                file,
                span,
                format!("{} `{}` selects none of the {what} in the input ({targets} in all)", r.kind.name(), r.name),
                Some(format!(
                    "Calico applies it as `{}`; this is fine if its endpoints are defined elsewhere",
                    sel.canonical()
                )),
            ));
        }
    }
    for (e, sel) in model.endpoints.iter().zip(&selected) {
        if e.kind != Kind::HostEndpoint || *sel {
            continue;
        }
        let Some(r) = a.resources.get(e.resource) else {
            continue;
        };
        let Some(file) = a.file_of(r) else { continue };
        let example = r
            .labels
            .iter()
            .next()
            .map(|(k, v)| {
                format!(" (for example an allow-all policy with `selector: {k} == \"{v}\"`)")
            })
            .unwrap_or_default();
        out.push(Diagnostic::new(
            &UNSELECTED_HOST_ENDPOINT,
            file,
            r.name_span.clone(),
            format!(
                "HostEndpoint `{}` is selected by no policy in the input: once applied, all its traffic is denied except failsafe ports",
                r.name
            ),
            Some(format!("apply a policy that selects it{example} before the host endpoint")),
        ));
    }
}

/// Runs every rule on one input (its files are taken as applied together).
pub fn analyze(files: Vec<SourceFile>) -> Analysis {
    let mut a = load(files);
    let mut out = Vec::new();
    for r in &a.resources {
        let (Some(policy), Some(file)) = (&r.policy, a.file_of(r)) else {
            continue;
        };
        for field in policy.fields() {
            check_field(file, field, &mut out);
        }
    }
    out.extend(crate::validate::validate(&a.files, &a.resources));
    duplicates(&a, &mut out);
    let mut cache = SelectorCache::default();
    unknown_labels(&a, &mut cache, &mut out);
    textual_rewrites(&a, &mut cache, &mut out);
    selection(&a, &mut cache, &mut out);
    a.diagnostics.extend(out);
    let order: HashMap<&str, usize> = a
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    a.diagnostics.sort_by(|x, y| {
        let fx = order.get(x.file.as_str());
        let fy = order.get(y.file.as_str());
        (
            fx,
            x.span.start,
            std::cmp::Reverse(x.severity),
            &x.rule,
            x.span.end,
        )
            .cmp(&(
                fy,
                y.span.start,
                std::cmp::Reverse(y.severity),
                &y.rule,
                y.span.end,
            ))
    });
    a
}
