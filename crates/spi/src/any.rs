//! `Any`: opaque raw JSON carried verbatim through RPCs (Go's `types.Any`), used for every `Properties` blob.

use crate::gojson;
use crate::Error;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// Raw JSON, kept compact and Go-escaped so it re-encodes exactly as Go would embed it.
#[derive(Clone)]
pub struct Any(Box<RawValue>);

impl PartialEq for Any {
    fn eq(&self, other: &Any) -> bool {
        self.0.get() == other.0.get()
    }
}

impl Eq for Any {}

impl Any {
    /// Parses JSON text; the text is validated and compacted.
    pub fn from_json(text: &str) -> Result<Any, Error> {
        let raw: Box<RawValue> = serde_json::from_str(text).map_err(|e| Error::invalid("Properties", e))?;
        Ok(Any::from_raw(&raw))
    }

    fn from_raw(raw: &RawValue) -> Any {
        let compacted = gojson::compact(raw.get());
        // Compacting valid JSON yields valid JSON; fall back to the original text should that ever not hold.
        Any(RawValue::from_string(compacted).unwrap_or_else(|_| raw.to_owned()))
    }

    /// Encodes any serializable value.
    pub fn from_value<T: Serialize + ?Sized>(value: &T) -> Result<Any, Error> {
        Any::encode(value).map_err(|e| Error::invalid("Properties", e))
    }

    /// Encodes any serializable value; the error is the encoder's, for callers that name what failed themselves.
    pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Any, serde_json::Error> {
        let text = gojson::to_string(value)?;
        // What the Go encoder writes is compact and escaped, an `Any` inside included (it is written as it is
        // kept), so it is not compacted again; only raw JSON of another kind inside (a bare `RawValue`, written
        // verbatim) may need it, which one pass over the bytes tells.
        let text = match gojson::is_compact(&text) {
            true => text,
            false => gojson::compact(&text),
        };
        RawValue::from_string(text).map(Any)
    }

    /// Decodes into `T`; the error names the failing field path (for example `Properties.Init[1]`).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode_named(self.0.get(), "Properties")
    }

    /// Decodes into a generic JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.0.get()).unwrap_or(serde_json::Value::Null)
    }

    /// The raw JSON text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// True when the JSON is the literal `null`.
    pub fn is_null(&self) -> bool {
        self.0.get() == "null"
    }
}

/// Decodes JSON `text` into `T`; on failure the error names `what` and the JSON path inside it.
pub fn decode_named<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    // The fast path; the slower path-tracking decoder runs only to explain a failure.
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path.is_empty() || path == "." { what.to_string() } else { format!("{what}.{path}") };
        Error::Invalid { field, message: e.into_inner().to_string() }
    })
}

impl fmt::Debug for Any {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.get())
    }
}

impl fmt::Display for Any {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.get())
    }
}

impl Serialize for Any {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Any, D::Error> {
        let raw: Box<RawValue> = Deserialize::deserialize(d)?;
        Ok(Any::from_raw(&raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoded_value_is_what_compacting_its_json_gives() {
        #[derive(Serialize)]
        struct Value {
            #[serde(rename = "Text")]
            text: &'static str,
            #[serde(rename = "Inner")]
            inner: Any,
            #[serde(rename = "List")]
            list: Vec<Option<u8>>,
        }
        let inner = Any::from_json(r#"{ "b" : "x > y", "a": [ ] }"#).unwrap();
        let value = Value { text: "a <b> & \u{2028}\u{2029} \"q\"\n", inner, list: vec![Some(1), None] };
        let plain = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(Any::from_value(&value).unwrap(), Any::from_json(&plain).unwrap());
        assert_eq!(Any::from_value(&value).unwrap().as_str(), gojson::compact(&plain));
        // Raw JSON that is not an `Any` is written verbatim by the encoder: it is compacted and escaped here.
        let bare = RawValue::from_string("{ \"x\" : \"<\u{2028}>\" }".to_string()).unwrap();
        assert_eq!(Any::from_value(&bare).unwrap().as_str(), r#"{"x":"\u003c\u2028\u003e"}"#);
    }

    #[test]
    fn compact_text_is_told_from_text_that_is_not() {
        for compact in [r#"{"a":[1,"x y",{"b":"\" \\"}]}"#, r#""\u003c""#, "[]", "null"] {
            assert!(gojson::is_compact(compact), "{compact}");
            assert_eq!(gojson::compact(compact), compact);
        }
        for loose in ["{ \"a\":1}", "[1,\n2]", r#"{"a":"<"}"#, r#"["&"]"#, "[\"\u{2029}\"]", "\t1"] {
            assert!(!gojson::is_compact(loose), "{loose}");
            assert_ne!(gojson::compact(loose), loose);
        }
    }

    #[test]
    fn any_is_compacted_and_escaped() {
        let a = Any::from_json("{ \"Note\" : \"a < b\" ,\n \"n\": [1, 2] }").unwrap();
        assert_eq!(a.as_str(), r#"{"Note":"a \u003c b","n":[1,2]}"#);
    }

    #[test]
    fn decode_names_the_field() {
        #[derive(Deserialize, Debug)]
        struct P {
            #[allow(dead_code)]
            #[serde(rename = "Init")]
            init: Vec<String>,
        }
        let a = Any::from_json(r#"{"Init":["ok", 3]}"#).unwrap();
        let err = a.decode::<P>().unwrap_err().to_string();
        assert!(err.contains("Properties.Init[1]"), "{err}");
    }

    #[test]
    fn bad_json_is_an_error() {
        assert!(Any::from_json("{nope").is_err());
    }
}
