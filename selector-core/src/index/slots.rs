//! Sets of slots (endpoints or selectors by number): a sorted list while small, a bitmap
//! once dense.

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
pub(super) enum SlotSet {
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
pub(super) fn words_for(slot: u32) -> usize {
    slot as usize / 64 + 1
}

/// The word and bit of `slot` in a bitmap.
#[inline]
pub(super) fn bit_of(slot: u32) -> (usize, u64) {
    (slot as usize / 64, 1u64 << (slot % 64))
}

/// Calls `f` with the slot of every bit set in `bits`, in increasing order.
#[inline]
pub(super) fn for_each_bit(bits: &[u64], mut f: impl FnMut(u32)) {
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
pub(super) fn dense_enough(len: usize, last: u32) -> bool {
    2 * words_for(last) <= len
}

impl SlotSet {
    /// From slots sorted and distinct already.
    pub(super) fn from_sorted(slots: Vec<u32>) -> SlotSet {
        let mut set = SlotSet::Sparse(slots);
        set.rebalance();
        set
    }

    /// From a bitmap.
    pub(super) fn from_bits(bits: &[u64]) -> SlotSet {
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
    pub(super) fn insert(&mut self, slot: u32) -> bool {
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
    pub(super) fn insert_slow(&mut self, slot: u32) -> bool {
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

    pub(super) fn remove(&mut self, slot: u32) -> bool {
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
    pub(super) fn rebalance(&mut self) {
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

    pub(super) fn contains(&self, slot: u32) -> bool {
        match self {
            SlotSet::Sparse(slots) => slots.binary_search(&slot).is_ok(),
            SlotSet::Dense { bits, .. } => {
                let (w, bit) = bit_of(slot);
                bits.get(w).is_some_and(|word| word & bit != 0)
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            SlotSet::Sparse(slots) => slots.len(),
            SlotSet::Dense { len, .. } => *len,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slots, in increasing order.
    pub(super) fn iter(&self) -> SlotIter<'_> {
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
    pub(super) fn for_each(&self, mut f: impl FnMut(u32)) {
        match self {
            SlotSet::Sparse(slots) => slots.iter().for_each(|&s| f(s)),
            SlotSet::Dense { bits, .. } => for_each_bit(bits, f),
        }
    }

    /// Sets the bits of the set's slots in `out` (slots past its end are left out).
    #[inline]
    pub(super) fn or_into(&self, out: &mut [u64]) {
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
    pub(super) fn diff(&self, new: &SlotSet, mut f: impl FnMut(u32, bool)) {
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
pub(super) enum SlotIter<'a> {
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
