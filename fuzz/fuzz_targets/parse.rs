//! Fuzz target `parse`: see `calico_selector_fuzz::checks::check_parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| calico_selector_fuzz::check_parse(data));
