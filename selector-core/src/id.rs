//! Unique id (SPEC.md section 6; Calico's `UniqueID()`).
//!
//! The id is `"s:" + base64url_nopad(SHA-224("s:" + canonical))`, hashed by `sha2` (hardware
//! SHA where the CPU has it). The 28-byte digest is base64-encoded by a loop over its 3-byte
//! groups, into the id's inline bytes, so that a selector keeps its id without allocating.

use sha2::{Digest, Sha224};

/// `"s:" + base64url_nopad(SHA-224("s:" + canonical))`.
///
/// ```
/// assert_eq!(selector_core::unique_id("running-calico == \"true\""),
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

/// The prefix of both the hashed text and the id.
const PREFIX: &[u8; 2] = b"s:";

impl UniqueId {
    /// The id of a canonical text.
    pub(crate) fn of(canonical: &str) -> UniqueId {
        let mut hasher = Sha224::new();
        hasher.update(PREFIX);
        hasher.update(canonical.as_bytes());
        let digest: [u8; 28] = hasher.finalize().into();
        let mut id = [0; ID_LEN];
        let (prefix, rest) = id.split_at_mut(PREFIX.len());
        prefix.copy_from_slice(PREFIX);
        base64url(&digest, rest);
        UniqueId(id)
    }

    /// The id as text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// The base64url alphabet (RFC 4648 section 5).
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding of the 28-byte digest into exactly 38 bytes: nine groups of
/// three bytes make four characters each, and the last byte makes two.
fn base64url(digest: &[u8; 28], out: &mut [u8]) {
    let char_of = |sextet: u32| {
        BASE64URL
            .get((sextet & 63) as usize)
            .copied()
            .unwrap_or(b'A')
    };
    let mut chars = out.iter_mut();
    let mut emit = |sextets: &[u32]| {
        for &s in sextets {
            if let Some(c) = chars.next() {
                *c = char_of(s);
            }
        }
    };
    let [ref groups @ .., last] = *digest;
    for group in groups.chunks_exact(3) {
        if let &[a, b, c] = group {
            let n = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
            emit(&[n >> 18, n >> 12, n >> 6, n]);
        }
    }
    let n = u32::from(last);
    emit(&[n >> 2, n << 4]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use proptest::prelude::*;

    /// The id with the `base64` crate.
    fn reference(canonical: &str) -> String {
        let digest = Sha224::digest(format!("s:{canonical}"));
        format!("s:{}", URL_SAFE_NO_PAD.encode(digest))
    }

    #[test]
    fn every_length_around_the_block_boundaries_matches_the_reference() {
        for len in 0..=300 {
            let text: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            assert_eq!(
                UniqueId::of(&text).as_str(),
                reference(&text),
                "length {len}"
            );
        }
    }

    proptest! {
        #[test]
        fn ids_match_the_reference(text in "\\PC{0,200}") {
            let id = UniqueId::of(&text);
            prop_assert_eq!(id.as_str(), reference(&text));
        }
    }
}
