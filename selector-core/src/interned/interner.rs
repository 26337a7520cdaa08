//! The [`Interner`]: one [`Symbol`] per distinct string, each string stored once, and what
//! it makes (label sets, compiled selectors, views).

use super::{compiled::*, label_set::*};
use crate::selector::Selector;
use std::fmt;
use std::hash::Hasher;

/// An interned string: an index into its [`Interner`]. Two symbols of one interner are equal
/// exactly when their strings are.
///
/// ```
/// let mut interner = selector_core::interned::Interner::new();
/// assert_eq!(interner.intern("web"), interner.intern("web"));
/// assert_ne!(interner.intern("web"), interner.intern("db"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub(super) u32);

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
    pub(super) text: String,
    /// Where each symbol's string ends in `text` (it starts where the previous one ends).
    pub(super) ends: Vec<usize>,
    /// `(symbol + 1, top 32 bits of the hash)`, or `(0, 0)` for an empty slot; the length
    /// is zero or a power of two.
    pub(super) table: Vec<(u32, u32)>,
    /// The name number of each symbol (see [`LabelSet`]), or [`NO_NUMBER`] for a string not
    /// yet used as a label name.
    pub(super) numbers: Vec<u32>,
    /// How many strings have a name number.
    pub(super) named: u32,
    /// The [`Affixes`] of each symbol's string.
    pub(super) affixes: Vec<Affixes>,
    /// Scratch space of [`Interner::label_set`].
    pub(super) pairs: Vec<(Symbol, Symbol)>,
}

impl fmt::Debug for Interner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interner")
            .field("strings", &self.ends.len())
            .finish()
    }
}

/// The top 32 bits of a string's FxHash.
#[inline]
pub(super) fn hash32(s: &str) -> u32 {
    let mut h = rustc_hash::FxHasher::default();
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
    pub(super) fn find(&self, s: &str, hash: u32) -> Result<Symbol, Option<usize>> {
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
    pub(super) fn grow(&mut self) {
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
    pub(super) fn affix_test(&self, value: Symbol, affix: Affix, word: u64, len: u32) -> bool {
        let a = self.affixes.get(value.index()).copied().unwrap_or_default();
        // The operand's bytes: the low `len` bytes of the head, the high ones of the tail.
        let (bits, mask) = match affix {
            Affix::Head => (a.head, u64::MAX.checked_shr(64 - 8 * len).unwrap_or(0)),
            Affix::Tail => (a.tail, u64::MAX.checked_shl(64 - 8 * len).unwrap_or(0)),
        };
        (a.len >= len) & (bits & mask == word)
    }

    /// Whether the string of `value` contains `needle`.
    ///
    /// A string of up to [`SHORT`] bytes is whole in its [`Affixes`] (the head word and the
    /// tail word overlap or meet), so the search is a few word operations on them, with no
    /// branch on the bytes and no fetching of text; a longer one is searched in its text.
    #[inline]
    pub(super) fn contains(&self, value: Symbol, needle: &[u8]) -> bool {
        match self.affixes.get(value.index()) {
            Some(a) if a.len as usize <= SHORT => a.contains(needle),
            _ => crate::vm::compare_bytes(
                crate::syntax::ast::CompareOp::Contains,
                self.resolve_bytes(value),
                needle,
            ),
        }
    }

    /// Interns `s` as a label name: its symbol, and its name number (given on first use as
    /// a name, from 0 up).
    pub(super) fn intern_name(&mut self, s: &str) -> (Symbol, u32) {
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
    /// When a name occurs more than once the first pair wins, as for [`Labels`](crate::Labels) on slices.
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

    /// A [`Labels`](crate::Labels) view of an interned label set, so that it also works with
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
