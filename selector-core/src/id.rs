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
    let id = UniqueId::of(canonical);
    id.as_str().to_owned()
}

/// A unique id held inline (every id is 40 ASCII bytes), so a selector needs no allocation
/// to keep one.
#[derive(Clone, Copy)]
pub(crate) struct UniqueId([u8; ID_LEN]);

/// `s:` and 38 base64 characters for the 28 bytes of a SHA-224 digest.
const ID_LEN: usize = 40;

impl UniqueId {
    /// The id of a canonical text.
    pub(crate) fn of(canonical: &str) -> UniqueId {
        let mut hasher = Sha224::new();
        hasher.update(b"s:");
        hasher.update(canonical.as_bytes());
        let digest = hasher.finalize();
        let mut id = [0; ID_LEN];
        if let Some((prefix, rest)) = id.split_at_mut_checked(2) {
            prefix.copy_from_slice(b"s:");
            // 28 bytes encode to exactly the 38 left, so this cannot fail.
            let _ = URL_SAFE_NO_PAD.encode_slice(digest, rest);
        }
        UniqueId(id)
    }

    /// The id as text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}
