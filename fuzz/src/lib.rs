//! Fuzz targets for calico-selector. The properties live in [`checks`] so that the replay
//! test in the tests crate (`tests/tests/fuzz_regressions.rs`) checks saved inputs the same way.

pub mod checks;
pub mod flow_check;

pub use checks::{check_eval_diff, check_lint, check_parse, check_restrictions};
pub use flow_check::check_flow;
