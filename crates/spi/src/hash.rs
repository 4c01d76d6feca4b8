//! The config hash that marks which spec an instance was created from (`infrakit.config_sha`).

use crate::gojson;
use crate::group::GroupProperties;
use crate::{plugin, Error, Result};
use data_encoding::{BASE32, BASE64URL};
use sha1::{Digest, Sha1};

/// The tag that names an instance's group.
pub const GROUP_TAG: &str = "infrakit.group";
/// The tag that holds the config hash.
pub const CONFIG_SHA_TAG: &str = "infrakit.config_sha";
/// The tag that holds an instance's logical ID (set by newer InfraKit, kept for the providers that lose it).
pub const LOGICAL_ID_TAG: &str = "infrakit.logical_id";
/// The `infrakit.config_sha` value that marks an instance created outside InfraKit, to be adopted as current.
pub const BOOTSTRAP_SHA: &str = "bootstrap";

/// Which encoding of the hash to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashEncoding {
    /// v0.4.1: base64url with padding (28 characters).
    V041,
    /// v0.5: lower-case base32 without padding (32 characters).
    V05,
}

/// Go's "stable format" of a plugin block: encode, decode into a generic map, `MarshalIndent(prefix "  ", indent "  ")`.
pub fn stable_format(block: &plugin::Spec) -> Result<Vec<u8>> {
    let text = gojson::to_vec(block).map_err(Error::failed)?;
    let generic: serde_json::Value = serde_json::from_slice(&text).map_err(Error::failed)?;
    gojson::to_vec_indent(&gojson::as_go_generic(&generic), "  ", "  ").map_err(Error::failed)
}

/// The config hash of a group's instance and flavor blocks. The allocation is not hashed, so a size change never rolls.
pub fn instance_hash(props: &GroupProperties, encoding: HashEncoding) -> Result<String> {
    let mut sha = Sha1::new();
    sha.update(stable_format(&props.instance)?);
    sha.update(stable_format(&props.flavor)?);
    let digest = sha.finalize();
    Ok(match encoding {
        HashEncoding::V041 => BASE64URL.encode(&digest),
        HashEncoding::V05 => BASE32.encode(&digest).trim_end_matches('=').to_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group;

    fn cattle(version: &str, size: u64, attachments: bool) -> GroupProperties {
        let att = if attachments { r#","Attachments":[{"ID":"attachid","Type":"attachtype"}]"# } else { "" };
        let text = format!(
            r#"{{"Allocation":{{"Size":{size}}},
  "Instance":{{"Plugin":"instance-file","Properties":{{"Note":"Instance properties version {version}"}}}},
  "Flavor":{{"Plugin":"flavor-vanilla","Properties":{{
     "Init":["docker pull nginx:alpine","docker run -d -p 80:80 nginx-alpine"],
     "Tags":{{"tier":"web","project":"infrakit"}}{att}}}}}}}"#
        );
        let spec: group::GroupProperties = serde_json::from_str(&text).unwrap();
        spec
    }

    #[test]
    fn spec_test_vectors() {
        let cases = [
            (cattle("1.0", 5, false), "006438mMXW8gXeYtUxgf9Zbg94Y=", "2nhlrx6jrrow6ic54ywvgga76wlob54g"),
            (cattle("2.0", 10, false), "eB2JuP0c5Sf41X5e2vc2gJ4ZTVg=", "paoytoh5dtssp6gvpzpnv5zwqcpbstky"),
            (cattle("1.0", 5, true), "vxsZDAgMhMT8Fnqvm_a1fPz0Lto=", "x4nrsdaibscmj7awpkxzx5vvpt6pilw2"),
            (cattle("2.0", 10, true), "S8pBv5IhatFbBOh9iJOwdnThzaM=", "jpfedp4sefvncwye5b6yre5qoz2odtnd"),
        ];
        for (props, v041, v05) in cases {
            assert_eq!(instance_hash(&props, HashEncoding::V041).unwrap(), v041);
            assert_eq!(instance_hash(&props, HashEncoding::V05).unwrap(), v05);
        }
    }

    #[test]
    fn stable_form_of_instance_block() {
        let props = cattle("1.0", 5, true);
        let stable = String::from_utf8(stable_format(&props.instance).unwrap()).unwrap();
        assert_eq!(
            stable,
            "{\n    \"Plugin\": \"instance-file\",\n    \"Properties\": {\n      \"Note\": \"Instance properties version 1.0\"\n    }\n  }"
        );
    }

    #[test]
    fn allocation_is_not_hashed() {
        let a = cattle("1.0", 5, true);
        let b = cattle("1.0", 50, true);
        assert_eq!(instance_hash(&a, HashEncoding::V05).unwrap(), instance_hash(&b, HashEncoding::V05).unwrap());
    }
}
