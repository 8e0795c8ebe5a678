//! A serde `Deserializer` over string variables (environment variables or
//! `wasi:config` values) that keeps going past a bad value, so one load
//! reports every problem.
//!
//! Each field of the config struct is one variable, named by its serde name
//! in upper case. A value that does not parse is recorded as a problem and
//! replaced by a placeholder of the right shape, so the rest still loads. A
//! required variable that is missing, or a value the field's own type
//! refuses, stops serde's derived code; the loader then runs again with that
//! key served by a placeholder (see `super::load_with`).

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::keys::{Key, Kind};
use super::problem::Problem;
use super::secret::SECRET_MARKER;

/// Where variables come from.
pub(crate) trait Source {
    /// The value of the variable for `field` (serde name) / `key` (its
    /// upper-case variable name), if set.
    fn get(&self, field: &str, key: &str) -> Option<String>;
}

/// The variable name of a field: `max_width` → `MAX_WIDTH`.
pub(crate) fn key_of(field: &str) -> String {
    field.replace(['-', '.'], "_").to_ascii_uppercase()
}

/// What one run of the deserializer learned.
#[derive(Default)]
pub(crate) struct Trace {
    /// The config struct's fields, in declaration order.
    pub fields: Vec<&'static str>,
    /// The key whose value is being read, if any.
    pub current: Option<String>,
    pub current_secret: bool,
    pub problems: Vec<Problem>,
    pub keys: Vec<Key>,
}

impl Trace {
    fn record_kind(&mut self, kind: Kind) {
        if let Some(key) = &self.current
            && !self.keys.iter().any(|k| &k.name == key)
        {
            self.keys.push(Key {
                name: key.clone(),
                kind,
                secret: self.current_secret,
            });
        }
    }
}

/// How one run serves the struct's fields.
pub(crate) struct Pass<'a> {
    pub source: &'a dyn Source,
    /// Keys to serve a placeholder for (known missing or refused).
    pub placeholders: &'a HashSet<String>,
    /// Serve a placeholder for every field (to list the keys a type reads).
    pub all_placeholders: bool,
    pub trace: RefCell<Trace>,
}

/// The error type of this deserializer. `missing` is set by serde's derived
/// code for a required field that was not served.
#[derive(Debug)]
pub(crate) struct DeError {
    pub message: String,
    pub missing: Option<&'static str>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DeError {
            message: message.to_string(),
            missing: None,
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError {
            message: format!("missing field `{field}`"),
            missing: Some(field),
        }
    }
}

/// The whole configuration: a struct whose fields are variables.
pub(crate) struct Root<'p, 'a>(pub &'p Pass<'a>);

impl<'de> de::Deserializer<'de> for Root<'_, '_> {
    type Error = DeError;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.0.trace.borrow_mut().fields = fields.to_vec();
        visitor.visit_map(Fields {
            pass: self.0,
            fields: fields.iter(),
            value: None,
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DeError> {
        Err(de::Error::custom(
            "a configuration type must be a struct with named fields",
        ))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple tuple_struct map enum
        identifier ignored_any
    }
}

/// Serves the fields that have a value (or a placeholder) as map entries;
/// the others are left to serde's defaults (`Option`, `#[serde(default)]`).
struct Fields<'p, 'a> {
    pass: &'p Pass<'a>,
    fields: std::slice::Iter<'static, &'static str>,
    value: Option<(String, Option<String>)>,
}

impl<'de> MapAccess<'de> for Fields<'_, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for field in self.fields.by_ref() {
            let key = key_of(field);
            let text = if self.pass.all_placeholders || self.pass.placeholders.contains(&key) {
                None
            } else {
                match self.pass.source.get(field, &key) {
                    Some(text) => Some(text),
                    None => continue,
                }
            };
            self.value = Some((key, text));
            let name: de::value::StrDeserializer<'_, DeError> = field.into_deserializer();
            return seed.deserialize(name).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (key, text) = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without a key"))?;
        {
            let mut trace = self.pass.trace.borrow_mut();
            trace.current = Some(key);
            trace.current_secret = false;
        }
        let value = seed.deserialize(Value {
            text: text.as_deref(),
            trace: &self.pass.trace,
            in_list: false,
        })?;
        self.pass.trace.borrow_mut().current = None;
        Ok(value)
    }
}

/// Placeholders that the common field types accept.
const PLACEHOLDER_TEXT: &str = "http://placeholder.invalid/";

/// One variable's value (`None`: a placeholder).
struct Value<'a> {
    text: Option<&'a str>,
    trace: &'a RefCell<Trace>,
    in_list: bool,
}

impl Value<'_> {
    fn kind(&self, kind: Kind) {
        if !self.in_list {
            self.trace.borrow_mut().record_kind(kind);
        }
    }

    /// Records that the value is not what the field expects.
    fn bad(&self, expected: &str) {
        let mut trace = self.trace.borrow_mut();
        let Some(key) = trace.current.clone() else {
            return;
        };
        let detail = match (trace.current_secret, self.text) {
            (false, Some(text)) => format!("expected {expected}, got {text:?}"),
            _ => format!("expected {expected}"),
        };
        if !trace.problems.iter().any(|p| p.key() == key) {
            trace.problems.push(Problem::invalid(key, detail));
        }
    }

    /// Parses the value with `parse`, or records `expected` and falls back
    /// to the placeholder `fallback`.
    fn parse<T>(&self, expected: &str, fallback: T, parse: impl Fn(&str) -> Option<T>) -> T {
        match self.text {
            None => fallback,
            Some(text) => match parse(text.trim()) {
                Some(value) => value,
                None => {
                    self.bad(expected);
                    fallback
                }
            },
        }
    }

    /// Parses `text` as JSON of the given shape into `visitor`'s type.
    fn json<'de, V: Visitor<'de>>(
        self,
        text: &str,
        shape: Shape,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        use serde::Deserializer as _;
        // A reader-based JSON deserializer works for any `'de`: the config
        // types are owned, and the text does not outlive this call.
        let mut json = serde_json::Deserializer::from_reader(text.as_bytes());
        let value = match shape {
            Shape::Any => (&mut json).deserialize_any(visitor),
            Shape::Seq => (&mut json).deserialize_seq(visitor),
            Shape::Map => (&mut json).deserialize_map(visitor),
            Shape::Struct(name, fields) => (&mut json).deserialize_struct(name, fields, visitor),
        };
        value
            .and_then(|value| json.end().map(|()| value))
            .map_err(|e| {
                let secret = self.trace.borrow().current_secret;
                de::Error::custom(if secret {
                    "expected valid JSON".to_string()
                } else {
                    format!("expected valid JSON: {e}")
                })
            })
    }
}

/// What a JSON value is read as.
enum Shape {
    Any,
    Seq,
    Map,
    Struct(&'static str, &'static [&'static str]),
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Integers may group digits with `_` (`25_000_000`).
fn parse_number<T: std::str::FromStr>(text: &str) -> Option<T> {
    text.replace('_', "").parse().ok()
}

macro_rules! integers {
    ($($method:ident $visit:ident $ty:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            self.kind(Kind::Integer);
            let expected = if <$ty>::MIN == 0 {
                format!("an integer from 0 to {}", <$ty>::MAX)
            } else {
                format!("an integer from {} to {}", <$ty>::MIN, <$ty>::MAX)
            };
            let expected = if <$ty>::BITS >= 32 { "an integer".to_string() } else { expected };
            let value = self.parse(&expected, 0 as $ty, parse_number::<$ty>);
            visitor.$visit(value)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Value<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::Json);
        match self.text {
            None => visitor.visit_unit(),
            Some(text) if text.trim_start().starts_with(['{', '[']) => {
                self.json(text, Shape::Any, visitor)
            }
            Some(text) => visitor.visit_str(text),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::Bool);
        visitor.visit_bool(self.parse("true or false", false, parse_bool))
    }

    integers! {
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_i128 visit_i128 i128, deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16, deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64, deserialize_u128 visit_u128 u128
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::Number);
        visitor.visit_f32(self.parse("a number", 0.0, parse_number::<f32>))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::Number);
        visitor.visit_f64(self.parse("a number", 0.0, parse_number::<f64>))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::String);
        visitor.visit_char(self.parse("one character", ' ', |t| {
            let mut chars = t.chars();
            chars.next().filter(|_| chars.next().is_none())
        }))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::String);
        visitor.visit_str(self.text.unwrap_or(PLACEHOLDER_TEXT))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::String);
        visitor.visit_bytes(self.text.unwrap_or_default().as_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    /// An empty value counts as unset: a blank field in a form means "none".
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.text {
            Some(text) if text.trim().is_empty() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if name == SECRET_MARKER {
            self.trace.borrow_mut().current_secret = true;
        }
        visitor.visit_newtype_struct(self)
    }

    /// A JSON array (`["a","b"]`) or a comma-separated list (`a, b`).
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::List);
        match self.text {
            Some(text) if text.trim_start().starts_with('[') => {
                self.json(text, Shape::Seq, visitor)
            }
            text => {
                let items: Vec<&str> = text
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .collect();
                visitor.visit_seq(Items {
                    items: items.into_iter(),
                    trace: self.trace,
                })
            }
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    /// Maps are JSON objects (`{"DE": "https://eu.example.com"}`).
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.kind(Kind::Json);
        match self.text {
            None => visitor.visit_map(de::value::MapDeserializer::<
                std::iter::Empty<(String, String)>,
                DeError,
            >::new(std::iter::empty())),
            Some(text) => self.json(text, Shape::Map, visitor),
        }
    }

    /// Nested structs are JSON objects too.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.kind(Kind::Json);
        let text = self.text.unwrap_or("{}");
        self.json(text, Shape::Struct(name, fields), visitor)
    }

    /// Enums are their variant's name, matched without regard to case when
    /// no variant matches exactly (`GFM` selects `gfm`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.kind(Kind::Enum(variants.to_vec()));
        let text = self.text.map(str::trim);
        let chosen = match text {
            None => variants.first().copied(),
            Some(text) => variants
                .iter()
                .find(|v| **v == text)
                .or_else(|| variants.iter().find(|v| v.eq_ignore_ascii_case(text)))
                .copied(),
        };
        match chosen {
            Some(variant) => {
                let variant: de::value::StrDeserializer<'_, DeError> = variant.into_deserializer();
                variant.deserialize_enum(name, variants, visitor)
            }
            None => {
                self.bad(&format!("one of {}", variants.join(", ")));
                let first = variants
                    .first()
                    .ok_or_else(|| de::Error::custom("an enum without variants"))?;
                let variant: de::value::StrDeserializer<'_, DeError> = first.into_deserializer();
                variant.deserialize_enum(name, variants, visitor)
            }
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

/// The items of a comma-separated list, each parsed like a whole value.
struct Items<'a> {
    items: std::vec::IntoIter<&'a str>,
    trace: &'a RefCell<Trace>,
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some(item) => seed
                .deserialize(Value {
                    text: Some(item),
                    trace: self.trace,
                    in_list: true,
                })
                .map(Some),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}
