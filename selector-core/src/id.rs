//! Unique id (SPEC.md section 6; Calico's `UniqueID()`).
//!
//! The id is `"s:" + base64url_nopad(SHA-224("s:" + canonical))`, hashed by `sha2`'s
//! compression function (hardware SHA where the CPU has it). The 28-byte digest is
//! base64-encoded by a loop over its 3-byte groups, into the id's inline bytes, so that a
//! selector keeps its id without allocating.

use sha2::digest::generic_array::GenericArray;
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
/// to keep one. Word-aligned, so that reading it as text ([`UniqueId::as_str`]) checks
/// whole words at a time.
#[derive(Clone, Copy)]
#[repr(align(8))]
pub(crate) struct UniqueId([u8; ID_LEN]);

/// `s:` and 38 base64 characters for the 28 bytes of a SHA-224 digest.
const ID_LEN: usize = 40;

/// The prefix of both the hashed text and the id.
const PREFIX: &[u8; 2] = b"s:";

impl UniqueId {
    /// The id of a canonical text.
    pub(crate) fn of(canonical: &str) -> UniqueId {
        let digest = digest_padded(canonical.as_bytes()).unwrap_or_else(|| {
            let mut hasher = Sha224::new();
            hasher.update(PREFIX);
            hasher.update(canonical.as_bytes());
            hasher.finalize().into()
        });
        let mut chars = [0; ID_LEN - PREFIX.len()];
        base64url(&digest, &mut chars);
        let mut id = [0; ID_LEN];
        let (prefix, rest) = id.split_at_mut(PREFIX.len());
        prefix.copy_from_slice(PREFIX);
        rest.copy_from_slice(&chars);
        UniqueId(id)
    }

    /// The id as text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// SHA-224's initial state (FIPS 180-4, section 5.3.2).
const SHA224_INIT: [u32; 8] = [
    0xc105_9ed8,
    0x367c_d507,
    0x3070_dd17,
    0xf70e_5939,
    0xffc0_0b31,
    0x6858_1511,
    0x64f9_8fa7,
    0xbefa_4fa4,
];

/// The longest message, in 64-byte blocks, that [`digest_padded`] hashes.
const PADDED_BLOCKS: usize = 4;

/// SHA-224 of `"s:" + canonical`, if its padded message fits in [`PADDED_BLOCKS`] blocks:
/// the message is laid out and padded (FIPS 180-4, section 5.1.1) in one stack buffer and
/// compressed straight from it. Hand-written because it measured faster than `Sha224`'s
/// two incremental `update`s and `finalize`, which copy the text into a block buffer of
/// their own and pad it there.
fn digest_padded(canonical: &[u8]) -> Option<[u8; 28]> {
    let len = PREFIX.len() + canonical.len();
    // The message, the `0x80` byte and the 8-byte bit length, rounded up to whole blocks.
    let blocks = (len + 9).div_ceil(64);
    let mut buf = [0u8; 64 * PADDED_BLOCKS];
    let padded = buf.get_mut(..64 * blocks)?;
    let (message, padding) = padded.split_at_mut(len);
    let (prefix, text) = message.split_at_mut(PREFIX.len());
    prefix.copy_from_slice(PREFIX);
    text.copy_from_slice(canonical);
    let (marker, rest) = padding.split_first_mut()?;
    *marker = 0x80;
    let bits = (len as u64) * 8;
    let (_, length) = rest.split_at_mut(rest.len().checked_sub(8)?);
    length.copy_from_slice(&bits.to_be_bytes());
    let mut state = SHA224_INIT;
    for block in padded.chunks_exact(64) {
        sha2::compress256(
            &mut state,
            std::slice::from_ref(GenericArray::from_slice(block)),
        );
    }
    let mut digest = [0u8; 28];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    Some(digest)
}

/// The base64url alphabet (RFC 4648 section 5).
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding of the 28-byte digest into exactly 38 bytes: nine groups of
/// three bytes make four characters each, and the last byte makes two.
fn base64url(digest: &[u8; 28], out: &mut [u8; 38]) {
    let char_of = |sextet: u32| {
        BASE64URL
            .get((sextet & 63) as usize)
            .copied()
            .unwrap_or(b'A')
    };
    let (quads, pair) = out.split_at_mut(36);
    let [ref groups @ .., last] = *digest;
    for (quad, group) in quads.chunks_exact_mut(4).zip(groups.chunks_exact(3)) {
        if let &[a, b, c] = group {
            let n = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
            quad.copy_from_slice(&[
                char_of(n >> 18),
                char_of(n >> 12),
                char_of(n >> 6),
                char_of(n),
            ]);
        }
    }
    let n = u32::from(last);
    pair.copy_from_slice(&[char_of(n >> 2), char_of(n << 4)]);
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
