//! Fuzz target: any text through personal-data redaction with every kind
//! on. It must never panic; with every kind off it is the text itself; and
//! what it found, it replaced (each kind found leaves its mask or marker).
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::redact::{redact, Kind, Redaction, EMAIL_REMOVED, PASSWORD_REMOVED, PHONE_REMOVED};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let off = Redaction { payment: false, passwords: false, contacts: false };
    assert_eq!(redact(text, off), (text.to_owned(), Vec::new()));
    let all = Redaction { payment: true, passwords: true, contacts: true };
    let (out, kinds) = redact(text, all);
    for kind in kinds {
        let marker = match kind {
            Kind::Card | Kind::Iban => "••",
            Kind::Password => PASSWORD_REMOVED,
            Kind::Email => EMAIL_REMOVED,
            Kind::Phone => PHONE_REMOVED,
        };
        assert!(out.contains(marker), "{kind:?} found but no {marker} in {out:?}");
    }
});
