//! The native half of the JS benchmark (`bench/bench.mjs` runs it in the same run): parse and
//! match the shared workload with `selector-core` directly, labels in a `HashMap` (the native
//! counterpart of a plain JS object), and print the figures as one JSON line.
//!
//! `cargo run --release -p selector-wasm --example bench_native -- <workload.json> [rounds]`

use selector_core::Selector;
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

/// CPU time of this thread in ns (Linux), else wall time since the first call: the JS side
/// measures the same way, so a busy machine slows neither side's figure.
fn now_ns() -> u128 {
    let cpu = std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u128>().ok());
    match cpu {
        Some(ns) => ns,
        None => {
            static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
            START.get_or_init(Instant::now).elapsed().as_nanos()
        }
    }
}

#[derive(serde::Deserialize)]
struct Workload {
    selectors: Vec<String>,
    endpoints: Vec<HashMap<String, String>>,
}

/// Nanoseconds per call of the `calls` calls made by `body`, best of `rounds` runs of at
/// least 200 ms each.
fn best_of(rounds: u32, calls: usize, mut body: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..rounds {
        let start = now_ns();
        let mut repeats = 0u32;
        let spent = loop {
            body();
            repeats += 1;
            let spent = now_ns() - start;
            if spent >= 200_000_000 {
                break spent;
            }
        };
        best = best.min(spent as f64 / f64::from(repeats) / calls as f64);
    }
    best
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: bench_native <workload.json> [rounds]")?;
    let rounds: u32 = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let workload: Workload = serde_json::from_str(&std::fs::read_to_string(&path)?)?;

    // Warm-up (also of the page cache and allocator), and the selectors for the match loop.
    let selectors = workload
        .selectors
        .iter()
        .map(|s| Selector::parse(s))
        .collect::<Result<Vec<_>, _>>()?;

    // Best of `rounds`, in thread CPU time, each run repeated for at least 200 ms (the CPU
    // clock advances in scheduler ticks), as the JS side measures.
    let parse_ns = best_of(rounds, workload.selectors.len(), || {
        for text in &workload.selectors {
            black_box(Selector::parse(black_box(text)).is_ok());
        }
    });
    let pairs = selectors.len() * workload.endpoints.len();
    let match_ns = best_of(rounds, pairs, || {
        for selector in &selectors {
            for labels in &workload.endpoints {
                black_box(selector.matches(black_box(labels)));
            }
        }
    });
    let matched: usize = selectors
        .iter()
        .map(|s| workload.endpoints.iter().filter(|l| s.matches(*l)).count())
        .sum();

    println!(
        "{{\"parse_ns\": {parse_ns:.1}, \"match_ns\": {match_ns:.2}, \"matched\": {matched}, \"pairs\": {pairs}, \"rounds\": {rounds}}}"
    );
    Ok(())
}
