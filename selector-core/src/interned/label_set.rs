//! [`LabelSet`]: a label set as sorted symbol pairs with a direct table by name number, the
//! string tests made ready for interned values, and [`InternedLabels`], a set seen as
//! ordinary labels.

use super::interner::*;
use crate::labels::Labels;
use crate::syntax::ast::CompareOp;

/// A label set in interned form: `(name, value)` symbol pairs sorted by name, names unique.
///
/// One allocation per label set (the sorted names, then the values in the same order) and,
/// inline, a table of the values by *name number*: the interner numbers label names 0, 1,
/// 2, ... in order of first use as a name, and the set keeps the value of each of its labels
/// numbered below 32 at that index, which is where a compiled selector looks (one load).
///
/// ```
/// let mut interner = selector_core::interned::Interner::new();
/// let labels = interner.label_set([("b", "2"), ("a", "1"), ("a", "ignored")]);
/// assert_eq!(labels.len(), 2);
/// let a = interner.get("a").unwrap();
/// assert_eq!(labels.get(a).and_then(|v| interner.resolve(v)), Some("1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LabelSet {
    /// The names, sorted, then the values in the same order.
    pub(super) symbols: Box<[Symbol]>,
    /// Entry `k`: one more than the value of the label whose name number is `k`, 0 when the
    /// set has no such label.
    pub(super) direct: [u32; DIRECT],
}

/// Name numbers below this are looked up in [`LabelSet::direct`].
pub(super) const DIRECT: usize = 32;

/// The name number of a string that has never been a label name.
pub(super) const NO_NUMBER: u32 = u32::MAX;

/// The first and the last (up to) eight bytes of a string, as words, and its length.
///
/// `starts with` and `ends with` operands are short (`"v2."`, `"-blue"`), and the interner
/// keeps these words for every string, so that a compiled selector decides them against an
/// operand of up to eight bytes by masking one word and comparing it with the operand's
/// (see [`Affix`]): no fetching and comparing of text. The two words hold all of a string of
/// up to [`SHORT`] bytes, in which `contains` then searches them ([`Affixes::contains`]).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Affixes {
    /// The first bytes, the first in the lowest byte of the word.
    pub(super) head: u64,
    /// The last bytes, the last in the highest byte of the word.
    pub(super) tail: u64,
    pub(super) len: u32,
}

impl Affixes {
    pub(super) fn of(s: &[u8]) -> Affixes {
        let tail = s.get(s.len().saturating_sub(8)..).unwrap_or_default();
        Affixes {
            head: Affix::Head.word(s),
            tail: Affix::Tail.word(tail),
            len: u32::try_from(s.len()).unwrap_or(u32::MAX),
        }
    }
}

/// The longest string whose bytes its [`Affixes`] hold all of.
pub(super) const SHORT: usize = 16;

/// `0x80` in every byte.
const HIGH_BITS: u128 = u128::from_le_bytes([0x80; 16]);

impl Affixes {
    /// The string's bytes, the first in the lowest byte, zero past the end: exact for a
    /// string of up to [`SHORT`] bytes.
    #[inline]
    fn bytes(&self) -> u128 {
        // The tail's bytes from the ninth on; none when the head holds the whole string.
        let past_head = 8 * (SHORT as u32).saturating_sub(self.len);
        let rest = self.tail.checked_shr(past_head).unwrap_or(0);
        u128::from(self.head) | (u128::from(rest) << 64)
    }

    /// Whether the string, of at most [`SHORT`] bytes, contains `needle`: for each byte of
    /// the needle, the positions of the string that hold it (as the high bit of each byte
    /// of a word), shifted to where the needle would start and and-ed together.
    #[inline]
    pub(super) fn contains(&self, needle: &[u8]) -> bool {
        debug_assert!(self.len as usize <= SHORT);
        let Some(last) = self.len.checked_sub(needle.len() as u32) else {
            return false;
        };
        let bytes = self.bytes();
        // The positions where the needle fits: 0..=last.
        let mut starts = u128::MAX
            .checked_shr(8 * (SHORT as u32 - 1 - last.min(15)))
            .unwrap_or(0)
            & HIGH_BITS;
        for (j, &b) in needle.iter().enumerate() {
            let x = bytes ^ (u128::from(b) * (u128::MAX / 255));
            // High bit set in the bytes of `x` that are zero: those of the string equal to `b`.
            let zero = !(((x & !HIGH_BITS) + !HIGH_BITS) | x) & HIGH_BITS;
            starts &= zero.checked_shr(8 * j as u32).unwrap_or(0);
        }
        starts != 0
    }
}

/// A string test (`contains`, `starts with`, `ends with`) made ready for testing many
/// interned values: a short `starts with` / `ends with` operand as its word (see
/// [`Affixes`]), so that no value's text is fetched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextTest<'a> {
    pub(super) cmp: CompareOp,
    pub(super) operand: &'a str,
    /// For an operand of up to eight bytes: which end, its length and its word.
    pub(super) affix: Option<(Affix, u32, u64)>,
}

impl<'a> TextTest<'a> {
    pub(crate) fn new(cmp: CompareOp, operand: &'a str) -> TextTest<'a> {
        let affix = match cmp {
            CompareOp::StartsWith => Some(Affix::Head),
            CompareOp::EndsWith => Some(Affix::Tail),
            _ => None,
        };
        TextTest {
            cmp,
            operand,
            affix: affix
                .filter(|_| operand.len() <= 8)
                .map(|a| (a, operand.len() as u32, a.word(operand.as_bytes()))),
        }
    }

    /// Whether the string of `value` (a symbol of `interner`) passes the test.
    #[inline]
    pub(crate) fn holds(&self, interner: &Interner, value: Symbol) -> bool {
        match self.affix {
            Some((affix, len, word)) => interner.affix_test(value, affix, word, len),
            None if self.cmp == CompareOp::Contains => {
                interner.contains(value, self.operand.as_bytes())
            }
            None => crate::vm::compare_bytes(
                self.cmp,
                interner.resolve_bytes(value),
                self.operand.as_bytes(),
            ),
        }
    }
}

/// Which end of a value a short `starts with` (`Head`) or `ends with` (`Tail`) operand is
/// compared with, through [`Affixes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Affix {
    Head,
    Tail,
}

impl Affix {
    /// The word of up to eight bytes as [`Affixes`] keeps them: for `Head` the first byte in
    /// the lowest byte of the word, for `Tail` the last byte in the highest.
    pub(super) fn word(self, bytes: &[u8]) -> u64 {
        match self {
            Affix::Head => bytes
                .iter()
                .take(8)
                .rev()
                .fold(0, |w, &b| (w << 8) | u64::from(b)),
            Affix::Tail => bytes
                .iter()
                .fold(0, |w, &b| (w >> 8) | (u64::from(b) << 56)),
        }
    }
}

impl Default for LabelSet {
    fn default() -> Self {
        LabelSet {
            symbols: Box::default(),
            direct: [0; DIRECT],
        }
    }
}

impl LabelSet {
    /// From pairs sorted by name, names distinct; `number` gives each name's name number.
    pub(super) fn from_sorted(
        entries: &[(Symbol, Symbol)],
        number: impl Fn(Symbol) -> u32,
    ) -> LabelSet {
        let mut direct = [0; DIRECT];
        for &(name, value) in entries {
            if let Some(entry) = direct.get_mut(number(name) as usize) {
                *entry = value.0.wrapping_add(1);
            }
        }
        let names = entries.iter().map(|&(n, _)| n);
        let values = entries.iter().map(|&(_, v)| v);
        LabelSet {
            symbols: names.chain(values).collect(),
            direct,
        }
    }

    /// The names and the values.
    #[inline]
    pub(super) fn halves(&self) -> (&[Symbol], &[Symbol]) {
        self.symbols.split_at(self.symbols.len() / 2)
    }

    /// The value of label `name`, or `None` when absent: a binary search of the names.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let labels = interner.label_set([("a", "1"), ("b", "2")]);
    /// let b = interner.get("b").unwrap();
    /// assert_eq!(labels.get(b), interner.get("2"));
    /// assert_eq!(labels.get(interner.get("1").unwrap()), None);
    /// ```
    #[inline]
    pub fn get(&self, name: Symbol) -> Option<Symbol> {
        let (names, values) = self.halves();
        let i = names.partition_point(|&n| n < name);
        if names.get(i) != Some(&name) {
            return None;
        }
        values.get(i).copied()
    }

    /// The value of label `name`, whose name number is `number` ([`Interner::number`]).
    ///
    /// The interner numbers label names 0, 1, 2, ... in order of first use as a name, and a
    /// cluster has some dozens of them against thousands of values, so a set keeps the
    /// values of names numbered below 32 in a table indexed by name number: the lookup a
    /// compiled selector makes at every step is then one load, with no hashing, no search
    /// and no comparison of names. Names numbered 32 and up are searched for.
    #[inline]
    pub(crate) fn get_number(&self, name: Symbol, number: u32) -> Option<Symbol> {
        self.entry(name, number).checked_sub(1).map(Symbol)
    }

    /// [`Self::get_number`] as one more than the value's symbol, 0 when absent: what the
    /// evaluator tests without a branch on whether the label is there.
    #[inline]
    pub(super) fn entry(&self, name: Symbol, number: u32) -> u32 {
        match self.direct.get(number as usize) {
            Some(&entry) => entry,
            None => self.entry_searched(name),
        }
    }

    /// [`Self::entry`] for names numbered past the table, kept out of line so that the
    /// evaluator's loop carries nothing for them.
    #[inline(never)]
    pub(super) fn entry_searched(&self, name: Symbol) -> u32 {
        self.get(name).map_or(0, |v| v.0.wrapping_add(1))
    }

    /// The `(name, value)` pairs, sorted by name symbol.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let labels = interner.label_set([("b", "2"), ("a", "1")]);
    /// let text: Vec<_> = labels.iter()
    ///     .map(|(n, v)| (interner.resolve(n).unwrap(), interner.resolve(v).unwrap()))
    ///     .collect();
    /// assert_eq!(text, [("b", "2"), ("a", "1")]); // symbol order: "b" was interned first
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (Symbol, Symbol)> + Clone + '_ {
        let (names, values) = self.halves();
        names.iter().copied().zip(values.iter().copied())
    }

    /// The number of labels.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// assert_eq!(interner.label_set([("a", "1")]).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.symbols.len() / 2
    }

    /// Whether there are no labels.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// assert!(interner.label_set(Vec::<(&str, &str)>::new()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }
}

/// An interned label set seen through its interner as ordinary [`Labels`] (made by
/// [`Interner::view`]). Each lookup hashes the name once to find its symbol.
///
/// ```
/// use selector_core::{interned::Interner, Labels};
/// let mut interner = Interner::new();
/// let set = interner.label_set([("app", "web")]);
/// assert_eq!(interner.view(&set).get("app"), Some("web"));
/// assert!(selector_core::Selector::parse("app == 'web'").unwrap().matches(&interner.view(&set)));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct InternedLabels<'a> {
    pub(super) labels: &'a LabelSet,
    pub(super) interner: &'a Interner,
}

impl Labels for InternedLabels<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let name = self.interner.get(name)?;
        let value = self.labels.get_number(name, self.interner.number(name))?;
        self.interner.resolve(value)
    }
}
