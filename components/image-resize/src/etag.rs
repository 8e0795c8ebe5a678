//! Strong `ETag`s for results, and `If-None-Match`.

/// A 128-bit hash of `parts`, stable across builds and platforms (unlike
/// `std`'s hasher), reading eight bytes at a time: the source of a large
/// image is hashed on every request that has no origin `ETag`, so this
/// costs well under a millisecond per megabyte. Two lanes with different
/// multipliers and rotations, each finished with MurmurHash3's `fmix64`.
/// Not cryptographic: an `ETag` only has to tell versions of one URL apart.
///
/// ```
/// let a = image_resize::etag::hash128(&[b"source", b"w=100"]);
/// assert_eq!(a, image_resize::etag::hash128(&[b"source", b"w=100"]));
/// assert_ne!(a, image_resize::etag::hash128(&[b"sourcew", b"=100"]));
/// ```
pub fn hash128(parts: &[&[u8]]) -> (u64, u64) {
    const P1: u64 = 0x9E37_79B9_7F4A_7C15;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let (mut a, mut b) = (0x243F_6A88_85A3_08D3u64, 0x1319_8A2E_0370_7344u64);
    for part in parts {
        let mut words = part.chunks_exact(8);
        for word in &mut words {
            let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
            a = (a ^ w).wrapping_mul(P1).rotate_left(29);
            b = (b ^ w.rotate_left(32)).wrapping_mul(P2).rotate_left(31);
        }
        let mut tail = [0u8; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        // The tail and the part's length, so ("ab", "c") and ("a", "bc") differ.
        let w = u64::from_le_bytes(tail) ^ ((part.len() as u64) << 3).rotate_right(8);
        a = (a ^ w).wrapping_mul(P1).rotate_left(29) ^ part.len() as u64;
        b = (b ^ w.rotate_left(32)).wrapping_mul(P2).rotate_left(31) ^ part.len() as u64;
    }
    (fmix64(a ^ b.rotate_left(17)), fmix64(b ^ a.rotate_left(41)))
}

/// MurmurHash3's finaliser: every input bit affects every output bit.
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    k ^= k >> 33;
    k = k.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    k ^ (k >> 33)
}

/// The result's `ETag`: what identifies the source (its own ETag, or a
/// hash of its bytes) and everything that shapes the output.
pub fn etag(source: &[u8], transform: &str) -> String {
    let (a, b) = hash128(&[b"image-resize/2", source, transform.as_bytes()]);
    format!("\"{a:016x}{b:016x}\"")
}

/// Whether an `If-None-Match` header matches `etag` (weak comparison, as
/// RFC 9110 asks for this header).
pub fn none_match(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_and_boundary_counts() {
        let source: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = hash128(&[&source]);
        for i in [0, 7, 8, 500, 999] {
            let mut changed = source.clone();
            changed[i] ^= 1;
            assert_ne!(whole, hash128(&[&changed]), "byte {i}");
        }
        assert_ne!(whole, hash128(&[&source[..999]]));
        assert_ne!(hash128(&[b"ab", b"c"]), hash128(&[b"a", b"bc"]));
        assert_ne!(hash128(&[b"", b"x"]), hash128(&[b"x", b""]));
        // Fixed across builds and platforms (this test runs natively; the
        // component computes the same in wasm).
        assert_eq!(
            hash128(&[b"image-resize"]),
            (0xf137_9f9e_82f1_d348, 0x4532_2ff6_56d8_7bca)
        );
    }

    #[test]
    fn tags_change_with_source_and_transform() {
        let a = etag(b"\"v1\"", "w=100");
        assert_eq!(a, etag(b"\"v1\"", "w=100"));
        assert_ne!(a, etag(b"\"v2\"", "w=100"));
        assert_ne!(a, etag(b"\"v1\"", "w=101"));
        assert_eq!(a.len(), 34);
        assert!(a.starts_with('"') && a.ends_with('"'));
    }

    #[test]
    fn if_none_match_lists_match() {
        let tag = etag(b"x", "y");
        assert!(none_match(&tag, &tag));
        assert!(none_match(&format!("\"other\", W/{tag}"), &tag));
        assert!(none_match("*", &tag));
        assert!(!none_match("\"other\"", &tag));
    }
}
