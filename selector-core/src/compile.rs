//! Syntax tree to a flat program: one instruction per test, short-circuit jumps for `&&`
//! and `||`, label names and operands stored once in side tables. The program is immutable,
//! `Send + Sync`, and knows nothing of the text it came from.

use crate::ast::{CompareOp, Expr};
use std::collections::HashMap;

/// One instruction. All instructions read or write a single boolean register; jumps only
/// go forward, so a program runs in time linear in its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// Set the register to a constant (`all()`, `global()`).
    Const(bool),
    /// Register := label present.
    Has { label: u32 },
    /// Register := the comparison of the label's value with `strings[value]`.
    Compare {
        cmp: CompareOp,
        label: u32,
        value: u32,
    },
    /// Register := (the label's value is in `sets[set]`) xor `negated`; absent gives `negated`.
    In { label: u32, set: u32, negated: bool },
    /// Register := !register.
    Not,
    /// Jump to the target when the register is false (end of an `&&` chain).
    JumpIfFalse(u32),
    /// Jump to the target when the register is true (end of an `||` chain).
    JumpIfTrue(u32),
}

/// A compiled selector.
///
/// ```
/// use selector_core::{compile::Program, Selector};
/// let s = Selector::parse("a == 'x' || !has(b)").unwrap();
/// let program = Program::compile(s.ast());
/// assert!(program.run(&[("a", "x"), ("b", "y")]));
/// assert!(!program.run(&[("b", "y")]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Program {
    pub(crate) ops: Vec<Op>,
    /// Distinct label names, in order of first use.
    pub(crate) labels: Vec<Box<str>>,
    pub(crate) strings: Vec<Box<str>>,
    /// Each set sorted by byte order without duplicates (binary search).
    pub(crate) sets: Vec<Box<[Box<str>]>>,
}

impl Program {
    /// Compiles a syntax tree.
    pub fn compile(expr: &Expr) -> Program {
        let mut c = Compiler {
            program: Program::default(),
            label_ids: HashMap::new(),
        };
        c.emit(expr);
        c.program
    }

    /// The distinct label names the program reads, in order of first use.
    pub fn label_names(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(|l| &**l)
    }

    /// The number of instructions.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the program is empty (never, for a compiled selector).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Compilation state: the program being built and the id of each label name seen so far
/// (a hash map, so that a chain of thousands of distinct labels compiles in linear time).
struct Compiler<'e> {
    program: Program,
    label_ids: HashMap<&'e str, u32>,
}

impl<'e> Compiler<'e> {
    fn label(&mut self, name: &'e str) -> u32 {
        let labels = &mut self.program.labels;
        *self.label_ids.entry(name).or_insert_with(|| {
            labels.push(name.into());
            (labels.len() - 1) as u32
        })
    }

    fn emit(&mut self, expr: &'e Expr) {
        match expr {
            Expr::All { .. } | Expr::Global { .. } => self.program.ops.push(Op::Const(true)),
            Expr::Has { label, .. } => {
                let label = self.label(label);
                self.program.ops.push(Op::Has { label });
            }
            Expr::Compare {
                cmp, label, value, ..
            } => {
                let label = self.label(label);
                self.program.strings.push(value.as_str().into());
                let value = (self.program.strings.len() - 1) as u32;
                self.program.ops.push(Op::Compare {
                    cmp: *cmp,
                    label,
                    value,
                });
            }
            Expr::In {
                label,
                values,
                negated,
                ..
            } => {
                let label = self.label(label);
                let mut set: Vec<Box<str>> = values.iter().map(|v| v.as_str().into()).collect();
                set.sort_unstable();
                set.dedup();
                self.program.sets.push(set.into_boxed_slice());
                let set = (self.program.sets.len() - 1) as u32;
                self.program.ops.push(Op::In {
                    label,
                    set,
                    negated: *negated,
                });
            }
            Expr::Not { expr, .. } => {
                self.emit(expr);
                self.program.ops.push(Op::Not);
            }
            Expr::And { exprs, .. } => self.chain(exprs, Op::JumpIfFalse(0)),
            Expr::Or { exprs, .. } => self.chain(exprs, Op::JumpIfTrue(0)),
        }
    }

    /// Operands separated by a conditional jump to the end of the chain.
    fn chain(&mut self, exprs: &'e [Expr], jump: Op) {
        let mut patches = Vec::new();
        for (i, e) in exprs.iter().enumerate() {
            self.emit(e);
            if i + 1 < exprs.len() {
                patches.push(self.program.ops.len());
                self.program.ops.push(jump);
            }
        }
        let end = self.program.ops.len() as u32;
        for at in patches {
            if let Some(op) = self.program.ops.get_mut(at) {
                *op = match jump {
                    Op::JumpIfTrue(_) => Op::JumpIfTrue(end),
                    _ => Op::JumpIfFalse(end),
                };
            }
        }
    }
}
