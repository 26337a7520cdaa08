//! The compiler's side of parsing: a [`Build`] that prints the canonical text into the
//! program's text buffer while the parser reads, records each label test with its strings
//! as ranges of that text, and orders each chain's operands when the parser closes it
//! (module `order`). What is left afterwards is linking ([`super::link`]): no tree is
//! built, and none is walked twice.
//!
//! The canonical text is the source's tests in the order written, so it can be printed as
//! they are read. Only a chain's `(` comes late: the parser knows that an operand starts a
//! chain once it has read that operand and sees `&&` or `||`. The `(` is then inserted
//! where the operand started ([`Build::mark`]), which moves that operand's text and the
//! ranges recorded in it by one byte.

use super::{Members, Test, Text, TextBuf};
use crate::order::{order_chain, Estimate};
use crate::print::{Output, TestPrinter};
use crate::syntax::ast::{CompareOp, Span};
use crate::syntax::build::{Build, KEEP_AT_MOST};
use crate::syntax::tree::{index_slice, sort_set, text_range, Slice};
use std::cell::RefCell;

/// What one parsed expression compiles to, before linking.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    /// `all()` or `global()`: no test.
    Always,
    /// Label test `tests[test]`; `swapped` for `!=` and `not in`, which are `==` and `in`
    /// with their targets swapped.
    Test {
        test: u32,
        swapped: bool,
    },
    Not {
        child: u32,
    },
    /// `kids` is a range of [`Scratch::kids`], in the order to test them.
    Chain {
        kids: Slice,
        is_and: bool,
    },
}

/// A printed label test: its label and what it checks, as ranges of the printed text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Printed {
    pub(super) label: Text,
    pub(super) test: Test,
}

/// The builder's buffers, kept between parses on each thread (see [`Scratch::with`]).
#[derive(Default)]
pub(super) struct Scratch {
    /// One step per expression, with its estimate; an expression's node is its index.
    pub(super) steps: Vec<(Step, Estimate)>,
    /// The operands of every closed chain, each chain's contiguous and in testing order.
    pub(super) kids: Vec<u32>,
    /// Operands of the chains being read, innermost last.
    pending: Vec<(u32, Estimate)>,
    /// The printed tests, in text order.
    pub(super) tests: Vec<Printed>,
    /// The values of the set being read, as ranges of the text read.
    values: Vec<Text>,
    /// Whether something failed to print or insert (a tree that breaks its invariants:
    /// none does). The program then matches nothing.
    pub(super) broken: bool,
}

thread_local! {
    /// This thread's scratch buffers: reusing them saves their allocations on every parse.
    /// Initialised by a constant, so that reaching it costs no first-use check.
    static SPARE: RefCell<Scratch> = const { RefCell::new(Scratch::EMPTY) };
}

impl Scratch {
    /// No buffers yet: allocates nothing.
    const EMPTY: Scratch = Scratch {
        steps: Vec::new(),
        kids: Vec::new(),
        pending: Vec::new(),
        tests: Vec::new(),
        values: Vec::new(),
        broken: false,
    };

    /// Runs `f` with this thread's buffers, emptied (new ones if they are in use, which
    /// compiling never does), and frees them afterwards if they grew large.
    pub(super) fn with<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
        SPARE.with(|spare| match spare.try_borrow_mut() {
            Ok(mut scratch) => {
                scratch.clear();
                let out = f(&mut scratch);
                let size = scratch.steps.capacity()
                    + scratch.kids.capacity()
                    + scratch.pending.capacity()
                    + scratch.tests.capacity()
                    + scratch.values.capacity();
                if size > KEEP_AT_MOST {
                    *scratch = Scratch::default();
                }
                out
            }
            Err(_) => f(&mut Scratch::default()),
        })
    }

    fn clear(&mut self) {
        self.steps.clear();
        self.kids.clear();
        self.pending.clear();
        self.tests.clear();
        self.values.clear();
        self.broken = false;
    }
}

/// Builds a program while the parser reads (see the module docs).
pub(super) struct ProgramBuilder<'a> {
    /// Prints tests from the text read into the program's text buffer.
    printer: TestPrinter<'a, 'a, TextBuf>,
    /// The program's set members.
    members: &'a mut Members,
    scratch: &'a mut Scratch,
}

impl<'a> ProgramBuilder<'a> {
    /// A builder reading `text` and printing into `out`, with set members going to `members`.
    pub(super) fn new(
        text: &'a str,
        out: &'a mut TextBuf,
        members: &'a mut Members,
        scratch: &'a mut Scratch,
    ) -> Self {
        ProgramBuilder {
            printer: TestPrinter { text, out },
            members,
            scratch,
        }
    }

    fn step(&mut self, step: Step, estimate: Estimate) -> u32 {
        let n = u32::try_from(self.scratch.steps.len()).unwrap_or(u32::MAX);
        self.scratch.steps.push((step, estimate));
        n
    }

    /// The estimate of step `node`. Estimates only order operands, so a step the build
    /// lacks (an impossible state) gets a neutral one rather than an error.
    fn estimate(&self, node: u32) -> Estimate {
        self.scratch
            .steps
            .get(node as usize)
            .map_or_else(Estimate::default, |&(_, e)| e)
    }

    /// Records a printed test (none if it failed to print) and its step.
    fn test(&mut self, printed: Option<Printed>, swapped: bool, estimate: Estimate) -> u32 {
        let Some(printed) = printed else {
            self.scratch.broken = true;
            return self.step(Step::Always, estimate);
        };
        let test = u32::try_from(self.scratch.tests.len()).unwrap_or(u32::MAX);
        self.scratch.tests.push(printed);
        self.step(Step::Test { test, swapped }, estimate)
    }

    /// Moves every range recorded at or after byte `at` of the text one byte on (a `(` was
    /// inserted there). Ranges are recorded in text order, so those are the last ones.
    fn shift_from(&mut self, at: u32) {
        let shift = |t: &mut Text| {
            t.start += 1;
            t.end += 1;
        };
        for printed in self.scratch.tests.iter_mut().rev() {
            if printed.label.start < at {
                break;
            }
            shift(&mut printed.label);
            match &mut printed.test {
                Test::Eq(value) | Test::Text(_, value) => shift(value),
                Test::Has | Test::In { .. } => {}
            }
        }
        for member in self.members.iter_mut().rev() {
            if member.start < at {
                break;
            }
            shift(member);
        }
    }

    fn chain(&mut self, start: usize, is_and: bool) -> u32 {
        self.printer.out.push(')');
        let Scratch { pending, kids, .. } = &mut *self.scratch;
        let operands = pending.get_mut(start..).unwrap_or_default();
        let estimate = order_chain(operands, is_and);
        let first = kids.len();
        kids.extend(operands.iter().map(|&(n, _)| n));
        pending.truncate(start);
        let kids = index_slice(first, kids.len());
        self.step(Step::Chain { kids, is_and }, estimate)
    }
}

/// `span` as a range of the text.
fn range(span: Span) -> Text {
    text_range(span.start, span.end)
}

impl Build for ProgramBuilder<'_> {
    type Node = u32;
    fn all(&mut self, _: Span) -> u32 {
        self.printer.out.push_str("all()");
        self.step(Step::Always, Estimate::ALWAYS)
    }
    fn global(&mut self, _: Span) -> u32 {
        self.printer.out.push_str("global()");
        self.step(Step::Always, Estimate::ALWAYS)
    }
    fn has(&mut self, label: Span, _: Span) -> u32 {
        let printed = self.printer.has(range(label)).map(|label| Printed {
            label,
            test: Test::Has,
        });
        self.test(printed, false, Estimate::has())
    }
    fn compare(&mut self, cmp: CompareOp, label: Span, value: Span, _: Span) -> u32 {
        let printed = self
            .printer
            .compare(cmp, range(label), range(value))
            .map(|(label, test)| Printed { label, test });
        self.test(printed, cmp == CompareOp::Ne, Estimate::compare(cmp))
    }
    fn set_start(&mut self) -> usize {
        self.scratch.values.len()
    }
    fn set_value(&mut self, value: Span) {
        self.scratch.values.push(range(value));
    }
    fn in_set(&mut self, label: Span, start: usize, negated: bool, _: Span) -> u32 {
        let kept = sort_set(self.printer.text, &mut self.scratch.values, start);
        let first = self.members.len();
        let members = &mut *self.members;
        let values = self.scratch.values.get(start..kept).unwrap_or_default();
        let label = self
            .printer
            .set(range(label), values, negated, |m| members.push(m));
        self.scratch.values.truncate(start);
        let members = index_slice(first, self.members.len());
        let printed = label.map(|label| Printed {
            label,
            test: Test::In {
                start: members.start,
                end: members.end,
            },
        });
        let estimate = Estimate::set(members.end - members.start, negated);
        self.test(printed, negated, estimate)
    }
    fn not_start(&mut self) {
        self.printer.out.push('!');
    }
    fn not(&mut self, node: u32, _: Span) -> u32 {
        let estimate = self.estimate(node).not();
        self.step(Step::Not { child: node }, estimate)
    }
    fn mark(&mut self) -> usize {
        self.printer.out.len()
    }
    fn chain_start(&mut self, mark: usize) -> usize {
        if self.printer.out.insert(mark, '(').is_some() {
            self.shift_from(u32::try_from(mark).unwrap_or(u32::MAX));
        } else {
            self.scratch.broken = true;
        }
        self.scratch.pending.len()
    }
    fn chain_push(&mut self, node: u32) {
        let estimate = self.estimate(node);
        self.scratch.pending.push((node, estimate));
    }
    fn chain_sep(&mut self, is_and: bool) {
        self.printer
            .out
            .push_str(if is_and { " && " } else { " || " });
    }
    fn and(&mut self, start: usize, _: Span) -> u32 {
        self.chain(start, true)
    }
    fn or(&mut self, start: usize, _: Span) -> u32 {
        self.chain(start, false)
    }
}
