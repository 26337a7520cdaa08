//! Criterion benches on the shared workload (`../shared/bench/workload.json` from the repo
//! root, or the file named by `SELECTOR_WORKLOAD`): 1,000 selectors and 1,000 endpoints.
//!
//! `cargo bench -p selector-core --bench selectors` (add `-- parse` etc. to filter). Settings
//! are short (small samples, one-second measurements) so the whole run takes about a minute.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use selector_core::index::SelectorIndex;
use selector_core::interned::Interner;
use selector_core::{compile::Program, validate, Selector};
use std::hint::black_box;
use std::time::Duration;

mod workload;
use workload::Workload;

fn benches(c: &mut Criterion) {
    let Some(w) = Workload::load_or_report() else {
        return;
    };
    let parsed: Vec<Selector> = w.parsed();
    let n_sel = parsed.len() as u64;
    let pairs = n_sel * w.endpoints.len() as u64;

    let mut g = c.benchmark_group("front");
    g.throughput(Throughput::Elements(n_sel));
    g.bench_function("parse (canonical + id + compile)", |b| {
        b.iter(|| {
            for s in &w.selectors {
                // The unique id is made on first use: ask for it, as Calico's figure includes it.
                let parsed = Selector::parse(black_box(s));
                black_box(parsed.as_ref().map(Selector::unique_id).ok());
            }
        })
    });
    g.bench_function("validate", |b| {
        b.iter(|| {
            for s in &w.selectors {
                black_box(validate(black_box(s)).is_ok());
            }
        })
    });
    g.bench_function("compile", |b| {
        b.iter(|| {
            for s in &parsed {
                black_box(Program::compile(black_box(s.ast())));
            }
        })
    });
    g.bench_function("compile interned", |b| {
        let mut interner = Interner::new();
        b.iter(|| {
            for s in &parsed {
                black_box(interner.compile(black_box(s)));
            }
        })
    });
    g.finish();

    let mut interner = Interner::new();
    let sets: Vec<_> = w.endpoints.iter().map(|e| interner.label_set(e)).collect();
    let compiled: Vec<_> = parsed.iter().map(|s| interner.compile(s)).collect();

    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(pairs));
    g.bench_function("pair from HashMap", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for s in &parsed {
                for e in &w.endpoints {
                    n += u32::from(s.matches(black_box(e)));
                }
            }
            n
        })
    });
    g.bench_function("pair interned", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for s in &compiled {
                for e in &sets {
                    n += u32::from(s.matches(black_box(e), &interner));
                }
            }
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group("matrix");
    g.throughput(Throughput::Elements(pairs));
    g.bench_function("naive (compiled selectors, HashMap labels)", |b| {
        b.iter(|| {
            let mut matched = Vec::new();
            for (i, s) in parsed.iter().enumerate() {
                for (j, e) in w.endpoints.iter().enumerate() {
                    if s.matches(e) {
                        matched.push((i, j));
                    }
                }
            }
            matched
        })
    });
    g.bench_function("index (build from empty)", |b| {
        b.iter_batched(
            || parsed.clone(),
            |parsed| {
                let mut index = SelectorIndex::<usize, usize>::new();
                for (j, e) in w.endpoints.iter().enumerate() {
                    index.insert_endpoint(j, e);
                }
                for (i, s) in parsed.into_iter().enumerate() {
                    index.insert_selector(i, s);
                }
                index
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group! {
    name = selectors;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(selectors);
