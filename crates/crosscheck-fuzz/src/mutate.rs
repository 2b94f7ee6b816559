//! Structure-aware byte mutations of a seed, driven by a seeded [`fastrand::Rng`], so that one
//! (seed, iteration) pair always gives the same input.
//!
//! The operations are those that break text formats in practice: bit flips and odd bytes (NUL,
//! 0xFF, lone UTF-8 lead bytes), tokens of the format itself (harvested from its seeds: XML tags,
//! column and key names) and of the formats it is mistaken for, quotes and delimiters, truncation,
//! chunks removed, copied or repeated, whole lines removed, swapped or repeated, long runs, digits
//! swapped for huge numbers, and splices of two seeds.

use fastrand::Rng;

/// The largest input a mutation may produce. Large enough for a few hundred records, small enough
/// that a slow input stands out as super-linear.
pub const MAX_LEN: usize = 64 * 1024;

/// Tokens that matter to every text format we read.
const GENERIC_TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b"'",
    b",",
    b";",
    b":",
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b" ",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"{",
    b"}",
    b"[",
    b"]",
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"&unknown;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?xml version=\"1.0\"?>",
    b"<!DOCTYPE x [<!ENTITY e \"eeeeeeee\">]>",
    b"&e;",
    b"-0-",
    b"-0- ",
    b"\x1a",
    b"\0",
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    "Ж".as_bytes(),
    "\u{202e}".as_bytes(),
    "😀".as_bytes(),
    "\u{0301}".as_bytes(),
    b"*a",
    b"&a ",
    b"<<: *a",
    b"---",
    b"...",
    b"!!binary",
    b"!!map",
    b"? ",
    b"- ",
    b"|",
    b">-",
    b"~",
    b"null",
    b"true",
    b"0",
    b"-1",
    b"99999999999999999999",
    b"1e400",
    b"NaN",
    b"1.5",
    b"2024-02-30",
    b"0000-00-00",
    b"31.12.9999",
    b"%",
    b"%d.%m.%Y",
    b"%Y",
    b"%",
    b"%Q",
    b"%-",
    b"%.3f",
    b"%:z",
    b"\xc2\xa0",
    b"a.k.a. '",
    b"DOB ",
    b"POB ",
    b"Passport ",
];

/// The bytes that stand in for a random byte most often.
const INTERESTING_BYTES: &[u8] = b"\0\xff\x7f\x80\xc0\xe0\xf0\"'<>&,;:\n\r\t \\-{}[]#%*|=0123456789";

/// A seed corpus with its dictionary, ready to mutate.
pub struct Mutator {
    seeds: Vec<Vec<u8>>,
    tokens: Vec<Vec<u8>>,
}

impl Mutator {
    /// `extra` are tokens of the target that its seeds may not hold.
    pub fn new(seeds: Vec<Vec<u8>>, extra: &[&str]) -> Mutator {
        let mut tokens: Vec<Vec<u8>> = GENERIC_TOKENS.iter().map(|t| t.to_vec()).collect();
        tokens.extend(extra.iter().map(|t| t.as_bytes().to_vec()));
        let mut harvested = std::collections::BTreeSet::new();
        for seed in &seeds {
            harvest(seed, &mut harvested);
        }
        tokens.extend(harvested.into_iter().take(2048));
        let mut seeds = seeds;
        if seeds.is_empty() {
            seeds.push(Vec::new());
        }
        Mutator { seeds, tokens }
    }

    pub fn seeds(&self) -> &[Vec<u8>] {
        &self.seeds
    }

    /// Writes into `out` the input of one iteration.
    pub fn generate(&self, rng: &mut Rng, out: &mut Vec<u8>) {
        out.clear();
        if rng.u32(..64) == 0 {
            // Now and then, bytes from nothing, in case the seeds all share a blind spot.
            let len = rng.usize(..256);
            out.extend((0..len).map(|_| self.byte(rng)));
            return;
        }
        out.extend_from_slice(&self.seeds[rng.usize(..self.seeds.len())]);
        if rng.u32(..32) == 0 {
            return; // the seed itself, so a seed that fails is found at once
        }
        let rounds = 1usize << rng.u32(..5);
        for _ in 0..rng.usize(1..=rounds) {
            self.mutate_once(rng, out);
            if out.len() > MAX_LEN {
                out.truncate(MAX_LEN);
            }
        }
    }

    fn byte(&self, rng: &mut Rng) -> u8 {
        if rng.bool() {
            INTERESTING_BYTES[rng.usize(..INTERESTING_BYTES.len())]
        } else {
            rng.u8(..)
        }
    }

    fn token<'a>(&'a self, rng: &mut Rng) -> &'a [u8] {
        &self.tokens[rng.usize(..self.tokens.len())]
    }

    fn mutate_once(&self, rng: &mut Rng, data: &mut Vec<u8>) {
        let len = data.len();
        match rng.u32(..16) {
            0 if len > 0 => {
                let i = rng.usize(..len);
                data[i] ^= 1 << rng.u32(..8);
            }
            1 if len > 0 => {
                let i = rng.usize(..len);
                data[i] = self.byte(rng);
            }
            2 | 3 => {
                let at = rng.usize(..=len);
                let token = self.token(rng).to_vec();
                data.splice(at..at, token);
            }
            4 if len > 0 => {
                // Overwrite with a token (keeps the length roughly, unlike an insertion).
                let at = rng.usize(..len);
                let token = self.token(rng);
                let end = (at + token.len()).min(len);
                data.splice(at..end, token.iter().copied());
            }
            5 if len > 0 => {
                let (start, end) = chunk(rng, len);
                data.drain(start..end);
            }
            6 if len > 0 => {
                let (start, end) = chunk(rng, len);
                let copy = data[start..end].to_vec();
                let at = rng.usize(..=len);
                data.splice(at..at, copy);
            }
            7 if len > 0 => {
                data.truncate(rng.usize(..len));
            }
            8 => {
                // A long run of one byte or one token.
                let at = rng.usize(..=len);
                // Mostly short, now and then long enough to find a path that is slow per byte.
                let times = if rng.u32(..16) == 0 { rng.usize(1..=4096) } else { rng.usize(1..=64) };
                let run: Vec<u8> =
                    if rng.bool() { vec![self.byte(rng); times] } else { self.token(rng).repeat(times / 8 + 1) };
                data.splice(at..at, run);
            }
            9 => {
                // Splice: this input's head, another seed's tail.
                let other = &self.seeds[rng.usize(..self.seeds.len())];
                let cut = rng.usize(..=len);
                let from = rng.usize(..=other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            10 | 11 => line_op(rng, data),
            12 => {
                // A run of digits becomes another number: huge, zero, negative or one digit off.
                let digits: Vec<usize> = (0..len).filter(|&i| data[i].is_ascii_digit()).collect();
                if let Some(&i) = digits.get(rng.usize(..digits.len().max(1))) {
                    let mut end = i;
                    while end < len && data[end].is_ascii_digit() {
                        end += 1;
                    }
                    let replacement: &[u8] = match rng.u32(..5) {
                        0 => b"99999999999999999999999",
                        1 => b"0",
                        2 => b"-1",
                        3 => b"4294967296",
                        _ => &[b'0' + rng.u8(..10)],
                    };
                    data.splice(i..end, replacement.iter().copied());
                }
            }
            13 if len > 1 => {
                // Copy a chunk over another place.
                let (start, end) = chunk(rng, len);
                let copy = data[start..end].to_vec();
                let at = rng.usize(..len);
                let stop = (at + copy.len()).min(len);
                data.splice(at..stop, copy);
            }
            14 if len > 0 => {
                // Flip the case of ASCII letters in a chunk (tags and keys are case-sensitive).
                let (start, end) = chunk(rng, len);
                for b in &mut data[start..end] {
                    if b.is_ascii_alphabetic() {
                        *b ^= 0x20;
                    }
                }
            }
            _ => {
                let at = rng.usize(..=len);
                data.insert(at, self.byte(rng));
            }
        }
    }
}

/// A random chunk `start..end` of a `len`-byte input, short more often than long.
fn chunk(rng: &mut Rng, len: usize) -> (usize, usize) {
    let start = rng.usize(..len);
    let max = (len - start).min(if rng.u32(..4) == 0 { len } else { 64 });
    let end = start + rng.usize(1..=max.max(1));
    (start, end.min(len))
}

/// Removes, repeats, swaps or duplicates whole lines: records vanish, repeat (one id many times)
/// or change order.
fn line_op(rng: &mut Rng, data: &mut Vec<u8>) {
    let mut lines: Vec<Vec<u8>> = data.split_inclusive(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    if lines.is_empty() {
        return;
    }
    let i = rng.usize(..lines.len());
    match rng.u32(..4) {
        0 => {
            lines.remove(i);
        }
        1 => {
            let j = rng.usize(..lines.len());
            lines.swap(i, j);
        }
        2 => {
            let line = lines[i].clone();
            let at = rng.usize(..=lines.len());
            lines.insert(at, line);
        }
        _ => {
            // The same record many times over.
            let mut line = lines[i].clone();
            if line.last() != Some(&b'\n') {
                line.push(b'\n');
            }
            let most = if rng.u32(..16) == 0 { 400 } else { 20 };
            let times = rng.usize(1..=(MAX_LEN / line.len().max(1)).clamp(1, most));
            for _ in 0..times {
                lines.insert(i, line.clone());
            }
        }
    }
    *data = lines.concat();
}

/// Collects a seed's words (column names, keys, values) and XML tags as tokens.
fn harvest(seed: &[u8], into: &mut std::collections::BTreeSet<Vec<u8>>) {
    let mut i = 0;
    while i < seed.len() {
        if seed[i] == b'<' {
            if let Some(end) = seed[i..].iter().take(64).position(|&b| b == b'>') {
                into.insert(seed[i..=i + end].to_vec());
            }
        }
        if seed[i].is_ascii_alphanumeric() || seed[i] == b'_' {
            let start = i;
            while i < seed.len() && (seed[i].is_ascii_alphanumeric() || seed[i] == b'_') {
                i += 1;
            }
            if (2..=32).contains(&(i - start)) {
                into.insert(seed[start..i].to_vec());
            }
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_seed_and_iteration_always_give_the_same_input() {
        let m = Mutator::new(vec![b"id,name\n1,Ann Example\n2,Bob Example\n".to_vec()], &["x"]);
        let run = |seed: u64| {
            let mut rng = Rng::with_seed(seed);
            let mut out = Vec::new();
            m.generate(&mut rng, &mut out);
            out
        };
        assert_eq!(run(7), run(7));
        let distinct: std::collections::HashSet<Vec<u8>> = (0..200).map(run).collect();
        assert!(distinct.len() > 150, "mutations barely vary: {} distinct of 200", distinct.len());
        assert!((0..2000).map(run).all(|input| input.len() <= MAX_LEN));
    }

    #[test]
    fn seeds_give_their_words_and_tags_as_tokens() {
        let m = Mutator::new(vec![b"<INDIVIDUAL><FIRST_NAME>Ann</FIRST_NAME>".to_vec()], &[]);
        for token in [&b"<INDIVIDUAL>"[..], b"FIRST_NAME", b"</FIRST_NAME>", b"Ann"] {
            assert!(m.tokens.iter().any(|t| t == token), "{}", String::from_utf8_lossy(token));
        }
    }
}
