//! The encoding of InfraKit v0.5's swarm label: `base64(zlib(json))` (Go's `base64.StdEncoding`, RFC 4648 standard
//! alphabet with padding, around RFC 1950 zlib), with `flate2` and `data-encoding`. Labels come from the network:
//! decoding never panics, and what it inflates is bounded.

use std::io::{Read, Write};

/// Decoded labels larger than this are refused (the engine keeps at most about 1.5 MiB of labels anyway).
pub const MAX_INFLATED: usize = 8 << 20;

type R<T> = Result<T, String>;

/// Base64, standard alphabet, padded (Go's `base64.StdEncoding`).
pub fn base64_encode(data: &[u8]) -> String {
    data_encoding::BASE64.encode(data)
}

/// Decodes padded standard base64; line breaks are skipped (as Go's decoder does).
pub fn base64_decode(text: &str) -> R<Vec<u8>> {
    let clean: Vec<u8> = text.bytes().filter(|b| *b != b'\n' && *b != b'\r').collect();
    data_encoding::BASE64.decode(&clean).map_err(|e| format!("base64: {e}"))
}

/// zlib-compresses `data` (default level, as Go's `zlib.NewWriter`).
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    z.write_all(data).and_then(|()| z.finish()).unwrap_or_default()
}

/// Inflates a zlib stream, checking its Adler-32 trailer; at most [`MAX_INFLATED`] bytes.
pub fn inflate(data: &[u8]) -> R<Vec<u8>> {
    let mut out = Vec::new();
    let mut z = flate2::read::ZlibDecoder::new(data).take(MAX_INFLATED as u64 + 1);
    z.read_to_end(&mut out).map_err(|e| format!("zlib: {e}"))?;
    if out.len() > MAX_INFLATED {
        return Err(format!("zlib: more than {MAX_INFLATED} bytes once inflated"));
    }
    // A stream cut short before its trailer reads as a clean end in some cases: require the decoder to have seen
    // the whole stream.
    let inner = z.into_inner();
    if inner.total_in() != data.len() as u64 {
        return Err("zlib: trailing bytes after the stream".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `encodedInput` of v0.5's `pkg/store/swarm/swarm_test.go`: what Go's `compress/zlib` wrote.
    const GO_ENCODED: &str = "eJx0jkEKwlAMRPc9xTBrT/B3bhTPIC7STxXx+yNpVVB6dymSGhE3gTeTmeTZAADXptcLE94I8CxVDp31QQO4LEWzDEetTNjOOkDhImL7jZkz7T4GV0VuakxgKxYS3NR+kJq7ydqrenr0Fd7VTj/fxbrHv7rpktc1PsdXAAAA//8CYjjK";

    #[test]
    fn reads_what_go_wrote() {
        let bytes = inflate(&base64_decode(GO_ENCODED).expect("base64")).expect("inflated");
        let text = String::from_utf8(bytes).expect("utf-8");
        // Go's `json.MarshalIndent(input, "  ", "  ")`: keys sorted, every line after the first prefixed.
        assert!(text.starts_with("{\n    \"Group\": {\n      \"managers\": {\n"), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v["Group"]["managers"]["Allocation"], serde_json::json!(["a", "b", "c"]));
        assert_eq!(v["Group"]["workers"]["Flavor"], "baz");
    }

    #[test]
    fn round_trips_and_compresses() {
        let spec = br#"{"ID":"workers","Properties":{"Allocation":{"Size":3},"Instance":{"Plugin":"instance-file"}}}"#;
        let mut text = Vec::new();
        for n in 0..200 {
            text.extend_from_slice(spec);
            text.extend_from_slice(format!("{n}").as_bytes());
        }
        let packed = deflate(&text);
        assert!(packed.len() * 10 < text.len(), "{} of {}", packed.len(), text.len());
        assert_eq!(inflate(&packed).expect("inflated"), text);
        for data in [&b""[..], b"a", b"ab", b"abc", b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &[0u8, 255, 144, 143, 7][..]] {
            assert_eq!(inflate(&deflate(data)).expect("inflated"), data);
            assert_eq!(base64_decode(&base64_encode(data)).expect("decoded"), data);
        }
        let big: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        assert_eq!(inflate(&deflate(&big)).expect("inflated"), big);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(base64_encode(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
        assert!(base64_decode("YW55=IGN").is_err());
        assert!(base64_decode("abc").is_err());
        assert!(base64_decode("ab!d").is_err());
        let good = deflate(b"hello hello hello");
        assert!(inflate(&good[..good.len() - 1]).is_err());
        let mut flipped = good.clone();
        let at = flipped.len() - 6;
        flipped[at] ^= 0x10;
        assert!(inflate(&flipped).is_err());
        assert!(inflate(b"").is_err() && inflate(b"\x78").is_err() && inflate(b"xx").is_err());
    }
}
