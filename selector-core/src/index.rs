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

/// A set of internal slot numbers (of endpoints or of selectors): a sorted vector while the
/// set is sparse, a bitmap (bit `s % 64` of word `s / 64`) once it is dense.
///
/// Sets of slot numbers are what the index stores most (the matches of every selector and
/// every endpoint, the endpoints with each label, the selectors filed under each probe) and
/// walks most. A sorted `Vec<u32>` is a quarter the size of a hash set, iterates at memory
/// speed and finds differences by one merge; bulk loads append (new slots are the highest).
/// But many of these sets are large (`has(app)` holds most endpoints, a popular pod is
/// matched by a good share of the selectors), and a bitmap holds those in less memory,
/// gains a member without ever moving the others, and combines with another a word of 64
/// slots at a time, which is how a selector added to the index is matched against all
/// endpoints at once ([`SelectorIndex::matching_endpoints_bulk`]). A bitmap costs a bit per
/// slot whatever the set's size, so rare sets (the endpoints with one pod-template hash)
/// stay vectors: a set turns into a bitmap when the bitmap would be no larger than the
/// vector, and back when it would be over four times larger. Both forms iterate in
/// increasing order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SlotSet {
    Sparse(Vec<u32>),
    Dense { bits: Vec<u64>, len: usize },
}

impl Default for SlotSet {
    fn default() -> Self {
        SlotSet::Sparse(Vec::new())
    }
}

/// The number of 64-bit words a bitmap of slots `0..=slot` takes.
#[inline]
fn words_for(slot: u32) -> usize {
    slot as usize / 64 + 1
}

/// The word and bit of `slot` in a bitmap.
#[inline]
fn bit_of(slot: u32) -> (usize, u64) {
    (slot as usize / 64, 1u64 << (slot % 64))
}

/// Calls `f` with the slot of every bit set in `bits`, in increasing order.
#[inline]
fn for_each_bit(bits: &[u64], mut f: impl FnMut(u32)) {
    for (i, &word) in bits.iter().enumerate() {
        let mut w = word;
        while w != 0 {
            f((i * 64) as u32 + w.trailing_zeros());
            w &= w - 1;
        }
    }
}

/// Whether a set of `len` slots up to `last` is better kept as a bitmap: `8 w` bytes for `w`
/// words against `4 len` for the vector.
#[inline]
fn dense_enough(len: usize, last: u32) -> bool {
    2 * words_for(last) <= len
}

impl SlotSet {
    /// From slots sorted and distinct already.
    fn from_sorted(slots: Vec<u32>) -> SlotSet {
        let mut set = SlotSet::Sparse(slots);
        set.rebalance();
        set
    }

    /// From a bitmap.
    fn from_bits(bits: &[u64]) -> SlotSet {
        let len = bits.iter().map(|w| w.count_ones() as usize).sum();
        let used = bits.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
        if len > 0 && 2 * used <= len {
            SlotSet::Dense {
                bits: bits.get(..used).unwrap_or_default().to_vec(),
                len,
            }
        } else {
            let mut slots = Vec::with_capacity(len);
            for_each_bit(bits, |slot| slots.push(slot));
            SlotSet::Sparse(slots)
        }
    }

    /// Adds `slot`; whether it was not there yet.
    #[inline]
    fn insert(&mut self, slot: u32) -> bool {
        // The common case inline: a bitmap that already has the slot's word (a bit set
        // within the words there never calls for the other form).
        if let SlotSet::Dense { bits, len } = self {
            let (w, bit) = bit_of(slot);
            if let Some(word) = bits.get_mut(w) {
                let added = *word & bit == 0;
                *word |= bit;
                *len += usize::from(added);
                return added;
            }
        }
        self.insert_slow(slot)
    }

    #[inline(never)]
    fn insert_slow(&mut self, slot: u32) -> bool {
        match self {
            SlotSet::Sparse(slots) => {
                match slots.last() {
                    Some(&last) if last >= slot => match slots.binary_search(&slot) {
                        Ok(_) => return false,
                        Err(at) => slots.insert(at, slot),
                    },
                    _ => slots.push(slot),
                }
                let last = slots.last().copied().unwrap_or(slot);
                if dense_enough(slots.len(), last) {
                    self.rebalance();
                }
                true
            }
            SlotSet::Dense { bits, len } => {
                let (w, bit) = bit_of(slot);
                if bits.len() <= w {
                    bits.resize(w + 1, 0);
                }
                let added = match bits.get_mut(w) {
                    Some(word) if *word & bit == 0 => {
                        *word |= bit;
                        *len += 1;
                        true
                    }
                    _ => false,
                };
                if bits.len() > 2 * *len {
                    self.rebalance();
                }
                added
            }
        }
    }

    fn remove(&mut self, slot: u32) -> bool {
        let removed = match self {
            SlotSet::Sparse(slots) => match slots.binary_search(&slot) {
                Ok(at) => {
                    slots.remove(at);
                    true
                }
                Err(_) => false,
            },
            SlotSet::Dense { bits, len } => {
                let (w, bit) = bit_of(slot);
                match bits.get_mut(w) {
                    Some(word) if *word & bit != 0 => {
                        *word &= !bit;
                        *len -= 1;
                        true
                    }
                    _ => false,
                }
            }
        };
        self.rebalance();
        removed
    }

    /// Switches to the smaller form, with a margin so that a set on the edge does not switch
    /// back and forth.
    fn rebalance(&mut self) {
        match self {
            SlotSet::Sparse(slots) => {
                let Some(&last) = slots.last() else { return };
                if dense_enough(slots.len(), last) {
                    let mut bits = vec![0u64; words_for(last)];
                    for &slot in slots.iter() {
                        let (w, bit) = bit_of(slot);
                        if let Some(word) = bits.get_mut(w) {
                            *word |= bit;
                        }
                    }
                    *self = SlotSet::Dense {
                        bits,
                        len: slots.len(),
                    };
                }
            }
            SlotSet::Dense { bits, len } => {
                if bits.len() > 2 * *len {
                    let mut slots = Vec::with_capacity(*len);
                    for_each_bit(bits, |slot| slots.push(slot));
                    *self = SlotSet::Sparse(slots);
                }
            }
        }
    }

    fn contains(&self, slot: u32) -> bool {
        match self {
            SlotSet::Sparse(slots) => slots.binary_search(&slot).is_ok(),
            SlotSet::Dense { bits, .. } => {
                let (w, bit) = bit_of(slot);
                bits.get(w).is_some_and(|word| word & bit != 0)
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            SlotSet::Sparse(slots) => slots.len(),
            SlotSet::Dense { len, .. } => *len,
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slots, in increasing order.
    fn iter(&self) -> SlotIter<'_> {
        match self {
            SlotSet::Sparse(slots) => SlotIter::Sparse(slots.iter()),
            SlotSet::Dense { bits, .. } => SlotIter::Dense {
                words: bits.iter(),
                base: 0,
                word: 0,
            },
        }
    }

    /// Calls `f` with every slot, in increasing order (faster than [`Self::iter`]).
    #[inline]
    fn for_each(&self, mut f: impl FnMut(u32)) {
        match self {
            SlotSet::Sparse(slots) => slots.iter().for_each(|&s| f(s)),
            SlotSet::Dense { bits, .. } => for_each_bit(bits, f),
        }
    }

    /// Sets the bits of the set's slots in `out` (slots past its end are left out).
    #[inline]
    fn or_into(&self, out: &mut [u64]) {
        match self {
            SlotSet::Sparse(slots) => {
                for &slot in slots {
                    let (w, bit) = bit_of(slot);
                    if let Some(word) = out.get_mut(w) {
                        *word |= bit;
                    }
                }
            }
            SlotSet::Dense { bits, .. } => {
                for (o, b) in out.iter_mut().zip(bits) {
                    *o |= b;
                }
            }
        }
    }

    /// Calls `f(slot, true)` for the slots of `new` not in `self` and `f(slot, false)` for
    /// those of `self` not in `new`: one merge of the two sets (or a pass over one of them
    /// when the other is empty).
    fn diff(&self, new: &SlotSet, mut f: impl FnMut(u32, bool)) {
        if self.is_empty() {
            return new.for_each(|slot| f(slot, true));
        }
        if new.is_empty() {
            return self.for_each(|slot| f(slot, false));
        }
        let (mut a, mut b) = (self.iter().peekable(), new.iter().peekable());
        loop {
            match (a.peek().copied(), b.peek().copied()) {
                (Some(x), Some(y)) => {
                    if x == y {
                        a.next();
                        b.next();
                    } else if x < y {
                        f(x, false);
                        a.next();
                    } else {
                        f(y, true);
                        b.next();
                    }
                }
                (Some(x), None) => {
                    f(x, false);
                    a.next();
                }
                (None, Some(y)) => {
                    f(y, true);
                    b.next();
                }
                (None, None) => break,
            }
        }
    }
}

/// The slots of a [`SlotSet`], in increasing order.
enum SlotIter<'a> {
    Sparse(std::slice::Iter<'a, u32>),
    Dense {
        words: std::slice::Iter<'a, u64>,
        /// The slot of bit 0 of `word`, plus 64.
        base: u32,
        /// What is left of the current word.
        word: u64,
    },
}

impl Iterator for SlotIter<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self {
            SlotIter::Sparse(slots) => slots.next().copied(),
            SlotIter::Dense { words, base, word } => {
                while *word == 0 {
                    *word = *words.next()?;
                    *base += 64;
                }
                let slot = *base - 64 + word.trailing_zeros();
                *word &= *word - 1;
                Some(slot)
            }
        }
    }
}

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

/// How [`SelectorIndex::use_candidates`] weighs evaluating one candidate: as many bitmap
/// words as this (a word holds 64 endpoints).
const CANDIDATE_WORDS: usize = 8;

/// The most bitmap words a bulk match may use (8 MB); larger ones go through candidates.
const MAX_BULK_WORDS: usize = 1 << 20;

/// The most words of scratch bitmaps the index keeps between calls (512 KB).
const KEPT_SCRATCH_WORDS: usize = 1 << 16;

/// How an added selector is matched against the endpoints: chosen by cost (`Auto`), or
/// forced, so that the tests hold both ways to the naive loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Plan {
    #[default]
    Auto,
    #[cfg_attr(not(test), allow(dead_code))]
    Candidates,
    #[cfg_attr(not(test), allow(dead_code))]
    Bulk,
}

/// Where a selector is filed (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// It can never match: never evaluated.
    Never,
    /// Every label set it matches satisfies one of these probes (sorted, distinct, not
    /// empty): only endpoints that do are candidates. When `exact`, every candidate matches
    /// (the selector says no more than the probes) and nothing is evaluated.
    Probes { probes: Box<[Probe]>, exact: bool },
    /// Every label set it does *not* match satisfies one of these probes: endpoints that
    /// satisfy none match without evaluation, the others are evaluated, or (when `exact`)
    /// do not match. `env != "qa"` is `Except` `(env, qa)`, exactly.
    Except { probes: Box<[Probe]>, exact: bool },
    /// Evaluated against every endpoint. No selector gets this key today (every leaf test
    /// gives probes for one verdict or the other, and so does every chain of them); it keeps
    /// the index correct should an operator without probes ever be added.
    Scan,
}

/// A test that the index answers from its tables, without evaluating anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Probe {
    /// The label has this value.
    Value(Symbol, Symbol),
    /// The label is present.
    Name(Symbol),
    /// The label's value `contains` / `starts with` / `ends with` the string (a symbol).
    /// Answered by testing each distinct value the label has among the endpoints once, then
    /// taking the endpoints with the values that pass; on the endpoints' side it is filed
    /// under the name, and the string test is done on the endpoint's value.
    Text(Symbol, TextOp, Symbol),
}

/// The string tests a [`Probe::Text`] can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TextOp {
    Contains,
    StartsWith,
    EndsWith,
}

impl TextOp {
    fn of(cmp: CompareOp) -> Option<TextOp> {
        match cmp {
            CompareOp::Contains => Some(TextOp::Contains),
            CompareOp::StartsWith => Some(TextOp::StartsWith),
            CompareOp::EndsWith => Some(TextOp::EndsWith),
            CompareOp::Eq | CompareOp::Ne => None,
        }
    }

    fn cmp(self) -> CompareOp {
        match self {
            TextOp::Contains => CompareOp::Contains,
            TextOp::StartsWith => CompareOp::StartsWith,
            TextOp::EndsWith => CompareOp::EndsWith,
        }
    }
}

impl Probe {
    /// The probe's label.
    fn name(self) -> Symbol {
        match self {
            Probe::Value(n, _) | Probe::Name(n) | Probe::Text(n, _, _) => n,
        }
    }
}

/// What [`SelectorIndex::cover`] appended: probes of which any label set for which an
/// expression has a given verdict satisfies at least one, bringing up about `cost` endpoints
/// now; `exact` when satisfying one also implies that verdict.
#[derive(Clone, Copy)]
struct Cover {
    cost: usize,
    exact: bool,
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
    /// entries, which recording matches walks by the hundred: a label set is 144 bytes.
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

    /// Where a selector should be filed.
    ///
    /// Calico's label restrictions are per label and say nothing about `a == "x" || b == "y"`
    /// or `env != "qa"`, so the index derives its own *covers* from the tree (see
    /// [`Self::cover`]): probes that every matching label set satisfies give `Probes`; failing
    /// that, probes that every non-matching label set satisfies give `Except`; failing both,
    /// the selector is scanned. A selector whose restrictions are impossible is never filed.
    ///
    /// The tree is the parser's flat one ([`Selector::with_tree`]): no [`Expr`](crate::Expr)
    /// is built.
    fn choose_key(
        &self,
        selector: &Selector,
        compiled: &InternedSelector,
        symbol: impl Fn(&str) -> Symbol,
    ) -> Key {
        let may_conflict = restrictions_may_conflict(compiled);
        selector.with_tree(|tree, text| {
            if may_conflict && restrict::can_never_match(tree, text) {
                return Key::Never;
            }
            self.key_of(tree, |t| symbol(tree::slice(text, t)))
        })
    }

    /// The key of a selector whose label restrictions are possible (or not looked at), from
    /// its tree; `symbol` gives the symbol of a label name or value of the tree's text.
    fn key_of(&self, tree: &Tree, symbol: impl Fn(Text) -> Symbol) -> Key {
        // A tree without its root (impossible) fails closed: the selector matches nothing.
        let Some(root) = tree.root() else {
            return Key::Never;
        };
        let mut probes = Vec::new();
        let probes_of = |mut probes: Vec<Probe>| {
            probes.sort_unstable();
            probes.dedup();
            probes.into_boxed_slice()
        };
        if let Some(cover) = self.cover(tree, root, true, &symbol, &mut probes) {
            if probes.is_empty() {
                return Key::Never;
            }
            return Key::Probes {
                probes: probes_of(probes),
                exact: cover.exact,
            };
        }
        match self.cover(tree, root, false, &symbol, &mut probes) {
            Some(cover) => Key::Except {
                probes: probes_of(probes),
                exact: cover.exact,
            },
            None => Key::Scan,
        }
    }

    fn probe_cost(&self, probe: Probe) -> usize {
        // Twice the endpoints a probe brings up, plus a little for a probe that tests less
        // than a value, so that with no endpoints yet (all counts zero) a pair is preferred
        // to a string test, and that to a mere presence.
        match probe {
            Probe::Value(n, v) => 2 * self.endpoints_with_value(n, v).map_or(0, SlotSet::len),
            // An estimate, to spare a string test per distinct value: a quarter of the
            // endpoints with the label.
            Probe::Text(n, ..) => self.endpoints_by_name.get(&n).map_or(0, |s| s.len()) / 2 + 2,
            Probe::Name(n) => 2 * self.endpoints_by_name.get(&n).map_or(0, |s| s.len()) + 3,
        }
    }

    /// Whether a probe holds on a label set.
    fn probe_holds(&self, probe: Probe, labels: impl Fn(Symbol) -> Option<Symbol>) -> bool {
        match probe {
            Probe::Value(n, v) => labels(n) == Some(v),
            Probe::Name(n) => labels(n).is_some(),
            Probe::Text(n, cmp, operand) => {
                labels(n).is_some_and(|v| self.text_holds(v, cmp, operand))
            }
        }
    }

    fn text_holds(&self, value: Symbol, op: TextOp, operand: Symbol) -> bool {
        match self.interner.resolve(operand) {
            Some(operand) => TextTest::new(op.cmp(), operand).holds(&self.interner, value),
            None => false,
        }
    }

    /// Appends to `out` probes that every label set on which node `n` of `tree` is `verdict`
    /// satisfies, if there are any (else leaves `out` as it was).
    ///
    /// A leaf that requires a label gives one probe when it must hold (`has`, `contains`,
    /// `starts with`, `ends with`: the name; `==`: the pair; `in`: one pair per member), and
    /// `!=` and `not in` give the pairs when they must fail. `!e` swaps the verdict. When
    /// all operands of a chain must have the verdict (`&&` true, `||` false), the cheapest
    /// operand's cover will do; when one of them must (`&&` false, `||` true), every operand
    /// needs a cover and their union is taken. Anything else (a label that may be absent,
    /// `all()` true) has none. `all()` false has the empty cover: no label set. Everything
    /// goes into the one vector, the cheapest operand's probes kept in place of the others:
    /// no allocation per node (the caller sorts and deduplicates once).
    fn cover(
        &self,
        tree: &Tree,
        n: u32,
        verdict: bool,
        symbol: &impl Fn(Text) -> Symbol,
        out: &mut Vec<Probe>,
    ) -> Option<Cover> {
        let start = out.len();
        let mut leaf = |probe: Probe, exact: bool| {
            out.push(probe);
            Some(Cover {
                cost: self.probe_cost(probe),
                exact,
            })
        };
        // A node the tree does not have (impossible) has no cover: the selector is then
        // evaluated, and its program fails closed the same way.
        match (tree.node(n)?.kind, verdict) {
            (Kind::Not { child }, _) => self.cover(tree, child, !verdict, symbol, out),
            (Kind::All | Kind::Global, true) => None,
            (Kind::All | Kind::Global, false) => Some(Cover {
                cost: 0,
                exact: true,
            }),
            (Kind::Has { label }, true) => leaf(Probe::Name(symbol(label)), true),
            (
                Kind::Compare {
                    cmp: cmp @ (CompareOp::Contains | CompareOp::StartsWith | CompareOp::EndsWith),
                    label,
                    value,
                },
                true,
            ) => match (symbol(value), TextOp::of(cmp)) {
                (operand, Some(op)) if operand != Symbol::UNKNOWN => {
                    leaf(Probe::Text(symbol(label), op, operand), true)
                }
                _ => leaf(Probe::Name(symbol(label)), false),
            },
            (
                Kind::Compare {
                    cmp: CompareOp::Eq,
                    label,
                    value,
                },
                true,
            )
            | (
                Kind::Compare {
                    cmp: CompareOp::Ne,
                    label,
                    value,
                },
                false,
            ) => leaf(Probe::Value(symbol(label), symbol(value)), true),
            (
                Kind::In {
                    label,
                    members,
                    negated,
                },
                _,
            ) if negated != verdict => {
                let name = symbol(label);
                let mut cost = 0;
                for &v in tree.members(members) {
                    let probe = Probe::Value(name, symbol(v));
                    cost += self.probe_cost(probe);
                    out.push(probe);
                }
                Some(Cover { cost, exact: true })
            }
            (Kind::And { kids }, true) | (Kind::Or { kids }, false) => {
                // The best cover so far is `out[start..]`; a cheaper one replaces it.
                let mut best: Option<Cover> = None;
                for &k in tree.kids(kids) {
                    let at = out.len();
                    let Some(cover) = self.cover(tree, k, verdict, symbol, out) else {
                        continue;
                    };
                    match best {
                        Some(b) if b.cost <= cover.cost => out.truncate(at),
                        _ => {
                            out.drain(start..at);
                            best = Some(cover);
                        }
                    }
                }
                best.map(|b| Cover { exact: false, ..b })
            }
            (Kind::And { kids }, false) | (Kind::Or { kids }, true) => {
                let mut union = Cover {
                    cost: 0,
                    exact: true,
                };
                for &k in tree.kids(kids) {
                    let Some(cover) = self.cover(tree, k, verdict, symbol, out) else {
                        out.truncate(start);
                        return None;
                    };
                    union.cost += cover.cost;
                    union.exact &= cover.exact;
                }
                Some(union)
            }
            (Kind::Has { .. } | Kind::Compare { .. } | Kind::In { .. }, _) => None,
        }
    }

    /// Calls `f` with every endpoint satisfying a probe.
    fn for_each_endpoint_with(&self, probe: Probe, mut f: impl FnMut(u32)) {
        match probe {
            Probe::Value(n, v) => {
                if let Some(set) = self.endpoints_with_value(n, v) {
                    set.for_each(f);
                }
            }
            Probe::Name(n) => {
                if let Some(set) = self.endpoints_by_name.get(&n) {
                    set.for_each(f);
                }
            }
            Probe::Text(n, cmp, operand) => {
                for &(v, at) in self.values_by_name.get(&n).into_iter().flatten() {
                    if self.text_holds(v, cmp, operand) {
                        if let Some(set) = self.value_sets.get(at) {
                            set.for_each(&mut f);
                        }
                    }
                }
            }
        }
    }

    /// Whether to match a selector against the endpoints through its key's candidates
    /// ([`Self::matching_endpoints`]) rather than all at once by set operations
    /// ([`Self::matching_endpoints_bulk`]).
    ///
    /// The set operations cost a few passes over a bitmap of all endpoints per node of the
    /// selector's graph, one word per 64 endpoints and a nanosecond or so a word; evaluating a
    /// candidate costs some tens of nanoseconds. So candidates win only when the key brings up
    /// fewer than about one endpoint in 500 per node (`env == "prod" && ...` among a hundred
    /// thousand pods), and whenever the bitmaps of a huge selector would take too much memory.
    fn use_candidates(&self, key: &Key, nodes: usize) -> bool {
        let words = self.all_endpoints.len().max(1);
        let bulk = (nodes + 1).saturating_mul(words);
        if bulk > MAX_BULK_WORDS {
            return true;
        }
        let candidates = match key {
            Key::Never => return true,
            Key::Except { .. } | Key::Scan => self.endpoint_count(),
            Key::Probes { probes, .. } => probes
                .iter()
                .map(|&p| match p {
                    Probe::Value(n, v) => self.endpoints_with_value(n, v).map_or(0, SlotSet::len),
                    Probe::Name(n) | Probe::Text(n, ..) => {
                        self.endpoints_by_name.get(&n).map_or(0, |s| s.len())
                    }
                })
                .sum(),
        };
        match self.plan {
            Plan::Auto => candidates.saturating_mul(CANDIDATE_WORDS) < bulk,
            Plan::Candidates => true,
            Plan::Bulk => false,
        }
    }

    /// The endpoint slots `graph` (a compiled selector) matches, sorted, decided for all
    /// endpoints at once: no endpoint is evaluated on its own.
    ///
    /// The decision graph is run over *sets* of endpoints instead of one label set: the entry
    /// node starts with every endpoint, and each node, in order, splits the set that reaches
    /// it into the endpoints whose label passes its test (the union of the index's tables for
    /// the label: `has` is the set of endpoints with the label, `==` that of the pair, `in` the
    /// union over its members, a string test the union over the label's distinct values that
    /// pass, each value tested once) and the others, and adds each part to the set reaching
    /// its target. What reaches "true" is the answer. Sets are bitmaps of the endpoint slots,
    /// one row per node in `rows` plus one for "true" and a row for the test's set in `leaf`
    /// (both scratch space), so every step is a pass of word-wide `and`, `and not` and `or`.
    fn matching_endpoints_bulk(
        &self,
        graph: &impl Graph,
        rows: &mut Vec<u64>,
        leaf: &mut Vec<u64>,
    ) -> SlotSet {
        let words = self.all_endpoints.len();
        let nodes = graph.node_count();
        // Row of a target: a node's own, `nodes` for "true", none for "false".
        let row_of = |target: u32| match target {
            TRUE => Some(nodes),
            t if (t as usize) < nodes => Some(t as usize),
            _ => None,
        };
        rows.clear();
        rows.resize((nodes + 1) * words, 0);
        leaf.clear();
        leaf.resize(words, 0);
        let Some(entry) = row_of(graph.entry()) else {
            return SlotSet::default();
        };
        if let Some(row) = rows.get_mut(entry * words..(entry + 1) * words) {
            row.copy_from_slice(&self.all_endpoints);
        }
        for (i, node) in graph.graph_nodes().enumerate() {
            let (head, tail) = rows.split_at_mut((i + 1) * words);
            let Some(reach) = head.get(i * words..) else {
                continue;
            };
            if reach.iter().all(|&w| w == 0) {
                continue;
            }
            // `tail` starts at row i + 1; targets always lie further on.
            let target_row = |target: u32| {
                let j = row_of(target)?.checked_sub(i + 1)?;
                Some(j * words..(j + 1) * words)
            };
            if node.on_true == node.on_false {
                if let Some(dst) = target_row(node.on_true).and_then(|r| tail.get_mut(r)) {
                    dst.iter_mut().zip(reach).for_each(|(d, &r)| *d |= r);
                }
                continue;
            }
            leaf.iter_mut().for_each(|w| *w = 0);
            self.leaf_set(node.name, node.test, reach, leaf);
            // The part that passes goes to `on_true`, the rest (`leaf` flipped) to `on_false`.
            for (target, flip) in [(node.on_true, 0), (node.on_false, !0u64)] {
                if let Some(dst) = target_row(target).and_then(|r| tail.get_mut(r)) {
                    for ((d, &r), &l) in dst.iter_mut().zip(reach).zip(leaf.iter()) {
                        *d |= r & (l ^ flip);
                    }
                }
            }
        }
        rows.get(nodes * words..)
            .map_or_else(SlotSet::default, SlotSet::from_bits)
    }

    /// The endpoints with label `name` set to `value`.
    #[inline]
    fn endpoints_with_value(&self, name: Symbol, value: Symbol) -> Option<&SlotSet> {
        let at = *self.endpoints_by_value.get(&(name, value))?;
        self.value_sets.get(at)
    }

    /// Sets in `out` the bits of the endpoints whose label `name` passes `test`, among those
    /// of `reach` at least (the others may be set or not).
    ///
    /// A string test is made once per distinct value of the label, taking the endpoints of
    /// the values that pass; or, when fewer endpoints reach the test than the label has
    /// values (`version starts with "v2."` after `app == "web"`), once per endpoint.
    fn leaf_set(&self, name: Symbol, test: LeafTest<'_>, reach: &[u64], out: &mut [u64]) {
        match test {
            LeafTest::Has => {
                if let Some(set) = self.endpoints_by_name.get(&name) {
                    set.or_into(out);
                }
            }
            LeafTest::Eq(value) => {
                if let Some(set) = self.endpoints_with_value(name, value) {
                    set.or_into(out);
                }
            }
            LeafTest::In(values) => {
                for set in values
                    .iter()
                    .filter_map(|&v| self.endpoints_with_value(name, v))
                {
                    set.or_into(out);
                }
            }
            LeafTest::Text(cmp, operand) => {
                let test = TextTest::new(cmp, operand);
                let passes = |v: Symbol| test.holds(&self.interner, v);
                let values = self
                    .values_by_name
                    .get(&name)
                    .map_or(&[][..], Vec::as_slice);
                let reached: usize = reach.iter().map(|w| w.count_ones() as usize).sum();
                if reached < values.len() {
                    let number = self.interner.number(name);
                    for_each_bit(reach, |slot| {
                        let labels = self.labels_of(slot);
                        let value = labels.and_then(|l| l.get_number(name, number));
                        if value.is_some_and(passes) {
                            let (w, bit) = bit_of(slot);
                            if let Some(word) = out.get_mut(w) {
                                *word |= bit;
                            }
                        }
                    });
                } else {
                    for &(v, at) in values {
                        if passes(v) {
                            if let Some(set) = self.value_sets.get(at) {
                                set.or_into(out);
                            }
                        }
                    }
                }
            }
        }
    }

    /// The endpoint slots a selector filed under `key` matches, sorted; `eval` decides the
    /// candidates that the key alone does not. `seen` is scratch space.
    fn matching_endpoints(
        &self,
        key: &Key,
        seen: &mut Seen,
        mut eval: impl FnMut(&LabelSet) -> bool,
    ) -> Vec<u32> {
        let mut out = Vec::with_capacity(match key {
            Key::Probes { .. } | Key::Never => 0,
            Key::Except { .. } | Key::Scan => self.endpoint_count(),
        });
        seen.next();
        match key {
            Key::Never => {}
            Key::Scan => {
                for (slot, _) in self.endpoints.iter() {
                    if self.labels_of(slot).is_some_and(&mut eval) {
                        out.push(slot);
                    }
                }
            }
            Key::Probes { probes, exact } => {
                for &probe in probes.iter() {
                    self.for_each_endpoint_with(probe, |slot| {
                        if !seen.first(slot) {
                            return;
                        }
                        let Some(labels) = self.labels_of(slot) else {
                            return;
                        };
                        if *exact || eval(labels) {
                            out.push(slot);
                        }
                    });
                }
                out.sort_unstable();
            }
            Key::Except { probes, exact } => {
                for &probe in probes.iter() {
                    self.for_each_endpoint_with(probe, |slot| {
                        seen.first(slot);
                    });
                }
                for (slot, _) in self.endpoints.iter() {
                    let matched = if seen.contains(slot) {
                        !*exact && self.labels_of(slot).is_some_and(&mut eval)
                    } else {
                        true
                    };
                    if matched {
                        out.push(slot);
                    }
                }
            }
        }
        out
    }

    /// The selector slots that match an endpoint, sorted: `labels` are its `(name, value)`
    /// symbols (`None` for a value never interned, whose text probes cannot then be
    /// answered from symbols: `text_decidable` is false) and `lookup` finds a label's value
    /// among them; `eval` decides the candidates that their keys alone do not. `seen` and
    /// `marked` are scratch space.
    fn matching_selectors(
        &self,
        labels: impl Iterator<Item = (Symbol, Option<Symbol>)>,
        lookup: impl Fn(Symbol) -> Option<Symbol> + Copy,
        text_decidable: bool,
        seen: &mut Seen,
        marked: &mut Seen,
        mut eval: impl FnMut(&SelectorEntry<S>) -> bool,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        seen.next();
        marked.next();
        for (name, value) in labels {
            if let Some(set) = value.and_then(|v| self.selectors_by_value.get(&(name, v))) {
                for slot in set.iter() {
                    if seen.first(slot) {
                        self.decide(slot, &mut out, &mut eval);
                    }
                }
            }
            if let Some(set) = self.selectors_by_name.get(&name) {
                for slot in set.iter() {
                    if !seen.first(slot) {
                        continue;
                    }
                    // Filed under this name for a presence or text probe: when the key is
                    // exact and that probe is a text test, the test settles it.
                    match self.selectors.get(slot).map(|e| &e.key) {
                        Some(Key::Probes {
                            probes,
                            exact: true,
                        }) if text_decidable
                            && probes.iter().any(|p| matches!(p, Probe::Text(..))) =>
                        {
                            if probes.iter().any(|&p| self.probe_holds(p, lookup)) {
                                out.push(slot);
                            }
                        }
                        _ => self.decide(slot, &mut out, &mut eval),
                    }
                }
            }
            let by_value = value.and_then(|v| self.excepted_by_value.get(&(name, v)));
            let by_name = self.excepted_by_name.get(&name);
            for slot in by_value.into_iter().chain(by_name).flat_map(SlotSet::iter) {
                marked.first(slot);
            }
        }
        for slot in self.excepted.iter() {
            let Some(entry) = self.selectors.get(slot) else {
                continue;
            };
            let Key::Except { probes, exact } = &entry.key else {
                continue;
            };
            let has_text = probes.iter().any(|p| matches!(p, Probe::Text(..)));
            // `Some(verdict)` when the probes settle it, `None` when it must be evaluated.
            let settled = if !marked.contains(slot) {
                Some(true) // no probe's label is there: it matches
            } else if has_text && !text_decidable {
                None
            } else if !has_text || probes.iter().any(|&p| self.probe_holds(p, lookup)) {
                exact.then_some(false)
            } else {
                Some(true)
            };
            if settled.unwrap_or_else(|| eval(entry)) {
                out.push(slot);
            }
        }
        for slot in self.scanned.iter() {
            self.decide(slot, &mut out, &mut eval);
        }
        out.sort_unstable();
        out
    }

    /// Adds selector `slot` to `out` if it matches: without evaluation when its key is exact.
    #[inline]
    fn decide(
        &self,
        slot: u32,
        out: &mut Vec<u32>,
        eval: &mut impl FnMut(&SelectorEntry<S>) -> bool,
    ) {
        if let Some(entry) = self.selectors.get(slot) {
            let matched = match &entry.key {
                Key::Probes {
                    probes,
                    exact: true,
                } if !probes.iter().any(|p| matches!(p, Probe::Text(..))) => true,
                _ => eval(entry),
            };
            if matched {
                out.push(slot);
            }
        }
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

/// Marks slots during one call without clearing anything between calls: a slot is marked
/// when its stamp equals the current epoch.
#[derive(Default)]
struct Seen {
    stamps: Vec<u32>,
    epoch: u32,
}

impl Seen {
    /// Starts a new call: nothing is marked.
    fn next(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
    }

    /// Marks `slot`; whether it was not marked yet.
    #[inline]
    fn first(&mut self, slot: u32) -> bool {
        let i = slot as usize;
        if i >= self.stamps.len() {
            self.stamps.resize(i + 1, 0);
        }
        match self.stamps.get_mut(i) {
            Some(stamp) if *stamp != self.epoch => {
                *stamp = self.epoch;
                true
            }
            _ => false,
        }
    }

    /// Whether `slot` is marked.
    #[inline]
    fn contains(&self, slot: u32) -> bool {
        self.stamps.get(slot as usize) == Some(&self.epoch)
    }
}

/// Whether a selector's label restrictions could be impossible, for all its compiled graph
/// shows: computing them builds a map of strings, so the index does it only when needed.
///
/// A restriction is impossible when it asks a label to be both present and absent, or to
/// have a value from an empty set. A single test never does that but `in {}`; and since
/// `&&` merges the restrictions of one label and `||` keeps only the labels all its
/// operands restrict, every other conflict needs two tests of the same label. So a selector
/// that tests each label once, with no empty set, has possible restrictions.
fn restrictions_may_conflict(graph: &impl Graph) -> bool {
    let mut names: Vec<Symbol> = Vec::with_capacity(graph.node_count());
    for node in graph.graph_nodes() {
        if names.contains(&node.name) || matches!(node.test, LeafTest::In([])) {
            return true;
        }
        names.push(node.name);
    }
    false
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_strategies::{label_name, label_value, selector_text};
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    type Pairs = Vec<(String, String)>;

    fn parse(s: &str) -> Selector {
        Selector::parse(s).unwrap()
    }

    #[test]
    fn selectors_that_can_never_match_are_never_evaluated() {
        let mut index = SelectorIndex::<u8, u8>::new();
        for e in 0..10 {
            index.insert_endpoint(e, [("a", "x"), ("b", "y")]);
        }
        for (s, text) in ["has(a) && !has(a)", "a in {}", "a == 'x' && a == 'y'"]
            .into_iter()
            .enumerate()
        {
            assert!(index.insert_selector(s as u8, parse(text)).is_empty());
        }
        assert_eq!(index.evaluations(), 0);
        index.insert_endpoint(11, [("a", "y")]);
        assert_eq!(index.evaluations(), 0);
    }

    #[test]
    fn conflicting_restrictions_need_a_label_twice_or_an_empty_set() {
        let mut interner = Interner::new();
        for text in [
            "a == 'x' && b == 'y' || !has(c) && d in {'x', 'y'} && e contains 'z'",
            "all()",
            "!(a in {'x'})",
        ] {
            let s = parse(text);
            assert!(!restrictions_may_conflict(&interner.compile(&s)), "{text}");
            assert!(!s.can_never_match(), "{text}");
        }
        for text in [
            "has(a) && !has(a)",
            "a in {}",
            "!(b in {})",
            "a == 'x' && a == 'y'",
            "a == 'x' || a == 'y'",
        ] {
            let s = parse(text);
            assert!(restrictions_may_conflict(&interner.compile(&s)), "{text}");
        }
    }

    proptest! {
        #[test]
        fn selectors_without_conflicts_can_match(text in selector_text()) {
            let s = parse(&text);
            if !restrictions_may_conflict(&Interner::new().compile(&s)) {
                prop_assert!(!s.can_never_match());
            }
        }
    }

    #[test]
    fn inserting_a_selector_builds_no_syntax_tree() {
        let mut index = SelectorIndex::<usize, u8>::new();
        index.insert_endpoint(0, [("a", "x"), ("b", "y")]);
        let texts = [
            r#"a == "x" && b in {"y","z"}"#,
            r#"!has(c) || d != "e""#,
            "app contains 'e' && tier not in {'db'}",
            // Labels tested twice: restrictions are looked at too.
            "a == 'x' && (a == 'y' || b starts with 'q')",
            "has(a) && !has(a)",
            "a in {}",
            "",
        ];
        for (i, text) in texts.into_iter().enumerate() {
            let s = parse(text);
            index.insert_selector(i, s.clone());
            index.endpoints_matching_selector(&s);
            assert!(s.built_ast().is_none(), "{text}");
        }
        assert_eq!(index.endpoints_matching(&4).count(), 0);
    }

    #[test]
    fn a_selector_made_from_a_tree_is_filed_by_that_tree() {
        // Its source, `has(a) || has(b)`, parses to another tree than the one it evaluates.
        let s = parse("has(a)").map_labels(|_| "a) || has(b".to_owned());
        assert_eq!(s.source(), "has(a) || has(b)");
        let mut index = SelectorIndex::<u8, u8>::new();
        index.plan = Plan::Candidates;
        index.insert_endpoint(0, [("b", "")]);
        index.insert_endpoint(1, [("a) || has(b", "")]);
        assert_eq!(index.insert_selector(0, s.clone()).started, [(0, 1)]);
        let mut index = SelectorIndex::<u8, u8>::new();
        index.insert_selector(0, s);
        assert!(index.insert_endpoint(0, [("b", "")]).is_empty());
        assert_eq!(
            index.insert_endpoint(1, [("a) || has(b", "")]).started,
            [(0, 1)]
        );
    }

    proptest! {
        #[test]
        fn restrictions_from_the_tree_agree_with_the_syntax_tree(text in selector_text()) {
            let s = parse(&text);
            let from_tree = crate::syntax::parser::with_tree(&text, |t| restrict::can_never_match(t, &text));
            let from_expr = restrict::restrictions(s.ast())
                .values()
                .any(crate::LabelRestriction::is_impossible);
            prop_assert_eq!(from_tree.ok(), Some(from_expr));
            prop_assert_eq!(s.can_never_match(), from_expr);
        }
    }

    #[test]
    fn exact_keys_need_no_evaluation() {
        let mut index = SelectorIndex::<u8, u8>::new();
        index.plan = Plan::Candidates;
        for (e, env) in ["qa", "prod", "dev"].into_iter().enumerate() {
            index.insert_endpoint(e as u8, [("env", env), ("app", "web-1")]);
        }
        index.insert_endpoint(3, [("app", "db")]);
        let cases = [
            ("env != 'qa'", 3),
            ("env not in {'qa', 'dev'}", 2),
            ("env == 'prod' || env == 'dev'", 2),
            ("app starts with 'web'", 3),
            ("!(app contains 'b')", 0),
            ("all()", 4),
        ];
        for (s, (text, expected)) in cases.into_iter().enumerate() {
            let changes = index.insert_selector(s as u8, parse(text));
            assert_eq!(changes.started.len(), expected, "{text}");
        }
        assert_eq!(index.evaluations(), 0);
    }

    #[test]
    fn candidates_only_are_evaluated() {
        let mut index = SelectorIndex::<u8, u8>::new();
        index.plan = Plan::Candidates;
        for e in 0..10 {
            index.insert_endpoint(e, [("tier", if e < 2 { "db" } else { "web" })]);
        }
        index.insert_selector(0, parse("tier == 'db' && !has(x)"));
        assert_eq!(index.evaluations(), 2);
        assert_eq!(index.endpoints_matching(&0).count(), 2);
        // Every endpoint it does not match has tier=db: only those two are evaluated.
        index.insert_selector(1, parse("tier != 'db' || x contains 'q'"));
        assert_eq!(index.evaluations(), 4);
        assert_eq!(index.endpoints_matching(&1).count(), 8);
        // Every endpoint it does not match has label y: none has, all match unevaluated.
        index.insert_selector(2, parse("(has(x) || !has(y)) || (!has(z) && has(w))"));
        assert_eq!(index.evaluations(), 4);
        assert_eq!(index.endpoints_matching(&2).count(), 10);
    }

    #[test]
    fn replacing_and_removing_report_changes() {
        let mut index = SelectorIndex::<&str, &str>::new();
        index.insert_endpoint("e", [("a", "1")]);
        index.insert_selector("s", parse("a == '1'"));
        let c = index.insert_endpoint("e", [("a", "1"), ("b", "2")]);
        assert!(c.is_empty());
        let c = index.insert_selector("s", parse("b == '2'"));
        assert!(c.is_empty());
        let c = index.insert_endpoint("e", [("a", "1")]);
        assert_eq!(c.stopped, [("s", "e")]);
        assert!(index.remove_selector(&"s").is_empty());
        assert_eq!(index.selector_count(), 0);
        assert!(index.remove_endpoint(&"e").is_empty());
        assert_eq!(index.endpoint_count(), 0);
        assert!(index.endpoints_by_value.is_empty() && index.values_by_name.is_empty());
        assert!(index.value_sets.iter().next().is_none());
    }

    #[test]
    fn bulk_matching_on_many_endpoints_agrees_with_evaluation() {
        // Enough endpoints for several bitmap words and both forms of endpoint sets.
        let names = ["a", "b", "c"];
        let values = ["x", "y", "xy", "z", ""];
        let labels = |e: usize| -> Pairs {
            names
                .iter()
                .enumerate()
                .filter(|(i, _)| (e >> i) % 3 != 0)
                .map(|(i, n)| (n.to_string(), values[(e * (i + 7)) % 5].to_string()))
                .collect()
        };
        let texts = [
            "has(a) && b != 'x'",
            "a in {'x', 'y'} || !(c contains 'y')",
            "!(a starts with 'x') && (has(b) || c == '')",
            "a == 'z' && b == 'y' && c ends with 'y'",
            "all()",
            "!all()",
            "a == 'nowhere'",
        ];
        for plan in [Plan::Bulk, Plan::Candidates, Plan::Auto] {
            let mut index = SelectorIndex::<usize, usize>::new();
            index.plan = plan;
            for e in 0..300 {
                index.insert_endpoint(e, labels(e));
            }
            for (s, text) in texts.iter().enumerate() {
                let selector = parse(text);
                let mut got: Vec<usize> = index
                    .insert_selector(s, selector.clone())
                    .started
                    .iter()
                    .map(|p| p.1)
                    .collect();
                got.sort_unstable();
                let want: Vec<usize> = (0..300)
                    .filter(|&e| selector.matches(labels(e).as_slice()))
                    .collect();
                assert_eq!(got, want, "{text} ({plan:?})");
            }
            // Remove most endpoints (sets turn sparse again), then match again.
            for e in (0..300).filter(|e| e % 7 != 0) {
                index.remove_endpoint(&e);
            }
            for (s, text) in texts.iter().enumerate() {
                let selector = parse(text);
                let mut got: Vec<usize> = index
                    .endpoints_matching_selector(&selector)
                    .into_iter()
                    .copied()
                    .collect();
                got.sort_unstable();
                let want: Vec<usize> = (0..300)
                    .filter(|&e| e % 7 == 0 && selector.matches(labels(e).as_slice()))
                    .collect();
                assert_eq!(got, want, "{text} after removals ({plan:?})");
                let mut stored: Vec<usize> = index.endpoints_matching(&s).copied().collect();
                stored.sort_unstable();
                assert_eq!(stored, want);
            }
        }
    }

    #[test]
    fn endpoint_sets_switch_form_both_ways() {
        let mut set = SlotSet::default();
        for slot in 0..200 {
            set.insert(slot);
        }
        assert!(matches!(set, SlotSet::Dense { len: 200, .. }));
        for slot in 1..200 {
            set.remove(slot);
        }
        assert_eq!(set, SlotSet::Sparse(vec![0]));
        set.insert(5000);
        assert_eq!(set, SlotSet::Sparse(vec![0, 5000]));
        assert!(set.contains(5000) && !set.contains(4999));
    }

    proptest! {
        #[test]
        fn endpoint_sets_behave_as_sets(
            ops in prop::collection::vec((any::<bool>(), 0..700u32), 0..400),
        ) {
            let mut set = SlotSet::default();
            let mut model = BTreeSet::new();
            for (insert, slot) in ops {
                if insert {
                    prop_assert_eq!(set.insert(slot), model.insert(slot));
                } else {
                    prop_assert_eq!(set.remove(slot), model.remove(&slot));
                }
                prop_assert_eq!(set.len(), model.len());
                prop_assert_eq!(set.is_empty(), model.is_empty());
                let mut slots = Vec::new();
                set.for_each(|s| slots.push(s));
                prop_assert_eq!(&slots, &model.iter().copied().collect::<Vec<_>>());
                prop_assert_eq!(&set.iter().collect::<Vec<_>>(), &slots);
                let mut bits = vec![0u64; 11];
                set.or_into(&mut bits);
                let mut from_bits = Vec::new();
                for_each_bit(&bits, |s| from_bits.push(s));
                prop_assert_eq!(&from_bits, &slots);
                prop_assert_eq!(&SlotSet::from_bits(&bits).iter().collect::<Vec<_>>(), &slots);
                prop_assert_eq!(&SlotSet::from_sorted(slots.clone()).iter().collect::<Vec<_>>(), &slots);
                prop_assert!(model.iter().all(|&s| set.contains(s)));
                prop_assert_eq!(set.contains(slot), model.contains(&slot));
            }
        }

        #[test]
        fn slot_set_differences_are_exact(
            a in prop::collection::btree_set(0..300u32, 0..200),
            b in prop::collection::btree_set(0..300u32, 0..200),
        ) {
            let build = |m: &BTreeSet<u32>| {
                let mut set = SlotSet::default();
                m.iter().for_each(|&s| { set.insert(s); });
                set
            };
            let (x, y) = (build(&a), build(&b));
            let (mut started, mut stopped) = (BTreeSet::new(), BTreeSet::new());
            x.diff(&y, |slot, start| {
                if start { started.insert(slot) } else { stopped.insert(slot) };
            });
            prop_assert_eq!(started, b.difference(&a).copied().collect::<BTreeSet<_>>());
            prop_assert_eq!(stopped, a.difference(&b).copied().collect::<BTreeSet<_>>());
        }
    }

    fn labels() -> impl Strategy<Value = Pairs> {
        prop::collection::vec((label_name(), label_value()), 0..4)
    }

    #[derive(Debug, Clone)]
    enum Step {
        Selector(u8, String),
        RemoveSelector(u8),
        Endpoint(u8, Pairs),
        RemoveEndpoint(u8),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0..6u8, selector_text()).prop_map(|(i, s)| Step::Selector(i, s)),
            1 => (0..6u8).prop_map(Step::RemoveSelector),
            3 => (0..6u8, labels()).prop_map(|(i, l)| Step::Endpoint(i, l)),
            1 => (0..6u8).prop_map(Step::RemoveEndpoint),
        ]
    }

    /// The naive loop: every selector on every endpoint.
    fn naive(
        selectors: &BTreeMap<u8, Selector>,
        endpoints: &BTreeMap<u8, Pairs>,
    ) -> BTreeSet<(u8, u8)> {
        let mut out = BTreeSet::new();
        for (s, selector) in selectors {
            for (e, labels) in endpoints {
                if selector.matches(labels.as_slice()) {
                    out.insert((*s, *e));
                }
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_index_agrees_with_the_naive_loop(
            steps in prop::collection::vec(step(), 1..40),
            plan in prop::sample::select(vec![Plan::Auto, Plan::Candidates, Plan::Bulk]),
        ) {
            let mut index = SelectorIndex::<u8, u8>::new();
            index.plan = plan;
            let mut selectors = BTreeMap::new();
            let mut endpoints = BTreeMap::new();
            let mut before = BTreeSet::new();
            for step in steps {
                let changes = match step {
                    Step::Selector(id, text) => {
                        let s = parse(&text);
                        selectors.insert(id, s.clone());
                        index.insert_selector(id, s)
                    }
                    Step::RemoveSelector(id) => {
                        selectors.remove(&id);
                        index.remove_selector(&id)
                    }
                    Step::Endpoint(id, labels) => {
                        let changes = index.insert_endpoint(id, labels.iter().map(|(k, v)| (k, v)));
                        endpoints.insert(id, labels);
                        changes
                    }
                    Step::RemoveEndpoint(id) => {
                        endpoints.remove(&id);
                        index.remove_endpoint(&id)
                    }
                };
                let after = naive(&selectors, &endpoints);
                let started: BTreeSet<_> = changes.started.iter().copied().collect();
                let stopped: BTreeSet<_> = changes.stopped.iter().copied().collect();
                prop_assert_eq!(started.len(), changes.started.len());
                prop_assert_eq!(stopped.len(), changes.stopped.len());
                prop_assert_eq!(&started, &after.difference(&before).copied().collect());
                prop_assert_eq!(&stopped, &before.difference(&after).copied().collect());

                for s in selectors.keys() {
                    let got: BTreeSet<u8> = index.endpoints_matching(s).copied().collect();
                    let want: BTreeSet<u8> =
                        after.iter().filter(|p| p.0 == *s).map(|p| p.1).collect();
                    prop_assert_eq!(&got, &want);
                    let fresh: BTreeSet<u8> = index
                        .endpoints_matching_selector(&selectors[s])
                        .into_iter()
                        .copied()
                        .collect();
                    prop_assert_eq!(&fresh, &want);
                }
                for (e, labels) in &endpoints {
                    let got: BTreeSet<u8> = index.selectors_matching(e).copied().collect();
                    let want: BTreeSet<u8> =
                        after.iter().filter(|p| p.1 == *e).map(|p| p.0).collect();
                    prop_assert_eq!(&got, &want);
                    let fresh: BTreeSet<u8> = index
                        .selectors_matching_labels(labels.iter().map(|(k, v)| (k, v)))
                        .into_iter()
                        .copied()
                        .collect();
                    prop_assert_eq!(&fresh, &want);
                    for s in selectors.keys() {
                        prop_assert_eq!(index.is_match(s, e), after.contains(&(*s, *e)));
                    }
                }
                prop_assert_eq!(index.selector_count(), selectors.len());
                prop_assert_eq!(index.endpoint_count(), endpoints.len());
                before = after;
            }
        }

        #[test]
        fn queries_with_unseen_strings_agree_with_the_naive_loop(
            stored in prop::collection::vec(selector_text(), 0..6),
            text in selector_text(),
            endpoint_labels in prop::collection::vec(labels(), 0..6),
            query in prop::collection::vec(
                (prop::sample::select(vec!["a", "b", "z"]), prop::sample::select(vec!["x", "new", "xnew"])),
                0..4,
            ),
            plan in prop::sample::select(vec![Plan::Auto, Plan::Candidates, Plan::Bulk]),
        ) {
            let mut index = SelectorIndex::<usize, usize>::new();
            index.plan = plan;
            for (i, labels) in endpoint_labels.iter().enumerate() {
                index.insert_endpoint(i, labels.iter().map(|(k, v)| (k, v)));
            }
            for (i, s) in stored.iter().enumerate() {
                index.insert_selector(i, parse(s));
            }
            let s = parse(&text);
            let mut got: Vec<usize> = index.endpoints_matching_selector(&s).into_iter().copied().collect();
            got.sort_unstable();
            let want: Vec<usize> = endpoint_labels
                .iter()
                .enumerate()
                .filter(|(_, l)| s.matches(l.as_slice()))
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(got, want);
            let mut got: Vec<usize> = index.selectors_matching_labels(query.iter().copied()).into_iter().copied().collect();
            got.sort_unstable();
            let want: Vec<usize> = stored
                .iter()
                .enumerate()
                .filter(|(_, t)| parse(t).matches(query.as_slice()))
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(got, want);
        }
    }
}
