//! Replays the evaluator's scenario folders (`selector-policy/tests/scenarios/<name>/`) from
//! Rust and through the `calico-selector flow` binary, and checks both against the expected
//! verdict, reason and deciding policy, and against each other (same JSON).
//!
//! A folder holds manifests (`*.yaml`) and `queries.txt`, one flow a line:
//! `FROM TO PROTO/PORT => VERDICT REASON POLICY[#RULE]` (`-` for no policy); `#` starts a
//! comment line. `inputs.txt`, when present, lists paths (from the repository root) to load
//! instead of the folder. `SCENARIO=name` runs one folder.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use selector_policy::eval::{Cluster, Ref, Verdict};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

struct Query {
    line: usize,
    from: String,
    to: String,
    protocol: String,
    port: u32,
    verdict: String,
    reason: String,
    policy: Option<String>,
    rule: Option<usize>,
}

fn parse_queries(path: &Path) -> Vec<Query> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (lhs, rhs) = line
            .split_once("=>")
            .unwrap_or_else(|| panic!("{}:{}: no `=>`", path.display(), i + 1));
        let l: Vec<&str> = lhs.split_whitespace().collect();
        let r: Vec<&str> = rhs.split_whitespace().collect();
        assert!(
            l.len() == 3 && r.len() == 3,
            "{}:{}: want `FROM TO PROTO/PORT => VERDICT REASON POLICY`",
            path.display(),
            i + 1
        );
        let (protocol, port) = l[2].split_once('/').unwrap();
        let (policy, rule) = match r[2] {
            "-" => (None, None),
            p => match p.rsplit_once('#') {
                Some((p, n)) => (Some(p.to_string()), Some(n.parse().unwrap())),
                None => (Some(p.to_string()), None),
            },
        };
        out.push(Query {
            line: i + 1,
            from: l[0].into(),
            to: l[1].into(),
            protocol: protocol.into(),
            port: port.parse().unwrap(),
            verdict: r[0].into(),
            reason: r[1].into(),
            policy,
            rule,
        });
    }
    out
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_to_string(dir.join("inputs.txt")) {
        Ok(t) => t
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| repo().join(l.trim()))
            .collect(),
        Err(_) => vec![dir.to_path_buf()],
    }
}

fn scenario_dirs() -> Vec<PathBuf> {
    let root = repo().join("selector-policy/tests/scenarios");
    let only = std::env::var("SCENARIO").ok();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("queries.txt").exists())
        .filter(|p| only.as_deref().is_none_or(|o| p.file_name().unwrap() == o))
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn scenarios_replay_in_rust_and_through_the_cli() {
    let dirs = scenario_dirs();
    assert!(
        dirs.len() >= 20 || std::env::var("SCENARIO").is_ok(),
        "scenario folders missing"
    );
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let paths = inputs(dir);
        let cluster = Cluster::from_paths(&paths).unwrap_or_else(|e| panic!("{name}: {e}"));
        for q in parse_queries(&dir.join("queries.txt")) {
            count += 1;
            let at = format!("{name}/queries.txt:{}", q.line);
            let v = cluster
                .flow(
                    &Ref::parse(&q.from).unwrap(),
                    &Ref::parse(&q.to).unwrap(),
                    q.port,
                    &q.protocol,
                )
                .unwrap_or_else(|e| panic!("{at}: {e}"));
            let got_verdict = match v.verdict {
                Verdict::Allow => "allow",
                Verdict::Deny => "deny",
            };
            let json = serde_json::to_value(&v).unwrap();
            let d = &json["decided_by"];
            let got = (
                got_verdict.to_string(),
                d["reason"].as_str().unwrap().to_string(),
                d["policy"].as_str().map(str::to_string),
                d["rule"].as_u64().map(|r| r as usize),
            );
            let want_rule = if q.rule.is_some() {
                q.rule
            } else {
                got.3
                    .filter(|_| q.policy.is_some() && q.reason != "rule" && q.reason != "profile")
            };
            let want = (
                q.verdict.clone(),
                q.reason.clone(),
                q.policy.clone(),
                want_rule,
            );
            let rule_ok = q.rule.is_none() && q.reason != "rule" || want.3 == got.3;
            if (want.0 != got.0 || want.1 != got.1 || want.2 != got.2) || !rule_ok {
                failures.push(format!(
                    "{at}: {} -> {} {}/{}: want {} {} {:?}#{:?}, got {} {} {:?}#{:?}\n{}",
                    q.from,
                    q.to,
                    q.protocol,
                    q.port,
                    want.0,
                    want.1,
                    want.2,
                    want.3,
                    got.0,
                    got.1,
                    got.2,
                    got.3,
                    selector_policy::eval::text::flow(&v)
                ));
                continue;
            }
            // The trace ends with the flow's verdict.
            let last = v.trace.last().unwrap();
            assert_eq!(
                last.action,
                Some(if v.verdict == Verdict::Allow {
                    "Allow"
                } else {
                    "Deny"
                }),
                "{at}"
            );
            // The same query through the binary gives the same JSON and exit code.
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_calico-selector"));
            cmd.arg("flow").args(&paths).args([
                "--from",
                &q.from,
                "--to",
                &q.to,
                "--port",
                &q.port.to_string(),
                "--protocol",
                &q.protocol,
                "--format",
                "json",
            ]);
            let out = cmd.output().unwrap();
            let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!(
                    "{at}: CLI output is not JSON ({e}): {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            if cli != json {
                failures.push(format!("{at}: the CLI's JSON differs from the library's"));
            }
            let want_code = if v.verdict == Verdict::Allow { 0 } else { 1 };
            if out.status.code() != Some(want_code) {
                failures.push(format!(
                    "{at}: CLI exit {:?}, want {want_code}",
                    out.status.code()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} scenario queries failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
