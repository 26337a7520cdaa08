//! The shared benchmark workload, for every bench of this crate: `../shared/bench/workload.json`
//! from the repo root, or the file named by `SELECTOR_WORKLOAD`.

// Each bench compiles this module and uses part of it.
#![allow(dead_code)]

use selector_core::Selector;
use std::collections::HashMap;

/// The workload: selectors and endpoint label maps.
#[derive(serde::Deserialize)]
pub struct Workload {
    pub selectors: Vec<String>,
    pub endpoints: Vec<HashMap<String, String>>,
}

impl Workload {
    /// Reads the workload; `Err` says which file and why.
    pub fn load() -> Result<Workload, String> {
        let path = std::env::var("SELECTOR_WORKLOAD").unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/bench/workload.json"
            )
            .to_owned()
        });
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))
    }

    /// Reads the workload, or says on stderr why there is none.
    pub fn load_or_report() -> Option<Workload> {
        Workload::load()
            .map_err(|e| eprintln!("no workload ({e}); set SELECTOR_WORKLOAD"))
            .ok()
    }

    /// The selectors that parse (all of the shared workload's do).
    pub fn parsed(&self) -> Vec<Selector> {
        self.selectors
            .iter()
            .filter_map(|s| Selector::parse(s).ok())
            .collect()
    }
}
