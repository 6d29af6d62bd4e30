//! The languages customers see: which locales ship, how one is chosen
//! (the page's or the API's choice, else the browser's languages, else the
//! site's default, else English), which are written right to left, and
//! (feature `catalogues`, the Worker's) the per-locale message catalogues
//! in `shared/i18n/<locale>.json`.
//!
//! A catalogue is a flat JSON object from the English text, as the apps'
//! code writes it, to the translation (`{name}` marks a value filled in at
//! run time); a text missing from it shows in English. Refusals are keyed
//! `error.<code>` by their [`crate::ErrorCode`] wire name. English has no
//! catalogue: its texts are the code's own.

/// The locales that ship, English first.
pub const LOCALES: [&str; 7] = ["en", "de", "fr", "es", "pt", "ja", "ar"];

/// Each of [`LOCALES`] in its own language, for pickers.
pub const NAMES: [&str; 7] = ["English", "Deutsch", "Français", "Español", "Português", "日本語", "العربية"];

/// The shipped locale a language tag asks for (`de-AT` → `de`), if any.
pub fn supported(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LOCALES.iter().copied().find(|l| *l == primary)
}

/// The locale to show: the first of `wanted` (the explicit choice, then the
/// browser's languages, in order) that ships, else the site's default if it
/// ships, else English.
pub fn negotiate<'a>(wanted: impl IntoIterator<Item = &'a str>, site_default: Option<&str>) -> &'static str {
    wanted.into_iter().find_map(supported).or_else(|| site_default.and_then(supported)).unwrap_or("en")
}

/// The language tags of an `Accept-Language` header, most wanted first
/// (`q=0` ones left out; ties keep their order).
pub fn accept_language(header: &str) -> Vec<&str> {
    let mut tags: Vec<(&str, f32)> = header
        .split(',')
        .filter_map(|part| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim();
            let q = bits.find_map(|b| b.trim().strip_prefix("q=")).map_or(Some(1.0), |q| q.trim().parse().ok())?;
            (!tag.is_empty() && tag != "*" && q > 0.0).then_some((tag, q))
        })
        .collect();
    tags.sort_by(|a, b| b.1.total_cmp(&a.1));
    tags.into_iter().map(|(t, _)| t).collect()
}

/// Whether `locale` is written right to left.
pub fn rtl(locale: &str) -> bool {
    locale == "ar"
}

/// The catalogue of a shipped locale (English: `{}`), as JSON text.
#[cfg(feature = "catalogues")]
pub fn catalogue(locale: &str) -> &'static str {
    match locale {
        "de" => include_str!("../i18n/de.json"),
        "fr" => include_str!("../i18n/fr.json"),
        "es" => include_str!("../i18n/es.json"),
        "pt" => include_str!("../i18n/pt.json"),
        "ja" => include_str!("../i18n/ja.json"),
        "ar" => include_str!("../i18n/ar.json"),
        _ => "{}",
    }
}

/// The launcher's words (its accessible name: open or close, and the
/// unread count as `{n}`, one and more), which the Worker says for the
/// loader, itself too small for a catalogue ([`crate::site::LauncherWords`]).
pub const LAUNCHER: [&str; 4] = ["Open chat", "Close chat", "{n} unread message", "{n} unread messages"];

/// The chat's title, which a site may word itself (`Appearance::title`).
pub const TITLE: &str = "Chat with us";

/// `locale`'s catalogue with the site's own `title` (if any) as the chat's
/// title, without parsing it: the title is added last, and a repeated key's
/// last value is the one `JSON.parse` keeps.
#[cfg(feature = "catalogues")]
pub fn catalogue_titled(locale: &str, title: &str) -> String {
    let catalogue = catalogue(locale).trim_end();
    if title.is_empty() {
        return catalogue.to_owned();
    }
    let body = catalogue.strip_suffix('}').unwrap_or(catalogue).trim_end();
    let comma = if body.ends_with('{') { "" } else { "," };
    format!("{body}{comma}{}:{}}}", serde_json::Value::from(TITLE), serde_json::Value::from(title))
}

/// The English texts `en` in `locale` (each the English itself where its
/// catalogue has none), the catalogue read once.
#[cfg(feature = "catalogues")]
pub fn texts<const N: usize>(locale: &str, en: [&str; N]) -> [String; N] {
    let said: serde_json::Map<String, serde_json::Value> = serde_json::from_str(catalogue(locale)).unwrap_or_default();
    en.map(|en| said.get(en).and_then(|t| t.as_str()).unwrap_or(en).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "catalogues")]
    fn a_sites_title_is_the_last_word_of_its_catalogue() {
        for locale in ["en", "de", "ja"] {
            let titled = catalogue_titled(locale, "Talk to \"us\" <now>");
            let said: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&titled).unwrap();
            assert!(titled.ends_with(r#""Chat with us":"Talk to \"us\" <now>"}"#), "{locale}: last, so it wins");
            assert_eq!(said[TITLE], "Talk to \"us\" <now>");
            let shipped: serde_json::Map<String, serde_json::Value> = serde_json::from_str(catalogue(locale)).unwrap();
            assert_eq!(said.len(), shipped.len() + usize::from(!shipped.contains_key(TITLE)));
        }
        assert_eq!(catalogue_titled("de", ""), catalogue("de").trim_end());
    }

    #[test]
    fn the_first_shipped_wish_wins_then_the_site_then_english() {
        assert_eq!(negotiate(["de-AT", "fr"], Some("es")), "de");
        assert_eq!(negotiate(["nl-NL", "pt_BR"], Some("es")), "pt", "a later browser language that ships");
        assert_eq!(negotiate(["nl", "sv"], Some("ja")), "ja", "none ships: the site's default");
        assert_eq!(negotiate(["nl"], Some("xx")), "en");
        assert_eq!(negotiate([], None), "en");
        assert_eq!(negotiate(["", " AR-eg "], None), "ar", "case and spaces do not matter");
        assert!(rtl("ar") && !rtl("de") && !rtl("en"));
    }

    #[test]
    fn accept_language_is_read_by_weight() {
        assert_eq!(accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), ["fr-CH", "fr", "en", "de"]);
        assert_eq!(accept_language("en;q=0.5, ar"), ["ar", "en"]);
        assert_eq!(accept_language("de;q=0, ja;q=bad, es"), ["es"], "q=0 and broken weights are left out");
        assert_eq!(accept_language(""), Vec::<&str>::new());
    }
}

/// Every catalogue has exactly the texts the customer apps' code asks for
/// (`t("…")` / `tf("…"`, in Rust and in `uploads.js`) and one sentence per
/// refusal code, each with the same `{values}` as the English.
#[cfg(all(test, feature = "catalogues"))]
mod catalogue_tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::protocol::WireName;

    /// The texts the code at `path` (a file or a folder) looks up.
    fn keys_in(path: &Path, keys: &mut BTreeSet<String>) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).unwrap() {
                keys_in(&entry.unwrap().path(), keys);
            }
            return;
        }
        let code = std::fs::read_to_string(path).unwrap();
        for start in ["t(\"", "tf(\""] {
            for (at, _) in code.match_indices(start) {
                let before = code[..at].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' || before == '.' {
                    continue;
                }
                let mut key = String::new();
                let mut chars = code[at + start.len()..].chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => key.push(chars.next().unwrap()),
                        c => key.push(c),
                    }
                }
                keys.insert(key);
            }
        }
    }

    /// The `{name}`s of a text.
    fn values(text: &str) -> BTreeSet<&str> {
        text.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name)).collect()
    }

    /// What the customer apps ask the catalogues for.
    pub fn wanted() -> BTreeSet<String> {
        let widget = Path::new(env!("CARGO_MANIFEST_DIR")).join("../widget");
        let mut keys = BTreeSet::new();
        for part in [
            "src/customer",
            "src/channel",
            "src/components",
            "src/chat.rs",
            "src/socket.rs",
            "static/i18n.js",
            "static/uploads.js",
        ] {
            keys_in(&widget.join(part), &mut keys);
        }
        keys.extend(crate::ErrorCode::ALL.iter().map(|c| format!("error.{}", c.as_str())));
        keys.extend(crate::refusal::SAID.iter().map(|(c, why)| format!("error.{}.{why}", c.as_str())));
        keys.extend(crate::Notice::KEYS.iter().chain(crate::routing::QUEUE_KEYS).map(|(key, _)| key.to_string()));
        keys.extend(crate::refusal::HELD.iter().map(|why| format!("held.{why}")));
        keys.extend(LAUNCHER.iter().map(|en| en.to_string()));
        keys.insert(crate::site::DEFAULT_GREETING.into());
        keys
    }

    /// The `{name}`s a catalogue's text for `key` must have: a notice's, a
    /// queue place's, a refusal's or a hold's particulars (`notice.…`,
    /// `queue.…`, `error.<code>.<why>`, `held.<why>`), none for a bare
    /// code, else the English text's own.
    fn values_of(key: &str) -> BTreeSet<&str> {
        if let Some((_, values)) = crate::Notice::KEYS.iter().chain(crate::routing::QUEUE_KEYS).find(|(k, _)| *k == key)
        {
            return values.iter().copied().collect();
        }
        let why = match (key.strip_prefix("error."), key.strip_prefix("held.")) {
            (Some(said), _) => said.split_once('.').map(|(_, why)| why),
            (_, Some(why)) => Some(why),
            _ => return values(key),
        };
        let fields = crate::Detail::WHYS.iter().find(|(w, _)| Some(*w) == why).map_or(&[][..], |(_, f)| *f);
        fields.iter().copied().collect()
    }

    #[test]
    fn every_catalogue_says_every_text_with_the_same_values() {
        let wanted = wanted();
        assert!(wanted.contains("Send") && wanted.contains("Sending {file}…"), "the scan finds the code's texts");
        assert!(wanted.contains(TITLE), "a site's own title replaces a text the widget says");
        for locale in LOCALES.into_iter().skip(1) {
            let catalogue: std::collections::BTreeMap<String, String> =
                serde_json::from_str(catalogue(locale)).unwrap_or_else(|e| panic!("{locale}.json: {e}"));
            let have: BTreeSet<String> = catalogue.keys().cloned().collect();
            let missing: Vec<_> = wanted.difference(&have).collect();
            let stale: Vec<_> = have.difference(&wanted).collect();
            assert!(missing.is_empty() && stale.is_empty(), "{locale}.json: missing {missing:#?}, not used {stale:#?}");
            for (en, said) in &catalogue {
                assert_eq!(values(said), values_of(en), "{locale}.json: {en:?} → {said:?}");
                assert!(!said.trim().is_empty() || en.trim().is_empty(), "{locale}.json: {en:?} is empty");
            }
        }
    }
}
