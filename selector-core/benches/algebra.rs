//! The selector algebra on the shared workload (`../shared/bench/workload.json` from the repo
//! root, or the file named by `SELECTOR_WORKLOAD`): `implies` over every ordered pair of
//! distinct selectors that test a common label.
//!
//! `cargo bench -p selector-core --bench algebra`. Before criterion's groups it prints the
//! distribution of one `implies` per pair (each pair timed as the best of 3 runs): median,
//! 99th percentile, maximum and the slowest pair, with the cost of parsing one of the
//! workload's selectors measured in the same run as the baseline to compare with.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use selector_core::Selector;
use std::hint::black_box;
use std::time::{Duration, Instant};

mod workload;
use workload::Workload;

/// Ordered pairs `(i, j)`, `i != j`, of selectors that test a common label.
fn sharing_pairs(parsed: &[Selector]) -> Vec<(usize, usize)> {
    let names: Vec<Vec<&str>> = parsed.iter().map(|s| s.label_names()).collect();
    let mut pairs = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for (j, b) in names.iter().enumerate() {
            if i != j && a.iter().any(|l| b.binary_search(l).is_ok()) {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

/// The best of three runs of `f`.
fn best_of_3(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn distribution(w: &Workload, parsed: &[Selector], pairs: &[(usize, usize)]) {
    let mut times: Vec<(Duration, usize, usize)> = pairs
        .iter()
        .filter_map(|&(i, j)| {
            let (a, b) = (parsed.get(i)?, parsed.get(j)?);
            Some((
                best_of_3(|| {
                    black_box(a.implies(black_box(b)));
                }),
                i,
                j,
            ))
        })
        .collect();
    times.sort_unstable();
    let at = |q: f64| {
        let k = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(k).map(|t| t.0).unwrap_or_default()
    };
    let parse: Vec<Duration> = w
        .selectors
        .iter()
        .map(|s| best_of_3(|| drop(black_box(Selector::parse(black_box(s))))))
        .collect();
    let parse_mean = parse.iter().sum::<Duration>() / parse.len().max(1) as u32;
    let implies = times.iter().map(|t| t.0).sum::<Duration>() / times.len().max(1) as u32;
    println!(
        "algebra: {} ordered pairs sharing a label; implies per pair: median {:?}, p99 {:?}, max {:?}, mean {:?}",
        times.len(),
        at(0.5),
        at(0.99),
        at(1.0),
        implies
    );
    println!(
        "algebra: baseline, same run: parse one selector, mean {parse_mean:?}; implies / parse = {:.1}x (mean), {:.1}x (median)",
        implies.as_secs_f64() / parse_mean.as_secs_f64(),
        at(0.5).as_secs_f64() / parse_mean.as_secs_f64()
    );
    if let Some((t, i, j)) = times.last() {
        if let (Some(a), Some(b)) = (w.selectors.get(*i), w.selectors.get(*j)) {
            println!("algebra: slowest pair ({t:?}): {a}  =>  {b}");
        }
    }
}

/// `(x0 == "v" || y0 contains "v") && …`, `n` clauses in the given order.
fn cnf(order: impl Iterator<Item = usize>) -> Selector {
    let text = order
        .map(|i| format!(r#"(x{i} == "v" || y{i} contains "v")"#))
        .collect::<Vec<_>>()
        .join(" && ");
    // The text is well formed: the `all()` fallback is never taken.
    Selector::parse(&text).unwrap_or_else(|_| {
        Selector::from_expr(selector_core::Expr::All {
            span: Default::default(),
        })
    })
}

/// The pigeonhole principle, `n + 1` pigeons into `n` holes, in `has()` tests: unsatisfiable,
/// and hard for every DPLL search (the documented exponential case).
fn pigeonhole(n: usize) -> Selector {
    let mut parts = Vec::new();
    for i in 0..=n {
        let holes: Vec<String> = (0..n).map(|h| format!("has(p{i}h{h})")).collect();
        parts.push(format!("({})", holes.join(" || ")));
    }
    for h in 0..n {
        for i in 0..=n {
            for j in i + 1..=n {
                parts.push(format!("!(has(p{i}h{h}) && has(p{j}h{h}))"));
            }
        }
    }
    Selector::parse(&parts.join(" && ")).unwrap_or_else(|_| {
        Selector::from_expr(selector_core::Expr::All {
            span: Default::default(),
        })
    })
}

fn benches(c: &mut Criterion) {
    let Some(w) = Workload::load_or_report() else {
        return;
    };
    let parsed: Vec<Selector> = w.parsed();
    for s in &parsed {
        // Build the syntax trees once, as a long-lived selector would have them.
        black_box(s.ast());
    }
    let pairs = sharing_pairs(&parsed);
    distribution(&w, &parsed, &pairs);

    let mut g = c.benchmark_group("algebra");
    g.sample_size(10).measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("implies, every pair sharing a label", |b| {
        b.iter(|| {
            for &(i, j) in &pairs {
                if let (Some(a), Some(t)) = (parsed.get(i), parsed.get(j)) {
                    black_box(a.implies(t));
                }
            }
        })
    });
    g.throughput(Throughput::Elements(parsed.len() as u64));
    g.bench_function("is_satisfiable, every selector", |b| {
        b.iter(|| {
            for s in &parsed {
                black_box(s.is_satisfiable());
            }
        })
    });
    g.bench_function("parse, every selector (baseline)", |b| {
        b.iter(|| {
            for s in &w.selectors {
                drop(black_box(Selector::parse(black_box(s))));
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    for n in [20, 40] {
        let (fwd, back) = (cnf(0..n), cnf((0..n).rev()));
        g.bench_function(format!("equivalent, {n}-clause CNF vs reversed"), |b| {
            b.iter(|| black_box(fwd.equivalent(&back)))
        });
    }
    for n in [4, 5, 6] {
        let s = pigeonhole(n);
        let name = format!(
            "is_satisfiable, pigeonhole {} into {n} ({} bytes)",
            n + 1,
            s.source().len()
        );
        g.bench_function(name, |b| b.iter(|| black_box(s.is_satisfiable())));
    }
    g.finish();
}

criterion_group!(algebra, benches);
criterion_main!(algebra);
