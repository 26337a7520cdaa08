//! Planning: how a selector is filed (its key, from covers of its tree) and how an added
//! selector is matched (by candidates or in bulk), from what probes cost.

use super::slots::SlotSet;
use super::*;

/// How [`SelectorIndex::use_candidates`] weighs evaluating one candidate: as many bitmap
/// words as this (a word holds 64 endpoints).
pub(super) const CANDIDATE_WORDS: usize = 8;

/// The most bitmap words a bulk match may use (8 MB); larger ones go through candidates.
pub(super) const MAX_BULK_WORDS: usize = 1 << 20;

/// The most words of scratch bitmaps the index keeps between calls (512 KB).
pub(super) const KEPT_SCRATCH_WORDS: usize = 1 << 16;

/// How an added selector is matched against the endpoints: chosen by cost (`Auto`), or
/// forced, so that the tests hold both ways to the naive loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Plan {
    #[default]
    Auto,
    #[cfg_attr(not(test), allow(dead_code))]
    Candidates,
    #[cfg_attr(not(test), allow(dead_code))]
    Bulk,
}

/// Where a selector is filed (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Key {
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
pub(super) enum Probe {
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
pub(super) enum TextOp {
    Contains,
    StartsWith,
    EndsWith,
}

impl TextOp {
    pub(super) fn of(cmp: CompareOp) -> Option<TextOp> {
        match cmp {
            CompareOp::Contains => Some(TextOp::Contains),
            CompareOp::StartsWith => Some(TextOp::StartsWith),
            CompareOp::EndsWith => Some(TextOp::EndsWith),
            CompareOp::Eq | CompareOp::Ne => None,
        }
    }

    pub(super) fn cmp(self) -> CompareOp {
        match self {
            TextOp::Contains => CompareOp::Contains,
            TextOp::StartsWith => CompareOp::StartsWith,
            TextOp::EndsWith => CompareOp::EndsWith,
        }
    }
}

impl Probe {
    /// The probe's label.
    pub(super) fn name(self) -> Symbol {
        match self {
            Probe::Value(n, _) | Probe::Name(n) | Probe::Text(n, _, _) => n,
        }
    }
}

/// What [`SelectorIndex::cover`] appended: probes of which any label set for which an
/// expression has a given verdict satisfies at least one, bringing up about `cost` endpoints
/// now; `exact` when satisfying one also implies that verdict.
#[derive(Clone, Copy)]
pub(super) struct Cover {
    pub(super) cost: usize,
    pub(super) exact: bool,
}

impl<S, E> SelectorIndex<S, E> {
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
    pub(super) fn choose_key(
        &self,
        selector: &Selector,
        compiled: &InternedSelector,
        symbol: impl Fn(&str) -> Symbol,
    ) -> Key {
        let may_conflict = restrictions_may_conflict(compiled);
        selector.with_tree(|tree, text| {
            if may_conflict && restrict::restrictions_conflict(tree, text) {
                return Key::Never;
            }
            self.key_of(tree, |t| symbol(tree::slice(text, t)))
        })
    }

    /// The key of a selector whose label restrictions are possible (or not looked at), from
    /// its tree; `symbol` gives the symbol of a label name or value of the tree's text.
    pub(super) fn key_of(&self, tree: &Tree, symbol: impl Fn(Text) -> Symbol) -> Key {
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

    pub(super) fn probe_cost(&self, probe: Probe) -> usize {
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
    pub(super) fn probe_holds(
        &self,
        probe: Probe,
        labels: impl Fn(Symbol) -> Option<Symbol>,
    ) -> bool {
        match probe {
            Probe::Value(n, v) => labels(n) == Some(v),
            Probe::Name(n) => labels(n).is_some(),
            Probe::Text(n, cmp, operand) => {
                labels(n).is_some_and(|v| self.text_holds(v, cmp, operand))
            }
        }
    }

    pub(super) fn text_holds(&self, value: Symbol, op: TextOp, operand: Symbol) -> bool {
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
    pub(super) fn cover(
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
    pub(super) fn for_each_endpoint_with(&self, probe: Probe, mut f: impl FnMut(u32)) {
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
    pub(super) fn use_candidates(&self, key: &Key, nodes: usize) -> bool {
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
}

/// Whether a selector's label restrictions could be impossible, for all its compiled graph
/// shows: computing them builds a map of strings, so the index does it only when needed.
///
/// A restriction is impossible when it asks a label to be both present and absent, or to
/// have a value from an empty set. A single test never does that but `in {}`; and since
/// `&&` merges the restrictions of one label and `||` keeps only the labels all its
/// operands restrict, every other conflict needs two tests of the same label. So a selector
/// that tests each label once, with no empty set, has possible restrictions.
pub(super) fn restrictions_may_conflict(graph: &impl Graph) -> bool {
    let mut names: Vec<Symbol> = Vec::with_capacity(graph.node_count());
    for node in graph.graph_nodes() {
        if names.contains(&node.name) || matches!(node.test, LeafTest::In([])) {
            return true;
        }
        names.push(node.name);
    }
    false
}
