//! Serde JSON for the console's own data (site settings, what it keeps in
//! `localStorage`); protocol frames go through [`crate::wire`]. Decoding goes
//! through the browser's `JSON.parse` and a small serde `Deserializer` over
//! the resulting JavaScript values whose error carries no message, so serde's
//! error texts (and the formatting they need) are not linked. Encoding uses
//! `serde_json`.

use std::fmt;

use js_sys::{Array, Object, Reflect};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// Parses `text` into `T`; `None` if it is not JSON of that shape.
pub fn decode<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    T::deserialize(JsDe(value)).ok()
}

/// Serialises `value` as JSON text.
pub fn encode<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// The value does not have the expected shape (deliberately without detail).
#[derive(Debug)]
pub struct Invalid;

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unexpected JSON")
    }
}

impl std::error::Error for Invalid {}

impl de::Error for Invalid {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Invalid
    }
}

/// A serde deserializer over a parsed JavaScript value.
struct JsDe(JsValue);

fn absent(v: &JsValue) -> bool {
    v.is_null() || v.is_undefined()
}

/// A parsed JavaScript value sorted into serde's data model. Done by one
/// non-generic function, so the JavaScript calls are not repeated in every
/// `deserialize_any` instance (one per visitor type).
enum Kind {
    Unit,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Seq(Array),
    Map(Object),
    Other,
}

#[inline(never)]
fn kind(v: JsValue) -> Kind {
    if absent(&v) {
        return Kind::Unit;
    }
    if let Some(b) = v.as_bool() {
        return Kind::Bool(b);
    }
    if let Some(n) = v.as_f64() {
        const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
        return match n {
            n if n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n) => Kind::U64(n as u64),
            n if n.fract() == 0.0 && (-MAX_SAFE..0.0).contains(&n) => Kind::I64(n as i64),
            n => Kind::F64(n),
        };
    }
    if let Some(s) = v.as_string() {
        return Kind::Str(s);
    }
    if Array::is_array(&v) {
        return Kind::Seq(v.unchecked_into());
    }
    if v.is_object() {
        return Kind::Map(v.unchecked_into());
    }
    Kind::Other
}

impl<'de> de::Deserializer<'de> for JsDe {
    type Error = Invalid;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match kind(self.0) {
            Kind::Unit => visitor.visit_unit(),
            Kind::Bool(b) => visitor.visit_bool(b),
            Kind::U64(n) => visitor.visit_u64(n),
            Kind::I64(n) => visitor.visit_i64(n),
            Kind::F64(n) => visitor.visit_f64(n),
            Kind::Str(s) => visitor.visit_string(s),
            Kind::Seq(array) => visitor.visit_seq(Seq { len: array.length(), array, next: 0 }),
            Kind::Map(object) => visitor.visit_map(Map::new(object)),
            Kind::Other => Err(Invalid),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        if absent(&self.0) {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Invalid> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        visitor.visit_enum(Enum::new(self.0)?)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Seq {
    array: Array,
    len: u32,
    next: u32,
}

impl<'de> de::SeqAccess<'de> for Seq {
    type Error = Invalid;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Invalid> {
        if self.next >= self.len {
            return Ok(None);
        }
        self.next += 1;
        seed.deserialize(JsDe(self.array.get(self.next - 1))).map(Some)
    }
}

struct Map {
    object: Object,
    keys: Array,
    len: u32,
    next: u32,
}

impl Map {
    #[inline(never)]
    fn new(object: Object) -> Self {
        let keys = Object::keys(&object);
        Map { len: keys.length(), object, keys, next: 0 }
    }
}

impl<'de> de::MapAccess<'de> for Map {
    type Error = Invalid;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Invalid> {
        if self.next >= self.len {
            return Ok(None);
        }
        seed.deserialize(JsDe(self.keys.get(self.next))).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Invalid> {
        let key = self.keys.get(self.next);
        self.next += 1;
        seed.deserialize(JsDe(Reflect::get(&self.object, &key).map_err(|_| Invalid)?))
    }
}

struct Enum {
    name: String,
    value: JsValue,
}

impl Enum {
    /// Externally tagged: "unit" or {"variant": value}.
    #[inline(never)]
    fn new(v: JsValue) -> Result<Self, Invalid> {
        if let Some(name) = v.as_string() {
            return Ok(Enum { name, value: JsValue::UNDEFINED });
        }
        let object: Object = v.dyn_into().map_err(|_| Invalid)?;
        let keys = Object::keys(&object);
        if keys.length() != 1 {
            return Err(Invalid);
        }
        let key = keys.get(0);
        let value = Reflect::get(&object, &key).map_err(|_| Invalid)?;
        Ok(Enum { name: key.as_string().ok_or(Invalid)?, value })
    }
}

impl<'de> de::EnumAccess<'de> for Enum {
    type Error = Invalid;
    type Variant = JsDe;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, JsDe), Invalid> {
        let name: de::value::StringDeserializer<Invalid> = self.name.into_deserializer();
        Ok((seed.deserialize(name)?, JsDe(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for JsDe {
    type Error = Invalid;
    fn unit_variant(self) -> Result<(), Invalid> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Invalid> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Invalid> {
        de::Deserializer::deserialize_any(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, Invalid> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    //! In-browser tests (`wasm-bindgen-test`): the decoder reads every golden
    //! server frame exactly as `serde_json` does, and refuses what is wrong.
    use shared::api::{ApiError, ConversationCreated};
    use shared::ServerEnvelope;
    use wasm_bindgen_test::*;

    use super::{decode, encode};

    wasm_bindgen_test_configure!(run_in_browser);

    const SERVER_GOLDEN: &[&str] = &[
        include_str!("../../shared/golden/server.welcome.json"),
        include_str!("../../shared/golden/server.message.json"),
        include_str!("../../shared/golden/server.ack.json"),
        include_str!("../../shared/golden/server.error.json"),
        include_str!("../../shared/golden/server.inbox.json"),
        include_str!("../../shared/golden/server.inboxUpdate.json"),
    ];

    #[wasm_bindgen_test]
    fn golden_server_frames_decode_as_serde_json_does() {
        for text in SERVER_GOLDEN {
            let want: ServerEnvelope = serde_json::from_str(text).unwrap();
            assert_eq!(decode::<ServerEnvelope>(text), Some(want.clone()), "{text}");
            let again = encode(&want).unwrap();
            assert_eq!(decode::<ServerEnvelope>(&again), Some(want));
        }
        let created = include_str!("../../shared/golden/api.conversationCreated.json");
        assert_eq!(decode::<ConversationCreated>(created), serde_json::from_str(created).ok());
        let error = include_str!("../../shared/golden/api.error.json");
        assert_eq!(decode::<ApiError>(error), serde_json::from_str(error).ok());
    }

    #[wasm_bindgen_test]
    fn wrong_input_is_refused_not_guessed() {
        let bad = [
            "not json",
            "",
            "[]",
            r#"{"v":1,"msg":{"shout":{}}}"#,
            r#"{"v":"1","msg":{"ack":{"seq":1,"at":2}}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":-1,"at":2}}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":1.5,"at":2}}}"#,
            r#"{"v":70000,"msg":{"ack":{"seq":1,"at":2}}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":1}}}"#,
            r#"{"v":1,"msg":{"ack":{"seq":1,"at":2},"error":{}}}"#,
            r#"{"v":1,"msg":{"welcome":{"conversation":"short","role":"customer","lastSeq":0}}}"#,
            r#"{"v":1,"msg":{"welcome":{"conversation":"0123456789abcdef0123456789abcdef","role":"boss","lastSeq":0}}}"#,
        ];
        for text in bad {
            assert_eq!(decode::<ServerEnvelope>(text), None, "{text}");
        }
        // Unknown fields are ignored, as serde_json does by default.
        let extra = r#"{"v":1,"x":[1,{"y":null}],"msg":{"ack":{"seq":9007199254740991,"at":2,"z":true}}}"#;
        assert_eq!(decode::<ServerEnvelope>(extra), serde_json::from_str(extra).ok());
        assert!(decode::<ServerEnvelope>(extra).is_some());
    }
}
