//! Human-readable rendering of query answers, shared by the CLI and the bindings.

use std::fmt::Write;

use super::query::{describe, Applicable, DirectionPolicies};
use super::reach::Reach;
use super::trace::{Event, FlowVerdict, Verdict};

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Allow => "ALLOW",
        Verdict::Deny => "DENY",
    }
}

/// The verdict first, the deciding rule with its file:line and YAML line, doubts, then the trace.
pub fn flow(v: &FlowVerdict) -> String {
    let mut s = String::new();
    let q = &v.query;
    let _ = writeln!(
        s,
        "{} {} -> {} {} {}",
        verdict_word(v.verdict),
        q.from,
        q.to,
        q.protocol,
        q.port
    );
    let _ = writeln!(s, "decided by {}", describe(&v.decided_by));
    if let Some(l) = &v.decided_by.loc {
        let _ = writeln!(s, "  {}:{}: {}", l.file, l.line, l.text.trim());
    }
    for u in &v.uncertain {
        let _ = writeln!(s, "uncertain: {u}");
    }
    s.push_str("trace:\n");
    for e in &v.trace {
        let indent = match e.event {
            Event::Side => 2,
            Event::Failsafe | Event::Stage | Event::Tier | Event::Profile | Event::Special => 4,
            Event::Policy | Event::Staged | Event::Pass | Event::EndOfTier => 6,
            Event::Rule => 8,
            Event::Verdict if e.side.is_some() => 4,
            Event::Verdict => 2,
        };
        let _ = write!(s, "{:indent$}{}", "", e.message);
        if let (Some(f), Some(l)) = (&e.file, e.line) {
            if matches!(e.event, Event::Rule | Event::Policy | Event::Staged)
                || e.event == Event::Verdict
            {
                let _ = write!(s, "  [{f}:{l}]");
            }
        }
        s.push('\n');
    }
    s
}

/// One line per source, then the summary.
pub fn reach(r: &Reach) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "who can reach {} on {} {}:", r.to, r.protocol, r.port);
    for x in &r.sources {
        let _ = write!(s, "  {:5} {}", verdict_word(x.verdict), x.source);
        if !x.ranges.is_empty() {
            let _ = write!(s, " {}", x.ranges.join(", "));
        }
        if !x.uncertain.is_empty() {
            s.push_str(" (uncertain)");
        }
        let _ = write!(s, "\n        by {}", describe(&x.decided_by));
        if let Some(l) = &x.decided_by.loc {
            let _ = write!(s, " [{}:{}]", l.file, l.line);
        }
        s.push('\n');
    }
    s.push_str(&r.summary);
    s.push('\n');
    s
}

fn direction(s: &mut String, name: &str, d: &DirectionPolicies) {
    let _ = writeln!(s, "{name}:");
    if d.tiers.is_empty() {
        let _ = writeln!(s, "  no policy applies");
    }
    for t in &d.tiers {
        let order = t.order.map_or("none".to_string(), |o| o.to_string());
        let _ = writeln!(
            s,
            "  tier {} (order {order}, default action {})",
            t.tier, t.default_action
        );
        for p in &t.policies {
            let name = match &p.namespace {
                Some(ns) => format!("{ns}/{}", p.name),
                None => p.name.clone(),
            };
            let order = p.order.map_or("none".to_string(), |o| o.to_string());
            let mut flags = Vec::new();
            if p.staged {
                flags.push("staged".to_string());
            }
            if p.stage != "normal" {
                flags.push(p.stage.clone());
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!(" [{}]", flags.join(", "))
            };
            let loc = p
                .location
                .as_deref()
                .map(|l| format!("  {l}"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "    {} {name} (order {order}, {} rules){flags}{loc}",
                p.kind, p.rules
            );
        }
    }
    let profiles: Vec<String> = d
        .profiles
        .iter()
        .map(|p| {
            if p.exists {
                p.name.clone()
            } else {
                format!("{} (missing: drops everything)", p.name)
            }
        })
        .collect();
    let _ = writeln!(
        s,
        "  profiles: {}",
        if profiles.is_empty() {
            "none".to_string()
        } else {
            profiles.join(", ")
        }
    );
}

/// Per direction: tiers, policies in order, profiles.
pub fn policies(a: &Applicable) -> String {
    let mut s = format!("{}\n", a.endpoint);
    direction(&mut s, "ingress", &a.ingress);
    direction(&mut s, "egress", &a.egress);
    s
}
