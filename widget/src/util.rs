//! Small browser helpers: random ids and tokens, clock time, the page's URL parameters,
//! and storage that tolerates being denied (private modes, partitioning).

/// `N` bytes from `crypto.getRandomValues` as hex (time and `Math.random`
/// only if the browser has no Web Crypto).
pub fn random_hex<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if crypto.and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok()).is_none() {
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = ((js_sys::Date::now() as u64 >> (i % 8)) as f64 * js_sys::Math::random()) as u8;
        }
    }
    shared::ids::hex(&bytes)
}

/// A fresh client frame id: `m-` and 24 random hex digits.
pub fn new_id() -> String {
    "m-".to_owned() + &random_hex::<12>()
}

/// `HH:MM` in the browser's time zone for a time in ms since the epoch.
pub fn clock(ms: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let mut out = String::with_capacity(5);
    for (i, n) in [d.get_hours(), d.get_minutes()].into_iter().enumerate() {
        if i == 1 {
            out.push(':');
        }
        out.push(char::from(b'0' + (n / 10 % 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    }
    out
}

/// The browser's time zone (IANA name), or UTC.
pub fn time_zone() -> String {
    thread_local! {
        // Asked of Intl once: it does not change while the page lives.
        static ZONE: String = {
            let none = (js_sys::Array::new(), js_sys::Object::new());
            let options = js_sys::Intl::DateTimeFormat::new(&none.0, &none.1).resolved_options();
            crate::wire::text(&options, "timeZone").unwrap_or_else(|| "UTC".into())
        };
    }
    ZONE.with(Clone::clone)
}

/// `YYYY-MM-DD HH:MM Zone` in the browser's time zone, which it names
/// (the console's dates: the operator's own time, said which).
pub fn when(ms: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:04}-{:02}-{:02} {} {}", d.get_full_year(), d.get_month() + 1, d.get_date(), clock(ms), time_zone())
}

/// A query parameter of the current page.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// The page's origin (`scheme://host[:port]`; empty if unknown).
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// `ws://` or `wss://` origin matching the page's origin.
pub fn ws_origin() -> String {
    let loc = web_sys::window().expect("a window").location();
    let proto = if loc.protocol().as_deref() == Ok("https:") { "wss:" } else { "ws:" };
    proto.to_owned() + "//" + &loc.host().unwrap_or_default()
}

/// The page's own `localStorage`, if the browser allows it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a `localStorage` item.
pub fn load(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Writes (`Some`) or removes (`None`) a `localStorage` item; best effort.
pub fn store(key: &str, value: Option<&str>) {
    if let Some(s) = local_storage() {
        let _ = match value {
            Some(v) => s.set_item(key, v),
            None => s.remove_item(key),
        };
    }
}
