//! Fuzzes token verification (`twenty_auth::TokenSigner::verify`: JWT parsing, HS256 signature, expiry, issuer
//! and the server's claims) on arbitrary text, with a fixed test secret. Every failure must be the same
//! `UNAUTHORIZED` error; a panic is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;
use twenty_fuzz::signer;

fuzz_target!(|data: &[u8]| {
    // Bearer tokens arrive as header text; invalid UTF-8 never reaches `verify`.
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = signer().verify(token) {
        std::hint::black_box(e.to_string());
    }
});
