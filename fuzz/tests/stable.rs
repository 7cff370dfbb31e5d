//! The fuzz targets on stable Rust: every seed, every saved corpus and regression input, then a
//! fixed-seed random mutator (bit flips, byte edits, JSON tokens, splices), so CI runs the same
//! properties without nightly or libFuzzer. Deterministic for a given LXD_FUZZ_SEED.
//!
//! Environment: LXD_FUZZ_ITERS (mutated inputs per target, default 4000), LXD_FUZZ_SECS (time
//! budget per target instead, if set), LXD_FUZZ_SEED (default 0x5eed).
//! A failing input is written to fuzz/artifacts/<target>/stable-<hash> and printed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"null", b"{", b"}", b"[", b"]", b"\"", b",", b":", b"\\u0000", b"\\ud800", b"\xff", b"\xc3\x28", b"\0", b"1e400", b"-1",
    b"18446744073709551616", b"65536", b"-0", b"0.5", b"true", b"\"type\":\"async\"", b"\"type\":\"sync\"", b"\"type\":\"error\"",
    b"\"id\":\"\"", b"\"status_code\":200", b"\"status_code\":400", b"\"metadata\":", b"\"operation\":\"/1.0/operations/\"",
    b"\"error_code\":404", b"\n", b"/", b"..", b"%", b"%00", b"?", b"#", b"&", b"=", b" ", b"\x7f", "ü".as_bytes(),
    b"\"extra\":{}", b"\"name\":", b"\"config\":{\"a\":null}", b"\"devices\":{\"d\":{\"k\":1}}",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(6) {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = [0u8, 0xff, b'"', b'{', b'}', b'\\', b'0', b'9', b'\n', 0x80][rng.below(10)];
            }
            2 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(16)).min(len);
                input.drain(a..b);
            }
            3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len + 1);
                input.splice(at..at, t.iter().copied());
            }
            4 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(32)).min(len);
                let chunk = input[a..b].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            5 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = (a + 1 + rng.below(64)).min(other.len());
                    let at = rng.below(len + 1);
                    input.splice(at..at, other[a..b].iter().copied());
                }
            }
            6 if len > 0 => input.truncate(rng.below(len)),
            7 if len > 1 => {
                let a = rng.below(len);
                let b = rng.below(len);
                input.swap(a, b);
            }
            _ => {
                let at = rng.below(len + 1);
                input.insert(at, rng.next() as u8);
            }
        }
    }
    input.truncate(1 << 16);
}

fn read_dir_inputs(dir: &Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        // seed-* files are lxd_fuzz::seeds() written out by `make fuzz-seeds`: already included.
        let mut paths: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("seed-")))
            .collect();
        paths.sort();
        for p in paths {
            if let Ok(b) = std::fs::read(&p) {
                out.push(b);
            }
        }
    }
    out
}

fn hash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, x| (h ^ u64::from(*x)).wrapping_mul(0x100_0000_01b3))
}

fn run_one(name: &str, f: fn(&[u8]), input: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| f(input))).map_err(|p| {
        let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts").join(name);
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("stable-{:016x}", hash(input)));
        let _ = std::fs::write(&path, input);
        format!("{name}: panic {msg:?} on input {:?} (saved as {})", String::from_utf8_lossy(input), path.display())
    })
}

#[test]
fn fuzz_targets_on_stable() {
    let iters: usize = std::env::var("LXD_FUZZ_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(4000);
    let secs: Option<u64> = std::env::var("LXD_FUZZ_SECS").ok().and_then(|v| v.parse().ok());
    let seed: u64 = std::env::var("LXD_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    // Findings' panic messages are collected below; keep the default hook from flooding stderr.
    std::panic::set_hook(Box::new(|_| {}));
    for (name, f) in lxd_fuzz::TARGETS {
        let mut corpus = lxd_fuzz::seeds(name);
        corpus.extend(read_dir_inputs(&root.join("corpus").join(name)));
        corpus.extend(read_dir_inputs(&root.join("regressions").join(name)));
        let base = corpus.len();
        for input in &corpus {
            if let Err(e) = run_one(name, *f, input) {
                failures.push(e);
            }
        }
        let mut rng = Rng(seed ^ hash(name.as_bytes()) | 1);
        let start = Instant::now();
        let mut n = 0usize;
        loop {
            match secs {
                Some(s) if start.elapsed() >= Duration::from_secs(s) => break,
                None if n >= iters => break,
                _ => {}
            }
            let mut input = if corpus.is_empty() { Vec::new() } else { corpus[rng.below(corpus.len())].clone() };
            mutate(&mut rng, &mut input, &corpus);
            if let Err(e) = run_one(name, *f, &input) {
                failures.push(e);
                if failures.len() > 20 {
                    break;
                }
            }
            n += 1;
        }
        println!("fuzz-stable {name}: {base} corpus inputs + {n} mutated inputs in {:.1}s", start.elapsed().as_secs_f64());
    }
    let _ = std::panic::take_hook();
    assert!(failures.is_empty(), "{} finding(s):\n{}", failures.len(), failures.join("\n"));
}
