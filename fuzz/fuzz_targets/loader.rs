//! Any bytes → load and validate; see `stratoform_fuzz::loader`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| stratoform_fuzz::loader(data));
