//! Strict decoding of plugin Properties: the value is decoded as its type, and every field the type does not know
//! is named by its path (`Config.HostConfig.Binds[2].Mode`), so a typo is reported instead of silently ignored.

use crate::Error;
use serde::de::DeserializeOwned;

/// A path as an error names it: `A.B[2].C` (serde_ignored writes `A.?.B.2.C`).
fn field_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}[{index}]", field_path(parent)),
        P::Map { parent, key } => match field_path(parent) {
            p if p.is_empty() => key.clone(),
            p => format!("{p}.{key}"),
        },
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => field_path(parent),
    }
}

/// Decodes `value` as `T` and returns it with the paths of the fields `T` does not know, in the order met. A value
/// that does not fit is an error naming the field (`what.Path`) and what was expected.
pub fn decode_noting_unknown<T: DeserializeOwned>(
    value: &serde_json::Value,
    what: &str,
) -> Result<(T, Vec<String>), Error> {
    let mut unknown = Vec::new();
    let text = value.to_string();
    let de = &mut serde_json::Deserializer::from_str(&text);
    match serde_ignored::deserialize(de, |path| unknown.push(field_path(&path))) {
        Ok(v) => Ok((v, unknown)),
        Err(_) => Err(crate::any::decode_named::<T>(&text, what)
            .err()
            .unwrap_or_else(|| Error::Invalid { field: what.to_string(), message: "does not decode".to_string() })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        #[serde(rename = "Name")]
        name: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        #[serde(rename = "Items", default)]
        items: Vec<Inner>,
    }

    #[test]
    fn unknown_fields_are_named_by_path_and_misfits_by_field() {
        let v = serde_json::json!({"Items": [{"Name": "a"}, {"Name": "b", "Nmae": "c"}], "Extra": 1});
        let (_, unknown) = decode_noting_unknown::<Outer>(&v, "Properties").unwrap();
        // A `serde_json::Value` object holds its keys sorted, so they are met in that order.
        assert_eq!(unknown, vec!["Extra".to_string(), "Items[1].Nmae".to_string()]);
        let bad = serde_json::json!({"Items": [{"Name": 5}]});
        let e = decode_noting_unknown::<Outer>(&bad, "Properties").unwrap_err();
        assert!(e.to_string().contains("Properties.Items[0].Name"), "{e}");
    }
}
