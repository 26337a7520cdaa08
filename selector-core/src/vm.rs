//! The evaluator: walks a compiled [`Program`]'s decision graph on a label set, in a loop,
//! without recursion and without allocating.

use crate::compile::{Node, Program, Test, Text, TRUE};
use crate::labels::LabelLookup;
use crate::syntax::ast::CompareOp;

impl Program {
    /// Evaluates the program on `labels`: one label lookup per node reached.
    ///
    /// ```
    /// let s = selector_core::Selector::parse("tier in {'db', 'cache'} && !has(canary)").unwrap();
    /// assert!(s.program().run(&[("tier", "db")]));
    /// assert!(!s.program().run(&[("tier", "db"), ("canary", "")]));
    /// ```
    #[inline]
    pub fn run<L: LabelLookup + ?Sized>(&self, labels: &L) -> bool {
        if L::LENDS && self.repeats {
            return self.run_once_per_label(labels);
        }
        let mut at = self.entry;
        // Once, not per step: the nodes and the text may be inline or on the heap.
        let (nodes, text): (&[Node], &str) = (&self.nodes, self.text.as_str());
        while let Some(node) = nodes.get(at as usize) {
            let holds = labels.with_label(slice(text, node.label), |value| {
                self.holds(node, value, text)
            });
            at = if holds { node.on_true } else { node.on_false };
        }
        at == TRUE
    }

    /// [`Program::run`] for a program that reads some label more than once, on labels that
    /// lend their values: each label is looked up once (its nodes share one label range, see
    /// [`Program::repeats`]), its value kept for the nodes after.
    #[inline(never)]
    fn run_once_per_label<L: LabelLookup + ?Sized>(&self, labels: &L) -> bool {
        let mut seen: [(u32, Option<&str>); SEEN] = [(u32::MAX, None); SEEN];
        let mut kept = 0;
        let mut at = self.entry;
        let (nodes, text): (&[Node], &str) = (&self.nodes, self.text.as_str());
        while let Some(node) = nodes.get(at as usize) {
            let start = node.label.start;
            let value = match seen.iter().take(kept).find(|(s, _)| *s == start) {
                Some(&(_, value)) => value,
                None => {
                    let value = labels.lend(slice(text, node.label));
                    if let Some(slot) = seen.get_mut(kept) {
                        *slot = (start, value);
                        kept += 1;
                    }
                    value
                }
            };
            at = if self.holds(node, value, text) {
                node.on_true
            } else {
                node.on_false
            };
        }
        at == TRUE
    }

    /// Whether `node`'s test holds on its label's value (`None`: absent); `text` is the
    /// program's text.
    #[inline]
    fn holds(&self, node: &Node, value: Option<&str>, text: &str) -> bool {
        let bytes = |t: Text| slice_bytes(text, t);
        let Some(value) = value else {
            return false;
        };
        let value = value.as_bytes();
        match node.test {
            Test::Has => true,
            Test::Eq(operand) => bytes_eq(value, bytes(operand)),
            Test::Text(cmp, operand) => compare_bytes(cmp, value, bytes(operand)),
            Test::In { start, end } => {
                let set = self.members.get(start as usize..end as usize);
                debug_assert!(set.is_some(), "set {start}..{end}");
                let set = set.unwrap_or_default();
                // A scan for the few members sets usually have; sorted (by bytes, the order
                // of strings) for the rest.
                if set.len() <= 8 {
                    set.iter().any(|&m| bytes_eq(bytes(m), value))
                } else {
                    set.binary_search_by(|&m| bytes(m).cmp(value)).is_ok()
                }
            }
        }
    }
}

/// How many labels an evaluation keeps the values of (programs rarely repeat more).
const SEEN: usize = 4;

/// The text of a range the compiler made in a program's `text`. An empty string would be
/// the label no label set has, so even then the targets only lead where the program's own
/// tests send them.
#[inline]
fn slice(text: &str, t: Text) -> &str {
    let s = text.get(t.start as usize..t.end as usize);
    debug_assert!(s.is_some(), "range {t:?} of a text of {}", text.len());
    s.unwrap_or("")
}

/// The bytes of a range the compiler made in a program's `text`: operands are compared as
/// bytes, which spares slicing a `str` its character-boundary checks. Empty if the range is
/// out of bounds, which no compiled program has.
#[inline]
fn slice_bytes(text: &str, t: Text) -> &[u8] {
    let s = text.as_bytes().get(t.start as usize..t.end as usize);
    debug_assert!(s.is_some(), "range {t:?} of a text of {}", text.len());
    s.unwrap_or_default()
}

/// [`CompareOp::test`] for the evaluators on a present value, with the string tests written
/// for label values, as bytes (the tests only ever compare whole UTF-8 strings or prefixes
/// and suffixes of them byte by byte, so bytes give the same verdicts).
///
/// Label values are short (at most 63 bytes in Kubernetes), where calling `memcmp` or building
/// the two-way searcher behind `str::contains` costs more than the comparison itself: these
/// loops reject on the length and the first byte before looking further.
#[inline]
pub(crate) fn compare_bytes(cmp: CompareOp, v: &[u8], o: &[u8]) -> bool {
    match cmp {
        CompareOp::Eq => bytes_eq(v, o),
        CompareOp::Ne => !bytes_eq(v, o),
        CompareOp::StartsWith => v.get(..o.len()).is_some_and(|head| bytes_eq(head, o)),
        CompareOp::EndsWith => v
            .len()
            .checked_sub(o.len())
            .and_then(|start| v.get(start..))
            .is_some_and(|tail| bytes_eq(tail, o)),
        CompareOp::Contains => find(v, o),
    }
}

/// Equality of byte strings: lengths, then the first byte, then for strings of up to 16
/// bytes two overlapping word comparisons (the first and the last 8 or 4 bytes), with no call
/// into `memcmp` and no loop.
#[inline]
pub(crate) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.first() != b.first() {
        return false;
    }
    match a.len() {
        8..=16 => ends_eq::<8>(a, b),
        4..=7 => ends_eq::<4>(a, b),
        _ => a == b,
    }
}

/// Whether `a` and `b` (of one length, from `N` to `2 * N` bytes) agree in their first and
/// their last `N` bytes, which cover them.
#[inline(always)]
fn ends_eq<const N: usize>(a: &[u8], b: &[u8]) -> bool {
    let first = |s: &[u8]| s.first_chunk::<N>().copied();
    let last = |s: &[u8]| s.last_chunk::<N>().copied();
    first(a) == first(b) && last(a) == last(b)
}

/// Substring search: a scan for the first byte of `needle`, checking the rest at each hit.
/// Linear in practice for label values; long haystacks use a plain window scan.
#[inline]
fn find(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if haystack.len() > 256 {
        return haystack.windows(needle.len()).any(|w| w == needle);
    }
    let Some(last_start) = haystack.len().checked_sub(needle.len()) else {
        return false;
    };
    haystack
        .iter()
        .take(last_start + 1)
        .enumerate()
        .any(|(i, &b)| {
            b == first
                && haystack
                    .get(i + 1..i + needle.len())
                    .is_some_and(|w| w.iter().zip(rest).all(|(x, y)| x == y))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`compare_bytes`] with an absent value (`None`) as [`CompareOp::test`] takes it.
    fn compare(cmp: CompareOp, value: Option<&str>, operand: &str) -> bool {
        let Some(value) = value else {
            return cmp == CompareOp::Ne;
        };
        compare_bytes(cmp, value.as_bytes(), operand.as_bytes())
    }

    proptest! {
        #[test]
        fn compare_agrees_with_the_reference(
            value in proptest::option::of("[ab]{0,6}|[a-z]{0,300}"),
            operand in "[ab]{0,4}|[a-z]{0,20}",
        ) {
            for cmp in [CompareOp::Eq, CompareOp::Ne, CompareOp::Contains,
                        CompareOp::StartsWith, CompareOp::EndsWith] {
                prop_assert_eq!(
                    compare(cmp, value.as_deref(), &operand),
                    cmp.test(value.as_deref(), &operand),
                    "{:?} {:?} {:?}", cmp, value, operand
                );
            }
        }
    }

    proptest! {
        #[test]
        fn bytes_eq_is_equality(a in "[ab]{0,70}", b in "[ab]{0,70}") {
            prop_assert_eq!(bytes_eq(a.as_bytes(), b.as_bytes()), a == b);
            prop_assert!(bytes_eq(a.as_bytes(), a.as_bytes()));
        }
    }

    /// Labels that count their lookups.
    struct Counting<'a>(&'a [(&'a str, &'a str)], std::cell::Cell<usize>);

    impl crate::Labels for Counting<'_> {
        fn get(&self, name: &str) -> Option<&str> {
            self.1.set(self.1.get() + 1);
            crate::Labels::get(self.0, name)
        }
    }

    /// The same, as a source that cannot lend its values.
    struct CountingLookup<'a>(Counting<'a>);

    impl LabelLookup for CountingLookup<'_> {
        fn with_label<R>(&self, name: &str, f: impl FnOnce(Option<&str>) -> R) -> R {
            f(crate::Labels::get(&self.0, name))
        }
    }

    #[test]
    fn a_label_is_looked_up_once_per_evaluation() {
        let cases = [
            (
                "a == 'x' || a == 'y' || a == 'z'",
                &[("a", "w")][..],
                false,
                1,
                3,
            ),
            (
                "a != 'x' && a != 'y' && has(b)",
                &[("a", "w"), ("b", "")][..],
                true,
                2,
                3,
            ),
            (
                "(a == 'x' && b == 'y') || a == 'z' || b in {'q'}",
                &[("a", "z")][..],
                true,
                1,
                1,
            ),
            (
                // `a == 'z'` goes first (the likelier to settle the chain), then the set.
                "(a == 'x' && b == 'y') || a == 'z' || b in {'q'}",
                &[("a", "x"), ("b", "y")][..],
                true,
                2,
                4,
            ),
            // `!has(a)` goes first: it is the likelier to hold.
            ("a in {'x'} || !has(a)", &[][..], true, 1, 1),
            ("a in {'x'} || !has(a)", &[("a", "x")][..], true, 1, 2),
            ("has(a) && has(b)", &[("a", "")][..], false, 2, 2),
        ];
        for (src, labels, expected, once, each) in cases {
            let s = crate::Selector::parse(src).unwrap();
            let lending = Counting(labels, Default::default());
            assert_eq!(s.matches(&lending), expected, "{src}");
            assert_eq!(lending.1.get(), once, "{src}: lookups by a lending source");
            let other = CountingLookup(Counting(labels, Default::default()));
            assert_eq!(s.matches(&other), expected, "{src}");
            assert_eq!(
                other.0 .1.get(),
                each,
                "{src}: lookups by a non-lending source"
            );
            assert_eq!(crate::walk::matches(s.ast(), &labels), expected, "{src}");
        }
    }

    #[test]
    fn string_tests_on_edges() {
        let t = |cmp, v: &str, o: &str| compare(cmp, Some(v), o);
        assert!(t(CompareOp::Contains, "abc", ""));
        assert!(t(CompareOp::Contains, "abc", "bc"));
        assert!(!t(CompareOp::Contains, "abc", "abcd"));
        assert!(t(CompareOp::Contains, "aab", "ab"));
        assert!(t(CompareOp::StartsWith, "abc", "abc"));
        assert!(!t(CompareOp::StartsWith, "ab", "abc"));
        assert!(t(CompareOp::EndsWith, "abc", "c"));
        assert!(!t(CompareOp::EndsWith, "c", "bc"));
        assert!(t(CompareOp::Eq, "", ""));
        assert!(compare(CompareOp::Ne, None, "x"));
        assert!(!compare(CompareOp::Contains, None, ""));
        let long = "x".repeat(300) + "needle";
        assert!(t(CompareOp::Contains, &long, "needle"));
        assert!(!t(CompareOp::Contains, &long, "needles"));
    }
}
