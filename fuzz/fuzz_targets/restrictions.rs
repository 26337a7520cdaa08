//! Fuzz target `restrictions`: see `calico_selector_fuzz::checks::check_restrictions`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| calico_selector_fuzz::check_restrictions(data));
