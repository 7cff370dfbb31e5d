#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| lxd_fuzz::ws_frames(data));
