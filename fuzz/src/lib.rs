//! The fuzz targets' bodies, shared by the libFuzzer binaries (fuzz_targets/) and the stable,
//! fixed-seed harness (tests/stable.rs). Each target must never panic, and checks properties that
//! hold for every input (a panic or a failed `assert!` is a finding).
//!
//! - `envelope`: LXD's envelope, operations, the wait flow, operation lists, name lists.
//! - `models`: every model parser, with a parse → serialize → parse round trip (read-modify-write
//!   must not lose or change data), and each typed call's reply parser.
//! - `names`: every request builder fed arbitrary names: names are refused or percent-encoded so
//!   that they stay exactly one path segment / one query value.
//! - `raw_input`: caller-side parsers: raw paths, JSON bodies, PEM certificates, fingerprints.
//! - `transport`: the blocking client's URL parsing, and every request core builds turned into an
//!   HTTP request by the transport (no I/O).
//!
//! Event messages: `core/src/events.rs` does not exist yet; the `Event` model is covered by
//! `models`. Add an `events` target when the events stream parser lands.

use lxd_core::api::{self, Call, Collection};
use lxd_core::models::*;
use lxd_core::operation::{self, Operation, WaitFlow};
use lxd_core::request::{check_name, encode_component, Method, Request};
use lxd_core::response::{self, parse_envelope, Envelope, Response};
use lxd_core::Error;
use serde_json::Value;

/// The status a byte pair selects: mostly LXD's own, sometimes anything below 1000.
fn status_from(b: &[u8]) -> u16 {
    const COMMON: [u16; 12] = [200, 201, 202, 204, 301, 302, 400, 403, 404, 409, 412, 500];
    match b {
        [a, s, ..] if a & 1 == 0 => COMMON[*s as usize % COMMON.len()],
        [_, s, ..] => u16::from(*s) * 4 % 1000,
        _ => 200,
    }
}

fn check_error(e: &Error) {
    if let Error::Api { status, .. } = e {
        assert!(*status >= 400, "an LXD error must carry an error status, got {status}");
    }
}

/// Body bytes after a two-byte header that selects the status (and ETag presence).
pub fn envelope(data: &[u8]) {
    let status = status_from(data);
    let body = data.get(2..).unwrap_or(&[]).to_vec();
    let headers = if data.first().is_some_and(|b| b & 2 != 0) { vec![("ETag".to_string(), "\"e\"".to_string())] } else { vec![] };
    let resp = Response::new(status, headers, body);

    match parse_envelope(&resp) {
        Ok(Envelope::Async(op)) => {
            assert!(!op.id.is_empty(), "an async envelope must give an operation id");
            assert!(check_name("operation", &op.id).is_ok(), "unusable operation id {:?} accepted", op.id);
            assert!(status < 300, "HTTP {status} parsed as an operation");
        }
        Ok(Envelope::Sync { .. }) => assert!(status < 300, "HTTP {status} parsed as success"),
        Err(e) => check_error(&e),
    }
    let _ = response::parse_sync::<Value>(&resp).map_err(|e| check_error(&e));
    let _ = response::parse_async(&resp).map_err(|e| check_error(&e));
    let _ = response::parse_sync_or_async(&resp).map_err(|e| check_error(&e));
    let _ = response::parse_empty(&resp).map_err(|e| check_error(&e));
    match Operation::parse(&resp) {
        Ok(op) => {
            assert!(!op.id.is_empty());
            assert!(check_name("operation", &op.id).is_ok(), "unusable operation id {:?} accepted", op.id);
            match op.clone().into_result() {
                Ok(done) => assert!(done.is_success()),
                Err(Error::OperationFailed { metadata, .. }) => {
                    serde_json::from_str::<Value>(&metadata).expect("failed operation metadata is JSON");
                }
                Err(e) => assert!(!op.is_final(), "final operation gave {e:?}"),
            }
        }
        Err(e) => check_error(&e),
    }
    let flow = WaitFlow::new(&Operation { id: "op".into(), ..Default::default() }, 5);
    match flow.handle(&resp) {
        Ok(Some(op)) => assert!(op.is_success(), "wait flow finished with a non-success operation"),
        Ok(None) => {}
        Err(e) => {
            check_error(&e);
            if let Error::Api { status: 404, message } = &e {
                assert!(message.contains("vanished"), "a 404 while waiting must say the operation vanished");
            }
        }
    }
    let _ = operation::parse_list(&resp);
    if let Ok(names) = api::instances::collection().list_names().parse(&resp) {
        for n in names {
            assert!(!n.contains('?'), "name {n:?} kept its query");
        }
    }
}

fn roundtrip<T>(json: &[u8])
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let Ok(v) = serde_json::from_slice::<T>(json) else { return };
    let text = serde_json::to_vec(&v).expect("a parsed model serializes");
    let back: T = serde_json::from_slice(&text).unwrap_or_else(|e| panic!("re-parse of {}: {e}", String::from_utf8_lossy(&text)));
    assert_eq!(back, v, "read-modify-write changed the object: {}", String::from_utf8_lossy(&text));
}

fn sync_of(meta: &[u8], status: u16) -> Response {
    let mut body = br#"{"type":"sync","status_code":200,"metadata":"#.to_vec();
    body.extend_from_slice(meta);
    body.push(b'}');
    Response::new(status, vec![("ETag".into(), "\"e\"".into())], body)
}

fn parse_all<T>(call: Call<T>, resp: &Response) {
    if let Err(e) = call.parse(resp) {
        check_error(&e);
    }
}

/// First byte selects the model; the rest is its JSON.
pub fn models(data: &[u8]) {
    let Some((&sel, json)) = data.split_first() else { return };
    match sel % 16 {
        0 => roundtrip::<Server>(json),
        1 => roundtrip::<Instance>(json),
        2 => roundtrip::<InstanceState>(json),
        3 => roundtrip::<Snapshot>(json),
        4 => roundtrip::<Image>(json),
        5 => roundtrip::<ImageAlias>(json),
        6 => roundtrip::<Profile>(json),
        7 => roundtrip::<Network>(json),
        8 => roundtrip::<NetworkState>(json),
        9 => roundtrip::<StoragePool>(json),
        10 => roundtrip::<StoragePoolResources>(json),
        11 => roundtrip::<Certificate>(json),
        12 => roundtrip::<Event>(json),
        13 => roundtrip::<Operation>(json),
        14 => roundtrip::<ImageAliasRef>(json),
        _ => roundtrip::<Vec<Instance>>(json),
    }
    // The same bytes as the metadata of each typed call's reply.
    let resp = sync_of(json, 200);
    parse_all(api::server::get(), &resp);
    parse_all(api::server::resources(), &resp);
    for c in [api::instances::collection(), api::profiles::collection(), api::networks::collection(), api::storage_pools::collection(), api::images::collection(), api::images::aliases(), api::certificates::collection()] {
        parse_all(c.list_names(), &resp);
        parse_all(c.list::<Value>(1), &resp);
    }
    parse_all(api::instances::collection().list::<Instance>(2), &resp);
    if let Ok(c) = api::instances::collection().get::<Instance>("c1") {
        parse_all(c, &resp);
    }
    if let Ok(c) = api::instances::state("c1") {
        parse_all(c, &resp);
    }
    if let Ok(c) = api::networks::state("lo") {
        parse_all(c, &resp);
    }
    if let Ok(c) = api::storage_pools::resources("default") {
        parse_all(c, &resp);
    }
    if let Ok(s) = api::snapshots::collection("c1") {
        parse_all(s.list::<Snapshot>(1), &resp);
    }
    parse_all(api::images::collection().list::<Image>(1), &resp);
    parse_all(api::certificates::collection().list::<Certificate>(1), &resp);
}

fn segment_is_safe(seg: &str) -> bool {
    let b = seg.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => i += 1,
            b'%' if b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit) => i += 3,
            _ => return false,
        }
    }
    true
}

/// A request's path must be `/1.0` and safe segments, with each given name as exactly one segment.
fn check_request(r: &Request, names: &[&str]) {
    assert!(r.path.starts_with("/1.0"), "path {:?}", r.path);
    let segs: Vec<&str> = r.path["/1.0".len()..].split('/').skip(1).collect();
    for s in &segs {
        assert!(!s.is_empty(), "empty segment in {:?}", r.path);
        assert!(segment_is_safe(s), "unsafe segment {s:?} in {:?}", r.path);
        assert!(*s != "." && *s != "..", "dot segment in {:?}", r.path);
    }
    for n in names {
        let enc = encode_component(n);
        assert!(segs.contains(&enc.as_str()), "name {n:?} is not one segment of {:?}", r.path);
        let dec = percent_encoding::percent_decode_str(&enc).decode_utf8().expect("segment decodes");
        assert_eq!(dec, *n);
    }
    check_query(r);
}

/// The encoded query decodes back to exactly the pairs it was built from.
fn check_query(r: &Request) {
    let pq = r.path_and_query();
    assert!(!pq.bytes().any(|b| b.is_ascii_control() || b == b' ' || b == b'#' || b >= 0x80), "unencoded byte in {pq:?}");
    let Some((_, q)) = pq.split_once('?') else {
        assert!(r.query.is_empty());
        return;
    };
    let back: Vec<(String, String)> = q
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').expect("every pair has '='");
            let d = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().expect("query decodes").into_owned();
            (d(k), d(v))
        })
        .collect();
    assert_eq!(back, r.query, "query did not survive encoding: {pq:?}");
}

fn accepted_name(n: &str) {
    assert!(check_name("x", n).is_ok(), "a builder accepted the name {n:?} that check_name refuses");
    assert!(!n.is_empty() && n != "." && n != ".." && !n.contains('/') && !n.chars().any(char::is_control));
}

fn coll_calls(c: &Collection, a: &str, b: &str, etag: Option<&str>) {
    let check = |r: Result<Request, Error>, names: &[&str]| match r {
        Ok(r) => {
            for n in names {
                accepted_name(n);
            }
            check_request(&r, names);
            if let Some(e) = etag {
                if !e.is_empty() && r.method != Method::GET && r.method != Method::DELETE && r.method != Method::POST {
                    assert_eq!(r.header_value("If-Match"), Some(e));
                }
            }
        }
        Err(e) => assert!(matches!(e, Error::InvalidArgument(_)), "builder error is not InvalidArgument: {e:?}"),
    };
    check(c.get::<Value>(a).map(|c| c.request), &[a]);
    check(c.exists(a).map(|c| c.request), &[a]);
    check(c.put(a, "{}", etag).map(|c| c.request), &[a]);
    check(c.patch(a, "{}", etag).map(|c| c.request), &[a]);
    check(c.delete(a).map(|c| c.request), &[a]);
    check(c.get_sub(a, "state").map(|c| c.request), &[a]);
    match c.rename(a, b) {
        Ok(call) => {
            accepted_name(a);
            accepted_name(b);
            check_request(&call.request, &[a]);
            let v: Value = serde_json::from_slice(call.request.body_bytes()).expect("rename body is JSON");
            assert_eq!(v["name"].as_str(), Some(b));
        }
        Err(e) => assert!(matches!(e, Error::InvalidArgument(_))),
    }
}

/// Input: `name \n new_name \n etag \n project \n target` (missing parts are defaults).
pub fn names(data: &[u8]) {
    // The C ABI refuses non-UTF-8 before anything reaches core.
    let Ok(s) = std::str::from_utf8(data) else { return };
    let mut parts = s.splitn(5, '\n');
    let a = parts.next().unwrap_or("");
    let b = parts.next().unwrap_or("x");
    let etag = parts.next();
    let project = parts.next();
    let target = parts.next();

    for c in [api::instances::collection(), api::profiles::collection(), api::networks::collection(), api::storage_pools::collection(), api::images::collection(), api::images::aliases(), api::certificates::collection()] {
        coll_calls(&c, a, b, etag);
        let mut l = c.list_names().request;
        l.apply_scope(project, target);
        check_query(&l);
    }
    if let Ok(snaps) = api::snapshots::collection(a) {
        accepted_name(a);
        coll_calls(&snaps, b, a, etag);
    }
    let check = |r: Result<Request, Error>, names: &[&str]| match r {
        Ok(mut r) => {
            for n in names {
                accepted_name(n);
            }
            check_request(&r, names);
            r.apply_scope(project, target);
            check_query(&r);
        }
        Err(e) => assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}"),
    };
    check(api::instances::set_state(a, b, -1, false, false).map(|c| c.request), &[a]);
    check(api::instances::state(a).map(|c| c.request), &[a]);
    check(api::snapshots::create(a, b, false).map(|c| c.request), &[a]);
    check(api::snapshots::restore(a, b, false).map(|c| c.request), &[a]);
    check(api::images::alias_create(a, b, b).map(|c| c.request), &[]);
    check(api::networks::state(a).map(|c| c.request), &[a]);
    check(api::storage_pools::resources(a).map(|c| c.request), &[a]);
    check(operation::get(a), &[a]);
    check(operation::cancel(a), &[a]);
    check(operation::wait(a, i64::MIN), &[a]);
    check(operation::wait(a, i64::MAX), &[a]);
}

/// Caller-side inputs that are not names: raw paths, JSON bodies, certificates, fingerprints.
pub fn raw_input(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let (first, rest) = s.split_once('\n').unwrap_or((s, ""));
    for m in [Method::GET, Method::POST, Method::DELETE] {
        if let Ok(r) = Request::raw(m.clone(), first) {
            assert!(r.path.starts_with('/'));
            assert!(!r.path.bytes().any(|b| b.is_ascii_control() || b == b' '), "raw path {:?}", r.path);
            // Encoding the parsed query and parsing it again is stable.
            let again = Request::raw(m.clone(), &r.path_and_query()).expect("a raw request's own path parses");
            assert_eq!(again.query, r.query, "raw query changed through encoding: {:?}", r.path_and_query());
            assert_eq!(again.path, r.path);
        }
        let _ = api::raw::call(m.clone(), first, Some(rest));
        let _ = api::raw::call(m, first, None);
    }
    if let Ok(r) = Request::post(&["profiles"]).json_text(rest) {
        let v: Value = serde_json::from_slice(r.body_bytes()).expect("accepted body is JSON");
        assert!(v.is_object());
    }
    for c in [api::profiles::collection(), api::instances::collection()] {
        let _ = c.create_sync(s);
        let _ = c.create_async(s);
    }
    let _ = api::server::put(s, Some(first));
    let _ = api::server::patch(s, None);
    if let Ok(b64) = api::certificates::pem_to_base64_der(s) {
        assert!(!b64.is_empty() && b64.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='));
    }
    if let Ok(call) = api::certificates::add(Some(s), Some(first), Some(rest), "client") {
        serde_json::from_slice::<Value>(call.request.body_bytes()).expect("certificate body is JSON");
    }
    if api::images::check_fingerprint(first).is_ok() {
        assert!(!first.is_empty() && first.len() <= 64 && first.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}

fn unix_client() -> &'static lxdclient::Client {
    static C: std::sync::OnceLock<lxdclient::Client> = std::sync::OnceLock::new();
    C.get_or_init(|| lxdclient::ClientBuilder::unix(Some("/nonexistent/lxd-fuzz.socket".into())).build().expect("a unix client builds"))
}

/// Input: `url \n name \n project \n etag`: the HTTPS URL parser, and core's requests through the
/// transport's request builder (no connection is made).
pub fn transport(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let mut parts = s.splitn(4, '\n');
    let url = parts.next().unwrap_or("");
    let name = parts.next().unwrap_or("c1");
    let project = parts.next();
    let etag = parts.next();
    let _ = lxdclient::ClientBuilder::https(url).build();
    let _ = lxdclient::ClientBuilder::https(&format!("https://{url}")).build();

    let client = unix_client().with_project(project).with_target(etag);
    let mut reqs = vec![Request::get(&["instances", name]), Request::get(&[name]).query("recursion", name)];
    if let Ok(c) = api::profiles::collection().put(name, "{}", None) {
        reqs.push(c.request);
    }
    for r in reqs {
        let (b, _) = client.http_request(r).expect("http_request never fails for core's requests");
        // Names, projects and targets are all percent-encoded: the URI is always valid.
        b.body(Vec::<u8>::new()).expect("a request core built is a valid HTTP request");
    }
    if let Ok(c) = api::profiles::collection().put("p", "{}", etag) {
        // An ETag is a header value: invalid ones are refused as invalid arguments, never a panic.
        let (b, _) = client.http_request(c.request).expect("http_request");
        let _ = b.body(Vec::<u8>::new());
    }
}

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target, by name, for the harnesses.
pub const TARGETS: &[(&str, Target)] = &[("envelope", envelope), ("models", models), ("names", names), ("raw_input", raw_input), ("transport", transport)];

/// Seed inputs for a target: the replies recorded from LXD 5.0.2 in
/// core/tests/fixtures/lxd-5.0.2.json, and names, paths and URLs that are known to be tricky.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/lxd-5.0.2.json");
    let text = std::fs::read(fixture).unwrap_or_default();
    let doc: Value = serde_json::from_slice(&text).unwrap_or(Value::Null);
    let records = doc["records"].as_array().cloned().unwrap_or_default();
    let bodies: Vec<(u16, Vec<u8>)> = records
        .iter()
        .filter_map(|r| {
            let status = r["response"]["status"].as_u64()? as u16;
            Some((status, r["response"]["body"].as_str()?.as_bytes().to_vec()))
        })
        .collect();
    const COMMON: [u16; 12] = [200, 201, 202, 204, 301, 302, 400, 403, 404, 409, 412, 500];
    let mut out = Vec::new();
    match target {
        "envelope" => {
            for (status, body) in &bodies {
                let head = match COMMON.iter().position(|c| c == status) {
                    Some(i) => [2u8, i as u8],
                    None => [3u8, (status / 4) as u8],
                };
                out.push([head.as_slice(), body].concat());
            }
        }
        "models" => {
            for (_, body) in &bodies {
                let Ok(v) = serde_json::from_slice::<Value>(body) else { continue };
                let meta = &v["metadata"];
                let mut items = vec![meta.clone()];
                if let Some(a) = meta.as_array() {
                    items.extend(a.iter().cloned());
                }
                if let Some(o) = meta.as_object() {
                    for group in o.values().filter_map(Value::as_array) {
                        items.extend(group.iter().cloned());
                    }
                }
                for item in items {
                    let json = serde_json::to_vec(&item).unwrap_or_default();
                    for sel in 0u8..16 {
                        out.push([[sel].as_slice(), &json].concat());
                    }
                }
            }
        }
        "names" => {
            for n in [
                "c1\nc2\n\"etag\"\ndefault\nnode1", "a b", "a/b", "..", ".", "...", "%", "%2F", "%zz", "?x", "#frag", "a&b=c", "a+b",
                "a\u{0}b", "tab\there", "ü-ñ", "snap.1", "-lead", "trail-", "1digit", "under_score", "emoji-😀",
                "x\ny y\n\"e\ntag\"\nproj ect&x=1\ntarget#?", "\n\n\n\n", &"n".repeat(300), "lo", "abcdefghijklmnop",
                "abcdef0123456789", "c1\n..", "c1\nnew/name", "c1\nsnap 1", "c1\n\u{7f}",
            ] {
                out.push(n.as_bytes().to_vec());
            }
        }
        "raw_input" => {
            for n in [
                "/1.0/instances?recursion=1\n{\"a\":1}", "/1.0?project=a%20b&x&=&y=%zz", "1.0\n[]", "/1.0/a b\n{", "/1.0/%ff\nnull",
                "/1.0?%ff=1\n\"s\"", "/\n{\"config\":{}}", "abcdef\n{}", "ABCDEF0123\n{\"x\":[1,2,{\"y\":null}]}",
                "-----BEGIN CERTIFICATE-----\nQUJD\nREVG\n-----END CERTIFICATE-----\n",
                "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----", "-----END CERTIFICATE----------BEGIN CERTIFICATE-----",
                "/1.0/instances?project=\u{e9}\n{\"name\":\"\\u0000\"}",
            ] {
                out.push(n.as_bytes().to_vec());
            }
        }
        "transport" => {
            for n in [
                "https://127.0.0.1:8443\nc1\nproj\n\"etag\"", "https://[::1]:8443/\na b\nmy proj\nt", "https://h:99999", "https://user@h",
                "https://", "https://[::1", "https://h:/x", "http://h", "https://h:8443:9\n\u{0}\n\u{1}\n\u{7f}", "https://\u{e9}.example",
                "https://1.2.3.4\nc1\n\n\"a\nb\"", "https://[fe80::1%25eth0]:8443",
            ] {
                out.push(n.as_bytes().to_vec());
            }
        }
        _ => {}
    }
    out
}
