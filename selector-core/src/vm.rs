//! The evaluator: walks a compiled [`Program`]'s decision graph on a label set, in a loop,
//! without recursion and without allocating.

use crate::compile::{Program, Test, TRUE};
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
        let mut at = self.entry;
        // Once, not per step: the nodes may be inline or on the heap.
        let nodes: &[crate::compile::Node] = &self.nodes;
        let members: &[crate::compile::Text] = &self.members;
        let text = self.text.as_str();
        // Every range is one the compiler made in this text; an empty string would be the
        // label no label set has, so even then the targets only ever lead where the
        // program's own tests send them.
        let str = |t: crate::compile::Text| {
            let s = text.get(t.start as usize..t.end as usize);
            debug_assert!(s.is_some(), "range {t:?} of a text of {}", text.len());
            s.unwrap_or("")
        };
        while let Some(node) = nodes.get(at as usize) {
            let holds = labels.with_label(str(node.label), |value| {
                let Some(value) = value else {
                    return false;
                };
                match node.test {
                    Test::Has => true,
                    Test::Eq(operand) => bytes_eq(value.as_bytes(), str(operand).as_bytes()),
                    Test::Text(cmp, operand) => compare(cmp, Some(value), str(operand)),
                    Test::In { start, end } => {
                        let set = members.get(start as usize..end as usize);
                        let set = set.unwrap_or_default();
                        // A scan for the few members sets usually have; sorted for the rest.
                        if set.len() <= 8 {
                            set.iter()
                                .any(|&m| bytes_eq(str(m).as_bytes(), value.as_bytes()))
                        } else {
                            set.binary_search_by(|&m| str(m).cmp(value)).is_ok()
                        }
                    }
                }
            });
            at = if holds { node.on_true } else { node.on_false };
        }
        at == TRUE
    }
}

/// [`CompareOp::test`] for the evaluators, with the string tests written for label values.
///
/// Label values are short (at most 63 bytes in Kubernetes), where calling `memcmp` or building
/// the two-way searcher behind `str::contains` costs more than the comparison itself: these
/// loops reject on the length and the first byte before looking further.
#[inline]
pub(crate) fn compare(cmp: CompareOp, value: Option<&str>, operand: &str) -> bool {
    let Some(value) = value else {
        return cmp == CompareOp::Ne;
    };
    compare_bytes(cmp, value.as_bytes(), operand.as_bytes())
}

/// [`compare`] on a present value, as bytes (both tests only ever compare whole UTF-8
/// strings or prefixes and suffixes of them byte by byte, so bytes give the same verdicts).
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

/// Equality of byte strings: lengths, then the first byte, then for short strings the
/// differences of all the bytes or-ed together (no call into `memcmp`, and no early exit for
/// the CPU to mispredict).
#[inline]
pub(crate) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.first() != b.first() {
        return false;
    }
    if a.len() <= 16 {
        a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
    } else {
        a == b
    }
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
