//! Fuzz target: any bytes through the Worker's client-frame decoder. It must
//! never panic, and whatever it accepts must satisfy the protocol's checks
//! and encode back to a frame that decodes to the same envelope.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::{decode_client, ClientMsg};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match decode_client(text) {
        Ok(env) => {
            assert!(shared::ids::ClientMsgId::check(&env.id).is_ok());
            if let ClientMsg::Send { text } = &env.msg {
                assert!(shared::validate_text(text).is_ok());
            }
            let again = serde_json::to_string(&env).expect("accepted frames encode");
            assert_eq!(decode_client(&again).expect("re-encoded frames decode"), env);
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});
