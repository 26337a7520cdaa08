//! Fuzz target `flow`: see `calico_selector_fuzz::flow_check::check_flow`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| calico_selector_fuzz::check_flow(data));
