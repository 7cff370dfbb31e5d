//! `make bench`'s core-only benchmark: parse a recorded-shape `GET /1.0/instances?recursion=2`
//! reply (bench/suite_core.py generates it: one instance recorded from LXD 5.0.2, replicated with
//! distinct names) with lxd-core's typed models vs as a `serde_json::Value`, timing each parse with
//! `Instant` over many repetitions. Prints the same JSON lines as bench/lxdbench.c.
//!
//! Also the list as the C ABI's `lxd_instance_list` handles it (each member checked as an
//! `Instance`, LXD's bytes handed on), and a single `GET /1.0` reply (the recorded one): what
//! `lxd_server_get` does with it (checked as a `Server`, LXD's metadata bytes copied out) vs what
//! it did before (typed `Server`, serialized back to JSON) and a plain `Value` parse, in
//! microseconds per reply: the client's JSON share of one small request.
//!
//! Usage: cargo run --release -p lxd-core --example bench_parse -- FIXTURE REPEATS [SERVER_REPLY]

use std::hint::black_box;
use std::time::Instant;

use lxd_core::api::instances::{self, ListOptions};
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

fn emit_op(op: &str, unit: &str, client: &str, samples: &[f64]) {
    let s: Vec<String> = samples.iter().map(|x| format!("{x:.4}")).collect();
    println!("{{\"op\":\"{op}\",\"client\":\"{client}\",\"unit\":\"{unit}\",\"samples\":[{}]}}", s.join(","));
}

fn emit(client: &str, samples: &[f64]) {
    emit_op("parse_1000_instances_r2", "ms", client, samples);
}

/// Microseconds per call, each sample the mean of a batch of 200 calls.
fn time_us(reps: usize, mut f: impl FnMut()) -> Vec<f64> {
    time(reps, || {
        for _ in 0..200 {
            f();
        }
    })
    .into_iter()
    .map(|ms| ms * 1e3 / 200.0)
    .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, reps) = (&args[1], args.get(2).and_then(|r| r.parse().ok()).unwrap_or(50));
    let body = std::fs::read(path).expect("read the fixture");
    let resp = Response::new(200, vec![("Content-Type".into(), "application/json".into())], body.clone());
    let typed = instances::list::<Instance>(2, &ListOptions::default());
    let n = typed.parse(&resp).expect("typed parse").len();
    assert!(n >= 1, "no instances in the fixture");
    emit("lxd-core typed (Vec<Instance>)", &time(reps, || {
        black_box(typed.parse(black_box(&resp)).unwrap());
    }));
    let checked = instances::collection().list_json::<Instance>(2);
    emit("lxd-core checked, JSON out (lxd_instance_list)", &time(reps, || {
        black_box(checked.parse(black_box(&resp)).unwrap());
    }));
    let untyped = instances::list::<serde_json::Value>(2, &ListOptions::default());
    emit("lxd-core (Vec<Value>)", &time(reps, || {
        black_box(untyped.parse(black_box(&resp)).unwrap());
    }));
    emit("serde_json::Value", &time(reps, || {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap());
    }));
    eprintln!("bench_parse: {n} instances, {} bytes", body.len());
    if let Some(server) = args.get(3) {
        let body = std::fs::read(server).expect("read the server reply");
        let resp = Response::new(200, vec![("ETag".into(), "\"x\"".into())], body.clone());
        let op = "parse_server_get";
        let checked = lxd_core::api::server::get_json();
        emit_op(op, "µs", "lxd-core checked, JSON out (lxd_server_get)", &time_us(reps, || {
            black_box(checked.parse(black_box(&resp)).unwrap());
        }));
        let call = lxd_core::api::server::get();
        emit_op(op, "µs", "lxd-core typed + JSON out (lxd_server_get before)", &time_us(reps, || {
            let s = call.parse(black_box(&resp)).unwrap();
            black_box(serde_json::to_string(&s.value).unwrap());
        }));
        emit_op(op, "µs", "serde_json::Value", &time_us(reps, || {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap());
        }));
    }
}
