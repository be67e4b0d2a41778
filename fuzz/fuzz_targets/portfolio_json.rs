//! Bytes → (if UTF-8) a JSON portfolio → `check_source` against the bundled catalog, with the
//! report and error invariants of `competency_fuzz`.
#![no_main]

use competency::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    competency_fuzz::fuzz_portfolio_text(data, Format::Json);
});
