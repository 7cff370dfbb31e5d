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
//! - `events`: event messages from `/1.0/events` and the caller's event type lists.
//! - `exec`: exec options (caller JSON), the exec operation (websocket secrets, exit codes,
//!   recorded-output paths) and the exec flow's replies.
//! - `files`: file download headers (`X-LXD-*`), directory listings (unsafe names dropped), paths.
//! - `multipart`: the streaming multipart parser, including a build-then-parse round trip.
//! - `ws_frames`: the websocket frame reader (exec output, events, consoles) fed server frames,
//!   read with different buffer and chunk sizes: same messages either way, text always UTF-8.

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
    check(api::snapshots::create(a, Some(b), false).map(|c| c.request), &[a]);
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
pub const TARGETS: &[(&str, Target)] = &[
    ("envelope", envelope),
    ("models", models),
    ("names", names),
    ("raw_input", raw_input),
    ("transport", transport),
    ("events", events),
    ("exec", exec),
    ("files", files),
    ("multipart", multipart),
    ("ws_frames", ws_frames),
];

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
        "events" => {
            for n in [
                r#"{"type":"lifecycle","timestamp":"2024-01-01T00:00:00Z","location":"none","project":"default","metadata":{"action":"instance-started","source":"/1.0/instances/c1","context":{}}}"#,
                r#"{"type":"operation","timestamp":"2024-01-01T00:00:00Z","metadata":{"id":"x","class":"task","status_code":103}}"#,
                r#"{"type":"logging","metadata":{"message":"m","level":"info","context":{}}}"#,
                r#"{"type":"","metadata":null}"#, "lifecycle,operation", "lifecycle,lifecycle", " , ", "",
            ] {
                out.push(n.as_bytes().to_vec());
            }
        }
        "exec" => {
            for n in [
                r#"{"id":"op1","status_code":103,"metadata":{"fds":{"0":"s0","1":"s1","2":"s2","control":"sc"}}}"#,
                r#"{"id":"op1","status_code":400,"err":"Command not found","metadata":{"return":127}}"#,
                r#"{"id":"op1","status_code":200,"metadata":{"return":0,"output":{"1":"/1.0/instances/c1/logs/exec_1.stdout","2":"/1.0/instances/c1/logs/../x"}}}"#,
                r#"{"environment":{"A":"b"},"cwd":"/root","user":1000,"group":1000,"interactive":true,"width":80,"height":24}"#,
                r#"{"record-output":true,"interactive":true}"#,
                r##"{"type":"async","operation":"/1.0/operations/op1","metadata":{"id":"op1","status_code":103,"metadata":{"fds":{"0":"a b&c","control":"x#y"}}}}"##,
            ] {
                out.push([b"\x00".as_slice(), n.as_bytes()].concat());
                out.push([b"\x01".as_slice(), n.as_bytes()].concat());
            }
        }
        "files" => {
            for n in [
                "X-LXD-type: file\nX-LXD-uid: 0\nX-LXD-gid: 0\nX-LXD-mode: 0644\nContent-Length: 5\n\nhello",
                "X-LXD-type: directory\nX-LXD-mode: 0x1ff\n\n{\"type\":\"sync\",\"metadata\":[\"a\",\"..\",\".\",\"b/c\",\"/etc\",\"d\\u0000e\"]}",
                "X-LXD-type: symlink\nX-LXD-mode: -1\nX-LXD-uid: 99999999999\n\n",
                "X-LXD-type: weird\n\n", "/root/a b#c?d&e%f\n0b101\n0o777\n-0\n+12\n077\n\n",
            ] {
                out.push([b"\x00\x00".as_slice(), n.as_bytes()].concat());
            }
        }
        "ws_frames" => {
            // LXD's exec output (binary data, a ping, the empty text end marker), an event (JSON
            // text cut in fragments), a close, and the frames the reader must refuse.
            let f = |fin: bool, op: u8, p: &[u8]| -> Vec<u8> {
                let mut v = vec![(if fin { 0x80 } else { 0 }) | op];
                match p.len() {
                    n if n < 126 => v.push(n as u8),
                    n if n <= 0xFFFF => {
                        v.push(126);
                        v.extend_from_slice(&(n as u16).to_be_bytes());
                    }
                    n => {
                        v.push(127);
                        v.extend_from_slice(&(n as u64).to_be_bytes());
                    }
                }
                v.extend_from_slice(p);
                v
            };
            let event = br#"{"type":"lifecycle","metadata":{"action":"instance-started","source":"/1.0/instances/c1"}}"#;
            let utf8 = "héllo ✓ 😀".as_bytes();
            let wires: Vec<Vec<u8>> = vec![
                [f(true, 2, b"hello\n"), f(true, 9, b"keepalive"), f(true, 2, &[0xff; 300]), f(true, 1, b"")].concat(),
                [f(false, 1, &event[..20]), f(false, 0, &event[20..50]), f(true, 0, &event[50..])].concat(),
                [f(false, 1, &utf8[..2]), f(true, 0, &utf8[2..]), f(true, 8, &1000u16.to_be_bytes())].concat(),
                [f(true, 2, b"x"), f(true, 10, b"pong"), f(true, 8, b"")].concat(),
                f(true, 1, b"a\xff"),
                [&[0xC2u8, 1, 0][..], &f(true, 2, b"after")].concat(),
                vec![0x83, 0],
                [&[0x82u8, 127][..], &(1u64 << 62).to_be_bytes(), &[0; 8]].concat(),
                [&[0x82u8, 127][..], &(16u64 << 20).to_be_bytes()].concat(),
                vec![0x82, 0x85, 1, 2, 3, 4, 5],
                f(true, 2, &vec![b'z'; 70_000])[..5000].to_vec(),
            ];
            for w in wires {
                for sel in [0u8, 3, 9, 20] {
                    out.push([[sel].as_slice(), &w].concat());
                }
            }
        }
        "multipart" => {
            for n in [
                "multipart/form-data; boundary=lxd-boundary", "\r\n--lxd-boundary\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"m\"\r\n\r\nabc\r\n--lxd-boundary--\r\n",
                "--lxd-boundary\r\nContent-Disposition: form-data; name=\"a;b\\\"c\"\r\n\r\n\r\n--lxd-boundary  \r\n\r\n", "multipart/mixed; boundary=\"quoted b\"",
            ] {
                out.push([b"\x07".as_slice(), n.as_bytes()].concat());
            }
        }
        _ => {}
    }
    out
}

/// One websocket message of `/1.0/events`, and the caller's type lists.
pub fn events(data: &[u8]) {
    use lxd_core::events;
    match events::parse_event(data) {
        Ok(ev) => {
            assert!(!ev.kind.is_empty());
            if let Some((action, _source)) = events::lifecycle(&ev) {
                assert_eq!(ev.kind, "lifecycle");
                let _ = action;
            }
            roundtrip::<Event>(&serde_json::to_vec(&ev).expect("an event serializes"));
        }
        Err(e) => assert!(matches!(e, Error::Protocol(_)), "an event error must be a protocol error: {e:?}"),
    }
    if let Ok(s) = std::str::from_utf8(data) {
        match events::parse_type_list(s) {
            Ok(types) => {
                for t in &types {
                    assert!(events::TYPES.contains(t));
                }
                for all in [false, true] {
                    let mut r = events::listen(&types, all).expect("checked types make a request");
                    r.apply_scope(Some(s), None);
                    check_query(&r);
                }
            }
            Err(e) => assert!(matches!(e, Error::InvalidArgument(_))),
        }
    }
}

/// Exec: caller options (JSON), the server's operation (websocket secrets, exit codes), the flow.
pub fn exec(data: &[u8]) {
    use lxd_core::exec::{self, ExecFlow, ExecRequest, ExecStep};
    let Some((&sel, rest)) = data.split_first() else { return };
    let Ok(v) = serde_json::from_slice::<Value>(rest) else {
        // Not JSON: still a reply to the flow.
        let mut flow = ExecFlow::start("c1", &ExecRequest::new(["true"]).expect("argv")).expect("start").0;
        let resp = Response::new(status_from(data), vec![], rest.to_vec());
        let _ = flow.handle_start(&resp);
        let _ = flow.handle_wait(&resp);
        return;
    };
    // As caller options.
    if let Ok(req) = ExecRequest::from_options(vec!["sh".into(), String::from_utf8_lossy(rest).into_owned()], &v, &[]) {
        if req.validate().is_ok() {
            let body = req.body();
            assert!(body.is_object());
            if let Ok((_, r)) = ExecFlow::start("c1", &req) {
                check_request(&r, &["c1"]);
            }
        }
    }
    // As the server's operation.
    if let Ok(op) = serde_json::from_value::<Operation>(v.clone()) {
        let op = Operation { id: if op.id.is_empty() { "op".into() } else { op.id }, ..op };
        if let Ok(s) = exec::sockets(&op, sel & 1 == 1) {
            // Secrets from the server end up in a query string: always encoded.
            for r in [Some(&s.control), Some(&s.stdin), s.stdout.as_ref(), s.stderr.as_ref()].into_iter().flatten() {
                let mut r = r.clone();
                r.apply_scope(Some("p"), None);
                check_query(&r);
            }
        }
        match exec::result(op.clone()) {
            Ok(res) => {
                assert!(op.is_final());
                if let Some(out) = &res.output {
                    for p in [&out.stdout, &out.stderr].into_iter().flatten() {
                        if let Ok(r) = exec::RecordedOutput::fetch(p) {
                            assert!(r.path.starts_with("/1.0/instances/"));
                        }
                    }
                }
            }
            Err(e) => check_error(&e),
        }
    }
    // As replies to the flow.
    let body = rest.to_vec();
    let mut flow = ExecFlow::start("c1", &ExecRequest::new(["true"]).expect("argv")).expect("start").0;
    match flow.handle_start(&Response::new(202, vec![], body.clone())) {
        Ok(ExecStep::Connect(s)) => assert!(check_name("operation", &s.operation_id).is_ok()),
        Ok(_) => {}
        Err(e) => check_error(&e),
    }
    if let Err(e) = flow.handle_wait(&Response::new(status_from(data), vec![], body)) {
        check_error(&e);
    }
}

/// Files: the X-LXD-* headers of a download, directory listings, paths.
/// Input: two bytes selecting the status, header lines (`Name: value`), a blank line, a body.
pub fn files(data: &[u8]) {
    use lxd_core::files;
    let text = String::from_utf8_lossy(data.get(2..).unwrap_or(&[]));
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let headers: Vec<(String, String)> = head.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let resp = Response::new(status_from(data), headers, body.as_bytes().to_vec());
    match files::parse_download(&resp) {
        Ok(info) => assert!(info.mode <= 0o7777),
        Err(e) => check_error(&e),
    }
    if let Ok(names) = files::parse_listing(&resp) {
        for n in files::safe_entry_names(&names) {
            assert!(!n.is_empty() && n != "." && n != ".." && !n.contains('/') && !n.contains('\0'), "unsafe entry {n:?} kept");
            let joined = files::join_path("/root", &n);
            assert!(joined.starts_with("/root/") && !joined[6..].contains('/'));
        }
    }
    for line in head.lines() {
        if let Some(n) = files::parse_int_auto(line) {
            let t = line.trim();
            if t.bytes().all(|b| b.is_ascii_digit()) && !(t.len() > 1 && t.starts_with('0')) {
                assert_eq!(t.parse::<i64>().ok(), Some(n), "decimal {t:?}");
            }
        }
        let opts = files::FileOptions::default();
        match files::push("c1", line, &opts) {
            Ok(c) => {
                assert!(files::check_path(line).is_ok());
                check_request(&c.request, &["c1"]);
                assert_eq!(c.request.query.iter().find(|(k, _)| k == "path").map(|(_, v)| v.as_str()), Some(line));
            }
            Err(e) => assert!(matches!(e, Error::InvalidArgument(_))),
        }
        let _ = files::pull("c1", line);
        let _ = files::stat("c1", line);
        let _ = files::delete("c1", line);
    }
}

/// The streaming multipart parser (image downloads): arbitrary bytes in arbitrary chunks never
/// panic, and a form built by `MultipartForm` parses back to exactly its parts.
pub fn multipart(data: &[u8]) {
    use lxd_core::transfer::{multipart_boundary, MultipartForm, MultipartParser, PartEvent};
    let Some((&chunk, rest)) = data.split_first() else { return };
    let chunk = usize::from(chunk % 64) + 1;
    let ct = String::from_utf8_lossy(rest.get(..rest.len().min(80)).unwrap_or(&[])).into_owned();
    let _ = multipart_boundary(&ct);
    // Arbitrary bytes.
    if let Ok(mut p) = MultipartParser::new("lxd-boundary") {
        let mut data_len = 0usize;
        for c in rest.chunks(chunk) {
            let r = p.feed(c, &mut |ev| {
                if let PartEvent::Data(d) = ev {
                    data_len += d.len();
                }
                Ok(())
            });
            if r.is_err() {
                break;
            }
        }
        assert!(data_len <= rest.len());
        let _ = p.finish();
    }
    // A real form around the bytes: the parser gives them back exactly.
    let form = MultipartForm::new("b0undary-xyz").expect("boundary");
    let mut body = form.part_head(true, "metadata", "meta.tar");
    body.extend_from_slice(rest);
    body.extend_from_slice(&form.part_head(false, "rootfs", "rootfs.tar"));
    body.extend_from_slice(b"R");
    body.extend_from_slice(&form.tail());
    if rest.windows(b"b0undary-xyz".len()).any(|w| w == b"b0undary-xyz") {
        return; // the content contains the boundary: not a valid form
    }
    let mut p = MultipartParser::new("b0undary-xyz").expect("parser");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for c in body.chunks(chunk) {
        p.feed(c, &mut |ev| {
            match ev {
                PartEvent::Begin { name, .. } => parts.push((name, Vec::new())),
                PartEvent::Data(d) => parts.last_mut().expect("data inside a part").1.extend_from_slice(d),
                PartEvent::End => {}
            }
            Ok(())
        })
        .expect("a well-formed form parses");
    }
    p.finish().expect("a complete form finishes");
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].1, rest, "part content changed");
    assert_eq!(parts[1].1, b"R");
}

/// How a read of a websocket ended.
#[derive(Debug, PartialEq, Eq)]
enum WsEnd {
    Eof,
    Close(Option<u16>),
    Error { protocol: bool, kind: std::io::ErrorKind },
}

/// Read all of `wire` with a `buf`-byte buffer, `max` bytes per chunk: the complete messages and
/// how it ended.
fn ws_transcript(wire: &[u8], buf: usize, max: usize) -> (Vec<(lxdclient::ws::Kind, Vec<u8>)>, WsEnd) {
    use lxdclient::ws::{self, Chunk, Kind};
    let mut r = ws::reader_for_bytes(wire, buf).expect("a socketpair");
    let mut msgs = Vec::new();
    let mut cur = Vec::new();
    let mut total = 0usize;
    for _ in 0..wire.len() + 3 {
        match r.next_chunk(max) {
            Ok(Chunk::Data { kind, bytes, end_of_message }) => {
                assert!(bytes.len() <= max, "a chunk of {} bytes, more than the {max} asked", bytes.len());
                total += bytes.len();
                assert!(total <= wire.len(), "more payload than bytes received");
                cur.extend_from_slice(bytes);
                if end_of_message {
                    if kind == Kind::Text {
                        assert!(std::str::from_utf8(&cur).is_ok(), "a text message that is not UTF-8 was handed out: {cur:?}");
                    }
                    msgs.push((kind, std::mem::take(&mut cur)));
                }
            }
            Ok(Chunk::Close(code)) => {
                // After a close, only the end.
                assert!(matches!(r.next_chunk(max), Ok(Chunk::Eof)));
                return (msgs, WsEnd::Close(code));
            }
            Ok(Chunk::Eof) => return (msgs, WsEnd::Eof),
            Err(e) => {
                if let Some(inner) = e.get_ref() {
                    assert!(!inner.to_string().is_empty());
                }
                return (msgs, WsEnd::Error { protocol: ws::is_protocol(&e), kind: e.kind() });
            }
        }
    }
    panic!("the reader handed out more chunks than there are bytes ({})", wire.len());
}

/// Server websocket frames through the client's frame reader. Byte 0 picks the chunk size, the
/// read buffer and the message limit; the rest is what the server sent before it hung up.
pub fn ws_frames(data: &[u8]) {
    use lxdclient::ws::{self, Kind};
    let Some((&sel, wire)) = data.split_first() else { return };
    let wire = &wire[..wire.len().min(60 * 1024)];
    let max = [1usize, 2, 3, 7, 125, 4096, usize::MAX][sel as usize % 7];
    let buf = [256usize, 300, 1024, 64 * 1024][(sel as usize / 7) % 4];
    // The same bytes give the same messages and the same end, however they are cut.
    let whole = ws_transcript(wire, 64 * 1024, usize::MAX);
    let cut = ws_transcript(wire, buf, max);
    assert_eq!(whole, cut, "buffer {buf}, chunks of {max}: another result than reading whole frames");
    // Whole messages under a limit (the events path).
    let limit = [0usize, 1, 16, 125, 4096, 1 << 20][(sel as usize / 28) % 6];
    let mut r = ws::reader_for_bytes(wire, buf).expect("a socketpair");
    for _ in 0..wire.len() + 3 {
        let mut out = Vec::new();
        match r.read_message(&mut out, limit) {
            Ok(Some(kind)) => {
                assert!(out.len() <= limit, "a message of {} bytes over the {limit}-byte limit", out.len());
                if kind == Kind::Text {
                    assert!(std::str::from_utf8(&out).is_ok(), "a text message that is not UTF-8");
                }
            }
            Ok(None) | Err(_) => return,
        }
    }
    panic!("read_message never ended");
}
