//! Unique id (SPEC.md section 6; Calico's `UniqueID()`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha224};

/// `"s:" + base64url_nopad(SHA-224("s:" + canonical))`.
///
/// ```
/// assert_eq!(selector_core::id::unique_id("running-calico == \"true\""),
///            "s:DUmB89iGSY1Zc4i1sUI_0d-I80TWRxureQMmKg");
/// ```
pub fn unique_id(canonical: &str) -> String {
    let mut hasher = Sha224::new();
    hasher.update(b"s:");
    hasher.update(canonical.as_bytes());
    let digest = hasher.finalize();
    let mut out = String::with_capacity(40);
    out.push_str("s:");
    URL_SAFE_NO_PAD.encode_string(digest, &mut out);
    out
}
