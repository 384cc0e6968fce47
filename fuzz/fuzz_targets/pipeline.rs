//! Any bytes → load → resolve → render every layer in memory; see `stratoform_fuzz::pipeline`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| stratoform_fuzz::pipeline(data));
