//! Unique id (SPEC.md section 6; Calico's `UniqueID()`).
//!
//! The id is `"s:" + base64url_nopad(SHA-224("s:" + canonical))`. The hash runs `sha2`'s
//! block function (hardware SHA where the CPU has it) on blocks padded here, straight from
//! the canonical text: no hasher state to set up, buffer and tear down, which cost as much as
//! the two blocks a typical selector hashes. The 28-byte digest is base64-encoded by a loop
//! over its 3-byte groups, into the id's inline bytes.

use sha2::digest::generic_array::GenericArray;

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
        let digest = sha224(PREFIX, canonical.as_bytes());
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

/// SHA-224's initial hash value (FIPS 180-4, section 5.3.2).
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

/// SHA-224 of `head` followed by `tail` (FIPS 180-4): the message in 64-byte blocks, then a
/// `0x80` byte, zeros and the message's length in bits, big-endian, ending the last block.
fn sha224(head: &[u8], tail: &[u8]) -> [u8; 28] {
    let mut state = SHA224_INIT;
    let mut block = [0u8; 64];
    let mut filled = 0;
    for mut part in [head, tail] {
        while !part.is_empty() {
            let take = part.len().min(64 - filled);
            let (now, later) = part.split_at(take);
            if let Some(space) = block.get_mut(filled..filled + take) {
                space.copy_from_slice(now);
            }
            filled += take;
            part = later;
            if filled == 64 {
                sha2::compress256(&mut state, &[GenericArray::from(block)]);
                filled = 0;
            }
        }
    }
    let bits = ((head.len() as u64) + (tail.len() as u64)).wrapping_mul(8);
    if let Some((marker, zeros)) = block.get_mut(filled..).and_then(<[u8]>::split_first_mut) {
        *marker = 0x80;
        zeros.fill(0);
    }
    if filled >= 56 {
        // No room left for the length: it goes in a block of its own.
        sha2::compress256(&mut state, &[GenericArray::from(block)]);
        block = [0; 64];
    }
    if let Some(length) = block.get_mut(56..) {
        length.copy_from_slice(&bits.to_be_bytes());
    }
    sha2::compress256(&mut state, &[GenericArray::from(block)]);
    let mut digest = [0u8; 28];
    for (out, word) in digest.chunks_exact_mut(4).zip(state) {
        out.copy_from_slice(&word.to_be_bytes());
    }
    digest
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
    use sha2::{Digest, Sha224};

    /// The id the obvious way: the `sha2` hasher and the `base64` crate.
    fn reference(canonical: &str) -> String {
        let digest = Sha224::digest(format!("s:{canonical}"));
        format!("s:{}", URL_SAFE_NO_PAD.encode(digest))
    }

    #[test]
    fn every_padding_case_matches_the_reference() {
        // Lengths around each block boundary: the length fitting in the last block or not.
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
