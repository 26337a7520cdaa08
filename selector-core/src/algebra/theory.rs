//! The theory of one label: is there a value (or absence) that makes a set of literals
//! over that label's atoms true, and which?
//!
//! # Why two candidates suffice
//! Let `L` be a set of literals on one label `k`: atoms `has`, `== v`, `contains c`,
//! `starts with p`, `ends with s`, each positive or negated, all false when `k` is absent.
//! - No positive literal: absence makes every atom false, so it satisfies `L`.
//! - Some positive literal and `¬has`: no value can.
//! - A positive `== v`: the value must be `v`; test it.
//! - Otherwise let `p*` be the longest positive prefix, `s*` the longest positive suffix,
//!   `c₁ … cₙ` the positive substrings, `f` a character found in no operand of `L`, and
//!   `G = p*·f·c₁·f·…·f·cₙ·f·s*`. **If any value `x` satisfies `L`, so does `G`.** Proof:
//!   `x` starts with every positive prefix, so they are all prefixes of the longest, `p*`,
//!   which `G` starts with; likewise for suffixes and `s*`; `G` contains every `cᵢ`. Every
//!   negated operand `n` contains no `f`, and `f` is a whole character (UTF-8 strings only
//!   occur inside each other at character boundaries), so an occurrence of `n` in `G` lies
//!   inside one `f`-free piece: `p*`, some `cᵢ` or `s*`. If `G` starts with `n`, then `n` is
//!   a prefix of `p*` (the piece `p*` ends where `G`'s first `f` is), so `x` starts with `n`
//!   too; if `G` ends with `n`, `x` does; if `G` contains `n`, `n` is inside a piece that `x`
//!   contains, so `x` contains `n`. `G` contains `f`, so it equals no operand. So every
//!   negated literal that `G` fails, `x` fails too: `G` satisfies `L` whenever anything does.
//!
//! So no overlap of prefix, substrings and suffix (`abc…` and `…bcd` sharing `bc`) needs to
//! be tried for completeness: overlaps only make a value shorter, and a shorter value can
//! only fall into more negated literals, never fewer. Two readable candidates are tried
//! first for nicer witnesses, the pieces overlapped as far as they go and the pieces joined
//! as they are (`p*·c₁·…·cₙ·s*`); `G` decides.

use super::formula::{Atom, Kind};

/// A value for the label that satisfies every literal in `lits` (`Some(None)`: absent), or
/// `None` when no value does. Exact (see the module doc).
pub(crate) fn solve<'a>(
    lits: impl Iterator<Item = (&'a Atom, bool)> + Clone,
) -> Option<Option<String>> {
    if !lits.clone().any(|(_, positive)| positive) {
        return Some(None);
    }
    if lits
        .clone()
        .any(|(a, positive)| a.kind == Kind::Has && !positive)
    {
        return None;
    }
    let satisfies = |value: &str| {
        lits.clone()
            .all(|(a, positive)| a.kind.test(Some(value), &a.operand) == positive)
    };
    if let Some((eq, _)) = lits
        .clone()
        .find(|(a, positive)| a.kind == Kind::Eq && *positive)
    {
        return satisfies(&eq.operand).then(|| Some(eq.operand.clone()));
    }
    let longest = |kind: Kind| {
        lits.clone()
            .filter(|(a, positive)| *positive && a.kind == kind)
            .map(|(a, _)| a.operand.as_str())
            .max_by_key(|s| s.len())
            .unwrap_or("")
    };
    let prefix = longest(Kind::StartsWith);
    let suffix = longest(Kind::EndsWith);
    let mut middle: Vec<&str> = lits
        .clone()
        .filter(|(a, positive)| *positive && a.kind == Kind::Contains)
        .map(|(a, _)| a.operand.as_str())
        .collect();
    middle.sort_unstable();
    middle.dedup();
    // Readable first: the pieces overlapped where they can be, then joined as they are.
    let mut merged = String::from(prefix);
    for piece in &middle {
        if !merged.contains(piece) {
            append_overlapping(&mut merged, piece);
        }
    }
    append_overlapping(&mut merged, suffix);
    if satisfies(&merged) {
        return Some(Some(merged));
    }
    let plain: String = std::iter::once(prefix)
        .chain(middle.iter().copied())
        .chain(std::iter::once(suffix))
        .collect();
    if satisfies(&plain) {
        return Some(Some(plain));
    }
    let f = fresh_char(lits.clone().map(|(a, _)| a.operand.as_str()));
    let mut general = String::from(prefix);
    for piece in middle.iter().copied().chain(std::iter::once(suffix)) {
        general.push(f);
        general.push_str(piece);
    }
    // Complete by the module doc's argument: if `G` fails, nothing satisfies `lits`.
    satisfies(&general).then_some(Some(general))
}

/// Appends `piece` to `s`, sharing the longest suffix of `s` that is a prefix of `piece`.
fn append_overlapping(s: &mut String, piece: &str) {
    let overlap = (0..=piece.len().min(s.len()))
        .rev()
        .find(|&n| piece.is_char_boundary(n) && s.ends_with(piece.get(..n).unwrap_or("")))
        .unwrap_or(0);
    s.push_str(piece.get(overlap..).unwrap_or(""));
}

/// A character that occurs in none of `operands`: a readable one when possible.
fn fresh_char<'a>(operands: impl Iterator<Item = &'a str> + Clone) -> char {
    let used = |c: char| operands.clone().any(|o| o.contains(c));
    // The preferred characters first, then every other char: the operands are finite, so
    // the search ends after at most (characters used + 1) steps.
    "xyzqw0123456789-_."
        .chars()
        .chain(('!'..='~').chain('\u{a1}'..=char::MAX))
        .find(|&c| !used(c))
        .unwrap_or('\u{10ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(kind: Kind, operand: &str) -> Atom {
        Atom {
            label: 0,
            kind,
            operand: operand.to_string(),
        }
    }

    fn run(lits: &[(Kind, &str, bool)]) -> Option<Option<String>> {
        let atoms: Vec<(Atom, bool)> = lits.iter().map(|&(k, o, p)| (atom(k, o), p)).collect();
        solve(atoms.iter().map(|(a, p)| (a, *p)))
    }

    #[test]
    fn absence_satisfies_only_negations() {
        assert_eq!(run(&[(Kind::Eq, "x", false)]), Some(None));
        assert_eq!(run(&[(Kind::Has, "", true), (Kind::Has, "", false)]), None);
        assert_eq!(run(&[(Kind::Has, "", true)]), Some(Some(String::new())));
        assert_eq!(
            run(&[(Kind::Has, "", true), (Kind::Eq, "", false)]),
            Some(Some("x".into()))
        );
    }

    #[test]
    fn prefix_and_suffix_overlap() {
        use Kind::*;
        let lits = [
            (StartsWith, "abc", true),
            (EndsWith, "bcd", true),
            (Eq, "abcd", false),
        ];
        assert_eq!(run(&lits), Some(Some("abcbcd".into())));
        let lits = [
            (StartsWith, "abc", true),
            (EndsWith, "bcd", true),
            (Contains, "cb", false),
            (Eq, "abcd", false),
        ];
        assert_eq!(run(&lits), Some(Some("abcxbcd".into())));
    }

    #[test]
    fn readable_witnesses_overlap_the_pieces() {
        use Kind::*;
        let lits = [
            (StartsWith, "pr", true),
            (Contains, "r", true),
            (EndsWith, "rod", true),
        ];
        assert_eq!(run(&lits), Some(Some("prod".into())));
        let lits = [
            (Contains, "abc", true),
            (Contains, "cde", true),
            (EndsWith, "éa", true),
        ];
        assert_eq!(run(&lits), Some(Some("abcdeéa".into())));
    }

    #[test]
    fn forced_negations_are_unsatisfiable() {
        use Kind::*;
        // The issue's example that SMT string solvers find hard.
        let lits = [
            (StartsWith, "ba", false),
            (StartsWith, "duct", true),
            (Contains, "production", true),
            (Contains, "on", false),
        ];
        assert_eq!(run(&lits), None);
        assert_eq!(
            run(&[(StartsWith, "ab", true), (StartsWith, "ac", true)]),
            None
        );
        assert_eq!(
            run(&[(StartsWith, "abc", true), (StartsWith, "a", false)]),
            None
        );
        assert_eq!(
            run(&[(EndsWith, "abc", true), (Contains, "bc", false)]),
            None
        );
        assert_eq!(run(&[(Eq, "abc", true), (EndsWith, "x", true)]), None);
    }

    #[test]
    fn the_fresh_char_avoids_every_operand() {
        let ops = ["xyzqw0123456789-_.!"];
        assert_eq!(fresh_char(ops.iter().copied()), '"');
        let c = fresh_char(["x"].iter().copied());
        assert_eq!(c, 'y');
    }
}
