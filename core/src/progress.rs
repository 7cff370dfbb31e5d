//! Server-side progress of an operation (image downloads, unpacking, migrations), read from the
//! operation's metadata — what `lxc` shows as "Retrieving image: 45%".
//!
//! LXD and Incus report it in two shapes, both inside `metadata` of the operation (and of the
//! operation events that carry it):
//!
//! - `<stage>_progress`: a text for humans. `download_progress` (image downloads; on LXD 5.0
//!   `"45% (12.30MB/s)"`, or `"rootfs: 45% (12.30MB/s)"` for a split image's rootfs),
//!   `create_instance_from_image_unpack_progress` (`"Unpack: 45% (12.30MB/s)"` or
//!   `"Unpack: 12.30MB/s"`), `fs_progress` (migrations: `"c1: 123.45MB (12.30MB/s)"`), ... The
//!   sizes are LXD's `GetByteSizeString`: `512B`, `12.30MB` (powers of 1000; binary units such as
//!   `MiB` are read too).
//! - `progress`: a map for programs, `{"stage": ..., "percent": ..., "processed": ...,
//!   "speed": ...}` with numbers as strings (LXD's `SetProgressMetadata`, newer servers and
//!   Incus; `percent` and `processed` are left out when 0). Next to it, `<stage>_progress` holds
//!   the text of the same stage.
//!
//! [`Progress::from_metadata`] reads one metadata object; [`ProgressTracker`] reads the
//! successive states of one operation and tells which of them are news. Both take any JSON:
//! nothing here fails or panics on what a server sends, an unreadable field is "unknown" (-1).

use serde_json::{Map, Value};

use crate::models::Event;
use crate::operation::Operation;

/// One progress report of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Progress {
    /// What is progressing: the key without `_progress` (`download`,
    /// `create_instance_from_image_unpack`, `fs`, ...), or the `stage` of the `progress` map.
    pub stage: String,
    /// Percent done, 0 to 100; -1 when not known (the server reports only an amount or a speed).
    pub percent: i32,
    /// Bytes processed so far; -1 when not known.
    pub processed: i64,
    /// Bytes per second; -1 when not known.
    pub speed: i64,
    /// The server's text for it (`"rootfs: 45% (12.30MB/s)"`); empty when it sent none.
    pub text: String,
}

impl Progress {
    /// An unknown progress of `stage` (every number -1).
    fn unknown(stage: &str) -> Progress {
        Progress { stage: stage.to_string(), percent: -1, processed: -1, speed: -1, text: String::new() }
    }

    /// The progress an operation's `metadata` reports, if any: the `progress` map when there is
    /// one (with the text of its stage), else the first `<stage>_progress` text (keys in order).
    /// Use [`ProgressTracker`] to follow one operation: with several texts it picks the one
    /// that changed.
    pub fn from_metadata(metadata: &Value) -> Option<Progress> {
        let m = metadata.as_object()?;
        if let Some(p) = from_map(m) {
            return Some(p);
        }
        texts(m).next().map(|(stage, text)| from_text(stage, text))
    }
}

/// The `progress` map, when it names a stage.
fn from_map(m: &Map<String, Value>) -> Option<Progress> {
    let map = m.get("progress")?.as_object()?;
    let stage = map.get("stage")?.as_str().filter(|s| !s.is_empty())?;
    // The text of the same stage, for the caller to show; its numbers fill what the map lacks.
    let mut p = match m.get(&format!("{stage}_progress")).and_then(Value::as_str) {
        Some(text) => from_text(stage, text),
        None => Progress::unknown(stage),
    };
    if let Some(n) = map.get("percent").and_then(number) {
        p.percent = n.clamp(0, 100) as i32;
    }
    if let Some(n) = map.get("processed").and_then(number) {
        p.processed = n;
    }
    if let Some(n) = map.get("speed").and_then(number) {
        p.speed = n;
    }
    Some(p)
}

/// A non-negative integer given as a JSON number or as a string of digits (LXD's map holds strings).
fn number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite() && *f < i64::MAX as f64).map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .filter(|n| *n >= 0)
}

/// `(stage, text)` of every `<stage>_progress` key holding a string, in key order.
fn texts(m: &Map<String, Value>) -> impl Iterator<Item = (&str, &str)> {
    m.iter().filter_map(|(k, v)| {
        let stage = k.strip_suffix("_progress").filter(|s| !s.is_empty())?;
        Some((stage, v.as_str()?))
    })
}

/// Read LXD's progress text: `[<prefix>: ]<N>%[ (<speed>/s)]`, `[<prefix>: ]<size>[ (<speed>/s)]`
/// or `[<prefix>: ]<speed>/s`. What does not parse stays unknown; the text is kept as it is.
pub fn from_text(stage: &str, text: &str) -> Progress {
    let mut p = Progress::unknown(stage);
    p.text = text.to_string();
    // The prefix ("rootfs", "Unpack", an instance name) ends at the last ": ".
    let body = text.rsplit_once(": ").map_or(text, |(_, b)| b);
    for raw in body.split_whitespace() {
        let tok = raw.trim_matches(|c| c == '(' || c == ')' || c == ',');
        if let Some(n) = tok.strip_suffix('%') {
            if let Ok(n) = n.parse::<f64>() {
                if n.is_finite() && p.percent < 0 {
                    p.percent = n.clamp(0.0, 100.0) as i32;
                }
            }
        } else if let Some(rate) = tok.strip_suffix("/s") {
            if let Some(n) = parse_size(rate) {
                p.speed = n;
            }
        } else if let Some(n) = parse_size(tok) {
            if p.processed < 0 {
                p.processed = n;
            }
        }
    }
    p
}

/// A size as LXD writes it (`512B`, `12.30MB`, `1.5GiB`), in bytes. A bare number is not a size.
pub fn parse_size(s: &str) -> Option<i64> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = s.split_at(split);
    if num.is_empty() {
        return None;
    }
    let value: f64 = num.parse().ok()?;
    let scale: f64 = match unit {
        "B" => 1.0,
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        "PB" => 1e15,
        "EB" => 1e18,
        "KiB" => 1024.0,
        "MiB" => 1024f64.powi(2),
        "GiB" => 1024f64.powi(3),
        "TiB" => 1024f64.powi(4),
        "PiB" => 1024f64.powi(5),
        "EiB" => 1024f64.powi(6),
        _ => return None,
    };
    let bytes = (value * scale).round();
    (bytes.is_finite() && bytes >= 0.0 && bytes < i64::MAX as f64).then_some(bytes as i64)
}

/// Follows the successive states of one operation (wait replies, operation events) and says
/// which of them bring news. LXD changes an operation's metadata for other reasons too, and
/// keeps the texts of finished stages (after a download, `download_progress` stays at its last
/// value while `create_instance_from_image_unpack_progress` moves): without a `progress` map
/// the text that changed since the last state is the current one. A `progress` map is current
/// unless it stood still while another stage's text moved.
///
/// States can arrive out of order (an event sent before a state read, read after it): one whose
/// `updated_at` is older than the newest seen is stale and ignored ([`ProgressTracker::update_op`]).
#[derive(Debug, Clone, Default)]
pub struct ProgressTracker {
    texts: Map<String, Value>,
    map: Option<Value>,
    last: Option<Progress>,
    newest: Option<i128>,
}

impl ProgressTracker {
    /// A tracker that has seen nothing yet.
    pub fn new() -> ProgressTracker {
        ProgressTracker::default()
    }

    /// Feed the operation's `metadata`: the progress it reports when it differs from the last
    /// one returned, else `None`.
    pub fn update(&mut self, metadata: &Value) -> Option<Progress> {
        let m = metadata.as_object()?;
        let changed = texts(m).find(|(stage, text)| self.texts.get(&format!("{stage}_progress")).and_then(Value::as_str) != Some(text));
        let map = m.get("progress").filter(|v| v.is_object());
        let map_moved = map != self.map.as_ref();
        let current = match (from_map(m), changed) {
            // The map is current unless it stood still while another stage's text moved (a
            // server that keeps a finished stage's map and reports a later one by text only).
            (Some(p), Some((stage, text))) if !map_moved && stage != p.stage => Some(from_text(stage, text)),
            (Some(p), _) => Some(p),
            (None, changed) => changed.map(|(stage, text)| from_text(stage, text)),
        };
        self.texts = texts(m).map(|(s, t)| (format!("{s}_progress"), Value::from(t))).collect();
        self.map = map.cloned();
        match current {
            Some(p) if self.last.as_ref() != Some(&p) => {
                self.last = Some(p.clone());
                Some(p)
            }
            _ => None,
        }
    }

    /// Feed a state of the operation (a wait reply, an operation event): as
    /// [`ProgressTracker::update`] with its metadata, except that a state older than the newest
    /// one seen (by `updated_at`) brings no news.
    pub fn update_op(&mut self, op: &Operation) -> Option<Progress> {
        if let Some(t) = timestamp_nanos(&op.updated_at) {
            if self.newest.is_some_and(|n| t < n) {
                return None;
            }
            self.newest = Some(t);
        }
        self.update(&op.metadata)
    }

    /// The last progress [`ProgressTracker::update`] returned.
    pub fn last(&self) -> Option<&Progress> {
        self.last.as_ref()
    }
}

/// An RFC 3339 time as LXD writes it (Go's `RFC3339Nano`: `2024-05-01T10:00:00.123456789Z`, or
/// with an offset such as `+02:00`), in nanoseconds since 1970; `None` when it is not one.
pub fn timestamp_nanos(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d, h, mi, sec) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos: i128 = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = s.get(start..i)?;
        if digits.is_empty() || digits.len() > 9 {
            return None;
        }
        nanos = i128::from(digits.parse::<i64>().ok()?) * 10i128.pow(9 - digits.len() as u32);
    }
    let offset_secs: i64 = match s.get(i..)? {
        "Z" | "z" => 0,
        tz if tz.len() == 6 && matches!(tz.as_bytes()[0], b'+' | b'-') && tz.as_bytes()[3] == b':' => {
            let v = num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60;
            if tz.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => return None,
    };
    // Days since 1970-01-01 of the civil date (H. Hinnant's days_from_civil).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset_secs;
    Some(i128::from(secs) * 1_000_000_000 + nanos)
}

/// The state of operation `id` an event carries: `Some` for an `operation` event about it (its
/// metadata is the operation), `None` for any other event or one whose operation does not parse.
pub fn operation_event(event: &Event, id: &str) -> Option<Operation> {
    if event.kind != "operation" || event.metadata.get("id").and_then(Value::as_str) != Some(id) {
        return None;
    }
    serde_json::from_value(event.metadata.clone()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(stage: &str, percent: i32, processed: i64, speed: i64, text: &str) -> Progress {
        Progress { stage: stage.into(), percent, processed, speed, text: text.into() }
    }

    #[test]
    fn texts_of_lxd_5_0() {
        // LXD 5.0.2 image copy (unified image): the download text without a prefix.
        let md = json!({"download_progress": "45% (12.30MB/s)"});
        assert_eq!(Progress::from_metadata(&md), Some(p("download", 45, -1, 12_300_000, "45% (12.30MB/s)")));
        // A split image's parts.
        let md = json!({"download_progress": "rootfs: 100% (1.02GB/s)"});
        assert_eq!(Progress::from_metadata(&md), Some(p("download", 100, -1, 1_020_000_000, "rootfs: 100% (1.02GB/s)")));
        // Unpacking, only a speed; a migration, an amount.
        assert_eq!(from_text("create_instance_from_image_unpack", "Unpack: 12.30MB/s"), p("create_instance_from_image_unpack", -1, -1, 12_300_000, "Unpack: 12.30MB/s"));
        assert_eq!(from_text("fs", "c1: 123.45MB (512B/s)"), p("fs", -1, 123_450_000, 512, "c1: 123.45MB (512B/s)"));
        // A prefix with ": " inside (an instance name cannot, a description could).
        assert_eq!(from_text("x", "a: b: 7%").percent, 7);
    }

    #[test]
    fn progress_map_of_newer_lxd_and_incus() {
        // SetProgressMetadata: strings in the map, percent/processed left out when 0.
        let md = json!({
            "progress": {"stage": "create_instance_from_image_unpack", "percent": "45", "speed": "12300000"},
            "create_instance_from_image_unpack_progress": "Unpack: 45% (12.30MB/s)",
            "download_progress": "rootfs: 100% (99.00MB/s)",
        });
        assert_eq!(Progress::from_metadata(&md), Some(p("create_instance_from_image_unpack", 45, -1, 12_300_000, "Unpack: 45% (12.30MB/s)")));
        let md = json!({"progress": {"stage": "fs", "processed": "1234", "speed": "0"}, "fs_progress": "c1: 1.23kB (0B/s)"});
        assert_eq!(Progress::from_metadata(&md), Some(p("fs", -1, 1234, 0, "c1: 1.23kB (0B/s)")));
        // A map without its text; numbers as JSON numbers.
        let md = json!({"progress": {"stage": "download", "percent": 12, "speed": 3.0}});
        assert_eq!(Progress::from_metadata(&md), Some(p("download", 12, -1, 3, "")));
    }

    #[test]
    fn nothing_to_report_or_unreadable() {
        for md in [json!(null), json!("x"), json!([]), json!({}), json!({"fds": {"0": "s"}}), json!({"progress": 5}), json!({"progress": {"stage": ""}}), json!({"_progress": "1%"}), json!({"download_progress": 5})] {
            assert_eq!(Progress::from_metadata(&md), None, "{md}");
        }
        // Garbage texts keep the text, numbers unknown; out-of-range numbers are bounded.
        assert_eq!(from_text("d", "héllo: ??% (x/s)"), p("d", -1, -1, -1, "héllo: ??% (x/s)"));
        assert_eq!(from_text("d", "").percent, -1);
        assert_eq!(from_text("d", "250%").percent, 100);
        assert_eq!(from_text("d", "-5%").percent, 0);
        assert_eq!(from_text("d", "NaN%").percent, -1);
        assert_eq!(from_text("d", "99999999999999999999EB/s").speed, -1);
        let md = json!({"progress": {"stage": "s", "percent": "-3", "processed": "x", "speed": 1e300}});
        assert_eq!(Progress::from_metadata(&md), Some(p("s", -1, -1, -1, "")));
        assert_eq!(parse_size("12"), None);
        assert_eq!(parse_size("1.5GiB"), Some(1_610_612_736));
        assert_eq!(parse_size("3kB"), Some(3000));
        assert_eq!(parse_size("MB"), None);
    }

    #[test]
    fn operation_events() {
        let ev = |text: &str| crate::events::parse_event(text.as_bytes()).unwrap();
        let op = ev(r#"{"type":"operation","metadata":{"id":"a1","status_code":103,"metadata":{"download_progress":"5%"}}}"#);
        let got = operation_event(&op, "a1").unwrap();
        assert_eq!((got.status_code, Progress::from_metadata(&got.metadata).map(|p| p.percent)), (103, Some(5)));
        assert!(operation_event(&op, "a2").is_none());
        assert!(operation_event(&ev(r#"{"type":"lifecycle","metadata":{"id":"a1"}}"#), "a1").is_none());
        // An operation event whose operation does not match the schema is not a state.
        assert!(operation_event(&ev(r#"{"type":"operation","metadata":{"id":"a1","status_code":"x"}}"#), "a1").is_none());
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp_nanos("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(timestamp_nanos("2026-12-05T12:27:08.5Z"), Some(1_796_473_628_500_000_000));
        assert_eq!(timestamp_nanos("2026-12-05T14:27:08.000000001+02:00"), Some(1_796_473_628_000_000_001));
        assert_eq!(timestamp_nanos("2000-02-29T00:00:00-00:30"), Some(951_784_200 * 1_000_000_000));
        // Go trims trailing zeros: ".1" is later than ".09", whatever the strings' order.
        assert!(timestamp_nanos("2026-12-05T12:00:00.1Z") > timestamp_nanos("2026-12-05T12:00:00.09Z"));
        for bad in ["", "0001-01-01", "2026-13-05T12:00:00Z", "2026-12-05T12:00:00", "2026-12-05T12:00:00.Z", "2026-12-05T12:00:00.1234567890Z", "2026-12-05T12:00:00+0200", "2026-12-05T1é:00:00Z", "+026-12-05T12:00:00Z"] {
            assert_eq!(timestamp_nanos(bad), None, "{bad}");
        }
    }

    #[test]
    fn tracker_skips_stale_states() {
        let op = |at: &str, pct: u32| Operation { id: "x".into(), status_code: 103, updated_at: at.into(), metadata: json!({"download_progress": format!("{pct}% (1.00MB/s)")}), ..Default::default() };
        let mut t = ProgressTracker::new();
        assert_eq!(t.update_op(&op("2026-12-05T12:00:01.5Z", 40)).map(|p| p.percent), Some(40));
        // An event sent before that state but read after it.
        assert_eq!(t.update_op(&op("2026-12-05T12:00:01.25Z", 38)), None);
        assert_eq!(t.update_op(&op("2026-12-05T12:00:01.75Z", 41)).map(|p| p.percent), Some(41));
        // Without a readable time, states are taken as they come.
        assert_eq!(t.update_op(&op("", 42)).map(|p| p.percent), Some(42));
    }

    #[test]
    fn tracker_reports_news_only() {
        let mut t = ProgressTracker::new();
        assert_eq!(t.update(&json!({})), None);
        assert_eq!(t.update(&json!({"download_progress": "10% (1.00MB/s)"})).map(|p| p.percent), Some(10));
        // The same state again (another metadata change, a poll): nothing new.
        assert_eq!(t.update(&json!({"download_progress": "10% (1.00MB/s)", "other": 1})), None);
        assert_eq!(t.update(&json!({"download_progress": "55% (1.00MB/s)"})).map(|p| p.percent), Some(55));
        // The next stage starts while the download's text stays: the text that moved wins, even
        // though "download_progress" sorts first.
        let md = json!({"download_progress": "100% (1.00MB/s)", "create_instance_from_image_unpack_progress": "Unpack: 3%"});
        let got = t.update(&md).unwrap();
        assert_eq!((got.stage.as_str(), got.percent), ("create_instance_from_image_unpack", 3));
        assert_eq!(t.update(&md), None);
        assert_eq!(t.last().map(|p| p.percent), Some(3));
        // A map left from a finished stage while a later stage moves by text only.
        let mut t2 = ProgressTracker::new();
        let map = json!({"stage": "fs", "percent": "100", "speed": "1"});
        assert_eq!(t2.update(&json!({"progress": map, "fs_progress": "c1: 100% (1B/s)"})).map(|p| p.stage), Some("fs".to_string()));
        let got = t2.update(&json!({"progress": map, "fs_progress": "c1: 100% (1B/s)", "download_progress": "20% (1.00MB/s)"})).unwrap();
        assert_eq!((got.stage.as_str(), got.percent), ("download", 20));
        // ... and when the map moves again, it is current again.
        let got = t2.update(&json!({"progress": {"stage": "fs", "percent": "5", "speed": "1"}, "fs_progress": "c1: 5% (1B/s)", "download_progress": "20% (1.00MB/s)"})).unwrap();
        assert_eq!((got.stage.as_str(), got.percent), ("fs", 5));
        // Not an object: nothing, and the tracker keeps what it had.
        assert_eq!(t.update(&json!(null)), None);
        assert_eq!(t.last().map(|p| p.percent), Some(3));
    }
}
