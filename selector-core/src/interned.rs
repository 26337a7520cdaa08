//! Interned labels: the fast label form for evaluating many selectors against many label sets.
//!
//! An [`Interner`] gives every distinct label name and value a [`Symbol`] (a `u32`), storing
//! each distinct string once. A [`LabelSet`] is a small sorted array of `(name, value)` symbol
//! pairs, and an [`InternedSelector`] is a selector compiled against the same interner: its
//! label names, `==`/`!=` operands and set members are symbols resolved once, at compile time.
//! Evaluation then compares integers: a label's value is one load away (label names are
//! numbered, see [`LabelSet`]), `starts with` and `ends with` a short operand
//! compare a word the interner keeps of every string, and only `contains` and longer
//! operands look at the text of a value. Nothing on the evaluation path allocates.
//!
//! ```
//! use selector_core::{interned::Interner, Selector};
//!
//! let mut interner = Interner::new();
//! let labels = interner.label_set([("app", "web"), ("env", "prod")]);
//! let selector = Selector::parse("app in {'web', 'api'} && env starts with 'pr'")?;
//! let compiled = interner.compile(&selector);
//! assert!(compiled.matches(&labels, &interner));
//! // The same verdict as the selector itself on an ordinary map of the labels:
//! assert!(selector.matches(&interner.view(&labels)));
//! # Ok::<(), selector_core::ParseError>(())
//! ```
//!
//! Symbols, label sets and compiled selectors belong to the interner that made them: using
//! them with another interner gives meaningless (but never panicking) results.

use crate::compile::{Program, Test, FALSE, TRUE};
use crate::labels::Labels;
use crate::selector::Selector;
use crate::syntax::ast::CompareOp;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// An interned string: an index into its [`Interner`]. Two symbols of one interner are equal
/// exactly when their strings are.
///
/// ```
/// let mut interner = selector_core::interned::Interner::new();
/// assert_eq!(interner.intern("web"), interner.intern("web"));
/// assert_ne!(interner.intern("web"), interner.intern("db"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

impl Symbol {
    /// The symbol that no interned string has: what [`Interner::compile_frozen`] uses for
    /// strings the interner has never seen, so that they match nothing.
    ///
    /// ```
    /// use selector_core::interned::{Interner, Symbol};
    /// assert_eq!(Interner::new().resolve(Symbol::UNKNOWN), None);
    /// ```
    pub const UNKNOWN: Symbol = Symbol(u32::MAX);

    /// The symbol's index (0 for the first string interned, then 1, 2, ...).
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// assert_eq!(interner.intern("a").index(), 0);
    /// assert_eq!(interner.intern("b").index(), 1);
    /// assert_eq!(interner.intern("a").index(), 0);
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Stores every distinct string once and hands out [`Symbol`]s for them.
///
/// Strings are never forgotten: an interner grows with the number of distinct strings it has
/// seen. It can hold `u32::MAX - 1` strings; memory runs out long before that, and any string
/// past the limit would get [`Symbol::UNKNOWN`] (a label with such a value would read as
/// absent in a [`LabelSet`]).
///
/// ```
/// use selector_core::{interned::Interner, Selector};
/// let mut interner = Interner::new();
/// let pod = interner.label_set([("app", "web"), ("tier", "front")]);
/// let s = interner.compile(&Selector::parse("app in {'web', 'api'} && has(tier)").unwrap());
/// assert!(s.matches(&pod, &interner));
/// ```
///
/// # Layout
/// Interning is most of the cost of taking in a label set (two strings per label, and a
/// cluster's label sets share most of them), so the interner keeps its own table rather than
/// a `HashMap<Box<str>, Symbol>`: all strings back to back in one buffer (no allocation per
/// string), and an open-addressing table of `(symbol + 1, hash)` pairs, at most half full,
/// indexed by the top bits of the string's hash. A lookup hashes the string once, and
/// compares text only when the 32 hash bits kept in the slot agree, which for a different
/// string they almost never do; growing the table rehashes from those bits without reading
/// a string.
#[derive(Default, Clone)]
pub struct Interner {
    /// All strings back to back.
    text: String,
    /// Where each symbol's string ends in `text` (it starts where the previous one ends).
    ends: Vec<usize>,
    /// `(symbol + 1, top 32 bits of the hash)`, or `(0, 0)` for an empty slot; the length
    /// is zero or a power of two.
    table: Vec<(u32, u32)>,
    /// The name number of each symbol (see [`LabelSet`]), or [`NO_NUMBER`] for a string not
    /// yet used as a label name.
    numbers: Vec<u32>,
    /// How many strings have a name number.
    named: u32,
    /// The [`Affixes`] of each symbol's string.
    affixes: Vec<Affixes>,
    /// Scratch space of [`Interner::label_set`].
    pairs: Vec<(Symbol, Symbol)>,
}

impl fmt::Debug for Interner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interner")
            .field("strings", &self.ends.len())
            .finish()
    }
}

/// The top 32 bits of a string's hash: FxHash's multiply-rotate over 8 bytes at a time.
#[inline]
fn hash32(s: &str) -> u32 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.write_u8(0xff);
    (h.finish() >> 32) as u32
}

impl Interner {
    /// An empty interner.
    ///
    /// ```
    /// assert!(selector_core::interned::Interner::new().is_empty());
    /// ```
    pub fn new() -> Interner {
        Interner::default()
    }

    /// Where `s` (whose hash is `hash`) is in the table: `Ok(symbol)`, or `Err(slot)` with the
    /// empty slot where it would go (`None` when the table has no slot at all).
    #[inline]
    fn find(&self, s: &str, hash: u32) -> Result<Symbol, Option<usize>> {
        let mask = self.table.len().wrapping_sub(1);
        let shift = 32 - self.table.len().trailing_zeros().min(32);
        let mut at = hash.checked_shr(shift).unwrap_or(0) as usize;
        loop {
            match self.table.get(at) {
                None => return Err(None),
                Some(&(0, _)) => return Err(Some(at)),
                Some(&(entry, h)) => {
                    let sym = Symbol(entry - 1);
                    if h == hash && crate::vm::bytes_eq(self.resolve_bytes(sym), s.as_bytes()) {
                        return Ok(sym);
                    }
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the table (or makes the first one) and puts every symbol back.
    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(64);
        let shift = 32 - size.trailing_zeros();
        let mut table = vec![(0u32, 0u32); size];
        for &(entry, hash) in self.table.iter().filter(|(e, _)| *e != 0) {
            let mut at = hash.checked_shr(shift).unwrap_or(0) as usize;
            while let Some(slot) = table.get_mut(at) {
                if slot.0 == 0 {
                    *slot = (entry, hash);
                    break;
                }
                at = (at + 1) & (size - 1);
            }
        }
        self.table = table;
    }

    /// The symbol of `s`, interning it on first sight.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let a = interner.intern("app");
    /// assert_eq!(interner.intern("app"), a);
    /// assert_eq!(interner.resolve(a), Some("app"));
    /// ```
    pub fn intern(&mut self, s: &str) -> Symbol {
        let hash = hash32(s);
        let mut at = match self.find(s, hash) {
            Ok(sym) => return sym,
            Err(at) => at,
        };
        let Ok(index) = u32::try_from(self.ends.len()) else {
            return Symbol::UNKNOWN;
        };
        let sym = Symbol(index);
        if sym == Symbol::UNKNOWN {
            return sym;
        }
        // At most half full.
        if 2 * (self.ends.len() + 1) > self.table.len() {
            self.grow();
            at = self.find(s, hash).err().flatten();
        }
        let Some(slot) = at.and_then(|at| self.table.get_mut(at)) else {
            return Symbol::UNKNOWN;
        };
        *slot = (index + 1, hash);
        self.text.push_str(s);
        self.ends.push(self.text.len());
        self.numbers.push(NO_NUMBER);
        self.affixes.push(Affixes::of(s.as_bytes()));
        sym
    }

    /// Whether the string of `value` starts (`Head`) or ends (`Tail`) with the operand whose
    /// [`Affix::word`] is `word` and length `len` (at most 8).
    #[inline]
    fn affix_test(&self, value: Symbol, affix: Affix, word: u64, len: u32) -> bool {
        let a = self.affixes.get(value.index()).copied().unwrap_or_default();
        // The operand's bytes: the low `len` bytes of the head, the high ones of the tail.
        let (bits, mask) = match affix {
            Affix::Head => (a.head, u64::MAX.checked_shr(64 - 8 * len).unwrap_or(0)),
            Affix::Tail => (a.tail, u64::MAX.checked_shl(64 - 8 * len).unwrap_or(0)),
        };
        (a.len >= len) & (bits & mask == word)
    }

    /// Interns `s` as a label name: its symbol, and its name number (given on first use as
    /// a name, from 0 up).
    fn intern_name(&mut self, s: &str) -> (Symbol, u32) {
        let sym = self.intern(s);
        let Some(number) = self.numbers.get_mut(sym.index()) else {
            return (sym, NO_NUMBER);
        };
        if *number == NO_NUMBER {
            *number = self.named;
            self.named += 1;
        }
        (sym, *number)
    }

    /// The name number of a symbol, or [`NO_NUMBER`] when it has never been a label name.
    #[inline]
    pub(crate) fn number(&self, name: Symbol) -> u32 {
        self.numbers.get(name.index()).copied().unwrap_or(NO_NUMBER)
    }

    /// The symbol of `s` if it has been interned.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let a = interner.intern("app");
    /// assert_eq!(interner.get("app"), Some(a));
    /// assert_eq!(interner.get("tier"), None);
    /// ```
    #[inline]
    pub fn get(&self, s: &str) -> Option<Symbol> {
        self.find(s, hash32(s)).ok()
    }

    /// The bytes of a symbol's string: [`Self::resolve`] without checking that the ends are
    /// character boundaries (they are: each string went in whole), for the evaluator's
    /// string tests.
    #[inline]
    pub(crate) fn resolve_bytes(&self, sym: Symbol) -> &[u8] {
        let i = sym.index();
        let end = self.ends.get(i).copied().unwrap_or(0);
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(end),
            None => 0,
        };
        self.text.as_bytes().get(start..end).unwrap_or_default()
    }

    /// The string of a symbol (`None` for [`Symbol::UNKNOWN`] or a symbol of another interner).
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let sym = interner.intern("prod");
    /// assert_eq!(interner.resolve(sym), Some("prod"));
    /// ```
    #[inline]
    pub fn resolve(&self, sym: Symbol) -> Option<&str> {
        let i = sym.index();
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// The number of distinct strings interned.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// interner.label_set([("app", "web"), ("role", "web")]);
    /// assert_eq!(interner.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether nothing has been interned yet.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// interner.intern("x");
    /// assert!(!interner.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Interns a label set given as `(name, value)` pairs (a map, a slice of pairs, ...).
    /// When a name occurs more than once the first pair wins, as for [`Labels`] on slices.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// let mut interner = selector_core::interned::Interner::new();
    /// let map = HashMap::from([("app".to_string(), "web".to_string())]);
    /// let labels = interner.label_set(&map);
    /// assert_eq!(labels.len(), 1);
    /// let app = interner.get("app").unwrap();
    /// assert_eq!(labels.get(app).and_then(|v| interner.resolve(v)), Some("web"));
    /// ```
    pub fn label_set<I, K, V>(&mut self, labels: I) -> LabelSet
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut entries = std::mem::take(&mut self.pairs);
        entries.clear();
        for (k, v) in labels {
            let pair = (self.intern_name(k.as_ref()).0, self.intern(v.as_ref()));
            entries.push(pair);
        }
        // A stable sort keeps the first of equal names in front; dedup keeps the first.
        entries.sort_by_key(|&(name, _)| name);
        entries.dedup_by_key(|&mut (name, _)| name);
        let set = LabelSet::from_sorted(&entries, |name| self.number(name));
        self.pairs = entries;
        set
    }

    /// Compiles `selector` against this interner, interning its label names and operands.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let s = selector_core::Selector::parse("tier == 'db'").unwrap();
    /// let compiled = interner.compile(&s);
    /// let db = interner.label_set([("tier", "db")]);
    /// assert!(compiled.matches(&db, &interner));
    /// ```
    pub fn compile(&mut self, selector: &Selector) -> InternedSelector {
        InternedSelector::new(selector.program(), |s, as_name| {
            if as_name {
                self.intern_name(s)
            } else {
                (self.intern(s), NO_NUMBER)
            }
        })
    }

    /// Compiles `selector` without adding strings: names and operands this interner has never
    /// seen become [`Symbol::UNKNOWN`], which no label set holds. The result is exact for the
    /// label sets interned *before* the call (a name it has never seen is absent from all of
    /// them; a value it has never seen equals none of theirs).
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let labels = interner.label_set([("app", "web")]);
    /// let s = selector_core::Selector::parse("app != 'api' && !has(tier)").unwrap();
    /// assert!(interner.compile_frozen(&s).matches(&labels, &interner));
    /// assert_eq!(interner.len(), 2);
    /// ```
    pub fn compile_frozen(&self, selector: &Selector) -> InternedSelector {
        InternedSelector::new(selector.program(), |s, _| match self.get(s) {
            Some(sym) => (sym, self.number(sym)),
            None => (Symbol::UNKNOWN, NO_NUMBER),
        })
    }

    /// A [`Labels`] view of an interned label set, so that it also works with
    /// [`Selector::matches`] and everything else that takes labels.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let labels = interner.label_set([("app", "web")]);
    /// let s = selector_core::Selector::parse("app == 'web'").unwrap();
    /// assert!(s.matches(&interner.view(&labels)));
    /// ```
    pub fn view<'a>(&'a self, labels: &'a LabelSet) -> InternedLabels<'a> {
        InternedLabels {
            labels,
            interner: self,
        }
    }
}

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
    symbols: Box<[Symbol]>,
    /// Entry `k`: one more than the value of the label whose name number is `k`, 0 when the
    /// set has no such label.
    direct: [u32; DIRECT],
}

/// Name numbers below this are looked up in [`LabelSet::direct`].
const DIRECT: usize = 32;

/// The name number of a string that has never been a label name.
const NO_NUMBER: u32 = u32::MAX;

/// The first and the last (up to) eight bytes of a string, as words, and its length.
///
/// `starts with` and `ends with` operands are short (`"v2."`, `"-blue"`), and the interner
/// keeps these words for every string, so that a compiled selector decides them against an
/// operand of up to eight bytes by masking one word and comparing it with the operand's
/// (see [`Affix`]): no fetching and comparing of text.
#[derive(Debug, Clone, Copy, Default)]
struct Affixes {
    /// The first bytes, the first in the lowest byte of the word.
    head: u64,
    /// The last bytes, the last in the highest byte of the word.
    tail: u64,
    len: u32,
}

impl Affixes {
    fn of(s: &[u8]) -> Affixes {
        let tail = s.get(s.len().saturating_sub(8)..).unwrap_or_default();
        Affixes {
            head: Affix::Head.word(s),
            tail: Affix::Tail.word(tail),
            len: u32::try_from(s.len()).unwrap_or(u32::MAX),
        }
    }
}

/// A string test (`contains`, `starts with`, `ends with`) made ready for testing many
/// interned values: a short `starts with` / `ends with` operand as its word (see
/// [`Affixes`]), so that no value's text is fetched.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextTest<'a> {
    cmp: CompareOp,
    operand: &'a str,
    /// For an operand of up to eight bytes: which end, its length and its word.
    affix: Option<(Affix, u32, u64)>,
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
enum Affix {
    Head,
    Tail,
}

impl Affix {
    /// The word of up to eight bytes as [`Affixes`] keeps them: for `Head` the first byte in
    /// the lowest byte of the word, for `Tail` the last byte in the highest.
    fn word(self, bytes: &[u8]) -> u64 {
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
    fn from_sorted(entries: &[(Symbol, Symbol)], number: impl Fn(Symbol) -> u32) -> LabelSet {
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
    fn halves(&self) -> (&[Symbol], &[Symbol]) {
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
    fn entry(&self, name: Symbol, number: u32) -> u32 {
        match self.direct.get(number as usize) {
            Some(&entry) => entry,
            None => self.entry_searched(name),
        }
    }

    /// [`Self::entry`] for names numbered past the table, kept out of line so that the
    /// evaluator's loop carries nothing for them.
    #[inline(never)]
    fn entry_searched(&self, name: Symbol) -> u32 {
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
    labels: &'a LabelSet,
    interner: &'a Interner,
}

impl Labels for InternedLabels<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let name = self.interner.get(name)?;
        let value = self.labels.get_number(name, self.interner.number(name))?;
        self.interner.resolve(value)
    }
}

/// What a node of an [`InternedSelector`] tests about its label's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ITest {
    Has,
    /// `==` (and `!=`, with the targets swapped): one integer comparison.
    Eq(Symbol),
    /// `in` (and `not in`): the set is `symbols[start..end]`, sorted.
    In {
        start: u32,
        end: u32,
    },
    /// `contains`, `starts with`, `ends with`: the operand is `text[start..end]`; the value's
    /// text is fetched from the interner.
    Text {
        cmp: CompareOp,
        start: u32,
        end: u32,
    },
    /// `starts with` / `ends with` an operand of at most eight bytes: its `len` and its word
    /// ([`Affix::word`]). The operand is also `text[start..end]`, for the index.
    Affix {
        affix: Affix,
        len: u32,
        word: u64,
        start: u32,
        end: u32,
    },
}

/// A node of the decision graph (see [`crate::compile`]) with symbols for strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct INode {
    name: Symbol,
    /// The name number of `name`.
    number: u32,
    test: ITest,
    /// Where to go when the test fails, and when it holds.
    targets: [u32; 2],
}

/// A selector compiled against an [`Interner`] (made by [`Interner::compile`]).
///
/// The same decision graph as [`Program`], with label names, `==`/`!=` operands and `in`
/// sets turned into symbols (and names into name numbers) once, at compile time: evaluating
/// it on a [`LabelSet`] is, per node reached, one load of the label's value and one integer
/// comparison (or a scan of a few integers for a set, or a masked word for a short `starts
/// with` / `ends with`). Only `contains` and longer string operands fetch the value's text.
///
/// ```
/// use selector_core::{interned::Interner, Selector};
/// let mut interner = Interner::new();
/// let s = interner.compile(&Selector::parse("app starts with 'we' && env != 'dev'").unwrap());
/// assert!(s.matches(&interner.label_set([("app", "web")]), &interner));
/// assert!(!s.matches(&interner.label_set([("app", "web"), ("env", "dev")]), &interner));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternedSelector {
    nodes: Box<[INode]>,
    entry: u32,
    symbols: Box<[Symbol]>,
    text: Box<str>,
}

impl InternedSelector {
    /// `intern(s, as_name)` gives the symbol of `s` and, when `as_name`, its name number.
    fn new(
        program: &Program,
        mut intern: impl FnMut(&str, bool) -> (Symbol, u32),
    ) -> InternedSelector {
        let mut symbols = Vec::new();
        let mut text = String::new();
        let nodes = program
            .nodes
            .iter()
            .map(|node| {
                let test = match node.test {
                    Test::Has => ITest::Has,
                    Test::Eq(operand) => match intern(program.str(operand), false).0 {
                        // A string never interned: equal to no value (and kept apart from
                        // the evaluator's "absent", see `matches`).
                        Symbol::UNKNOWN => ITest::In {
                            start: symbols.len() as u32,
                            end: symbols.len() as u32,
                        },
                        operand => ITest::Eq(operand),
                    },
                    Test::In { start, end } => {
                        let first = symbols.len() as u32;
                        let members = program.members.get(start as usize..end as usize);
                        let mut set: Vec<Symbol> = members
                            .unwrap_or_default()
                            .iter()
                            .map(|&m| intern(program.str(m), false).0)
                            .collect();
                        set.retain(|&m| m != Symbol::UNKNOWN);
                        set.sort_unstable();
                        set.dedup();
                        symbols.extend(set);
                        ITest::In {
                            start: first,
                            end: symbols.len() as u32,
                        }
                    }
                    Test::Text(cmp, operand) => {
                        let operand = program.str(operand);
                        let start = text.len() as u32;
                        text.push_str(operand);
                        let end = text.len() as u32;
                        let affix = match cmp {
                            CompareOp::StartsWith => Some(Affix::Head),
                            CompareOp::EndsWith => Some(Affix::Tail),
                            _ => None,
                        };
                        match affix {
                            Some(affix) if operand.len() <= 8 => ITest::Affix {
                                affix,
                                len: operand.len() as u32,
                                word: affix.word(operand.as_bytes()),
                                start,
                                end,
                            },
                            _ => ITest::Text { cmp, start, end },
                        }
                    }
                };
                let (name, number) = intern(program.str(node.label), true);
                INode {
                    name,
                    number,
                    test,
                    targets: [node.on_false, node.on_true],
                }
            })
            .collect();
        InternedSelector {
            nodes,
            entry: program.entry,
            symbols: symbols.into_boxed_slice(),
            text: text.into_boxed_str(),
        }
    }

    /// Whether the selector matches `labels`; `interner` must be the one both were made with.
    ///
    /// ```
    /// let mut interner = selector_core::interned::Interner::new();
    /// let s = interner.compile(&selector_core::Selector::parse("a ends with 'x'").unwrap());
    /// let yes = interner.label_set([("a", "box")]);
    /// let no = interner.label_set([("b", "box")]);
    /// assert!(s.matches(&yes, &interner));
    /// assert!(!s.matches(&no, &interner));
    /// ```
    #[inline]
    pub fn matches(&self, labels: &LabelSet, interner: &Interner) -> bool {
        let mut at = self.entry;
        while let Some(node) = self.nodes.get(at as usize) {
            // One more than the value, 0 when absent (which then equals no operand and no
            // member: `u32::MAX`, absent less one, is no symbol of a compiled operand).
            let entry = labels.entry(node.name, node.number);
            let found = entry != 0;
            let value = Symbol(entry.wrapping_sub(1));
            let holds = match node.test {
                ITest::Has => found,
                ITest::Eq(operand) => value == operand,
                ITest::In { start, end } => {
                    // The compiler made every range in this selector's own buffers.
                    let set = self.symbols.get(start as usize..end as usize);
                    debug_assert!(set.is_some(), "set {start}..{end}");
                    contains(set.unwrap_or_default(), value)
                }
                ITest::Text { cmp, start, end } => {
                    found && {
                        let operand = self.text.as_bytes().get(start as usize..end as usize);
                        debug_assert!(operand.is_some(), "operand {start}..{end}");
                        let value = interner.resolve_bytes(value);
                        crate::vm::compare_bytes(cmp, value, operand.unwrap_or_default())
                    }
                }
                ITest::Affix {
                    affix, len, word, ..
                } => found & interner.affix_test(value, affix, word, len),
            };
            // The next node is read at the verdict's index: an `if` (or a select) becomes a
            // branch, which the CPU mispredicts whenever the verdicts of a test vary from
            // one label set to the next.
            at = node
                .targets
                .get(usize::from(holds))
                .copied()
                .unwrap_or(FALSE);
        }
        at == TRUE
    }
}

/// What a node of an [`InternedSelector`] tests, as the index reads it (see [`Graph`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum LeafTest<'a> {
    /// The label is present.
    Has,
    /// The label has this value.
    Eq(Symbol),
    /// The label has one of these values (sorted, distinct).
    In(&'a [Symbol]),
    /// The label's value passes this string test against the operand.
    Text(CompareOp, &'a str),
}

/// One node of an [`InternedSelector`]'s decision graph, as the index reads it: when `test`
/// holds of label `name` go to `on_true`, else to `on_false` (a later node or a terminal).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GraphNode<'a> {
    pub(crate) name: Symbol,
    pub(crate) test: LeafTest<'a>,
    pub(crate) on_true: u32,
    pub(crate) on_false: u32,
}

/// An [`InternedSelector`]'s decision graph, for evaluators that walk it other than one label
/// set at a time (the index runs it over sets of endpoints).
pub(crate) trait Graph {
    /// The first node (or a terminal: [`TRUE`], [`crate::compile::FALSE`]).
    fn entry(&self) -> u32;
    /// The number of nodes.
    fn node_count(&self) -> usize;
    /// The nodes in order; every target lies further on.
    fn graph_nodes(&self) -> impl Iterator<Item = GraphNode<'_>>;
}

impl Graph for InternedSelector {
    fn entry(&self) -> u32 {
        self.entry
    }

    fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn graph_nodes(&self) -> impl Iterator<Item = GraphNode<'_>> {
        self.nodes.iter().map(|node| GraphNode {
            name: node.name,
            test: match node.test {
                ITest::Has => LeafTest::Has,
                ITest::Eq(v) => LeafTest::Eq(v),
                ITest::In { start, end } => LeafTest::In(
                    self.symbols
                        .get(start as usize..end as usize)
                        .unwrap_or_default(),
                ),
                ITest::Text { cmp, start, end } => LeafTest::Text(
                    cmp,
                    self.text.get(start as usize..end as usize).unwrap_or(""),
                ),
                ITest::Affix {
                    affix, start, end, ..
                } => LeafTest::Text(
                    match affix {
                        Affix::Head => CompareOp::StartsWith,
                        Affix::Tail => CompareOp::EndsWith,
                    },
                    self.text.get(start as usize..end as usize).unwrap_or(""),
                ),
            },
            on_true: node.targets.get(1).copied().unwrap_or(FALSE),
            on_false: node.targets.first().copied().unwrap_or(FALSE),
        })
    }
}

/// Membership in a sorted set of symbols: for the small sets selectors have, a comparison
/// with every member without stopping at the first equal one (no branch on the data, which
/// the CPU would often mispredict); binary search beyond 16 members.
#[inline]
fn contains(set: &[Symbol], v: Symbol) -> bool {
    if set.len() <= 16 {
        set.iter().fold(false, |found, &m| found | (m == v))
    } else {
        set.binary_search(&v).is_ok()
    }
}

/// The hasher of the interner's table and the index's id tables: FxHash (rustc's), a
/// multiply-rotate per 8 bytes. Far cheaper than SipHash on short label strings and small
/// integer ids; it is not meant to resist collision attacks, which label names and values
/// (set by cluster operators) do not call for.
pub(crate) type FastHash = BuildHasherDefault<FxHasher>;

/// See [`FastHash`].
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    /// Eight bytes at a time, then the last few assembled in a register: copying them into a
    /// zeroed array and reading it back as one word stalls the CPU on store forwarding, which
    /// on short label strings cost more than all the rest of the hash.
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            if let Ok(word) = <[u8; 8]>::try_from(chunk) {
                self.add(u64::from_le_bytes(word));
            }
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let word = rest
                .iter()
                .rev()
                .fold(0u64, |word, &b| (word << 8) | u64::from(b));
            self.add(word);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_strategies::{label_name, label_value, selector_text};
    use crate::walk;
    use proptest::prelude::*;

    #[test]
    fn first_pair_of_a_name_wins() {
        let mut interner = Interner::new();
        let labels = interner.label_set([("a", "1"), ("b", "2"), ("a", "3")]);
        assert_eq!(labels.len(), 2);
        let a = interner.get("a").unwrap();
        assert_eq!(labels.get(a), interner.get("1"));
    }

    #[test]
    fn lookups_find_every_label_and_nothing_else_at_every_size() {
        let mut interner = Interner::new();
        let strings: Vec<Symbol> = (0..200)
            .map(|i| interner.intern(&format!("s{i}")))
            .collect();
        for len in 0..=20 {
            // Names spread over the symbol space so that hash slots collide.
            let pairs: Vec<(String, String)> = (0..len)
                .map(|i| (format!("s{}", i * 7 % 200), format!("s{}", i + 100)))
                .collect();
            let labels = interner.label_set(pairs.iter().map(|(n, v)| (n, v)));
            assert_eq!(labels.len(), len);
            for &sym in &strings {
                let name = interner.resolve(sym).unwrap();
                let expected = pairs
                    .iter()
                    .find(|(n, _)| n == name)
                    .and_then(|(_, v)| interner.get(v));
                assert_eq!(labels.get(sym), expected, "{len} labels, {name}");
            }
            assert_eq!(labels.get(Symbol::UNKNOWN), None);
        }
    }

    #[test]
    fn long_label_sets_use_binary_search() {
        let mut interner = Interner::new();
        let pairs: Vec<(String, String)> = (0..40)
            .map(|i| (format!("n{i}"), format!("v{i}")))
            .collect();
        let labels = interner.label_set(pairs.iter().map(|(n, v)| (n, v)));
        for (n, v) in &pairs {
            let n = interner.get(n).unwrap();
            assert_eq!(labels.get(n), interner.get(v));
        }
        assert_eq!(labels.get(Symbol::UNKNOWN), None);
        let s = Selector::parse(
            "n39 in {'v39', 'a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q'}",
        )
        .unwrap();
        assert!(interner.compile(&s).matches(&labels, &interner));
        let s = Selector::parse(
            "n38 in {'v39', 'a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q'}",
        )
        .unwrap();
        assert!(!interner.compile(&s).matches(&labels, &interner));
    }

    #[test]
    fn unknown_strings_match_nothing_when_frozen() {
        let mut interner = Interner::new();
        let labels = interner.label_set([("app", "web")]);
        for (text, expected) in [
            ("app == 'api'", false),
            ("app != 'api'", true),
            ("has(tier)", false),
            ("tier != 'x'", true),
            ("app in {'api', 'web'}", true),
            ("app not in {'api'}", true),
            ("tier not in {'x'}", true),
            ("app contains 'e'", true),
            ("tier contains ''", false),
        ] {
            let s = Selector::parse(text).unwrap();
            assert_eq!(
                interner.compile_frozen(&s).matches(&labels, &interner),
                expected,
                "{text}"
            );
        }
        assert_eq!(interner.len(), 2);
    }

    proptest! {
        #[test]
        fn affix_words_agree_with_string_tests(
            value in "[ab]{0,10}|[a-zé.-]{0,20}",
            operand in "[ab]{0,9}|[a-zé.-]{0,3}",
        ) {
            let mut interner = Interner::new();
            let v = interner.intern(&value);
            for (affix, cmp) in [(Affix::Head, CompareOp::StartsWith), (Affix::Tail, CompareOp::EndsWith)] {
                let expected = cmp.test(Some(&value), &operand);
                if operand.len() <= 8 {
                    let word = affix.word(operand.as_bytes());
                    let got = interner.affix_test(v, affix, word, operand.len() as u32);
                    prop_assert_eq!(got, expected, "{:?} {:?} {:?}", value, affix, operand);
                }
                let s = Selector::parse(&format!("a {} '{}'", if cmp == CompareOp::StartsWith { "starts with" } else { "ends with" }, operand)).unwrap();
                let labels = interner.label_set([("a", value.as_str())]);
                prop_assert_eq!(interner.compile(&s).matches(&labels, &interner), expected);
            }
        }

        #[test]
        fn symbols_are_equal_exactly_when_strings_are(
            strings in prop::collection::vec("[a-c]{0,3}|[a-z0-9./-]{0,40}", 0..300),
        ) {
            let mut interner = Interner::new();
            let mut model: Vec<String> = Vec::new();
            for s in &strings {
                let sym = interner.intern(s);
                match model.iter().position(|m| m == s) {
                    Some(i) => prop_assert_eq!(sym.index(), i),
                    None => {
                        prop_assert_eq!(sym.index(), model.len());
                        model.push(s.clone());
                    }
                }
                prop_assert_eq!(interner.resolve(sym), Some(s.as_str()));
            }
            prop_assert_eq!(interner.len(), model.len());
            for (i, m) in model.iter().enumerate() {
                prop_assert_eq!(interner.get(m).map(Symbol::index), Some(i));
            }
            prop_assert_eq!(interner.get("not interned, ever"), None);
            prop_assert_eq!(interner.resolve(Symbol::UNKNOWN), None);
        }

        #[test]
        fn interned_agrees_with_the_tree_walker(
            text in selector_text(),
            pairs in prop::collection::vec((label_name(), label_value()), 0..5),
        ) {
            let s = Selector::parse(&text).unwrap();
            let mut interner = Interner::new();
            // Intern the label set first so that frozen compilation sees unknown strings too.
            let labels = interner.label_set(pairs.iter().map(|(n, v)| (n, v)));
            let expected = walk::matches(s.ast(), pairs.as_slice());
            prop_assert_eq!(interner.compile_frozen(&s).matches(&labels, &interner), expected);
            prop_assert_eq!(interner.compile(&s).matches(&labels, &interner), expected);
            prop_assert_eq!(s.matches(&interner.view(&labels)), expected);
        }
    }
}
