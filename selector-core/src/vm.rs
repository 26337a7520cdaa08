//! The evaluator: runs a compiled [`Program`] against a label set, in a loop, without
//! recursion and without allocating.

use crate::compile::{Op, Program};
use crate::labels::LabelLookup;

impl Program {
    /// Evaluates the program on `labels`.
    #[inline]
    pub fn run<L: LabelLookup + ?Sized>(&self, labels: &L) -> bool {
        let mut acc = true;
        let mut pc = 0usize;
        while let Some(op) = self.ops.get(pc) {
            pc += 1;
            acc = match *op {
                Op::Const(b) => b,
                Op::Has { label } => labels.with_label(self.name(label), |v| v.is_some()),
                Op::Compare { cmp, label, value } => {
                    let operand = self.strings.get(value as usize).map_or("", |s| &**s);
                    labels.with_label(self.name(label), |v| cmp.test(v, operand))
                }
                Op::In {
                    label,
                    set,
                    negated,
                } => {
                    let set = self.sets.get(set as usize).map_or(&[][..], |s| &**s);
                    labels.with_label(self.name(label), |v| match v {
                        Some(v) => contains(set, v) != negated,
                        None => negated,
                    })
                }
                Op::Not => !acc,
                Op::JumpIfFalse(target) => {
                    if !acc {
                        pc = target as usize;
                    }
                    acc
                }
                Op::JumpIfTrue(target) => {
                    if acc {
                        pc = target as usize;
                    }
                    acc
                }
            };
        }
        acc
    }

    #[inline]
    fn name(&self, label: u32) -> &str {
        self.labels.get(label as usize).map_or("", |l| &**l)
    }
}

/// Set membership: a linear scan for small sets (cheaper than branching on the midpoint),
/// binary search otherwise.
#[inline]
fn contains(set: &[Box<str>], value: &str) -> bool {
    if set.len() <= 8 {
        set.iter().any(|s| &**s == value)
    } else {
        set.binary_search_by(|s| (**s).cmp(value)).is_ok()
    }
}
