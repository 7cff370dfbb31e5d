//! The checked JSON path (`crate::check`, used where the C ABI hands LXD's bytes on) against the
//! typed parse it stands for: on the replies recorded from LXD 5.0.2 and on every mutation of
//! their fields (removed, null, another type), the check refuses exactly what parsing into the
//! model refuses, and what it accepts comes out as LXD's bytes.

use lxd_core::check::CheckJson;
use lxd_core::models::*;
use lxd_core::response::{parse_sync, parse_sync_json};
use lxd_core::Response;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

fn recorded(name: &str) -> Value {
    let v: Value = serde_json::from_str(include_str!("fixtures/lxd-5.0.2.json")).unwrap();
    let rec = v["records"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("no fixture {name}"));
    let body: Value = serde_json::from_str(rec["response"]["body"].as_str().unwrap()).unwrap();
    body["metadata"].clone()
}

fn reply(metadata_text: &str) -> Response {
    let body = format!(r#"{{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{metadata_text}}}"#);
    Response::new(200, vec![], body.into_bytes())
}

/// Typed and checked agree on `metadata`; when both accept, the checked text is LXD's.
fn agree<T: DeserializeOwned + CheckJson + std::fmt::Debug>(what: &str, metadata: &Value) -> bool {
    let text = serde_json::to_string(metadata).unwrap();
    let typed = parse_sync::<T>(&reply(&text));
    let checked = parse_sync_json::<T>(&reply(&text), None);
    assert_eq!(typed.is_ok(), checked.is_ok(), "{what}: typed {typed:?} vs checked {checked:?}");
    if let (Err(a), Err(b)) = (&typed, &checked) {
        assert_eq!(std::mem::discriminant(a), std::mem::discriminant(b), "{what}: {a:?} vs {b:?}");
    }
    if let Ok(t) = checked {
        assert_eq!(t, text, "{what}: the bytes handed on");
    }
    typed.is_ok()
}

/// Every field of `obj` removed, set to null and to each other JSON type (and the same one level
/// down inside the objects it holds).
fn mutations(obj: &Map<String, Value>) -> Vec<(String, Value)> {
    let kinds = [json!(null), json!(5), json!(-1), json!(1.5), json!("x"), json!(true), json!([]), json!(["x"]), json!([5]), json!({}), json!({"k": "v"}), json!({"k": 5})];
    let mut out = vec![];
    for (k, v) in obj {
        let mut gone = obj.clone();
        gone.remove(k);
        out.push((format!("{k} removed"), Value::Object(gone)));
        for kind in &kinds {
            let mut m = obj.clone();
            m.insert(k.clone(), kind.clone());
            out.push((format!("{k} = {kind}"), Value::Object(m)));
        }
        if let Value::Object(inner) = v {
            for (what, changed) in mutations(inner).into_iter().take(400) {
                let mut m = obj.clone();
                m.insert(k.clone(), changed);
                out.push((format!("{k}.{what}"), Value::Object(m)));
            }
        }
    }
    out.push(("unknown field".into(), {
        let mut m = obj.clone();
        m.insert("new_in_a_later_lxd".into(), json!({"a": [1, 2]}));
        Value::Object(m)
    }));
    out
}

fn differential<T: DeserializeOwned + CheckJson + std::fmt::Debug>(fixture: &str, pick: impl Fn(&Value) -> Value) {
    let md = pick(&recorded(fixture));
    assert!(agree::<T>(fixture, &md), "{fixture}: the recorded reply parses");
    for whole in [json!(null), json!([]), json!([md.clone()]), json!("x"), json!(5), json!(true)] {
        agree::<T>(&format!("{fixture}: metadata {whole}"), &whole);
    }
    let (mut ok, mut refused) = (0, 0);
    for (what, m) in mutations(md.as_object().unwrap()) {
        if agree::<T>(&format!("{fixture}: {what}"), &m) {
            ok += 1;
        } else {
            refused += 1;
        }
    }
    // Both kinds were exercised.
    assert!(ok > 5 && refused > 10, "{fixture}: {ok} accepted, {refused} refused");
}

#[test]
fn server_checked_as_typed() {
    differential::<Server>("server_get", Value::clone);
}

#[test]
fn instance_checked_as_typed() {
    differential::<Instance>("instance_get", Value::clone);
}

#[test]
fn snapshot_profile_alias_image_pool_checked_as_typed() {
    differential::<Snapshot>("snapshot_get", Value::clone);
    differential::<Profile>("profile_get", Value::clone);
    differential::<ImageAlias>("image_alias_get", Value::clone);
    differential::<Image>("images_list_recursion1", |v| v[0].clone());
    differential::<StoragePool>("storage_pools_list_recursion1", |v| v[0].clone());
}

#[test]
fn lists_hand_lxd_bytes_on_and_null_is_empty() {
    let list = recorded("instances_list_recursion1");
    let text = serde_json::to_string(&list).unwrap();
    assert_eq!(parse_sync_json::<Option<Vec<Instance>>>(&reply(&text), Some("[]")).unwrap(), text);
    assert_eq!(parse_sync_json::<Option<Vec<Instance>>>(&reply("null"), Some("[]")).unwrap(), "[]");
    // One bad member refuses the list, as the typed parse does.
    let mut bad = list.clone();
    bad[0].as_object_mut().unwrap().remove("name");
    assert!(parse_sync::<Option<Vec<Instance>>>(&reply(&bad.to_string())).is_err());
    assert!(parse_sync_json::<Option<Vec<Instance>>>(&reply(&bad.to_string()), Some("[]")).is_err());
    // Absent metadata is a protocol error, as for the typed parse.
    let r = Response::new(200, vec![], br#"{"type":"sync","status_code":200}"#.to_vec());
    assert!(matches!(parse_sync_json::<Server>(&r, None), Err(lxd_core::Error::Protocol(_))));
    // Escapes and whitespace in LXD's text are kept as sent.
    let pretty = serde_json::to_string_pretty(&recorded("instance_get")).unwrap();
    let text = format!("{{ \"x_escaped\": \"a\\u00e9\\\"b\",{}", &pretty[1..]);
    assert!(text.contains(r#""a\u00e9\"b""#), "{text}");
    assert_eq!(parse_sync_json::<Instance>(&reply(&text), None).unwrap(), text);
}
