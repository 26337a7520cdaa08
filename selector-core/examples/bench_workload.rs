//! Times the shared benchmark workload and prints one JSON line:
//!
//! ```text
//! cargo run --release -p selector-core --example bench_workload -- ../shared/bench/workload.json
//! {"parse_ns_per_selector":…,"eval_ns_per_pair_map":…,"eval_ns_per_pair_fxmap":…,
//!  "eval_ns_per_pair_interned":…,
//!  "matrix_ms_naive":…,"matrix_ms_index":…,"matched_pairs":147407}
//! ```
//!
//! - `parse_ns_per_selector`: `Selector::parse` (parse, canonical text, compile) and
//!   `unique_id()` (made on first use), the work of Calico's parse figure and more.
//! - `eval_ns_per_pair_map`: every selector on every endpoint, labels in `HashMap<String, String>`.
//! - `eval_ns_per_pair_fxmap`: the same with the maps built with `rustc-hash`'s hasher.
//! - `eval_ns_per_pair_interned`: the same with interned label sets and interned selectors.
//! - `matrix_ms_naive`: the full match matrix by that `HashMap` loop, collecting the pairs.
//! - `matrix_ms_index`: the full match matrix by a `SelectorIndex` built from empty (all
//!   endpoints inserted, then all selectors; includes interning, compiling, choosing each
//!   selector's probes and storing the matches both ways). Stderr also gives the build in the
//!   other order (selectors first, whose probes are then chosen without endpoint counts) and
//!   the naive loop over interned labels.
//! - `matched_pairs`: the number of matching pairs; every method must find 147,407.
//!
//! Stderr also gives the parts of the parse figure: the same loop without the unique id, the
//! grammar alone (`validate`), and the unique id alone (from the canonical text, made into a
//! `String` by `selector_core::unique_id`).
//!
//! Stderr also gives the floor under the `HashMap` figure: the time of one `HashMap::get` per
//! pair (each selector's first label) and the number of lookups the evaluator makes per pair.
//!
//! Each figure is the best of three batches of runs lasting about 0.3 s each. Times are the CPU time of the measuring thread
//! where Linux reports it (`/proc/thread-self/schedstat`), which on an idle machine equals
//! the wall-clock time and on a busy, shared one leaves out the time other processes hold the
//! CPU; elsewhere they are wall-clock times. Details go to stderr. Exits non-zero if any
//! method finds a different number of pairs.

use selector_core::index::SelectorIndex;
use selector_core::interned::Interner;
use selector_core::{Labels, Selector};
use std::cell::Cell;
use std::collections::HashMap;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const EXPECTED_PAIRS: usize = 147_407;

/// The CPU time this thread has run, if the system says.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// The time per run of `f`: the best of three batches, each of enough runs to take about
/// 0.3 s (so that the clock's granularity does not matter), and the last result.
fn best<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let start = Instant::now();
    let mut out = black_box(f());
    let runs = (0.3 / start.elapsed().as_secs_f64().max(1e-6)).clamp(1.0, 10_000.0) as u32;
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let (cpu, wall) = (thread_cpu_time(), Instant::now());
        for _ in 0..runs {
            out = black_box(f());
        }
        let took = match (cpu, thread_cpu_time()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => wall.elapsed(),
        };
        best = best.min(took / runs);
    }
    (best, out)
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bench_workload <workload.json>");
        return ExitCode::from(2);
    };
    let (selectors, endpoints) = match load(&path) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("bench_workload: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let n_sel = selectors.len();
    let n_pairs = (n_sel * endpoints.len()) as f64;

    let (parse_time, parsed) = best(|| {
        // Sized up front, so that growing the list is not counted as parsing.
        let mut out = Vec::with_capacity(selectors.len());
        for s in &selectors {
            // The same work as Calico's parse figure: the canonical text is made while
            // parsing; the unique id is made on first use, so ask for it.
            let parsed = Selector::parse(s)?;
            black_box(parsed.unique_id());
            out.push(parsed);
        }
        Ok::<_, selector_core::ParseError>(out)
    });
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            eprintln!("bench_workload: a selector does not parse:\n{e}");
            return ExitCode::FAILURE;
        }
    };

    // The parts of the parse figure: the same loop without the unique id; the grammar alone
    // (`validate`, which builds nothing); and the unique id alone, from the canonical text.
    let (parse_only_time, _) = best(|| {
        let mut out = Vec::with_capacity(selectors.len());
        for s in &selectors {
            out.push(Selector::parse(s).ok());
        }
        out
    });
    let (grammar_time, _) = best(|| {
        selectors
            .iter()
            .filter(|s| selector_core::validate(s).is_ok())
            .count()
    });
    let (id_time, _) = best(|| {
        for s in &parsed {
            black_box(selector_core::unique_id(s.canonical()));
        }
    });

    let (map_time, map_count) = best(|| {
        let mut n = 0usize;
        for s in &parsed {
            for e in &endpoints {
                n += usize::from(s.matches(e));
            }
        }
        n
    });

    let fx_endpoints: Vec<HashMap<String, String, rustc_hash::FxBuildHasher>> = endpoints
        .iter()
        .map(|e| e.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .collect();
    let (fxmap_time, fxmap_count) = best(|| {
        let mut n = 0usize;
        for s in &parsed {
            for e in &fx_endpoints {
                n += usize::from(s.matches(e));
            }
        }
        n
    });

    // The floor under the `HashMap` figure: the label lookups alone. Every pair needs at least
    // the lookup of its selector's first label and a look at the value found (here its first
    // byte); `lookups` counts how many lookups the evaluator makes.
    let first_labels: Vec<&str> = parsed
        .iter()
        .map(|s| s.program().label_names().next().unwrap_or(""))
        .collect();
    let (lookup_time, _) = best(|| {
        let mut n = 0usize;
        for name in &first_labels {
            for e in &endpoints {
                n += usize::from(e.get(*name).is_some_and(|v| v.starts_with('v')));
            }
        }
        n
    });
    let lookups = {
        let counter = Counting {
            calls: Cell::new(0),
        };
        for s in &parsed {
            for e in &endpoints {
                s.matches(&Counted(&counter, e));
            }
        }
        counter.calls.get()
    };

    let mut interner = Interner::new();
    let sets: Vec<_> = endpoints.iter().map(|e| interner.label_set(e)).collect();
    let compiled: Vec<_> = parsed.iter().map(|s| interner.compile(s)).collect();
    let (interned_time, interned_count) = best(|| {
        let mut n = 0usize;
        for s in &compiled {
            for e in &sets {
                n += usize::from(s.matches(e, &interner));
            }
        }
        n
    });

    let (naive_time, naive_pairs) = best(|| {
        let mut pairs = Vec::new();
        for (i, s) in parsed.iter().enumerate() {
            for (j, e) in endpoints.iter().enumerate() {
                if s.matches(e) {
                    pairs.push((i, j));
                }
            }
        }
        pairs
    });

    let (naive_interned_time, _) = best(|| {
        let mut pairs = Vec::new();
        for (i, s) in compiled.iter().enumerate() {
            for (j, e) in sets.iter().enumerate() {
                if s.matches(e, &interner) {
                    pairs.push((i, j));
                }
            }
        }
        pairs
    });

    let (index_time, (index_pairs, evaluations)) = best(|| {
        let mut index = SelectorIndex::<usize, usize>::new();
        let mut started = 0usize;
        for (j, e) in endpoints.iter().enumerate() {
            started += index.insert_endpoint(j, e).started.len();
        }
        for (i, s) in parsed.iter().enumerate() {
            started += index.insert_selector(i, s.clone()).started.len();
        }
        (started, index.evaluations())
    });

    let (index_rev_time, index_rev_pairs) = best(|| {
        let mut index = SelectorIndex::<usize, usize>::new();
        let mut started = 0usize;
        for (i, s) in parsed.iter().enumerate() {
            started += index.insert_selector(i, s.clone()).started.len();
        }
        for (j, e) in endpoints.iter().enumerate() {
            started += index.insert_endpoint(j, e).started.len();
        }
        started
    });

    let counts = [
        ("HashMap loop", map_count),
        ("FxHash HashMap loop", fxmap_count),
        ("interned loop", interned_count),
        ("naive matrix", naive_pairs.len()),
        ("index", index_pairs),
        ("index, selectors first", index_rev_pairs),
    ];
    let mut ok = true;
    for (what, n) in counts {
        if n != EXPECTED_PAIRS {
            eprintln!("bench_workload: {what} found {n} matching pairs, expected {EXPECTED_PAIRS}");
            ok = false;
        }
    }

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let ns_per = |d: Duration, n: f64| d.as_secs_f64() * 1e9 / n;
    let clock = if thread_cpu_time().is_some() {
        "thread CPU time"
    } else {
        "wall-clock time"
    };
    eprintln!(
        "{clock}; selectors {n_sel}, endpoints {}, index evaluations {evaluations} of {n_pairs}; \
         naive matrix over interned labels {:.2} ms ({:.1}x the index); index built selectors \
         first {:.2} ms",
        endpoints.len(),
        ms(naive_interned_time),
        naive_interned_time.as_secs_f64() / index_time.as_secs_f64(),
        ms(index_rev_time),
    );
    eprintln!(
        "parse parts: without the unique id {:.1} ns per selector; the grammar alone (validate) \
         {:.1} ns; the unique id alone, from the canonical text into a String {:.1} ns",
        ns_per(parse_only_time, n_sel as f64),
        ns_per(grammar_time, n_sel as f64),
        ns_per(id_time, n_sel as f64),
    );
    let per_lookup = ns_per(lookup_time, n_pairs);
    let lookups_per_pair = lookups as f64 / n_pairs;
    eprintln!(
        "HashMap floor: one HashMap::get and a look at the value per pair {per_lookup:.2} ns; \
         the evaluator makes \
         {lookups_per_pair:.3} lookups per pair, so the lookups alone take about {:.1} ns of the \
         {:.1} ns per pair",
        per_lookup * lookups_per_pair,
        ns_per(map_time, n_pairs),
    );
    println!(
        "{{\"parse_ns_per_selector\": {:.1}, \"eval_ns_per_pair_map\": {:.2}, \
         \"eval_ns_per_pair_fxmap\": {:.2}, \"eval_ns_per_pair_interned\": {:.2}, \"matrix_ms_naive\": {:.2}, \
         \"matrix_ms_index\": {:.3}, \"matched_pairs\": {}}}",
        ns_per(parse_time, n_sel as f64),
        ns_per(map_time, n_pairs),
        ns_per(fxmap_time, n_pairs),
        ns_per(interned_time, n_pairs),
        ms(naive_time),
        ms(index_time),
        naive_pairs.len(),
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

type Endpoints = Vec<HashMap<String, String>>;

/// Counts label lookups.
struct Counting {
    calls: Cell<usize>,
}

/// A label set that counts the lookups made in it.
struct Counted<'a>(&'a Counting, &'a HashMap<String, String>);

impl Labels for Counted<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.calls.set(self.0.calls.get() + 1);
        self.1.get(name).map(String::as_str)
    }
}

fn load(path: &str) -> Result<(Vec<String>, Endpoints), Box<dyn std::error::Error>> {
    #[derive(serde::Deserialize)]
    struct Workload {
        selectors: Vec<String>,
        endpoints: Endpoints,
    }
    let w: Workload = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    Ok((w.selectors, w.endpoints))
}
