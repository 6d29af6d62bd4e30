//! Table tests of redaction: what must go, in the shapes people paste it,
//! and the look-alikes that must stay (order numbers, dates, prices,
//! sentences about passwords).

use super::*;

fn all() -> Redaction {
    Redaction { payment: true, passwords: true, contacts: true }
}

fn check(rules: Redaction, cases: &[(&str, &str, &[Kind])]) {
    for (input, want, kinds) in cases {
        let (got, found) = redact(input, rules);
        assert_eq!((got.as_str(), found.as_slice()), (*want, *kinds), "{input:?}");
    }
}

#[test]
fn card_numbers_are_masked_to_their_last_four_digits() {
    use Kind::Card;
    check(
        Redaction::default(),
        &[
            ("my card 4242 4242 4242 4242 exp 12/29", "my card •••• •••• •••• 4242 exp 12/29", &[Card]),
            ("4242424242424242", "•••• •••• •••• 4242", &[Card]),
            ("5555-5555-5555-4444.", "•••• •••• •••• 4444.", &[Card]),
            ("amex 378282246310005 ok", "amex •••• •••• •••• 0005 ok", &[Card]),
            ("card:4111 1111 1111 1111 cvc 123", "card:•••• •••• •••• 1111 cvc 123", &[Card]),
            ("two: 4242424242424242, 5105105105105100", "two: •••• •••• •••• 4242, •••• •••• •••• 5100", &[Card, Card]),
            // Followed by more digits (an expiry without a slash): the card still goes.
            ("4242 4242 4242 4242 1229", "•••• •••• •••• 4242 1229", &[Card]),
        ],
    );
}

#[test]
fn numbers_that_are_not_cards_stay() {
    check(
        Redaction::default(),
        &[
            // Luhn fails.
            ("4242 4242 4242 4241", "4242 4242 4242 4241", &[]),
            // Luhn passes but no card scheme starts or measures so.
            ("order 1234567812345670", "order 1234567812345670", &[]),
            ("ticket 79927398713 and 2026-12-03", "ticket 79927398713 and 2026-12-03", &[]),
            ("price 1,299.00 EUR, qty 12", "price 1,299.00 EUR, qty 12", &[]),
            // Inside a longer token (an id), not a card.
            ("ref A4242424242424242", "ref A4242424242424242", &[]),
            ("4242424242424242x", "4242424242424242x", &[]),
        ],
    );
}

#[test]
fn ibans_are_masked_and_look_alikes_stay() {
    use Kind::Iban;
    check(
        Redaction::default(),
        &[
            ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN DE•• •••• 3000 please", &[Iban]),
            ("gb82west12345698765432", "GB•• •••• 5432", &[Iban]),
            ("FR1420041010050500013M02606", "FR•• •••• 2606", &[Iban]),
            // A wrong check digit, and a product code.
            ("DE88 3704 0044 0532 0130 00", "DE88 3704 0044 0532 0130 00", &[]),
            ("model AB12 CDEF 3456 7890", "model AB12 CDEF 3456 7890", &[]),
        ],
    );
}

#[test]
fn passwords_after_their_name_go_and_talk_about_passwords_stays() {
    use Kind::Password;
    let p = PASSWORD_REMOVED;
    check(
        Redaction::default(),
        &[
            ("password: hunter2", &format!("password: {p}"), &[Password]),
            ("my Password is Tr0ub4dor&3.", &format!("my Password is {p}."), &[Password]),
            ("pw=abc", &format!("pw={p}"), &[Password]),
            ("mein Passwort ist \"Sommer2024!\"", &format!("mein Passwort ist {p}"), &[Password]),
            ("mot de passe : azerty123", &format!("mot de passe : {p}"), &[Password]),
            ("mi contraseña es Gato_1234", &format!("mi contraseña es {p}"), &[Password]),
            ("minha senha é bolo2024", &format!("minha senha é {p}"), &[Password]),
            ("user bob, password is xK9pLm2q then", &format!("user bob, password is {p} then"), &[Password]),
            // Sentences about passwords: nothing looks like one.
            ("my password is wrong", "my password is wrong", &[]),
            ("the password is not working anymore", "the password is not working anymore", &[]),
            ("I forgot my password", "I forgot my password", &[]),
            ("passwords are hard", "passwords are hard", &[]),
            ("how do I reset the password?", "how do I reset the password?", &[]),
        ],
    );
}

#[test]
fn contacts_go_only_when_the_site_asks() {
    use Kind::{Email, Phone};
    let (e, ph) = (EMAIL_REMOVED, PHONE_REMOVED);
    let text = "write to ada.l@example.co.uk or call +49 30 1234 5678";
    assert_eq!(redact(text, Redaction::default()), (text.to_owned(), vec![]), "off by default");
    check(
        all(),
        &[
            (text, &format!("write to {e} or call {ph}"), &[Email, Phone]),
            ("(030) 123-456-7890", ph, &[Phone]),
            ("call 0151 23456789!", &format!("call {ph}!"), &[Phone]),
            ("or 00441632960961", &format!("or {ph}"), &[Phone]),
            ("ring 447700900123", &format!("ring {ph}"), &[Phone]),
            // Not contacts: a handle, a date, a short number, an address without a domain,
            // a timestamp in milliseconds and a long order number.
            ("@ada says hi on 2026-12-03, room 12", "@ada says hi on 2026-12-03, room 12", &[]),
            ("sent at 1765000000000, order 4000123456789", "sent at 1765000000000, order 4000123456789", &[]),
            ("user@localhost", "user@localhost", &[]),
            ("version 1.2.3.4", "version 1.2.3.4", &[]),
        ],
    );
}

#[test]
fn nothing_to_redact_is_the_same_text_and_each_setting_is_its_own() {
    let (text, kinds) = redact("Hello, where is my parcel? 😀 Ünïcödé", all());
    assert_eq!((text.as_str(), kinds), ("Hello, where is my parcel? 😀 Ünïcödé", vec![]));
    let off = Redaction { payment: false, passwords: false, contacts: false };
    let raw = "4242 4242 4242 4242 password: x ada@example.com";
    assert_eq!(redact(raw, off).0, raw);
    let cards_only = Redaction { passwords: false, ..Redaction::default() };
    assert_eq!(redact(raw, cards_only).0, "•••• •••• •••• 4242 password: x ada@example.com");
}

#[test]
fn redaction_is_linear_in_the_input() {
    // Long digit runs and many password words: no quadratic blow-up.
    let digits = "4".repeat(100_000);
    let words = "password is ".repeat(10_000);
    let spaced = "1 ".repeat(50_000);
    let dotted = "a.".repeat(50_000);
    let glued = "password:".repeat(20_000);
    for text in [digits.as_str(), words.as_str(), spaced.as_str(), dotted.as_str(), glued.as_str()] {
        let start = std::time::Instant::now();
        let _ = redact(text, all());
        assert!(start.elapsed() < std::time::Duration::from_secs(2), "took {:?}", start.elapsed());
    }
}
