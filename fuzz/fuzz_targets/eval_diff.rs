//! Fuzz target `eval_diff`: see `calico_selector_fuzz::checks::check_eval_diff`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| calico_selector_fuzz::check_eval_diff(data));
