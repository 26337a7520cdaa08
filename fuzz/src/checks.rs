//! The properties the fuzz targets check, shared by the targets (`fuzz/fuzz_targets/*.rs`)
//! and by their replay test (`tests/tests/fuzz_regressions.rs`, which includes this file
//! with `#[path]`), so a saved input is checked the same way in both places.
//!
//! Every `check_*` function takes the raw fuzzer input and panics (through `assert!`)
//! when a property does not hold. It depends only on `selector_core`, `selector_policy`
//! and `arbitrary`. A failed property panics by design, hence the `allow` below.

#![allow(clippy::panic)]

use arbitrary::{Result as ArbResult, Unstructured};
use selector_core::ast::{CompareOp, Expr, Span};
use selector_core::index::SelectorIndex;
use selector_core::interned::Interner;
use selector_core::{Layered, ParseError, Selector, TokenKind};
use std::collections::{BTreeMap, BTreeSet};

/// A label set as the checks build it.
pub type LabelSet = BTreeMap<String, String>;

/// Deepest `&&`/`||`/`!` nesting of a generated tree (printing adds one pair of parentheses
/// per chain, so this stays far below `NESTING_LIMIT`).
const MAX_DEPTH: u32 = 24;
/// Most nodes in a generated tree.
const MAX_NODES: u32 = 400;

/// Label names the generators prefer (keywords included: they are ordinary labels).
const LABELS: &[&str] = &[
    "a",
    "b",
    "c",
    "has",
    "all",
    "global",
    "in",
    "not",
    "notin",
    "contains",
    "starts",
    "ends",
    "with",
    "and",
    "or",
    "x.y/z",
    "a-b_c",
    "projectcalico.org/namespace",
    "pcns.a",
    "0",
];

/// Values the generators prefer (both quote styles, separators, non-ASCII, control bytes).
const VALUES: &[&str] = &[
    "",
    "a",
    "b",
    "ab",
    "ba",
    "abc",
    "x'y",
    "x\"y",
    "'",
    "\"",
    "with space",
    "ü",
    "\t",
    "\n",
    "{}",
    "a,b",
    "||",
    "all()",
    "\\",
    "prod",
];

// ----------------------------------------------------------------------------------------
// target `parse`
// ----------------------------------------------------------------------------------------

/// Target `parse`: the input as text (UTF-8, lossy).
pub fn check_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_text(&text);
}

/// Every property of one selector text: `parse`, `validate` and `tokens` agree and never
/// panic; errors point inside the text; a parsed selector prints to text that parses to the
/// same meaning, and that text is stable after a second round.
pub fn check_text(text: &str) {
    let parsed = Selector::parse(text);
    let validated = selector_core::validate(text);
    assert_eq!(
        parsed.is_ok(),
        validated.is_ok(),
        "validate and parse disagree on {text:?}"
    );
    if let (Err(a), Err(b)) = (&parsed, &validated) {
        assert_eq!(
            a, b,
            "validate and parse give different errors for {text:?}"
        );
    }
    check_tokens(text, parsed.as_ref().err());
    match parsed {
        Ok(sel) => check_selector(text, &sel),
        Err(err) => check_error(text, &err),
    }
}

/// `tokens`: in order, not overlapping, in bounds, on character boundaries, each the text its
/// kind says; stops with the same error as `parse`; when the text parses, only spaces and
/// tabs lie between the tokens.
fn check_tokens(text: &str, parse_error: Option<&ParseError>) {
    let toks = selector_core::tokens(text);
    assert_eq!(
        toks.error.as_ref(),
        parse_error,
        "tokens stops with a different error than parse for {text:?}"
    );
    let mut prev_end = 0;
    for t in &toks.tokens {
        let span = t.span.clone();
        assert!(
            prev_end <= span.start && span.start < span.end && span.end <= text.len(),
            "token {t:?} out of order or out of bounds in {text:?} (previous ends at {prev_end})"
        );
        let Some(tok) = text.get(span.clone()) else {
            panic!("token {t:?} not on char boundaries in {text:?}");
        };
        if parse_error.is_none() {
            let gap = text.get(prev_end..span.start).unwrap_or("?");
            assert!(
                gap.bytes().all(|b| b == b' ' || b == b'\t'),
                "non-whitespace {gap:?} between tokens in valid {text:?}"
            );
        }
        assert!(
            token_text_fits(t.kind, tok),
            "token {t:?} is {tok:?} in {text:?}"
        );
        prev_end = span.end;
    }
    if parse_error.is_none() {
        let tail = text.get(prev_end..).unwrap_or("?");
        assert!(
            tail.bytes().all(|b| b == b' ' || b == b'\t'),
            "non-whitespace {tail:?} after the last token of valid {text:?}"
        );
    }
}

/// Whether `tok` is a possible spelling of a token of `kind`.
fn token_text_fits(kind: TokenKind, tok: &str) -> bool {
    match kind {
        TokenKind::Label => tok.len() <= 512 && tok.chars().all(selector_core::is_label_char),
        TokenKind::String => {
            tok.len() >= 2
                && ((tok.starts_with('"') && tok.ends_with('"'))
                    || (tok.starts_with('\'') && tok.ends_with('\'')))
        }
        TokenKind::Operator => matches!(
            tok.replace([' ', '\t'], "").as_str(),
            "==" | "!=" | "contains" | "startswith" | "endswith" | "in" | "notin"
        ),
        TokenKind::Function => matches!(tok, "has" | "all" | "global"),
        TokenKind::Not => tok == "!",
        TokenKind::And => tok == "&&",
        TokenKind::Or => tok == "||",
        TokenKind::LParen => tok == "(",
        TokenKind::RParen => tok == ")",
        TokenKind::LBrace => tok == "{",
        TokenKind::RBrace => tok == "}",
        TokenKind::Comma => tok == ",",
        // A kind this check does not know yet: fail, so that it is taught.
        _ => false,
    }
}

/// A parse error: span inside the text on character boundaries, line and column match the
/// span's start, and rendering works.
fn check_error(text: &str, err: &ParseError) {
    let span = err.span();
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "error span {span:?} outside {text:?} ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "error span {span:?} not on char boundaries in {text:?}"
    );
    let (line, column) = line_column(text, span.start);
    assert_eq!(
        (err.line(), err.column()),
        (line, column),
        "error line/column wrong for span {span:?} in {text:?}"
    );
    assert_eq!(err.source_text(), text);
    assert!(
        !err.message().is_empty(),
        "empty error message for {text:?}"
    );
    let rendered = err.render();
    assert!(
        rendered.contains(err.message()),
        "rendering lacks the message"
    );
    assert_eq!(err.to_string(), rendered);
}

/// 1-based line and column (in chars) of byte `offset` in `text`, counting `\n` as the line break.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// A parsed selector: spans, round trip through the canonical text, evaluation.
fn check_selector(text: &str, sel: &Selector) {
    assert_eq!(sel.source(), text);
    check_spans(text, sel.ast(), 0..text.len());
    let second = reparse(sel.canonical(), "canonical text", text);
    let third = reparse(second.canonical(), "second canonical text", text);
    assert_eq!(
        second.canonical(),
        third.canonical(),
        "canonical text not stable after a second round, from {text:?}"
    );
    assert_eq!(second.unique_id(), third.unique_id());
    let mut sets = derived_label_sets(sel, text.as_bytes());
    // Megabyte stress inputs (tests/fuzz-regressions) get a lighter check so that the replay
    // test stays quick in debug builds: two label sets, no `explain`, no rewrite.
    let big = text.len() > 65_536;
    if big {
        sets.swap(1, 2);
        sets.truncate(2);
    }
    let sound = RestrictionCheck::new(sel);
    for labels in &sets {
        let verdict = if big {
            let verdict = sel.matches(labels);
            assert_eq!(verdict, selector_core::walk::matches(sel.ast(), labels));
            verdict
        } else {
            check_eval(sel, labels)
        };
        assert_eq!(
            second.matches(labels),
            verdict,
            "{text:?} and its canonical text {:?} disagree on {labels:?}",
            sel.canonical()
        );
        sound.check(labels);
    }
    if big {
        return;
    }
    if text.len() <= ALGEBRA_MAX_LEN {
        check_algebra(text, sel, &second, &sets);
    }
    // Calico's prefix rewrite keeps the meaning on correspondingly prefixed labels.
    let prefixed = sel.with_label_prefix("pcns.");
    assert_eq!(
        sel.map_labels(str::to_owned).canonical(),
        sel.canonical(),
        "identity rewrite changed {text:?}"
    );
    for labels in sets.iter().take(3) {
        let renamed: LabelSet = labels
            .iter()
            .map(|(k, v)| (format!("pcns.{k}"), v.clone()))
            .collect();
        assert_eq!(
            prefixed.matches(&renamed),
            sel.matches(labels),
            "prefixed {:?} disagrees with {text:?} on {labels:?}",
            prefixed.canonical()
        );
    }
}

/// Inputs up to this size get the algebra checks (the fuzzer's `max_len`): satisfiability is
/// NP-complete, so the replayed megabyte stress inputs are left to the other checks.
const ALGEBRA_MAX_LEN: usize = 4096;

/// The selector algebra: `is_satisfiable()` agrees with `witness()`, the witness matches, an
/// unsatisfiable selector matches none of the derived label sets, and the canonical text is
/// equivalent to the selector.
fn check_algebra(text: &str, sel: &Selector, second: &Selector, sets: &[LabelSet]) {
    let witness = sel.witness();
    assert_eq!(
        sel.is_satisfiable(),
        witness.is_some(),
        "is_satisfiable and witness disagree on {text:?}"
    );
    match &witness {
        Some(w) => assert!(sel.matches(w), "witness {w:?} does not match {text:?}"),
        None => {
            for labels in sets {
                assert!(
                    !sel.matches(labels),
                    "{text:?} called unsatisfiable, yet matches {labels:?}"
                );
            }
        }
    }
    assert!(
        sel.equivalent(second),
        "{text:?} not equivalent to its canonical text {:?}",
        sel.canonical()
    );
}

/// Parses text the checks expect to be valid (`what` says what it is, `from` the original).
fn reparse(text: &str, what: &str, from: &str) -> Selector {
    match Selector::parse(text) {
        Ok(s) => s,
        Err(e) => panic!("{what} {text:?} (from {from:?}) does not parse:\n{e}"),
    }
}

/// Every node's span lies inside its parent's, on character boundaries.
fn check_spans(text: &str, expr: &Expr, outer: std::ops::Range<usize>) {
    let span = expr.span().range();
    assert!(
        outer.start <= span.start && span.start <= span.end && span.end <= outer.end,
        "node span {span:?} outside {outer:?} in {text:?}"
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "node span {span:?} not on char boundaries in {text:?}"
    );
    for child in expr.children() {
        check_spans(text, child, span.clone());
    }
}

/// Evaluates `sel` on `labels` every way there is (compiled program, tree walker, explain,
/// other label containers) and checks they agree; returns the verdict.
pub fn check_eval(sel: &Selector, labels: &LabelSet) -> bool {
    let verdict = sel.matches(labels);
    let walked = selector_core::walk::matches(sel.ast(), labels);
    assert_eq!(
        verdict,
        walked,
        "program and tree walker disagree: {} on {labels:?}",
        sel.canonical()
    );
    if labels.len() <= 64 {
        // a pair slice looks labels up linearly: only for small sets
        let pairs: Vec<(&str, &str)> = labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            sel.matches(&pairs),
            verdict,
            "map and pair slice disagree: {}",
            sel.canonical()
        );
    }
    let explained = sel.explain(labels);
    assert_eq!(
        explained.matched,
        verdict,
        "explain disagrees: {} on {labels:?}",
        sel.canonical()
    );
    verdict
}

/// Label sets that exercise `sel`: none, every label empty, every label set to one of the
/// values the selector mentions (in several rotations), prefixes and extensions of them, and
/// a pseudo-random mix seeded by `seed`.
pub fn derived_label_sets(sel: &Selector, seed: &[u8]) -> Vec<LabelSet> {
    let names: Vec<String> = sel.label_names().into_iter().map(str::to_owned).collect();
    let mut values: Vec<String> = Vec::new();
    collect_values(sel.ast(), &mut values);
    values.sort();
    values.dedup();
    values.push(String::new());
    let mut sets = vec![LabelSet::new()];
    sets.push(names.iter().map(|n| (n.clone(), String::new())).collect());
    let nv = values.len();
    let pick = |i: usize| values.get(i % nv).cloned().unwrap_or_default();
    for rot in 0..3 {
        sets.push(
            names
                .iter()
                .enumerate()
                .map(|(j, n)| (n.clone(), pick(j + rot)))
                .collect(),
        );
        sets.push(
            names
                .iter()
                .enumerate()
                .filter(|(j, _)| (j + rot) % 2 == 0)
                .map(|(j, n)| (n.clone(), pick(j * 7 + rot)))
                .collect(),
        );
    }
    let mut state = seed.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    for _ in 0..4 {
        let mut set = LabelSet::new();
        for n in &names {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = (state >> 33) as usize;
            let v = pick(r >> 3);
            let value = match r % 6 {
                0 => continue,
                1 => String::new(),
                2 => format!("{v}z"),
                3 => format!("z{v}"),
                4 => v.chars().take(v.chars().count() / 2).collect(),
                _ => v,
            };
            set.insert(n.clone(), value);
        }
        sets.push(set);
    }
    sets
}

fn collect_values(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Compare { value, .. } => out.push(value.clone()),
        Expr::In { values, .. } => out.extend(values.iter().cloned()),
        _ => expr.children().iter().for_each(|c| collect_values(c, out)),
    }
}

/// Soundness of label restrictions: when `sel` matches `labels`, the labels satisfy every
/// restriction, and the selector is not reported as impossible.
pub fn assert_restrictions_sound(sel: &Selector, labels: &LabelSet) {
    RestrictionCheck::new(sel).check(labels);
}

/// The restrictions of one selector, computed once and checked against many label sets.
pub struct RestrictionCheck<'a> {
    sel: &'a Selector,
    restrictions: BTreeMap<String, selector_core::LabelRestriction>,
    never: bool,
}

impl<'a> RestrictionCheck<'a> {
    /// Computes the restrictions of `sel` and checks their value lists are sorted and unique.
    pub fn new(sel: &'a Selector) -> Self {
        let restrictions = sel.label_restrictions();
        for (name, r) in &restrictions {
            if let Some(values) = &r.must_have_one_of {
                assert!(
                    values.windows(2).all(|w| w.first() < w.last()),
                    "restriction values of {name} not sorted and unique: {values:?} in {}",
                    sel.canonical()
                );
            }
        }
        let never = sel.restrictions_conflict();
        assert_eq!(
            never,
            restrictions
                .values()
                .any(selector_core::LabelRestriction::is_impossible)
        );
        RestrictionCheck {
            sel,
            restrictions,
            never,
        }
    }

    /// Checks soundness on one label set.
    pub fn check(&self, labels: &LabelSet) {
        let sel = self.sel;
        if !sel.matches(labels) {
            return;
        }
        assert!(
            !self.never,
            "{} matches {labels:?} but is reported as never matching",
            sel.canonical()
        );
        for (name, r) in &self.restrictions {
            let value = labels.get(name);
            assert!(
                !r.must_be_present || value.is_some(),
                "{} matches {labels:?} without {name}, restriction says present",
                sel.canonical()
            );
            assert!(
                !r.must_be_absent || value.is_none(),
                "{} matches {labels:?} with {name}, restriction says absent",
                sel.canonical()
            );
            if let Some(values) = &r.must_have_one_of {
                assert!(
                    value.is_some_and(|v| values.iter().any(|x| x == v)),
                    "{} matches {labels:?} but {name} is not one of {values:?}",
                    sel.canonical()
                );
            }
        }
    }
}

// ----------------------------------------------------------------------------------------
// target `eval_diff`
// ----------------------------------------------------------------------------------------

/// A random tree and random labels decoded from fuzzer bytes.
#[derive(Debug)]
pub struct EvalInput {
    /// The tree (spans all zero).
    pub expr: Expr,
    /// Labels drawn from the tree's own names and values and the generator's pools.
    pub own: LabelSet,
    /// Labels inherited under `own` (for the layered check).
    pub parent: LabelSet,
}

/// Decodes an [`EvalInput`]; `None` when the bytes run out before a tree is made.
pub fn eval_input(data: &[u8]) -> Option<EvalInput> {
    let mut u = Unstructured::new(data);
    let mut budget = MAX_NODES;
    let expr = gen_expr(&mut u, 0, &mut budget).ok()?;
    let mut names: Vec<String> = LABELS.iter().map(|s| (*s).to_owned()).collect();
    let mut values: Vec<String> = VALUES.iter().map(|s| (*s).to_owned()).collect();
    collect_names(&expr, &mut names);
    collect_values(&expr, &mut values);
    let own = gen_labels(&mut u, &names, &values).ok()?;
    let parent = gen_labels(&mut u, &names, &values).ok()?;
    Some(EvalInput { expr, own, parent })
}

fn collect_names(expr: &Expr, out: &mut Vec<String>) {
    if let Some(l) = expr.label() {
        out.push(l.to_owned());
    }
    expr.children().iter().for_each(|c| collect_names(c, out));
}

fn gen_labels(u: &mut Unstructured, names: &[String], values: &[String]) -> ArbResult<LabelSet> {
    let n = u.int_in_range(0..=8)?;
    let mut set = LabelSet::new();
    for _ in 0..n {
        let name = u.choose(names)?.clone();
        let value = if u.ratio(1, 8)? {
            gen_free_value(u)?
        } else {
            let v = u.choose(values)?;
            match u.int_in_range(0..=5)? {
                0 => format!("{v}a"),
                1 => format!("a{v}"),
                _ => v.clone(),
            }
        };
        set.insert(name, value);
    }
    Ok(set)
}

/// A random label name: mostly one of [`LABELS`], else 1 to 40 label characters.
fn gen_label(u: &mut Unstructured) -> ArbResult<String> {
    if u.ratio(3, 4)? {
        return Ok((*u.choose(LABELS)?).to_owned());
    }
    const CHARS: &[u8] = b"abcxyzAZ019_./-";
    let len = u.int_in_range(1..=40)?;
    let mut s = String::with_capacity(len);
    for _ in 0..len {
        s.push(char::from(*u.choose(CHARS)?));
    }
    Ok(s)
}

/// A random value: mostly one of [`VALUES`], else arbitrary text.
fn gen_value(u: &mut Unstructured) -> ArbResult<String> {
    if u.ratio(3, 4)? {
        Ok((*u.choose(VALUES)?).to_owned())
    } else {
        gen_free_value(u)
    }
}

/// Arbitrary text that a string literal can hold: not both kinds of quote (there are no
/// escapes, so such a value cannot be written).
fn gen_free_value(u: &mut Unstructured) -> ArbResult<String> {
    let s: String = u.arbitrary()?;
    Ok(if s.contains('"') {
        s.replace('\'', "")
    } else {
        s
    })
}

/// A random tree whose canonical text is a valid selector: label names valid, values
/// printable, chains of two or more operands, sets sorted without duplicates.
fn gen_expr(u: &mut Unstructured, depth: u32, budget: &mut u32) -> ArbResult<Expr> {
    let span = Span::default();
    *budget = budget.saturating_sub(1);
    let leaf_only = depth >= MAX_DEPTH || *budget == 0;
    let choice = if leaf_only {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=8)?
    };
    Ok(match choice {
        0 => {
            if u.ratio(1, 2)? {
                Expr::All { span }
            } else {
                Expr::Global { span }
            }
        }
        1 => Expr::Has {
            label: gen_label(u)?,
            span,
        },
        2 | 3 => Expr::Compare {
            cmp: *u.choose(&[
                CompareOp::Eq,
                CompareOp::Ne,
                CompareOp::Contains,
                CompareOp::StartsWith,
                CompareOp::EndsWith,
            ])?,
            label: gen_label(u)?,
            value: gen_value(u)?,
            span,
        },
        4 => {
            let n = u.int_in_range(0..=5)?;
            let mut values = Vec::with_capacity(n);
            for _ in 0..n {
                values.push(gen_value(u)?);
            }
            values.sort();
            values.dedup();
            Expr::In {
                label: gen_label(u)?,
                values,
                negated: u.arbitrary()?,
                span,
            }
        }
        5 | 6 => Expr::Not {
            expr: Box::new(gen_expr(u, depth + 1, budget)?),
            span,
        },
        _ => {
            let n = u.int_in_range(2..=5)?;
            let mut exprs = Vec::with_capacity(n);
            for _ in 0..n {
                exprs.push(gen_expr(u, depth + 1, budget)?);
            }
            if choice == 7 {
                Expr::And { exprs, span }
            } else {
                Expr::Or { exprs, span }
            }
        }
    })
}

/// Target `eval_diff`: the compiled program and the tree walker agree on a random tree and
/// labels; the printed tree parses, means the same, and prints stably after a second round.
pub fn check_eval_diff(data: &[u8]) {
    let Some(input) = eval_input(data) else {
        return;
    };
    let EvalInput { expr, own, parent } = input;
    let sel = Selector::from_expr(expr.clone());
    let walked = selector_core::walk::matches(&expr, &own);
    assert_eq!(
        sel.matches(&own),
        walked,
        "program and walker disagree on {expr:?} with {own:?}"
    );
    assert_eq!(
        selector_core::compile::Program::compile(&expr).run(&own),
        walked
    );
    let text = selector_core::print::canonical(&expr);
    assert_eq!(sel.canonical(), text);
    let parsed = reparse(&text, "printed tree", &text);
    let second = reparse(parsed.canonical(), "canonical text", &text);
    assert_eq!(
        parsed.canonical(),
        second.canonical(),
        "canonical text not stable after a second round, from {text:?}"
    );
    let mut merged = parent.clone();
    merged.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    let layered = Layered {
        own: &own,
        parent: &parent,
    };
    let (sound_sel, sound_parsed) = (RestrictionCheck::new(&sel), RestrictionCheck::new(&parsed));
    assert_eq!(check_eval(&parsed, &own), walked);
    for (name, labels) in [("own", &own), ("merged", &merged), ("parent", &parent)] {
        let truth = selector_core::walk::matches(&expr, labels);
        assert_eq!(
            parsed.matches(labels),
            truth,
            "{text:?} parsed disagrees with its tree on the {name} labels {labels:?}"
        );
        assert_eq!(
            sel.matches(labels),
            truth,
            "program and walker disagree on {expr:?} with {labels:?}"
        );
        sound_sel.check(labels);
        sound_parsed.check(labels);
    }
    check_interned(&parsed, &[&own, &parent, &merged]);
    assert_eq!(
        sel.matches(&layered),
        sel.matches(&merged),
        "layered labels differ from merged ones for {text:?}"
    );
    assert_eq!(
        selector_core::walk::matches(&expr, &layered),
        selector_core::walk::matches(&expr, &merged)
    );
}

// ----------------------------------------------------------------------------------------
// target `restrictions`
// ----------------------------------------------------------------------------------------

/// Target `restrictions`. An input whose first byte is even is text: a selector, then
/// `\0`-separated `name=value` labels; checked on those labels and on label sets derived
/// from the selector. An odd first byte means a structured input as for `eval_diff`.
/// Both modes then hold `SelectorIndex` (which relies on the restrictions) to the walker.
pub fn check_restrictions(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 1 {
        let Some(input) = eval_input(rest) else {
            return;
        };
        let text = selector_core::print::canonical(&input.expr);
        let sel = reparse(&text, "printed tree", &text);
        let tree = Selector::from_expr(input.expr);
        let (sound_sel, sound_tree) = (RestrictionCheck::new(&sel), RestrictionCheck::new(&tree));
        let mut sets = derived_label_sets(&sel, rest);
        sets.push(input.own);
        sets.push(input.parent);
        for labels in &sets {
            sound_sel.check(labels);
            sound_tree.check(labels);
        }
        check_index(&sel, &sets);
        return;
    }
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let Some(selector) = parts.next() else {
        return;
    };
    let Ok(sel) = Selector::parse(selector) else {
        return;
    };
    let given: LabelSet = parts
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (p.to_owned(), String::new()),
        })
        .collect();
    let sound = RestrictionCheck::new(&sel);
    sound.check(&given);
    let mut sets = derived_label_sets(&sel, rest);
    sets.push(given);
    for labels in &sets {
        sound.check(labels);
    }
    check_index(&sel, &sets);
}

/// The interned evaluator (`Interner::compile`, `compile_frozen`, `view`) agrees with the
/// tree walker on every label set.
pub fn check_interned(sel: &Selector, sets: &[&LabelSet]) {
    let mut interner = Interner::new();
    let interned: Vec<_> = sets.iter().map(|s| interner.label_set(s.iter())).collect();
    let frozen = interner.compile_frozen(sel);
    let compiled = interner.compile(sel);
    for (ls, set) in interned.iter().zip(sets) {
        let truth = selector_core::walk::matches(sel.ast(), *set);
        assert_eq!(
            compiled.matches(ls, &interner),
            truth,
            "interned {} disagrees with the walker on {set:?}",
            sel.canonical()
        );
        assert_eq!(
            frozen.matches(ls, &interner),
            truth,
            "frozen interned {} disagrees with the walker on {set:?}",
            sel.canonical()
        );
        assert_eq!(sel.matches(&interner.view(ls)), truth);
    }
}

/// Up to `max` sub-trees of `expr`, root first (each is a selector of its own).
fn subtrees(expr: &Expr, out: &mut Vec<Selector>, max: usize) {
    if out.len() >= max {
        return;
    }
    out.push(Selector::from_expr(expr.clone()));
    for c in expr.children() {
        subtrees(c, out, max);
    }
}

/// `SelectorIndex` (which files selectors under their label restrictions) gives exactly the
/// pairs the tree walker gives, for `sel` and its sub-trees against `sets`, also after
/// endpoints are relabelled and selectors and endpoints removed; the reported changes are
/// exactly the pairs that changed.
pub fn check_index(sel: &Selector, sets: &[LabelSet]) {
    let mut selectors = Vec::new();
    subtrees(sel.ast(), &mut selectors, 24);
    let truth = |s: usize, e: usize| -> bool {
        match (selectors.get(s), sets.get(e)) {
            (Some(sel), Some(set)) => selector_core::walk::matches(sel.ast(), set),
            _ => false,
        }
    };
    let n = sets.len();
    let mut index: SelectorIndex<usize, usize> = SelectorIndex::new();
    // half the endpoints before the selectors, half after
    for (e, set) in sets.iter().enumerate().take(n / 2) {
        index.insert_endpoint(e, set.iter());
    }
    for (s, sel) in selectors.iter().enumerate() {
        index.insert_selector(s, sel.clone());
    }
    for (e, set) in sets.iter().enumerate().skip(n / 2) {
        index.insert_endpoint(e, set.iter());
    }
    let pairs = |index: &SelectorIndex<usize, usize>| -> BTreeSet<(usize, usize)> {
        (0..selectors.len())
            .flat_map(|s| index.endpoints_matching(&s).map(move |e| (s, *e)))
            .collect()
    };
    let expected: BTreeSet<(usize, usize)> = (0..selectors.len())
        .flat_map(|s| (0..n).map(move |e| (s, e)))
        .filter(|&(s, e)| truth(s, e))
        .collect();
    let got = pairs(&index);
    assert_eq!(
        got,
        expected,
        "index pairs differ from the walker for {} (selectors: {:?})",
        sel.canonical(),
        selectors
            .iter()
            .map(Selector::canonical)
            .collect::<Vec<_>>()
    );
    for (e, set) in sets.iter().enumerate() {
        let mut by_labels: Vec<usize> = index
            .selectors_matching_labels(set.iter())
            .into_iter()
            .copied()
            .collect();
        by_labels.sort_unstable();
        let want: Vec<usize> = (0..selectors.len()).filter(|&s| truth(s, e)).collect();
        assert_eq!(by_labels, want, "selectors_matching_labels on {set:?}");
        for s in 0..selectors.len() {
            assert_eq!(index.is_match(&s, &e), truth(s, e), "is_match({s}, {e})");
        }
    }
    // relabel every endpoint to the next label set; the changes are exactly the difference
    let mut before = got;
    for e in 0..n {
        let Some(next) = sets.get((e + 1) % n) else {
            break;
        };
        let changes = index.insert_endpoint(e, next.iter());
        let after = pairs(&index);
        let started: BTreeSet<(usize, usize)> = changes.started.iter().copied().collect();
        let stopped: BTreeSet<(usize, usize)> = changes.stopped.iter().copied().collect();
        assert_eq!(
            started.len(),
            changes.started.len(),
            "duplicate started pairs"
        );
        assert_eq!(
            stopped.len(),
            changes.stopped.len(),
            "duplicate stopped pairs"
        );
        assert_eq!(
            started,
            after.difference(&before).copied().collect(),
            "started pairs wrong after relabelling endpoint {e}"
        );
        assert_eq!(
            stopped,
            before.difference(&after).copied().collect(),
            "stopped pairs wrong after relabelling endpoint {e}"
        );
        for s in 0..selectors.len() {
            assert_eq!(
                after.contains(&(s, e)),
                selectors
                    .get(s)
                    .is_some_and(|sel| selector_core::walk::matches(sel.ast(), next)),
                "after relabelling endpoint {e} to {next:?}, selector {s}"
            );
        }
        before = after;
    }
    // removals report exactly the pairs that go
    let changes = index.remove_selector(&0);
    let after = pairs(&index);
    assert!(changes.started.is_empty());
    assert_eq!(
        changes.stopped.iter().copied().collect::<BTreeSet<_>>(),
        before.difference(&after).copied().collect(),
        "remove_selector"
    );
    assert!(after.iter().all(|&(s, _)| s != 0));
    let changes = index.remove_endpoint(&0);
    let after2 = pairs(&index);
    assert!(changes.started.is_empty());
    assert_eq!(
        changes.stopped.iter().copied().collect::<BTreeSet<_>>(),
        after.difference(&after2).copied().collect(),
        "remove_endpoint"
    );
    assert!(after2.iter().all(|&(_, e)| e != 0));
}

// ----------------------------------------------------------------------------------------
// target `lint`
// ----------------------------------------------------------------------------------------

/// Target `lint`: the input as a YAML file (UTF-8, lossy) into `selector_policy::lint_text`:
/// no panic; every diagnostic names the file, lies inside the text on character boundaries,
/// and its line and column are those of its span's start; an input whose aliases expand
/// past `selector_policy::yaml::alias_budget` (counted independently of the loader) gets a
/// `yaml-syntax` finding.
pub fn check_lint(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let diags = selector_policy::lint_text(&text, "fuzz.yaml");
    // An alias bomb must be stopped, with a finding, not expanded.
    let cost = selector_policy::yaml::alias_expansion_cost(&text);
    if cost > selector_policy::yaml::alias_budget(text.len()) {
        assert!(
            diags.iter().any(|d| d.rule.id == "yaml-syntax"),
            "aliases expand to {cost} (budget {}) without a yaml-syntax finding",
            selector_policy::yaml::alias_budget(text.len())
        );
    }
    for d in &diags {
        let span = d.span.clone();
        assert_eq!(d.file, "fuzz.yaml");
        assert!(
            selector_policy::registry::find(d.rule.id).is_some() && !d.message.is_empty(),
            "{d:?}"
        );
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "diagnostic span {span:?} outside the text ({} bytes): {d:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "diagnostic span {span:?} not on char boundaries: {d:?}"
        );
        assert_eq!(
            (d.line, d.column),
            line_column(&text, span.start),
            "diagnostic line/column do not match its span: {d:?}"
        );
    }
}
