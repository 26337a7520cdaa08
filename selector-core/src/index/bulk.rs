//! Matching: a selector against all endpoints at once (its decision graph run over bitmaps),
//! or through the candidates its key brings up, and an endpoint against the selectors filed
//! under its labels.

use super::plan::*;
use super::slots::*;
use super::*;

impl<S, E> SelectorIndex<S, E> {
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
    pub(super) fn matching_endpoints_bulk(
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
    pub(super) fn endpoints_with_value(&self, name: Symbol, value: Symbol) -> Option<&SlotSet> {
        let at = *self.endpoints_by_value.get(&(name, value))?;
        self.value_sets.get(at)
    }

    /// Sets in `out` the bits of the endpoints whose label `name` passes `test`, among those
    /// of `reach` at least (the others may be set or not).
    ///
    /// A string test is made once per distinct value of the label, taking the endpoints of
    /// the values that pass; or, when fewer endpoints reach the test than the label has
    /// values (`version starts with "v2."` after `app == "web"`), once per endpoint.
    pub(super) fn leaf_set(
        &self,
        name: Symbol,
        test: LeafTest<'_>,
        reach: &[u64],
        out: &mut [u64],
    ) {
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
    pub(super) fn matching_endpoints(
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
    pub(super) fn matching_selectors(
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
    pub(super) fn decide(
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
}

/// Marks slots during one call without clearing anything between calls: a slot is marked
/// when its stamp equals the current epoch.
#[derive(Default)]
pub(super) struct Seen {
    pub(super) stamps: Vec<u32>,
    pub(super) epoch: u32,
}

impl Seen {
    /// Starts a new call: nothing is marked.
    pub(super) fn next(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
    }

    /// Marks `slot`; whether it was not marked yet.
    #[inline]
    pub(super) fn first(&mut self, slot: u32) -> bool {
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
    pub(super) fn contains(&self, slot: u32) -> bool {
        self.stamps.get(slot as usize) == Some(&self.epoch)
    }
}
