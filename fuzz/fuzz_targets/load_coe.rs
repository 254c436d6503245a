//! Loading a COE file never panics, and whatever loads writes back to the same COE.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(coe) = coe::store::format::parse(text) {
        let yaml = coe::store::format::to_yaml(&coe);
        let back = coe::store::format::parse(&yaml).unwrap_or_else(|e| panic!("written YAML does not parse: {e:?}\n{yaml}"));
        assert_eq!(back, coe, "{yaml}");
    }
});
