//! Approximate string search, for finding a quote again after the article was edited:
//! Myers' bit-parallel algorithm (1999) to find where a pattern of up to 64 code points
//! ends with at most `k` edits, and a small dynamic program to align a whole quote
//! around such an end.
//!
//! Invariants: everything counts code points; every search is given a step budget (one
//! step per text character scanned, per DP cell / 64) and stops when it is spent, so a
//! search can never freeze the tab; results are exact edit distances (Levenshtein:
//! insertions, deletions, substitutions of code points).

use std::collections::HashMap;

/// The longest pattern [`search`] takes (one machine word of state).
pub const MAX_PATTERN: usize = 64;

/// A search's remaining work, in steps. Shared across the annotations of one import so
/// that the whole import has a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget(pub u64);

impl Budget {
    /// Takes `n` steps from the budget; false (and the budget emptied) if it has fewer.
    pub fn spend(&mut self, n: u64) -> bool {
        if self.0 < n {
            self.0 = 0;
            false
        } else {
            self.0 -= n;
            true
        }
    }
}

/// Which pattern positions hold each character, as bit masks.
struct Peq {
    ascii: [u64; 128],
    other: HashMap<char, u64>,
}

impl Peq {
    fn new(pattern: &[char]) -> Peq {
        let mut p = Peq { ascii: [0; 128], other: HashMap::new() };
        for (i, &c) in pattern.iter().enumerate() {
            let bit = 1u64 << i;
            match usize::try_from(u32::from(c)).ok().filter(|&x| x < 128) {
                Some(x) => p.ascii[x] |= bit,
                None => *p.other.entry(c).or_insert(0) |= bit,
            }
        }
        p
    }
    fn get(&self, c: char) -> u64 {
        let x = u32::from(c) as usize;
        if x < 128 {
            self.ascii[x]
        } else {
            self.other.get(&c).copied().unwrap_or(0)
        }
    }
}

/// The ends (exclusive, counted in code points from the start of `text`) where `pattern`
/// matches a substring of `text` with at most `k` edits, with the edit distance at each;
/// of each run of adjacent ends only the best is kept. `None` when the budget ran out
/// (the search is abandoned, never half-reported) or the pattern is empty or too long.
pub fn search(pattern: &[char], text: impl Iterator<Item = char>, k: usize, budget: &mut Budget) -> Option<Vec<(usize, usize)>> {
    let m = pattern.len();
    if m == 0 || m > MAX_PATTERN {
        return None;
    }
    let peq = Peq::new(pattern);
    let high = 1u64 << (m - 1);
    let mask = if m == 64 { !0 } else { (1u64 << m) - 1 };
    let (mut pv, mut mv, mut score) = (mask, 0u64, m);
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut in_run = false;
    for (j, c) in text.enumerate() {
        if j % 1024 == 0 && !budget.spend(1024) {
            return None;
        }
        let eq = peq.get(c);
        let xv = eq | mv;
        let xh = (((eq & pv).wrapping_add(pv)) ^ pv) | eq;
        let ph = mv | !(xh | pv);
        let mh = pv & xh;
        if ph & high != 0 {
            score += 1;
        } else if mh & high != 0 {
            score -= 1;
        }
        // Search, not whole-string distance: the top row stays 0, so nothing shifts in.
        let ph = ph << 1;
        let mh = mh << 1;
        pv = (mh | !(xv | ph)) & mask;
        mv = ph & xv & mask;
        if score <= k {
            match out.last_mut() {
                Some(last) if in_run => {
                    if score < last.1 {
                        *last = (j + 1, score);
                    }
                }
                _ => out.push((j + 1, score)),
            }
            in_run = true;
        } else {
            in_run = false;
        }
    }
    Some(out)
}

/// The best alignment of all of `pattern` to a substring of `window` (free start and
/// end): `(distance, start, end)` as indices into `window`, the leftmost-longest among
/// equals. `None` when the budget ran out.
pub fn align(pattern: &[char], window: &[char], budget: &mut Budget) -> Option<(usize, usize, usize)> {
    let (m, n) = (pattern.len(), window.len());
    if !budget.spend(((m as u64 + 1) * (n as u64 + 1)) / 64 + 1) {
        return None;
    }
    // dist[j] and start[j] for the current row; row 0 is free (distance 0, start j).
    let mut dist: Vec<usize> = vec![0; n + 1];
    let mut start: Vec<usize> = (0..=n).collect();
    for (i, &pc) in pattern.iter().enumerate() {
        let (mut diag_d, mut diag_s) = (dist[0], start[0]);
        dist[0] = i + 1;
        start[0] = 0;
        for j in 1..=n {
            let (up_d, up_s) = (dist[j], start[j]);
            let sub = diag_d + usize::from(window[j - 1] != pc);
            let del = up_d + 1; // pattern char missing from the text
            let ins = dist[j - 1] + 1; // extra text char
            let (d, s) = if sub <= del && sub <= ins {
                (sub, diag_s)
            } else if del <= ins {
                (del, up_s)
            } else {
                (ins, start[j - 1])
            };
            diag_d = up_d;
            diag_s = up_s;
            dist[j] = d;
            start[j] = s;
        }
    }
    (0..=n).map(|j| (dist[j], start[j], j)).min_by_key(|&(d, s, e)| (d, s, std::cmp::Reverse(e)))
}

/// The edit distance between two strings of code points (for tests and checks).
pub fn distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for j in 1..=b.len() {
            let up = row[j];
            row[j] = (diag + usize::from(ca != b[j - 1])).min(up + 1).min(row[j - 1] + 1);
            diag = up;
        }
    }
    row[b.len()]
}
