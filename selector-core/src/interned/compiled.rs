//! [`InternedSelector`]: a compiled program with symbols for strings, its evaluator, and
//! the [`Graph`] view the index matches sets of endpoints with.

use super::{interner::*, label_set::*};
use crate::compile::{Program, Test, FALSE, TRUE};
use crate::syntax::ast::CompareOp;

/// What a node of an [`InternedSelector`] tests about its label's *entry*: one more than the
/// symbol of the label's value, 0 when the label is absent (see [`LabelSet::entry`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ITest {
    /// The entry is this one: `==` (one more than the operand), `in` a set of one, and `has`
    /// (0, "absent", with the targets swapped). The evaluator decides it inline with one
    /// integer comparison; the other tests are out of line.
    Entry(u32),
    /// `in` (and `not in`) a set of other than one member: the set is `symbols[start..end]`,
    /// sorted.
    In { start: u32, end: u32 },
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
pub(super) struct INode {
    pub(super) test: ITest,
    pub(super) name: Symbol,
    /// The name number of `name`.
    pub(super) number: u32,
    /// Where to go when the test fails, and when it holds.
    pub(super) targets: [u32; 2],
}

/// A selector compiled against an [`Interner`] (made by [`Interner::compile`]).
///
/// The same decision graph as [`Program`], with label names, `==`/`!=` operands and `in`
/// sets turned into symbols (and names into name numbers) once, at compile time: evaluating
/// it on a [`LabelSet`] is, per node reached, one load of the label's value and one integer
/// comparison (or a scan of a few integers for a set, or a masked word for a short `starts
/// with` / `ends with`, or a few word operations for `contains` in a value of up to 16
/// bytes). Only longer string operands and values fetch the value's text.
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
    pub(super) nodes: Box<[INode]>,
    pub(super) entry: u32,
    pub(super) symbols: Box<[Symbol]>,
    pub(super) text: Box<str>,
}

impl InternedSelector {
    /// `intern(s, as_name)` gives the symbol of `s` and, when `as_name`, its name number.
    pub(super) fn new(
        program: &Program,
        mut intern: impl FnMut(&str, bool) -> (Symbol, u32),
    ) -> InternedSelector {
        let mut symbols = Vec::new();
        let mut text = String::new();
        let nodes = program
            .nodes
            .iter()
            .map(|node| {
                let mut targets = [node.on_false, node.on_true];
                let test = match node.test {
                    Test::Has => {
                        // "The entry is 0" is "absent": the opposite of `has`.
                        targets.reverse();
                        ITest::Entry(0)
                    }
                    Test::Eq(operand) => match intern(program.str(operand), false).0 {
                        // A string never interned: equal to no value (and kept apart from
                        // the entry of an absent label, 0).
                        Symbol::UNKNOWN => ITest::In {
                            start: symbols.len() as u32,
                            end: symbols.len() as u32,
                        },
                        operand => ITest::Entry(operand.0.wrapping_add(1)),
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
                        match set.as_slice() {
                            &[one] => ITest::Entry(one.0.wrapping_add(1)),
                            _ => {
                                symbols.extend(set);
                                ITest::In {
                                    start: first,
                                    end: symbols.len() as u32,
                                }
                            }
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
                    test,
                    name,
                    number,
                    targets,
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
            let entry = labels.entry(node.name, node.number);
            // `==`, `has` and one-member sets inline; everything else out of line, so that
            // the loop holds few values (and spills none) from one label set to the next.
            let holds = match node.test {
                ITest::Entry(key) => entry == key,
                _ => self.holds(node, entry, interner),
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

    /// Whether the test of `node` holds of a label whose entry is `entry` (see [`ITest`]).
    #[inline(never)]
    fn holds(&self, node: &INode, entry: u32, interner: &Interner) -> bool {
        let found = entry != 0;
        let value = Symbol(entry.wrapping_sub(1));
        match node.test {
            ITest::Entry(key) => entry == key,
            ITest::In { start, end } => {
                // The compiler made every range in this selector's own buffers. An absent
                // label's "value", `Symbol::UNKNOWN`, is no member.
                let set = self.symbols.get(start as usize..end as usize);
                debug_assert!(set.is_some(), "set {start}..{end}");
                contains(set.unwrap_or_default(), value)
            }
            ITest::Text { cmp, start, end } => {
                found && self.text_holds(cmp, start, end, value, interner)
            }
            ITest::Affix {
                affix, len, word, ..
            } => found & interner.affix_test(value, affix, word, len),
        }
    }
}

impl InternedSelector {
    /// Whether the string test `cmp` against operand `text[start..end]` holds of `value`;
    /// out of line, so that the other tests (and their calls) do without its registers.
    #[inline(never)]
    fn text_holds(
        &self,
        cmp: CompareOp,
        start: u32,
        end: u32,
        value: Symbol,
        interner: &Interner,
    ) -> bool {
        // The compiler made every range in this selector's own buffers.
        let operand = self.text.as_bytes().get(start as usize..end as usize);
        debug_assert!(operand.is_some(), "operand {start}..{end}");
        let operand = operand.unwrap_or_default();
        match cmp {
            CompareOp::Contains => interner.contains(value, operand),
            _ => crate::vm::compare_bytes(cmp, interner.resolve_bytes(value), operand),
        }
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
        self.nodes.iter().map(|node| {
            let [mut on_false, mut on_true] = node.targets;
            let test = match node.test {
                ITest::Entry(0) => {
                    // Compiled as "absent", see `InternedSelector::new`.
                    std::mem::swap(&mut on_false, &mut on_true);
                    LeafTest::Has
                }
                ITest::Entry(key) => LeafTest::Eq(Symbol(key - 1)),
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
            };
            GraphNode {
                name: node.name,
                test,
                on_true,
                on_false,
            }
        })
    }
}

/// Membership in a sorted set of symbols: for the small sets selectors have, a comparison
/// with every member without stopping at the first equal one (no branch on the data, which
/// the CPU would often mispredict); binary search beyond 16 members.
#[inline]
pub(super) fn contains(set: &[Symbol], v: Symbol) -> bool {
    if set.len() <= 16 {
        set.iter().fold(false, |found, &m| found | (m == v))
    } else {
        set.binary_search(&v).is_ok()
    }
}
