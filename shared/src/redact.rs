//! Personal data that must never be stored (issue "Moderation a site can
//! rely on"): card numbers (Luhn-valid, 13–19 digits, spaced or not),
//! IBANs (mod-97 valid), passwords pasted after "password:" and the like,
//! and — a separate site setting — e-mail addresses and phone numbers.
//! [`redact`] replaces each before a message is screened, stored or sent
//! anywhere, so no copy of the original exists: `•••• •••• •••• 4242`,
//! `DE•• •••• 3000`, "[a password was removed]". A hand-written scanner,
//! linear in the text, with no expression engine (see ARCHITECTURE.md).

use serde::{Deserialize, Serialize};

/// What a site redacts (`SiteConfig::redaction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Redaction {
    /// Card numbers and IBANs (on by default).
    pub payment: bool,
    /// Passwords after "password:", "password is …" and their kin (on by default).
    pub passwords: bool,
    /// E-mail addresses and phone numbers (off by default: support often needs them).
    pub contacts: bool,
}

impl Default for Redaction {
    fn default() -> Self {
        Redaction { payment: true, passwords: true, contacts: false }
    }
}

/// One kind of thing removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A card number.
    Card,
    /// An IBAN.
    Iban,
    /// A password.
    Password,
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
}

/// What a password becomes.
pub const PASSWORD_REMOVED: &str = "[a password was removed]";
/// What an e-mail address becomes.
pub const EMAIL_REMOVED: &str = "[e-mail address removed]";
/// What a phone number becomes.
pub const PHONE_REMOVED: &str = "[phone number removed]";

/// `text` with what `rules` say removed, and what was (in order found).
pub fn redact(text: &str, rules: Redaction) -> (String, Vec<Kind>) {
    let mut kinds = Vec::new();
    let mut out = text.to_owned();
    // Cheap first looks: most messages have no digits and no "@".
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if rules.payment && digits >= 13 {
        out = replace(&out, &mut kinds, iban);
        out = replace(&out, &mut kinds, card);
    }
    if rules.passwords {
        out = replace(&out, &mut kinds, password);
    }
    if rules.contacts && text.contains('@') {
        out = replace(&out, &mut kinds, email);
    }
    if rules.contacts && digits >= 8 {
        out = replace(&out, &mut kinds, phone);
    }
    (out, kinds)
}

/// A match: byte range of `chars` in the text, its replacement and kind.
type Found = (usize, usize, String, Kind);

/// Applies `find` (over the text's chars with their byte offsets) left to right.
fn replace(text: &str, kinds: &mut Vec<Kind>, find: fn(&[(usize, char)], usize) -> Option<Found>) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let (mut out, mut copied, mut i) = (String::with_capacity(text.len()), 0, 0);
    while i < chars.len() {
        match find(&chars, i) {
            Some((from, to, with, kind)) => {
                out.push_str(&text[copied..byte(from)]);
                out.push_str(&with);
                kinds.push(kind);
                copied = byte(to);
                i = to.max(i + 1);
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether position `i` starts a token (nothing word-like before it).
fn starts(chars: &[(usize, char)], i: usize) -> bool {
    i == 0 || !word_char(chars[i - 1].1)
}

/// Whether position `i` ends a token (nothing word-like at it).
fn ends(chars: &[(usize, char)], i: usize) -> bool {
    chars.get(i).is_none_or(|c| !word_char(c.1))
}

/// The Luhn check over decimal digits.
fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &d)| {
            if k % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// Whether `digits` start and measure as a card scheme's numbers do
/// (Visa, Mastercard, American Express, Diners, JCB, Discover, UnionPay,
/// Maestro), so order numbers and the like that pass Luhn by chance stay.
fn issued(digits: &[u32]) -> bool {
    let n = digits.len();
    let prefix = |k: usize| digits.iter().take(k).fold(0, |a, d| a * 10 + d);
    match digits[0] {
        4 => matches!(n, 13 | 16 | 19),
        5 => (51..=55).contains(&prefix(2)) && n == 16 || matches!(prefix(2), 50 | 56..=59) && (12..=19).contains(&n),
        2 => (2221..=2720).contains(&prefix(4)) && n == 16,
        3 => match prefix(2) {
            34 | 37 => n == 15,
            30 | 36 | 38 | 39 => (14..=19).contains(&n),
            35 => (16..=19).contains(&n),
            _ => false,
        },
        6 => (16..=19).contains(&n),
        _ => false,
    }
}

/// A card number at `i`: digit groups joined by single spaces or dashes,
/// the longest run from here of 13–19 digits that passes Luhn.
fn card(chars: &[(usize, char)], i: usize) -> Option<Found> {
    if !chars[i].1.is_ascii_digit() || !starts(chars, i) {
        return None;
    }
    // Digits with the index just after each, up to 19.
    let (mut digits, mut after, mut j) = (Vec::new(), Vec::new(), i);
    while j < chars.len() && digits.len() < 19 {
        let c = chars[j].1;
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            digits.push(d);
            after.push(j + 1);
            j += 1;
        } else if (c == ' ' || c == '-') && chars.get(j + 1).is_some_and(|n| n.1.is_ascii_digit()) && j > i {
            j += 1;
        } else {
            break;
        }
    }
    (13..=digits.len()).rev().find_map(|n| {
        let end = after[n - 1];
        (ends(chars, end) && issued(&digits[..n]) && luhn(&digits[..n])).then(|| {
            let last: String = digits[n - 4..n].iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
            (i, end, format!("•••• •••• •••• {last}"), Kind::Card)
        })
    })
}

/// An IBAN at `i`: country letters, check digits, then 11–30 letters or
/// digits (single spaces allowed between), valid under ISO 13616 mod 97.
fn iban(chars: &[(usize, char)], i: usize) -> Option<Found> {
    let letter = |k: usize| chars.get(k).is_some_and(|c| c.1.is_ascii_alphabetic());
    let digit = |k: usize| chars.get(k).is_some_and(|c| c.1.is_ascii_digit());
    if !(starts(chars, i) && letter(i) && letter(i + 1) && digit(i + 2) && digit(i + 3)) {
        return None;
    }
    let (mut code, mut after, mut j) = (Vec::new(), Vec::new(), i);
    while j < chars.len() && code.len() < 34 {
        let c = chars[j].1;
        if c.is_ascii_alphanumeric() {
            code.push(c.to_ascii_uppercase());
            after.push(j + 1);
            j += 1;
        } else if c == ' ' && chars.get(j + 1).is_some_and(|n| n.1.is_ascii_alphanumeric()) {
            j += 1;
        } else {
            break;
        }
    }
    (15..=code.len()).rev().find_map(|n| {
        let end = after[n - 1];
        (ends(chars, end) && mod97(&code[..n]) == 1).then(|| {
            let last: String = code[n - 4..n].iter().collect();
            (i, end, format!("{}{}•• •••• {last}", code[0], code[1]), Kind::Iban)
        })
    })
}

/// The IBAN check: the first four characters moved to the end, letters as
/// 10–35, the number modulo 97.
fn mod97(code: &[char]) -> u32 {
    code[4..].iter().chain(&code[..4]).fold(0u32, |r, c| match c.to_digit(36) {
        Some(v) if v >= 10 => (r * 100 + v) % 97,
        Some(v) => (r * 10 + v) % 97,
        None => 98,
    })
}

/// Words that name a password, lower case, in English, German, French,
/// Spanish and Portuguese.
const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwort",
    "passwd",
    "pwd",
    "pw",
    "kennwort",
    "mot de passe",
    "mdp",
    "contraseña",
    "contrasena",
    "clave",
    "senha",
    "passcode",
    "pin",
];

/// Words between the name and the password: "is", "ist", "est", "es", "é".
const IS_WORDS: &[&str] = &["is", "ist", "est", "es", "é", "e", "era", "was", "war", "lautet"];

/// Whether `chars[i..]` starts with `word` (case-insensitive), as a whole word.
fn word_at(chars: &[(usize, char)], i: usize, word: &str) -> Option<usize> {
    let mut j = i;
    for w in word.chars() {
        let c = chars.get(j)?.1;
        if !c.to_lowercase().eq(w.to_lowercase()) {
            return None;
        }
        j += 1;
    }
    ends(chars, j).then_some(j)
}

fn skip_spaces(chars: &[(usize, char)], mut j: usize) -> usize {
    while chars.get(j).is_some_and(|c| c.1 == ' ' || c.1 == '\t') {
        j += 1;
    }
    j
}

/// A password at `i`: a password word, then ":" / "=" and any token, or
/// "is" (and kin) and a token that looks like one (six or more characters
/// with a digit or a symbol, or mixed case after the first letter).
fn password(chars: &[(usize, char)], i: usize) -> Option<Found> {
    // Every password word starts with one of these letters.
    if !starts(chars, i) || !matches!(chars[i].1, 'p' | 'P' | 'k' | 'K' | 'm' | 'M' | 'c' | 'C' | 's' | 'S') {
        return None;
    }
    let named = PASSWORD_WORDS.iter().find_map(|w| word_at(chars, i, w))?;
    let mut j = skip_spaces(chars, named);
    let explicit = match chars.get(j).map(|c| c.1) {
        Some(':' | '=') => {
            j = skip_spaces(chars, j + 1);
            true
        }
        _ => {
            let is = IS_WORDS.iter().find_map(|w| word_at(chars, j, w))?;
            j = skip_spaces(chars, is);
            if chars.get(j).is_some_and(|c| c.1 == ':') {
                j = skip_spaces(chars, j + 1);
            }
            false
        }
    };
    // A password is at most 128 characters: the scan stays bounded.
    let start = j;
    while chars.get(j).is_some_and(|c| !c.1.is_whitespace()) && j - start < 128 {
        j += 1;
    }
    let quote = chars.get(start).map(|c| c.1).filter(|q| matches!(q, '"' | '\'' | '`' | '“' | '«'));
    let end = match quote {
        // Quoted: up to its closing quote, whatever is inside.
        Some(q) => {
            let close = match q {
                '“' => '”',
                '«' => '»',
                q => q,
            };
            (start + 1..j).rev().find(|&k| chars[k].1 == close).map_or(j, |k| k + 1)
        }
        // Sentence punctuation after it is not part of it.
        None => {
            let mut end = j;
            while end > start + 1 && matches!(chars[end - 1].1, '.' | ',' | '!' | '?' | ';' | ')') {
                end -= 1;
            }
            end
        }
    };
    let token: String = chars[start..end].iter().map(|c| c.1).collect();
    let strip = |t: &str| t.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | '“' | '”' | '«' | '»')).to_owned();
    let token = strip(&token);
    let looks = token.chars().count() >= 6
        && (token.chars().any(|c| c.is_ascii_digit() || !c.is_alphanumeric())
            || token.chars().skip(1).any(char::is_uppercase));
    (!token.is_empty() && (explicit || looks)).then(|| (start, end, PASSWORD_REMOVED.to_owned(), Kind::Password))
}

/// An e-mail address at `i`: `local@domain.tld`.
fn email(chars: &[(usize, char)], i: usize) -> Option<Found> {
    let local = |c: char| c.is_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c);
    if !starts(chars, i) || !local(chars[i].1) || chars[i].1 == '.' {
        return None;
    }
    let mut j = i;
    // At most 64 characters before the "@" and 255 after (RFC 5321), so a
    // scan from each start is bounded.
    while chars.get(j).is_some_and(|c| local(c.1)) && j - i <= 64 {
        j += 1;
    }
    if chars.get(j).map(|c| c.1) != Some('@') || j == i {
        return None;
    }
    let host = j + 1;
    let mut k = host;
    while chars.get(k).is_some_and(|c| c.1.is_alphanumeric() || c.1 == '-' || c.1 == '.') && k - host < 255 {
        k += 1;
    }
    while k > host && chars[k - 1].1 == '.' {
        k -= 1;
    }
    let domain: String = chars[host..k].iter().map(|c| c.1).collect();
    let tld = domain.rsplit('.').next().unwrap_or("");
    (domain.contains('.') && tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
        .then(|| (i, k, EMAIL_REMOVED.to_owned(), Kind::Email))
}

/// A phone number at `i`: "+" and 8–15 digits, or 10–15 digits, with
/// single spaces, dashes, dots or brackets between. Thirteen or more digits
/// with nothing between them and no "+" or "00" before are an id or a
/// timestamp in milliseconds, not a number anyone dials.
fn phone(chars: &[(usize, char)], i: usize) -> Option<Found> {
    let c = chars[i].1;
    let plus = c == '+';
    if !(plus || c == '(' || c.is_ascii_digit()) || !(i == 0 || !word_char(chars[i - 1].1) && chars[i - 1].1 != '+') {
        return None;
    }
    let (mut digits, mut j, mut end) = (0, i + usize::from(plus), i);
    while let Some(&(_, c)) = chars.get(j) {
        if c.is_ascii_digit() {
            digits += 1;
            end = j + 1;
            if digits > 15 {
                return None;
            }
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')') || chars.get(j + 1).is_none_or(|n| n.1 == ' ' && c == ' ') {
            break;
        }
        j += 1;
    }
    let unbroken = end - i == digits;
    let international = plus || chars.get(i..i + 2).is_some_and(|p| p.iter().all(|c| c.1 == '0'));
    let enough = if plus { (8..=15).contains(&digits) } else { (10..=15).contains(&digits) };
    let enough = enough && (international || !unbroken || digits <= 12);
    (enough && ends(chars, end)).then(|| (i, end, PHONE_REMOVED.to_owned(), Kind::Phone))
}

#[cfg(test)]
mod tests;
