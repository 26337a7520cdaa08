//! The native half of the JS benchmark (`bench/bench.mjs` runs it in the same run): parse and
//! match the shared workload with `selector-core` directly, labels in a `HashMap` (the native
//! counterpart of a plain JS object), and print the figures as one JSON line.
//!
//! `cargo run --release -p selector-wasm --example bench_native -- <workload.json> [rounds]`

use selector_core::Selector;
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

#[derive(serde::Deserialize)]
struct Workload {
    selectors: Vec<String>,
    endpoints: Vec<HashMap<String, String>>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: bench_native <workload.json> [rounds]")?;
    let rounds: u32 = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let workload: Workload = serde_json::from_str(&std::fs::read_to_string(&path)?)?;

    // Warm-up, and the parsed selectors for the match loop.
    let selectors = workload
        .selectors
        .iter()
        .map(|s| Selector::parse(s))
        .collect::<Result<Vec<_>, _>>()?;

    let start = Instant::now();
    for _ in 0..rounds {
        for text in &workload.selectors {
            black_box(Selector::parse(black_box(text))?);
        }
    }
    let parse_ns =
        start.elapsed().as_nanos() as f64 / f64::from(rounds) / workload.selectors.len() as f64;

    let mut matched = 0u64;
    let start = Instant::now();
    for _ in 0..rounds {
        matched = 0;
        for selector in &selectors {
            for labels in &workload.endpoints {
                matched += u64::from(selector.matches(black_box(labels)));
            }
        }
    }
    let pairs = (selectors.len() * workload.endpoints.len()) as f64;
    let match_ns = start.elapsed().as_nanos() as f64 / f64::from(rounds) / pairs;

    println!(
        "{{\"parse_ns\": {parse_ns:.1}, \"match_ns\": {match_ns:.2}, \"matched\": {matched}, \"pairs\": {pairs}, \"rounds\": {rounds}}}"
    );
    Ok(())
}
