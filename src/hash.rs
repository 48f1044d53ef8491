//! Fast hashing for the hot path. `std`'s SipHash guards against hostile
//! keys in long-lived servers; here the keys are a file's own values and
//! speed matters, so maps use a multiply-fold hasher instead.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x9E37_79B9_7F4A_7C15;
const K2: u64 = 0xA076_1D64_78BD_642F;

/// The high and low halves of a 128-bit product folded together: the
/// mixing step of wyhash and foldhash.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// A fast, well-mixing hasher for in-memory maps.
#[derive(Clone, Copy, Default)]
pub struct FoldHasher {
    state: u64,
}

impl Hasher for FoldHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.state = fold_mul(self.state ^ bytes_hash(bytes), K);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.state = fold_mul(self.state ^ i, K);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        fold_mul(self.state, K2)
    }
}

pub type FastBuild = BuildHasherDefault<FoldHasher>;
pub type FastMap<K, V> = HashMap<K, V, FastBuild>;
pub type FastSet<K> = HashSet<K, FastBuild>;

/// A 64-bit hash of `bytes`, well distributed: two different strings
/// collide with probability about 2⁻⁶⁴.
#[inline]
pub fn bytes_hash(bytes: &[u8]) -> u64 {
    lanes(bytes, [(K2, K, K2)])[0]
}

/// Two 64-bit hashes of `bytes` from lanes with their own constants, for
/// a key that must tell dossier codes apart: two different codes agree
/// in both with probability about 2⁻¹²⁸ (over 10¹⁰ rows, below 10⁻¹⁸).
#[inline]
pub fn bytes_hash2(bytes: &[u8]) -> (u64, u64) {
    let [a, b] = lanes(bytes, [(K2, K, K2), (K4, K3, K4)]);
    (a, b)
}

const K3: u64 = 0xE703_7ED1_A0B4_28DB;
const K4: u64 = 0x8EBC_6AF0_9C88_C6E3;

/// `N` multiply-fold hashes of `bytes` in one pass over its words, lane
/// `i` seeded, multiplied and finished by `consts[i]`.
#[inline]
fn lanes<const N: usize>(bytes: &[u8], consts: [(u64, u64, u64); N]) -> [u64; N] {
    let mut h = consts.map(|(seed, k, _)| seed ^ (bytes.len() as u64).wrapping_mul(k));
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = word(c);
        for (h, (_, k, _)) in h.iter_mut().zip(consts) {
            *h = fold_mul(*h ^ w, k);
        }
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let w = tail(bytes, rest);
        for (h, (seed, k, _)) in h.iter_mut().zip(consts) {
            *h = fold_mul(*h ^ w ^ seed, k);
        }
    }
    for (h, (_, _, fin)) in h.iter_mut().zip(consts) {
        *h = fold_mul(*h, fin);
    }
    h
}

/// The last 1 to 7 bytes of `bytes` (`rest`) as a word, by loads from
/// `bytes` itself: copying them to a buffer on the stack and reading it
/// back stalled on store forwarding (a third of the fingerprint's time).
/// With the length already hashed, different tails give different words:
/// the last word overlapping the whole ones before, or two overlapping
/// halves, or the first, middle and last bytes (as wyhash reads them).
#[inline]
fn tail(bytes: &[u8], rest: &[u8]) -> u64 {
    let n = bytes.len();
    if n >= 8 {
        return word(&bytes[n - 8..]);
    }
    let m = rest.len();
    if m >= 4 {
        let half = |at: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&rest[at..at + 4]);
            u64::from(u32::from_le_bytes(w))
        };
        return half(0) | half(m - 4) << 32;
    }
    u64::from(rest[0]) | u64::from(rest[m / 2]) << 8 | u64::from(rest[m - 1]) << 16
}

/// The eight bytes of `b` (exactly eight) as a little-endian word.
#[inline]
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(b);
    u64::from_le_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_codes_hash_apart() {
        let mut seen = FastSet::default();
        for i in 0..200_000u32 {
            let code = format!("000.27.23.H23-2306{:02}-{:04}", i % 31, i);
            assert!(
                seen.insert(bytes_hash(code.as_bytes())),
                "collision at {code}"
            );
        }
        assert_ne!(bytes_hash(b"abc"), bytes_hash(b"abc\0"));
        assert_ne!(bytes_hash(b""), bytes_hash(b"\0"));
    }

    /// Different tails of one length are different words: every string of
    /// 1 to 7 bytes over a few byte values, and a long string's last bytes
    /// changed one at a time.
    #[test]
    fn tails_tell_their_bytes_apart() {
        for len in 1..=7u32 {
            let mut seen = FastSet::default();
            for i in 0..3usize.pow(len) {
                let text: Vec<u8> = (0..len)
                    .map(|d| [0u8, 1, 0xff][i / 3usize.pow(d) % 3])
                    .collect();
                assert!(seen.insert(tail(&text, &text)), "{text:?}");
            }
        }
        let long = b"000.27.23.H23-230601-0001".to_vec();
        let whole = long.len() / 8 * 8;
        let mut seen = FastSet::default();
        seen.insert(tail(&long, &long[whole..]));
        for at in whole..long.len() {
            let mut other = long.clone();
            other[at] ^= 0x20;
            assert!(seen.insert(tail(&other, &other[whole..])), "byte {at}");
        }
    }

    /// The second lane is not the first: codes that collide in one are
    /// still told apart by the pair.
    #[test]
    fn the_two_lanes_differ() {
        for code in [&b""[..], b"HS1", b"000.27.23.H23-230601-0001"] {
            let (a, b) = bytes_hash2(code);
            assert_eq!(a, bytes_hash(code));
            assert_ne!(a, b);
        }
        let mut seen = FastSet::default();
        for i in 0..100_000u32 {
            assert!(seen.insert(bytes_hash2(format!("HS-{i}").as_bytes()).1));
        }
    }
}
