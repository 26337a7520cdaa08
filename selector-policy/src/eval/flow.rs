//! One direction at one endpoint (POLICY.md 5), and a whole flow (POLICY.md 6).

use std::sync::Arc;

use super::ir::{proto, Action, Dir, EndpointKind, Ir, Policy, Rule, Stage, Tier};
use super::matching::{rule_matches, Doubts, Miss, Packet};
use super::trace::{Decision, Event, Reason, TraceEntry};

/// Policies applying to endpoint `ep` in direction `d` at `stage`, in evaluation order
/// (tier order, then policy order), as indices into [`Ir::policies`].
pub fn applicable(ir: &Ir, applies: &[usize], d: Dir, stage: Stage) -> Vec<usize> {
    applies
        .iter()
        .copied()
        .filter(|&i| {
            ir.policies
                .get(i)
                .is_some_and(|p| p.governs(d) && p.stage == stage)
        })
        .collect()
}

/// The trace line for one rule, written into one buffer sized for it up front (the trace
/// holds one per rule evaluated, so growing strings piecewise showed in the flow bench).
fn rule_message(ri: usize, rule: &Rule, result: &Result<(), Miss<'_>>) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(128);
    let action = rule.action.name();
    let _ = match result {
        Ok(()) => write!(s, "rule {ri} ({action}) matches"),
        Err(m) => write!(
            s,
            "rule {ri} ({action}) does not match: `{}` fails ({})",
            m.field, m.why
        ),
    };
    s
}

/// `e` with the tier and policy it belongs to.
fn in_policy(mut e: TraceEntry, tier: &Tier, p: &Policy) -> TraceEntry {
    e.tier = Some(tier.name.clone());
    e.policy = Some(p.name.clone());
    e.kind = Some(p.kind.clone());
    e.namespace = p.namespace.clone();
    e
}

struct Side<'a> {
    /// Build no trace (reach and lint probes only need the decision).
    quiet: bool,
    ir: &'a Ir,
    ep: usize,
    epref: String,
    d: Dir,
    trace: &'a mut Vec<TraceEntry>,
    doubts: &'a mut Doubts,
}

fn policy_decision(
    side: &Side,
    p: &Policy,
    tier: &str,
    idx: Option<usize>,
    action: &str,
    reason: Reason,
    rule: Option<&Rule>,
) -> Decision {
    Decision {
        endpoint: Some(side.epref.clone()),
        direction: Some(side.d),
        reason,
        tier: Some(tier.to_string()),
        policy: Some(p.name.to_string()),
        kind: Some(p.kind.to_string()),
        namespace: p.namespace.as_deref().map(str::to_string),
        rule: idx,
        action: Some(action.to_string()),
        loc: rule.and_then(|r| r.loc.clone()).or_else(|| p.loc.clone()),
    }
}

impl Side<'_> {
    fn entry(&self, event: Event, message: String) -> TraceEntry {
        TraceEntry::new(Some(self.d), Some(&self.epref), event, message)
    }

    /// The trace entry of rule `ri` and its match result; the caller names the policy or
    /// profile the rule belongs to.
    fn rule_entry(&self, ri: usize, rule: &Rule, result: &Result<(), Miss<'_>>) -> TraceEntry {
        let mut e = self.entry(Event::Rule, rule_message(ri, rule, result));
        e.rule = Some(ri);
        e.action = Some(rule.action.name());
        e.matched = Some(result.is_ok());
        e.failed = result.as_ref().err().map(|m| m.field.to_string());
        e.at(rule.loc.as_ref())
    }

    /// A decision of this endpoint and direction, for `reason`.
    fn decision(&self, reason: Reason, allow: bool) -> Decision {
        Decision::bare(Some(self.epref.clone()), Some(self.d), reason, allow)
    }

    fn push(&mut self, e: TraceEntry) {
        self.trace.push(e);
    }

    /// Runs the tiers of one stage. `Some` when a rule or end of tier decided.
    fn tiers(&mut self, pkt: &Packet, pols: &[usize], force_pass: bool) -> Option<Decision> {
        let ir = self.ir;
        let mut i = 0;
        while let Some(&first) = pols.get(i) {
            let tier_idx = ir.policies.get(first).map_or(0, |p| p.tier);
            let Some(tier) = ir.tiers.get(tier_idx) else {
                debug_assert!(false, "policy with no tier");
                return Some(self.decision(Reason::EndOfTier, false));
            };
            let end = pols
                .get(i..)
                .unwrap_or_default()
                .iter()
                .position(|&p| ir.policies.get(p).is_none_or(|p| p.tier != tier_idx))
                .map_or(pols.len(), |n| i + n);
            let in_tier = pols.get(i..end).unwrap_or_default();
            i = end;
            if !self.quiet {
                let mut e = self.entry(Event::Tier, format!("tier `{}`", tier.name));
                e.tier = Some(tier.name.clone());
                self.push(e);
            }
            let mut passed = false;
            let mut enforced = false;
            'policies: for &pi in in_tier {
                let Some(p) = ir.policies.get(pi) else {
                    continue;
                };
                if p.staged {
                    if !self.quiet {
                        let e = self.entry(
                            Event::Staged,
                            format!(
                                "{} `{}` is staged: it selects this endpoint but does not decide",
                                p.kind,
                                p.display()
                            ),
                        );
                        self.push(in_policy(e, tier, p).at(p.loc.as_ref()));
                    }
                    continue;
                }
                enforced = true;
                if !self.quiet {
                    let e = self.entry(Event::Policy, format!("{} `{}`", p.kind, p.display()));
                    self.push(in_policy(e, tier, p).at(p.loc.as_ref()));
                }
                let rules = p.rules(self.d);
                if rules.is_empty() && !self.quiet {
                    {
                        let e = self.entry(Event::Rule, format!("no {} rules", self.d.name()));
                        self.push(e);
                    }
                }
                for (ri, rule) in rules.iter().enumerate() {
                    let result = rule_matches(ir, rule, pkt, self.doubts);
                    if !self.quiet {
                        let e = self.rule_entry(ri, rule, &result);
                        self.push(in_policy(e, tier, p));
                    }
                    if result.is_err() {
                        continue;
                    }
                    match rule.action {
                        Action::Log => {}
                        Action::Allow | Action::Deny => {
                            return Some(policy_decision(
                                self,
                                p,
                                &tier.name,
                                Some(ri),
                                rule.action.name(),
                                Reason::Rule,
                                Some(rule),
                            ));
                        }
                        Action::Pass => {
                            if !self.quiet {
                                let mut e = self.entry(
                                    Event::Pass,
                                    format!("Pass: the rest of tier `{}` is skipped", tier.name),
                                );
                                e.tier = Some(tier.name.clone());
                                self.push(e);
                            }
                            passed = true;
                            break 'policies;
                        }
                    }
                }
            }
            if !passed && enforced && !tier.default_pass && !force_pass {
                if !self.quiet {
                    let mut e = self.entry(
                        Event::EndOfTier,
                        format!(
                            "end of tier `{}`: no rule decided, default action Deny",
                            tier.name
                        ),
                    );
                    e.tier = Some(tier.name.clone());
                    e.action = Some("Deny");
                    self.push(e);
                }
                let mut d = self.decision(Reason::EndOfTier, false);
                d.tier = Some(tier.name.to_string());
                // The last enforced policy of the tier names where the drop happens.
                if let Some(p) = in_tier
                    .iter()
                    .rev()
                    .filter_map(|&x| ir.policies.get(x))
                    .find(|p| !p.staged)
                {
                    d.policy = Some(p.name.to_string());
                    d.kind = Some(p.kind.to_string());
                    d.namespace = p.namespace.as_deref().map(str::to_string);
                    d.loc = p.loc.clone();
                }
                return Some(d);
            } else if !passed {
                let why = if !enforced {
                    "only staged policies apply: no end-of-tier drop"
                } else {
                    "default action Pass"
                };
                if !self.quiet {
                    let mut e = self.entry(
                        Event::EndOfTier,
                        format!("end of tier `{}`: {why}, next tier", tier.name),
                    );
                    e.tier = Some(tier.name.clone());
                    e.action = Some("Pass");
                    self.push(e);
                }
            }
        }
        None
    }

    fn profiles(&mut self, pkt: &Packet) -> Decision {
        let ir = self.ir;
        let Some(ep) = ir.endpoints.get(self.ep) else {
            return self.decision(Reason::NoProfile, false);
        };
        for name in &ep.profiles {
            let Some(prof) = ir.profiles.get(name) else {
                if !self.quiet {
                    let mut e = self.entry(
                        Event::Profile,
                        format!("profile `{name}` does not exist: it drops everything"),
                    );
                    e.policy = Some(Arc::from(name.as_str()));
                    e.kind = Some("Profile".into());
                    e.action = Some("Deny");
                    self.push(e);
                }
                let mut d = self.decision(Reason::NoProfile, false);
                d.policy = Some(name.to_string());
                d.kind = Some("Profile".into());
                return d;
            };
            if !self.quiet {
                let mut e = self.entry(Event::Profile, format!("profile `{name}`"));
                e.policy = Some(Arc::from(name.as_str()));
                e.kind = Some("Profile".into());
                let e = e.at(prof.loc.as_ref());
                self.push(e);
            }
            let rules = match self.d {
                Dir::Ingress => &prof.ingress,
                Dir::Egress => &prof.egress,
            };
            for (ri, rule) in rules.iter().enumerate() {
                let result = rule_matches(ir, rule, pkt, self.doubts);
                if !self.quiet {
                    let mut e = self.rule_entry(ri, rule, &result);
                    e.policy = Some(Arc::from(name.as_str()));
                    e.kind = Some("Profile".into());
                    self.push(e);
                }
                if result.is_err() {
                    continue;
                }
                match rule.action {
                    Action::Log => {}
                    Action::Pass => break,
                    Action::Allow | Action::Deny => {
                        let mut d = self.decision(Reason::Profile, rule.action == Action::Allow);
                        d.policy = Some(name.to_string());
                        d.kind = Some("Profile".into());
                        d.rule = Some(ri);
                        d.loc = rule.loc.clone().or_else(|| prof.loc.clone());
                        return d;
                    }
                }
            }
        }
        let msg = if ep.profiles.is_empty() {
            "no profile: drop".to_string()
        } else {
            "no profile allowed: drop".to_string()
        };
        if !self.quiet {
            let mut e = self.entry(Event::Profile, msg);
            e.action = Some("Deny");
            self.push(e);
        }
        self.decision(Reason::NoProfile, false)
    }

    fn failsafe(&mut self, pkt: &Packet) -> Option<Decision> {
        let ir = self.ir;
        let (list, peer) = match self.d {
            Dir::Ingress => (&ir.felix.failsafe_in, pkt.src.ip),
            Dir::Egress => (&ir.felix.failsafe_out, pkt.dst.ip),
        };
        let hit = list.iter().find(|f| {
            f.protocol == pkt.protocol
                && f.port == pkt.port
                && f.net.is_none_or(|n| peer.is_some_and(|ip| n.contains(ip)))
        });
        let msg = match hit {
            Some(f) => format!(
                "failsafe {} {}: allowed before any policy",
                self.d.name(),
                f
            ),
            None if list.is_empty() => "no failsafe ports configured".to_string(),
            None => format!(
                "not a failsafe port ({} {})",
                proto::name(pkt.protocol),
                pkt.port
            ),
        };
        if !self.quiet {
            let mut e = self.entry(Event::Failsafe, msg).at(ir.felix.loc.as_ref());
            e.matched = Some(hit.is_some());
            if hit.is_some() {
                e.action = Some("Allow");
            }
            self.push(e);
        }
        hit.map(|_| {
            let mut d = self.decision(Reason::Failsafe, true);
            d.loc = ir.felix.loc.clone();
            d
        })
    }

    fn verdict(&mut self, d: Decision) -> Decision {
        let what = match (&d.reason, &d.policy) {
            (Reason::Rule, Some(p)) => format!("by rule {} of `{p}`", d.rule.unwrap_or(0)),
            (Reason::EndOfTier, _) => {
                format!("at the end of tier `{}`", d.tier.as_deref().unwrap_or(""))
            }
            (Reason::Profile, Some(p)) => format!("by profile `{p}`"),
            (Reason::NoProfile, _) => "as no profile allowed it".to_string(),
            (Reason::Failsafe, _) => "by a failsafe port".to_string(),
            _ => String::new(),
        };
        let action = if d.allows() { "Allow" } else { "Deny" };
        if !self.quiet {
            let mut e = self.entry(
                Event::Verdict,
                format!("{} {}: {action} {what}", self.epref, self.d.name()),
            );
            e.action = Some(action);
            self.push(e.decided_by(&d));
        }
        d
    }
}

/// Evaluates direction `d` at endpoint `ep` for `pkt`, appending the trace (none when `quiet`).
#[allow(clippy::too_many_arguments)]
pub fn eval_side(
    ir: &Ir,
    applies: &[usize],
    ep: usize,
    d: Dir,
    pkt: &Packet,
    trace: &mut Vec<TraceEntry>,
    doubts: &mut Doubts,
    quiet: bool,
) -> Decision {
    let Some(endpoint) = ir.endpoints.get(ep) else {
        debug_assert!(false, "endpoint index out of range");
        return Decision::bare(None, Some(d), Reason::NoProfile, false);
    };
    let epref = endpoint.reference();
    let mut side = Side {
        quiet,
        ir,
        ep,
        epref,
        d,
        trace,
        doubts,
    };
    let e = side
        .entry(Event::Side, format!("{} at {}", d.name(), side.epref))
        .at(endpoint.loc.as_ref());
    side.push(e);
    let host = endpoint.kind == EndpointKind::Host;
    if host {
        if let Some(dec) = side.failsafe(pkt) {
            return side.verdict(dec);
        }
        let stages: &[Stage] = match d {
            Dir::Ingress => &[Stage::Untracked, Stage::PreDnat],
            Dir::Egress => &[Stage::Untracked],
        };
        for &st in stages {
            let pols = applicable(ir, applies, d, st);
            if pols.is_empty() {
                continue;
            }
            let name = if st == Stage::Untracked {
                "untracked (doNotTrack)"
            } else {
                "pre-DNAT"
            };
            if !side.quiet {
                let e = side.entry(Event::Stage, format!("{name} policies"));
                side.push(e);
            }
            if let Some(dec) = side.tiers(pkt, &pols, true) {
                return side.verdict(dec);
            }
        }
    }
    let pols = applicable(ir, applies, d, Stage::Normal);
    if host && pols.len() < applies.len() && !side.quiet {
        let e = side.entry(Event::Stage, "normal policies".into());
        side.push(e);
    }
    if let Some(dec) = side.tiers(pkt, &pols, false) {
        return side.verdict(dec);
    }
    let dec = side.profiles(pkt);
    side.verdict(dec)
}
