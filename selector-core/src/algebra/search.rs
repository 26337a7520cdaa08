//! The search: DPLL over the atoms of a [`Formula`], with the label theory
//! ([`super::theory`]) checking each label's literals as they are assigned.
//!
//! Iterative (an explicit stack of decisions), so deep searches cannot overflow the stack.
//! Each round evaluates the formula under the partial assignment in three-valued logic
//! (true, false, undecided). False: undo to the last decision not yet flipped and flip it.
//! True: done, and any value consistent with the assigned literals of each label is a model.
//! Undecided: assign every literal the formula forces (an undecided `&&`'s literal children,
//! the last undecided child of an `||` whose others are false), or if there is none, decide
//! the first undecided literal in source order, trying the value that makes it true.
//! A label fixed by a positive `==` has all its other atoms assigned from that value.

use super::formula::{Atoms, Formula};
use super::theory;
use std::collections::HashSet;

/// A satisfying assignment, as one value per label (`None`: absent, or not tested).
pub(crate) type Model = Vec<Option<String>>;

/// A model of `formula` over `atoms`, or `None` when it has none.
pub(crate) fn solve(atoms: &Atoms, formula: &Formula) -> Option<Model> {
    let mut search = Search {
        atoms,
        formula,
        value: vec![None; atoms.atoms.len()],
        trail: Vec::new(),
    };
    search.run()
}

struct Search<'a> {
    atoms: &'a Atoms,
    formula: &'a Formula,
    /// Each atom's assigned truth value.
    value: Vec<Option<bool>>,
    /// Assigned atoms, in order of assignment.
    trail: Vec<usize>,
}

/// A decision: the trail length before it, the atom and whether both values were tried.
struct Decision {
    trail_len: usize,
    atom: usize,
    value: bool,
    flipped: bool,
    state: State,
}

/// A search state: the residual formula and the assigned literals that still matter.
type State = (Formula, Vec<(usize, bool)>);

/// The labels of the literals in `f`.
fn rest_labels(atoms: &Atoms, f: &Formula, out: &mut Vec<usize>) {
    match f {
        Formula::Const(_) => {}
        Formula::Lit { atom, .. } => out.extend(atoms.atoms.get(*atom).map(|a| a.label)),
        Formula::And(parts) | Formula::Or(parts) => {
            for p in parts {
                rest_labels(atoms, p, out);
            }
        }
    }
}

impl Search<'_> {
    fn run(&mut self) -> Option<Model> {
        let mut decisions: Vec<Decision> = Vec::new();
        // States (see `state`) shown to have no model: both values of their decision failed.
        let mut failed: HashSet<State> = HashSet::new();
        loop {
            let conflict = match self.propagate() {
                Some(true) => return self.model(),
                Some(false) => true,
                None => {
                    let state = self.state();
                    if failed.contains(&state) {
                        true
                    } else {
                        let Some((atom, value)) = self.first_open(self.formula) else {
                            // An undecided formula has an unassigned literal; this is not
                            // reached. Fail closed: no model.
                            debug_assert!(false, "undecided formula without an open literal");
                            return None;
                        };
                        decisions.push(Decision {
                            trail_len: self.trail.len(),
                            atom,
                            value,
                            flipped: false,
                            state,
                        });
                        self.assign(atom, value);
                        false
                    }
                }
            };
            if conflict {
                // Flip the latest decision that has not been flipped yet; those whose both
                // values failed are remembered as failed states.
                loop {
                    let mut d = decisions.pop()?;
                    self.undo(d.trail_len);
                    if d.flipped {
                        failed.insert(d.state);
                    } else {
                        d.flipped = true;
                        d.value = !d.value;
                        self.assign(d.atom, d.value);
                        decisions.push(d);
                        break;
                    }
                }
            }
        }
    }

    /// What the rest of the search depends on: the formula simplified by the assignment,
    /// and the literals assigned on the labels that it still tests.
    fn state(&self) -> State {
        let rest = self.residual(self.formula);
        let mut labels = Vec::new();
        rest_labels(self.atoms, &rest, &mut labels);
        labels.sort_unstable();
        labels.dedup();
        let mut context = Vec::new();
        for label in labels {
            for &i in self.atoms.by_label.get(label).into_iter().flatten() {
                if let Some(v) = self.value.get(i).copied().flatten() {
                    context.push((i, v));
                }
            }
        }
        (rest, context)
    }

    /// `f` with assigned literals replaced by their values, constants folded.
    fn residual(&self, f: &Formula) -> Formula {
        match f {
            Formula::Const(_) => f.clone(),
            Formula::Lit { atom, positive } => match self.value.get(*atom).copied().flatten() {
                Some(v) => Formula::Const(v == *positive),
                None => f.clone(),
            },
            Formula::And(parts) => Formula::and(parts.iter().map(|p| self.residual(p)).collect()),
            Formula::Or(parts) => Formula::or(parts.iter().map(|p| self.residual(p)).collect()),
        }
    }

    fn assign(&mut self, atom: usize, value: bool) {
        if let Some(slot) = self.value.get_mut(atom) {
            debug_assert!(slot.is_none(), "atom {atom} assigned twice");
            *slot = Some(value);
            self.trail.push(atom);
        }
    }

    fn undo(&mut self, trail_len: usize) {
        while self.trail.len() > trail_len {
            if let Some(atom) = self.trail.pop() {
                if let Some(slot) = self.value.get_mut(atom) {
                    *slot = None;
                }
            }
        }
    }

    /// The literals assigned so far on `label`.
    fn assigned(
        &self,
        label: usize,
    ) -> impl Iterator<Item = (&super::formula::Atom, bool)> + Clone {
        self.atoms
            .by_label
            .get(label)
            .into_iter()
            .flatten()
            .filter_map(|&i| {
                let value = (*self.value.get(i)?)?;
                Some((self.atoms.atoms.get(i)?, value))
            })
    }

    /// Assigns forced literals until none is left; checks the theory of every label touched.
    /// `Some(verdict)` when the formula is decided (false also on a theory conflict).
    fn propagate(&mut self) -> Option<bool> {
        let mut checked = self.trail.len().saturating_sub(1);
        loop {
            // The theory of each label assigned since the last check.
            let mut labels: Vec<usize> = self
                .trail
                .get(checked..)
                .unwrap_or(&[])
                .iter()
                .filter_map(|&a| Some(self.atoms.atoms.get(a)?.label))
                .collect();
            labels.sort_unstable();
            labels.dedup();
            for label in labels {
                match theory::solve(self.assigned(label)) {
                    None => return Some(false),
                    Some(value) => self.fix_if_equal(label, value),
                }
            }
            checked = self.trail.len();
            if let Some(verdict) = self.eval(self.formula) {
                return Some(verdict);
            }
            let mut forced = Vec::new();
            self.forced(self.formula, &mut forced);
            if forced.is_empty() {
                return None;
            }
            for (atom, value) in forced {
                match self.value.get(atom).copied().flatten() {
                    None => self.assign(atom, value),
                    Some(v) if v != value => return Some(false),
                    Some(_) => {}
                }
            }
        }
    }

    /// When `label` has a positive `==`, its value is known: assign its other atoms.
    fn fix_if_equal(&mut self, label: usize, value: Option<String>) {
        let Some(value) = value else { return };
        let has_eq = self
            .assigned(label)
            .any(|(a, positive)| positive && a.kind == super::formula::Kind::Eq);
        if !has_eq {
            return;
        }
        let atoms = self.atoms;
        for &i in atoms.by_label.get(label).into_iter().flatten() {
            if self.value.get(i).copied().flatten().is_none() {
                if let Some(a) = atoms.atoms.get(i) {
                    self.assign(i, a.kind.test(Some(&value), &a.operand));
                }
            }
        }
    }

    /// The formula's value under the partial assignment; `None` while undecided.
    fn eval(&self, f: &Formula) -> Option<bool> {
        match f {
            Formula::Const(c) => Some(*c),
            Formula::Lit { atom, positive } => self
                .value
                .get(*atom)
                .copied()
                .flatten()
                .map(|v| v == *positive),
            Formula::And(parts) => {
                let mut open = false;
                for p in parts {
                    match self.eval(p) {
                        Some(false) => return Some(false),
                        None => open = true,
                        Some(true) => {}
                    }
                }
                (!open).then_some(true)
            }
            Formula::Or(parts) => {
                let mut open = false;
                for p in parts {
                    match self.eval(p) {
                        Some(true) => return Some(true),
                        None => open = true,
                        Some(false) => {}
                    }
                }
                (!open).then_some(false)
            }
        }
    }

    /// Collects the literals an undecided `f` forces (for `f` to be true).
    fn forced(&self, f: &Formula, out: &mut Vec<(usize, bool)>) {
        match f {
            Formula::Const(_) => {}
            Formula::Lit { atom, positive } => {
                if self.value.get(*atom).copied().flatten().is_none() {
                    out.push((*atom, *positive));
                }
            }
            Formula::And(parts) => {
                for p in parts {
                    if self.eval(p).is_none() {
                        self.forced(p, out);
                    }
                }
            }
            Formula::Or(parts) => {
                let mut open = parts.iter().filter(|p| self.eval(p) != Some(false));
                if let (Some(only), None) = (open.next(), open.next()) {
                    if self.eval(only).is_none() {
                        self.forced(only, out);
                    }
                }
            }
        }
    }

    /// The first unassigned literal inside an undecided part of `f`.
    fn first_open(&self, f: &Formula) -> Option<(usize, bool)> {
        match f {
            Formula::Const(_) => None,
            Formula::Lit { atom, positive } => self
                .value
                .get(*atom)
                .copied()
                .flatten()
                .is_none()
                .then_some((*atom, *positive)),
            Formula::And(parts) | Formula::Or(parts) => parts
                .iter()
                .filter(|p| self.eval(p).is_none())
                .find_map(|p| self.first_open(p)),
        }
    }

    /// One value per label that satisfies its assigned literals (the theory has accepted
    /// each label's literals, so every label has one).
    fn model(&self) -> Option<Model> {
        (0..self.atoms.labels.len())
            .map(|label| theory::solve(self.assigned(label)))
            .collect()
    }
}
