//! Many selectors against many label sets: [`SelectorIndex`] keeps, for every selector and
//! every endpoint (a label set) added to it, which ones match, and reports what changes as
//! selectors and endpoints come, change and go — what Calico's agent does for policies and
//! workloads, and what a linter or editor needs to answer "what does this select?".
//!
//! ```
//! use selector_core::{index::SelectorIndex, Selector};
//!
//! let mut index: SelectorIndex<&str, &str> = SelectorIndex::new();
//! index.insert_endpoint("pod-1", [("app", "web"), ("env", "prod")]);
//! index.insert_endpoint("pod-2", [("app", "db"), ("env", "prod")]);
//! let changes = index.insert_selector("web", Selector::parse("app == 'web'")?);
//! assert_eq!(changes.started, [("web", "pod-1")]);
//!
//! // pod-2 is relabelled: it starts matching.
//! let changes = index.insert_endpoint("pod-2", [("app", "web")]);
//! assert_eq!(changes.started, [("web", "pod-2")]);
//! let mut pods: Vec<_> = index.endpoints_matching(&"web").copied().collect();
//! pods.sort();
//! assert_eq!(pods, ["pod-1", "pod-2"]);
//! assert_eq!(index.selectors_matching(&"pod-1").collect::<Vec<_>>(), [&"web"]);
//! # Ok::<(), selector_core::ParseError>(())
//! ```
//!
//! # How it avoids evaluating every pair
//! Each selector's [label restrictions](crate::Selector::label_restrictions) say what any
//! label set it matches must have. The index files each selector under one of them, its
//! *key*: a label that must have one of a few values (`app == "web"`, `tier in {...}`: filed
//! under each `(label, value)`), or else a label that must be present (`has(x)`,
//! `x contains "y"`: filed under the label). An endpoint then only meets the selectors filed
//! under its own `(label, value)` pairs and label names, plus the selectors with no
//! restriction at all, which are *scanned* (evaluated against every endpoint). Selectors whose
//! restrictions can never be met are filed nowhere and never evaluated. Among several
//! possible keys the index picks the one that currently has the fewest endpoints.
//! Candidates are evaluated with [interned](crate::interned) labels, so the test itself
//! compares integers.
//!
//! A selector added to the index is matched the other way round: its compiled decision graph
//! is run once over *sets* of endpoints, bitmaps combined a word of 64 endpoints at a time
//! from the index's tables of endpoints by label and by `(label, value)`, so no endpoint is
//! evaluated on its own (only when its probes bring up a handful of endpoints out of very
//! many does it evaluate those candidates instead).
//!
//! Results are exact: the same pairs as evaluating every selector on every endpoint (a
//! property test holds the index to that naive loop after random insert and remove sequences).

mod bulk;
mod plan;
mod slots;
#[cfg(test)]
mod tests;

use crate::compile::TRUE;
use crate::interned::{
    FastHash, Graph, InternedSelector, Interner, LabelSet, LeafTest, Symbol, TextTest,
};
use crate::restrict;
use crate::selector::Selector;
use crate::syntax::ast::CompareOp;
use crate::syntax::tree::Text;
use crate::syntax::tree::{self, Kind, Tree};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::Hash;

use bulk::*;
use plan::*;
use slots::*;

/// What one call changed: the `(selector id, endpoint id)` pairs that started matching and
/// those that stopped, each list in no particular order.
///
/// ```
/// use selector_core::{index::SelectorIndex, Selector};
/// let mut index = SelectorIndex::<&str, &str>::new();
/// index.insert_selector("web", Selector::parse("app == 'web'").unwrap());
/// let changes = index.insert_endpoint("pod-1", [("app", "web")]);
/// assert_eq!(changes.started, [("web", "pod-1")]);
/// assert!(changes.stopped.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchChanges<S, E> {
    /// Pairs that match now and did not before the call.
    pub started: Vec<(S, E)>,
    /// Pairs that matched before the call and do not now.
    pub stopped: Vec<(S, E)>,
}

impl<S, E> Default for MatchChanges<S, E> {
    fn default() -> Self {
        MatchChanges {
            started: Vec::new(),
            stopped: Vec::new(),
        }
    }
}

impl<S, E> MatchChanges<S, E> {
    /// Whether nothing changed.
    ///
    /// ```
    /// let mut index = selector_core::index::SelectorIndex::<u32, u32>::new();
    /// assert!(index.remove_endpoint(&7).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.started.is_empty() && self.stopped.is_empty()
    }
}

struct SelectorEntry<S> {
    id: S,
    selector: Selector,
    compiled: InternedSelector,
    key: Key,
    matches: SlotSet,
}

struct EndpointEntry<E> {
    id: E,
    matches: SlotSet,
}

/// Numbered storage with reuse of freed numbers, so slot numbers stay small and dense.
struct Slots<T> {
    items: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots {
            items: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Slots<T> {
    fn insert(&mut self, item: T) -> u32 {
        if let Some(slot) = self.free.pop() {
            if let Some(place) = self.items.get_mut(slot as usize) {
                *place = Some(item);
                return slot;
            }
        }
        self.items.push(Some(item));
        (self.items.len() - 1) as u32
    }

    fn remove(&mut self, slot: u32) -> Option<T> {
        let item = self.items.get_mut(slot as usize)?.take();
        if item.is_some() {
            self.free.push(slot);
        }
        item
    }

    #[inline]
    fn get(&self, slot: u32) -> Option<&T> {
        self.items.get(slot as usize).and_then(Option::as_ref)
    }

    #[inline]
    fn get_mut(&mut self, slot: u32) -> Option<&mut T> {
        self.items.get_mut(slot as usize).and_then(Option::as_mut)
    }

    fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i as u32, t.as_ref()?)))
    }
}

/// Selectors and endpoints (label sets), each under an id of the caller's choice, and which
/// selectors match which endpoints. See the [module documentation](self) for how.
///
/// `S` and `E` are the selector and endpoint id types (`String` by default; anything
/// `Clone + Eq + Hash`, such as `u32`, `&str` or a policy name). Ids are cloned into the
/// returned [`MatchChanges`].
///
/// Every `insert_*` call adds or replaces, every `remove_*` call removes, and each returns the
/// pairs that started and stopped matching. Strings are interned in the index's own
/// [`Interner`], which never forgets a string: memory grows with the number of distinct label
/// names and values ever seen.
///
/// ```
/// use selector_core::{index::SelectorIndex, Selector};
/// let mut index = SelectorIndex::<String, String>::new();
/// index.insert_endpoint("pod-1".into(), [("app", "web"), ("env", "prod")]);
/// index.insert_endpoint("pod-2".into(), [("app", "db")]);
/// index.insert_selector("web-prod".into(), Selector::parse("app == 'web' && env == 'prod'").unwrap());
/// let matched: Vec<&String> = index.endpoints_matching(&"web-prod".to_string()).collect();
/// assert_eq!(matched, ["pod-1"]);
/// let changes = index.insert_endpoint("pod-1".into(), [("app", "web")]);
/// assert_eq!(changes.stopped, [("web-prod".to_string(), "pod-1".to_string())]);
/// ```
pub struct SelectorIndex<S = String, E = String> {
    interner: Interner,
    selector_slots: HashMap<S, u32, FastHash>,
    endpoint_slots: HashMap<E, u32, FastHash>,
    selectors: Slots<SelectorEntry<S>>,
    endpoints: Slots<EndpointEntry<E>>,
    /// The labels of the endpoint in each slot (empty for a free slot). Kept apart from the
    /// entries, which recording matches walks by the hundred: a label set is large.
    labels_by_slot: Vec<LabelSet>,
    /// Selectors filed under one of the values they require of a label.
    selectors_by_value: HashMap<(Symbol, Symbol), SlotSet, FastHash>,
    /// Selectors filed under a label they require.
    selectors_by_name: HashMap<Symbol, SlotSet, FastHash>,
    /// Selectors filed as `Key::Scan`.
    scanned: SlotSet,
    /// Selectors filed as `Key::Except`, and each under its probes.
    excepted: SlotSet,
    excepted_by_value: HashMap<(Symbol, Symbol), SlotSet, FastHash>,
    excepted_by_name: HashMap<Symbol, SlotSet, FastHash>,
    /// Endpoints by each of their `(label, value)` pairs.
    /// (the place of the set in `value_sets`).
    endpoints_by_value: HashMap<(Symbol, Symbol), u32, FastHash>,
    value_sets: Slots<SlotSet>,
    /// Endpoints by each of their label names.
    endpoints_by_name: HashMap<Symbol, SlotSet, FastHash>,
    /// Every endpoint, as a bitmap of slots.
    all_endpoints: Vec<u64>,
    /// The distinct values of each label among the endpoints.
    /// The distinct values of each label among the endpoints, each with the place of its
    /// endpoints in `value_sets`: a string test on a label goes through its values and their
    /// endpoints without a lookup.
    values_by_name: HashMap<Symbol, Vec<(Symbol, u32)>, FastHash>,
    seen_selectors: Seen,
    marked_selectors: Seen,
    seen_endpoints: Seen,
    /// Scratch bitmaps of [`Self::matching_endpoints_bulk`].
    rows: Vec<u64>,
    leaf: Vec<u64>,
    plan: Plan,
    evaluations: u64,
}

impl<S, E> Default for SelectorIndex<S, E> {
    fn default() -> Self {
        SelectorIndex {
            interner: Interner::new(),
            selector_slots: HashMap::default(),
            endpoint_slots: HashMap::default(),
            selectors: Slots::default(),
            endpoints: Slots::default(),
            labels_by_slot: Vec::new(),
            selectors_by_value: HashMap::default(),
            selectors_by_name: HashMap::default(),
            scanned: SlotSet::default(),
            excepted: SlotSet::default(),
            excepted_by_value: HashMap::default(),
            excepted_by_name: HashMap::default(),
            endpoints_by_value: HashMap::default(),
            value_sets: Slots::default(),
            endpoints_by_name: HashMap::default(),
            all_endpoints: Vec::new(),
            values_by_name: HashMap::default(),
            seen_selectors: Seen::default(),
            marked_selectors: Seen::default(),
            seen_endpoints: Seen::default(),
            rows: Vec::new(),
            leaf: Vec::new(),
            plan: Plan::Auto,
            evaluations: 0,
        }
    }
}

impl<S, E> fmt::Debug for SelectorIndex<S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectorIndex")
            .field("selectors", &self.selector_count())
            .field("endpoints", &self.endpoint_count())
            .field("strings", &self.interner.len())
            .finish()
    }
}

impl<S, E> SelectorIndex<S, E> {
    /// An empty index.
    ///
    /// ```
    /// let index = selector_core::index::SelectorIndex::<u32, u32>::new();
    /// assert_eq!(index.selector_count() + index.endpoint_count(), 0);
    /// ```
    pub fn new() -> Self {
        SelectorIndex::default()
    }

    /// The number of selectors.
    ///
    /// ```
    /// let mut index = selector_core::index::SelectorIndex::<u32, u32>::new();
    /// index.insert_selector(7, selector_core::Selector::parse("has(a)").unwrap());
    /// assert_eq!(index.selector_count(), 1);
    /// ```
    pub fn selector_count(&self) -> usize {
        self.selector_slots.len()
    }

    /// The number of endpoints.
    ///
    /// ```
    /// let mut index = selector_core::index::SelectorIndex::<u32, u32>::new();
    /// index.insert_endpoint(1, [("a", "x")]);
    /// index.insert_endpoint(1, [("a", "y")]);
    /// assert_eq!(index.endpoint_count(), 1);
    /// ```
    pub fn endpoint_count(&self) -> usize {
        self.endpoint_slots.len()
    }

    /// The number of times the `insert_*` calls have evaluated a selector on one endpoint's
    /// labels so far: a measure of the work the index saves over evaluating every pair. An
    /// endpoint added is evaluated only by the selectors its labels bring up, and not even by
    /// those whose probes settle it; a selector added is matched against all endpoints at once
    /// by set operations on the index's tables, with no evaluation at all (unless its probes
    /// bring up only a few endpoints out of very many: those are evaluated).
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<u32, u32>::new();
    /// index.insert_selector(1, Selector::parse("app == 'web' && !has(x)").unwrap());
    /// index.insert_selector(2, Selector::parse("app == 'db'").unwrap());
    /// index.insert_selector(3, Selector::parse("has(a) && !has(a)").unwrap());
    /// index.insert_endpoint(1, [("app", "web")]);
    /// assert_eq!(index.evaluations(), 1); // selector 1 only: 3 can never match
    /// index.insert_endpoint(2, [("app", "db")]);
    /// assert_eq!(index.evaluations(), 1); // the probe app=db says it all
    /// index.insert_selector(4, Selector::parse("app == 'web' && !has(x)").unwrap());
    /// assert_eq!(index.evaluations(), 1); // matched by set operations
    /// assert_eq!(index.endpoints_matching(&4).collect::<Vec<_>>(), [&1]);
    /// ```
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// The interner holding the index's label names and values.
    ///
    /// ```
    /// let mut index = selector_core::index::SelectorIndex::<u32, u32>::new();
    /// index.insert_endpoint(1, [("app", "web")]);
    /// assert!(index.interner().get("web").is_some());
    /// ```
    pub fn interner(&self) -> &Interner {
        &self.interner
    }

    /// The labels of the endpoint in `slot`.
    #[inline]
    fn labels_of(&self, slot: u32) -> Option<&LabelSet> {
        self.labels_by_slot.get(slot as usize)
    }

    /// Takes out the labels of the endpoint in `slot`, leaving an empty set.
    fn take_labels(&mut self, slot: u32) -> Option<LabelSet> {
        self.labels_by_slot
            .get_mut(slot as usize)
            .map(std::mem::take)
    }

    fn file_selector(&mut self, slot: u32, key: &Key) {
        match key {
            Key::Never => {}
            Key::Scan => {
                self.scanned.insert(slot);
            }
            Key::Probes { probes, .. } => {
                for probe in probes.iter() {
                    match *probe {
                        Probe::Value(n, v) => self.selectors_by_value.entry((n, v)).or_default(),
                        p => self.selectors_by_name.entry(p.name()).or_default(),
                    }
                    .insert(slot);
                }
            }
            Key::Except { probes, .. } => {
                self.excepted.insert(slot);
                for probe in probes.iter() {
                    match *probe {
                        Probe::Value(n, v) => self.excepted_by_value.entry((n, v)).or_default(),
                        p => self.excepted_by_name.entry(p.name()).or_default(),
                    }
                    .insert(slot);
                }
            }
        }
    }

    fn unfile_selector(&mut self, slot: u32, key: &Key) {
        match key {
            Key::Never => {}
            Key::Scan => {
                self.scanned.remove(slot);
            }
            Key::Probes { probes, .. } => {
                for probe in probes.iter() {
                    match *probe {
                        Probe::Value(n, v) => {
                            remove_from(&mut self.selectors_by_value, &(n, v), slot)
                        }
                        p => remove_from(&mut self.selectors_by_name, &p.name(), slot),
                    }
                }
            }
            Key::Except { probes, .. } => {
                self.excepted.remove(slot);
                for probe in probes.iter() {
                    match *probe {
                        Probe::Value(n, v) => {
                            remove_from(&mut self.excepted_by_value, &(n, v), slot)
                        }
                        p => remove_from(&mut self.excepted_by_name, &p.name(), slot),
                    }
                }
            }
        }
    }

    fn file_endpoint(&mut self, slot: u32, labels: &LabelSet) {
        let (w, bit) = bit_of(slot);
        if self.all_endpoints.len() <= w {
            self.all_endpoints.resize(w + 1, 0);
        }
        if let Some(word) = self.all_endpoints.get_mut(w) {
            *word |= bit;
        }
        for (name, value) in labels.iter() {
            let at = match self.endpoints_by_value.entry((name, value)) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    let at = self.value_sets.insert(SlotSet::default());
                    self.values_by_name
                        .entry(name)
                        .or_default()
                        .push((value, at));
                    *e.insert(at)
                }
            };
            if let Some(set) = self.value_sets.get_mut(at) {
                set.insert(slot);
            }
            self.endpoints_by_name.entry(name).or_default().insert(slot);
        }
    }

    fn unfile_endpoint(&mut self, slot: u32, labels: &LabelSet) {
        let (w, bit) = bit_of(slot);
        if let Some(word) = self.all_endpoints.get_mut(w) {
            *word &= !bit;
        }
        for (name, value) in labels.iter() {
            remove_from(&mut self.endpoints_by_name, &name, slot);
            let Some(&at) = self.endpoints_by_value.get(&(name, value)) else {
                continue;
            };
            let emptied = self.value_sets.get_mut(at).is_none_or(|set| {
                set.remove(slot);
                set.is_empty()
            });
            if emptied {
                self.value_sets.remove(at);
                self.endpoints_by_value.remove(&(name, value));
                if let Some(values) = self.values_by_name.get_mut(&name) {
                    values.retain(|&(v, _)| v != value);
                    if values.is_empty() {
                        self.values_by_name.remove(&name);
                    }
                }
            }
        }
    }
}

/// Interns the strings of `contains`, `starts with` and `ends with` (which compiled selectors
/// keep as text), so that text probes can name them.
fn intern_text_operands(interner: &mut Interner, compiled: &impl Graph) {
    for node in compiled.graph_nodes() {
        if let LeafTest::Text(_, operand) = node.test {
            interner.intern(operand);
        }
    }
}

fn remove_from<K: Hash + Eq>(map: &mut HashMap<K, SlotSet, FastHash>, key: &K, slot: u32) {
    if let Some(set) = map.get_mut(key) {
        set.remove(slot);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

impl<S: Clone + Eq + Hash, E: Clone + Eq + Hash> SelectorIndex<S, E> {
    /// Adds a selector under `id`, or replaces the one with that id, and returns the pairs
    /// that started and stopped matching.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<&str, &str>::new();
    /// index.insert_endpoint("a", [("tier", "db")]);
    /// index.insert_endpoint("b", [("tier", "web")]);
    /// let changes = index.insert_selector("p", Selector::parse("tier == 'db'").unwrap());
    /// assert_eq!((changes.started, changes.stopped), (vec![("p", "a")], vec![]));
    /// let changes = index.insert_selector("p", Selector::parse("tier == 'web'").unwrap());
    /// assert_eq!((changes.started, changes.stopped), (vec![("p", "b")], vec![("p", "a")]));
    /// ```
    pub fn insert_selector(&mut self, id: S, selector: Selector) -> MatchChanges<S, E> {
        let compiled = self.interner.compile(&selector);
        intern_text_operands(&mut self.interner, &compiled);
        let key = self.choose_key(&selector, &compiled, |s| {
            self.interner.get(s).unwrap_or(Symbol::UNKNOWN)
        });
        let mut evaluations = 0;
        let matches = if self.use_candidates(&key, compiled.node_count()) {
            let mut seen = std::mem::take(&mut self.seen_endpoints);
            let matches = self.matching_endpoints(&key, &mut seen, |labels| {
                evaluations += 1;
                compiled.matches(labels, &self.interner)
            });
            self.seen_endpoints = seen;
            SlotSet::from_sorted(matches)
        } else {
            let (mut rows, mut leaf) = (
                std::mem::take(&mut self.rows),
                std::mem::take(&mut self.leaf),
            );
            let matches = self.matching_endpoints_bulk(&compiled, &mut rows, &mut leaf);
            // Kept for the next selector, unless a huge one made it large.
            if rows.capacity() <= KEPT_SCRATCH_WORDS {
                (self.rows, self.leaf) = (rows, leaf);
            }
            matches
        };
        self.evaluations += evaluations;

        let (slot, old) = match self.selector_slots.get(&id).copied() {
            Some(slot) => {
                let Some(entry) = self.selectors.get_mut(slot) else {
                    return MatchChanges::default();
                };
                let old_key = std::mem::replace(&mut entry.key, key.clone());
                entry.selector = selector;
                entry.compiled = compiled;
                let old = std::mem::take(&mut entry.matches);
                self.unfile_selector(slot, &old_key);
                (slot, old)
            }
            None => {
                let slot = self.selectors.insert(SelectorEntry {
                    id: id.clone(),
                    selector,
                    compiled,
                    key: key.clone(),
                    matches: SlotSet::default(),
                });
                self.selector_slots.insert(id.clone(), slot);
                (slot, SlotSet::default())
            }
        };
        self.file_selector(slot, &key);
        let changes = self.apply_selector_matches(&id, slot, &old, &matches);
        if let Some(entry) = self.selectors.get_mut(slot) {
            entry.matches = matches;
        }
        changes
    }

    /// Removes the selector with this id (if any) and returns the pairs that stopped matching.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<&str, &str>::new();
    /// index.insert_endpoint("a", [("tier", "db")]);
    /// index.insert_selector("p", Selector::parse("has(tier)").unwrap());
    /// assert_eq!(index.remove_selector(&"p").stopped, [("p", "a")]);
    /// assert_eq!(index.selector_count(), 0);
    /// ```
    pub fn remove_selector(&mut self, id: &S) -> MatchChanges<S, E> {
        let Some(slot) = self.selector_slots.remove(id) else {
            return MatchChanges::default();
        };
        let Some(entry) = self.selectors.remove(slot) else {
            return MatchChanges::default();
        };
        self.unfile_selector(slot, &entry.key);
        self.apply_selector_matches(&entry.id, slot, &entry.matches, &SlotSet::default())
    }

    /// Records, on the endpoints' side, that selector `slot` went from matching `old` to
    /// matching `new`, and lists the differences.
    fn apply_selector_matches(
        &mut self,
        id: &S,
        slot: u32,
        old: &SlotSet,
        new: &SlotSet,
    ) -> MatchChanges<S, E> {
        let mut changes = MatchChanges {
            started: Vec::with_capacity(new.len().saturating_sub(old.len())),
            stopped: Vec::new(),
        };
        let endpoints = &mut self.endpoints;
        old.diff(new, |e, started| {
            if let Some(endpoint) = endpoints.get_mut(e) {
                if started {
                    endpoint.matches.insert(slot);
                    changes.started.push((id.clone(), endpoint.id.clone()));
                } else {
                    endpoint.matches.remove(slot);
                    changes.stopped.push((id.clone(), endpoint.id.clone()));
                }
            }
        });
        changes
    }

    /// Adds an endpoint (a label set, as `(name, value)` pairs: a map, a slice of pairs...)
    /// under `id`, or replaces the labels of the one with that id, and returns the pairs that
    /// started and stopped matching. When a name occurs twice the first pair wins.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// use std::collections::HashMap;
    /// let mut index = SelectorIndex::<String, String>::new();
    /// index.insert_selector("prod".into(), Selector::parse("env == 'prod'").unwrap());
    /// let labels = HashMap::from([("env".to_string(), "prod".to_string())]);
    /// let changes = index.insert_endpoint("pod".into(), &labels);
    /// assert_eq!(changes.started, [("prod".to_string(), "pod".to_string())]);
    /// let changes = index.insert_endpoint("pod".into(), [("env", "dev")]);
    /// assert_eq!(changes.stopped, [("prod".to_string(), "pod".to_string())]);
    /// ```
    pub fn insert_endpoint<I, K, V>(&mut self, id: E, labels: I) -> MatchChanges<S, E>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let labels = self.interner.label_set(labels);
        let mut evaluations = 0;
        let (mut seen, mut marked) = (
            std::mem::take(&mut self.seen_selectors),
            std::mem::take(&mut self.marked_selectors),
        );
        let matches = self.matching_selectors(
            labels.iter().map(|(n, v)| (n, Some(v))),
            |n| labels.get(n),
            true,
            &mut seen,
            &mut marked,
            |entry| {
                evaluations += 1;
                entry.compiled.matches(&labels, &self.interner)
            },
        );
        (self.seen_selectors, self.marked_selectors) = (seen, marked);
        self.evaluations += evaluations;
        let matches = SlotSet::from_sorted(matches);

        let (slot, old) = match self.endpoint_slots.get(&id).copied() {
            Some(slot) => {
                let Some(entry) = self.endpoints.get_mut(slot) else {
                    return MatchChanges::default();
                };
                let old = std::mem::take(&mut entry.matches);
                if let Some(old_labels) = self.take_labels(slot) {
                    self.unfile_endpoint(slot, &old_labels);
                }
                (slot, old)
            }
            None => {
                let slot = self.endpoints.insert(EndpointEntry {
                    id: id.clone(),
                    matches: SlotSet::default(),
                });
                self.endpoint_slots.insert(id.clone(), slot);
                (slot, SlotSet::default())
            }
        };
        self.file_endpoint(slot, &labels);
        let at = slot as usize;
        if self.labels_by_slot.len() <= at {
            self.labels_by_slot.resize_with(at + 1, LabelSet::default);
        }
        if let Some(place) = self.labels_by_slot.get_mut(at) {
            *place = labels;
        }
        let changes = self.apply_endpoint_matches(&id, slot, &old, &matches);
        if let Some(entry) = self.endpoints.get_mut(slot) {
            entry.matches = matches;
        }
        changes
    }

    /// Removes the endpoint with this id (if any) and returns the pairs that stopped matching.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<&str, &str>::new();
    /// index.insert_selector("all", Selector::parse("all()").unwrap());
    /// index.insert_endpoint("a", [("x", "1")]);
    /// assert_eq!(index.remove_endpoint(&"a").stopped, [("all", "a")]);
    /// assert!(index.remove_endpoint(&"a").is_empty());
    /// ```
    pub fn remove_endpoint(&mut self, id: &E) -> MatchChanges<S, E> {
        let Some(slot) = self.endpoint_slots.remove(id) else {
            return MatchChanges::default();
        };
        let Some(entry) = self.endpoints.remove(slot) else {
            return MatchChanges::default();
        };
        if let Some(labels) = self.take_labels(slot) {
            self.unfile_endpoint(slot, &labels);
        }
        self.apply_endpoint_matches(&entry.id, slot, &entry.matches, &SlotSet::default())
    }

    /// Records, on the selectors' side, that endpoint `slot` went from being matched by `old`
    /// to being matched by `new`, and lists the differences.
    fn apply_endpoint_matches(
        &mut self,
        id: &E,
        slot: u32,
        old: &SlotSet,
        new: &SlotSet,
    ) -> MatchChanges<S, E> {
        let mut changes = MatchChanges {
            started: Vec::with_capacity(new.len().saturating_sub(old.len())),
            stopped: Vec::new(),
        };
        let selectors = &mut self.selectors;
        old.diff(new, |s, started| {
            if let Some(selector) = selectors.get_mut(s) {
                if started {
                    selector.matches.insert(slot);
                    changes.started.push((selector.id.clone(), id.clone()));
                } else {
                    selector.matches.remove(slot);
                    changes.stopped.push((selector.id.clone(), id.clone()));
                }
            }
        });
        changes
    }

    /// The ids of the endpoints that the selector with this id matches (none for an unknown
    /// id), in no particular order.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<&str, &str>::new();
    /// index.insert_endpoint("a", [("x", "1")]);
    /// index.insert_selector("s", Selector::parse("x == '1'").unwrap());
    /// assert_eq!(index.endpoints_matching(&"s").collect::<Vec<_>>(), [&"a"]);
    /// assert_eq!(index.endpoints_matching(&"nope").count(), 0);
    /// ```
    pub fn endpoints_matching<'a>(&'a self, id: &S) -> impl Iterator<Item = &'a E> + 'a {
        self.selector_slots
            .get(id)
            .and_then(|&slot| self.selectors.get(slot))
            .into_iter()
            .flat_map(|entry| entry.matches.iter())
            .filter_map(|e| self.endpoints.get(e).map(|entry| &entry.id))
    }

    /// The ids of the selectors that match the endpoint with this id (none for an unknown
    /// id), in no particular order.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<&str, &str>::new();
    /// index.insert_endpoint("a", [("x", "1")]);
    /// index.insert_selector("s", Selector::parse("x == '1'").unwrap());
    /// assert_eq!(index.selectors_matching(&"a").collect::<Vec<_>>(), [&"s"]);
    /// ```
    pub fn selectors_matching<'a>(&'a self, id: &E) -> impl Iterator<Item = &'a S> + 'a {
        self.endpoint_slots
            .get(id)
            .and_then(|&slot| self.endpoints.get(slot))
            .into_iter()
            .flat_map(|entry| entry.matches.iter())
            .filter_map(|s| self.selectors.get(s).map(|entry| &entry.id))
    }

    /// Whether the selector with this id matches the endpoint with that id.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<u8, u8>::new();
    /// index.insert_endpoint(1, [("x", "1")]);
    /// index.insert_selector(7, Selector::parse("has(x)").unwrap());
    /// assert!(index.is_match(&7, &1));
    /// assert!(!index.is_match(&7, &2));
    /// ```
    pub fn is_match(&self, selector: &S, endpoint: &E) -> bool {
        match (
            self.selector_slots.get(selector),
            self.endpoint_slots.get(endpoint),
        ) {
            (Some(&s), Some(&e)) => self
                .selectors
                .get(s)
                .is_some_and(|entry| entry.matches.contains(e)),
            _ => false,
        }
    }

    /// The selector stored under this id.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<u8, u8>::new();
    /// index.insert_selector(1, Selector::parse("has(x)").unwrap());
    /// assert_eq!(index.selector(&1).map(|s| s.canonical()), Some("has(x)"));
    /// ```
    pub fn selector(&self, id: &S) -> Option<&Selector> {
        let slot = *self.selector_slots.get(id)?;
        self.selectors.get(slot).map(|entry| &entry.selector)
    }

    /// The labels of the endpoint stored under this id, as `(name, value)` pairs.
    ///
    /// ```
    /// use selector_core::index::SelectorIndex;
    /// let mut index = SelectorIndex::<u8, u8>::new();
    /// index.insert_endpoint(1, [("x", "1")]);
    /// assert_eq!(index.endpoint_labels(&1), Some(vec![("x", "1")]));
    /// ```
    pub fn endpoint_labels(&self, id: &E) -> Option<Vec<(&str, &str)>> {
        let slot = *self.endpoint_slots.get(id)?;
        Some(
            self.labels_of(slot)?
                .iter()
                .filter_map(|(n, v)| Some((self.interner.resolve(n)?, self.interner.resolve(v)?)))
                .collect(),
        )
    }

    /// The ids of all selectors, in no particular order.
    ///
    /// ```
    /// let mut index = selector_core::index::SelectorIndex::<u32, u32>::new();
    /// index.insert_selector(3, selector_core::Selector::parse("all()").unwrap());
    /// assert_eq!(index.selector_ids().collect::<Vec<_>>(), [&3]);
    /// ```
    pub fn selector_ids(&self) -> impl Iterator<Item = &S> {
        self.selector_slots.keys()
    }

    /// The ids of all endpoints, in no particular order.
    ///
    /// ```
    /// let mut index = selector_core::index::SelectorIndex::<u32, u32>::new();
    /// index.insert_endpoint(9, [("a", "b")]);
    /// assert_eq!(index.endpoint_ids().collect::<Vec<_>>(), [&9]);
    /// ```
    pub fn endpoint_ids(&self) -> impl Iterator<Item = &E> {
        self.endpoint_slots.keys()
    }

    /// The ids of the stored selectors that match a label set that is not stored (nothing
    /// changes), in no particular order. Uses the same candidate lookup as the stored
    /// endpoints do.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<&str, &str>::new();
    /// index.insert_selector("web", Selector::parse("app == 'web'").unwrap());
    /// index.insert_selector("db", Selector::parse("app == 'db'").unwrap());
    /// assert_eq!(index.selectors_matching_labels([("app", "web")]), [&"web"]);
    /// assert!(index.selectors_matching_labels([("app", "cache")]).is_empty());
    /// ```
    pub fn selectors_matching_labels<I, K, V>(&self, labels: I) -> Vec<&S>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let pairs: Vec<(K, V)> = labels.into_iter().collect();
        let mut names = HashSet::<&str, FastHash>::default();
        let symbols: Vec<(Symbol, Option<Symbol>)> = pairs
            .iter()
            .filter_map(|(k, v)| {
                // The first pair of a name is the one that counts; a name never interned is
                // read by no selector.
                if !names.insert(k.as_ref()) {
                    return None;
                }
                Some((
                    self.interner.get(k.as_ref())?,
                    self.interner.get(v.as_ref()),
                ))
            })
            .collect();
        let matches = self.matching_selectors(
            symbols.iter().copied(),
            |n| symbols.iter().find(|&&(m, _)| m == n).and_then(|&(_, v)| v),
            symbols.iter().all(|(_, v)| v.is_some()),
            &mut Seen::default(),
            &mut Seen::default(),
            |entry| entry.selector.matches(pairs.as_slice()),
        );
        matches
            .into_iter()
            .filter_map(|slot| self.selectors.get(slot).map(|entry| &entry.id))
            .collect()
    }

    /// The ids of the stored endpoints that a selector which is not stored would match
    /// (nothing changes), in no particular order.
    ///
    /// ```
    /// use selector_core::{index::SelectorIndex, Selector};
    /// let mut index = SelectorIndex::<&str, &str>::new();
    /// index.insert_endpoint("a", [("app", "web")]);
    /// index.insert_endpoint("b", [("app", "db")]);
    /// let s = Selector::parse("app in {'web', 'cache'}").unwrap();
    /// assert_eq!(index.endpoints_matching_selector(&s), [&"a"]);
    /// ```
    pub fn endpoints_matching_selector(&self, selector: &Selector) -> Vec<&E> {
        // Frozen compilation is exact here: every stored endpoint was interned already.
        let compiled = self.interner.compile_frozen(selector);
        let key = self.choose_key(selector, &compiled, |s| {
            self.interner.get(s).unwrap_or(Symbol::UNKNOWN)
        });
        let matches = if self.use_candidates(&key, compiled.node_count()) {
            SlotSet::from_sorted(
                self.matching_endpoints(&key, &mut Seen::default(), |labels| {
                    compiled.matches(labels, &self.interner)
                }),
            )
        } else {
            self.matching_endpoints_bulk(&compiled, &mut Vec::new(), &mut Vec::new())
        };
        matches
            .iter()
            .filter_map(|slot| self.endpoints.get(slot).map(|entry| &entry.id))
            .collect()
    }
}
