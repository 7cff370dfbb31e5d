//! `make bench`'s core-only benchmark: parse a recorded-shape `GET /1.0/instances?recursion=2`
//! reply (bench/suite_core.py generates it: one instance recorded from LXD 5.0.2, replicated with
//! distinct names) with lxd-core's typed models vs as a `serde_json::Value`, timing each parse with
//! `Instant` over many repetitions. Prints the same JSON lines as bench/lxdbench.c.
//!
//! Usage: cargo run --release -p lxd-core --example bench_parse -- FIXTURE REPEATS

use std::hint::black_box;
use std::time::Instant;

use lxd_core::api::instances_extra::{self, ListOptions};
use lxd_core::models::Instance;
use lxd_core::Response;

fn time(reps: usize, mut f: impl FnMut()) -> Vec<f64> {
    f(); // warm-up
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

fn emit(client: &str, samples: &[f64]) {
    let s: Vec<String> = samples.iter().map(|x| format!("{x:.4}")).collect();
    println!("{{\"op\":\"parse_1000_instances_r2\",\"client\":\"{client}\",\"unit\":\"ms\",\"samples\":[{}]}}", s.join(","));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, reps) = (&args[1], args.get(2).and_then(|r| r.parse().ok()).unwrap_or(50));
    let body = std::fs::read(path).expect("read the fixture");
    let resp = Response::new(200, vec![("Content-Type".into(), "application/json".into())], body.clone());
    let typed = instances_extra::list::<Instance>(2, &ListOptions::default());
    let n = typed.parse(&resp).expect("typed parse").len();
    assert!(n >= 1, "no instances in the fixture");
    emit("lxd-core typed (Vec<Instance>)", &time(reps, || {
        black_box(typed.parse(black_box(&resp)).unwrap());
    }));
    let untyped = instances_extra::list::<serde_json::Value>(2, &ListOptions::default());
    emit("lxd-core (Vec<Value>)", &time(reps, || {
        black_box(untyped.parse(black_box(&resp)).unwrap());
    }));
    emit("serde_json::Value", &time(reps, || {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap());
    }));
    eprintln!("bench_parse: {n} instances, {} bytes", body.len());
}
