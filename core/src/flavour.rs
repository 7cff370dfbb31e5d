//! Which server this is: LXD or Incus (the fork of LXD that kept its REST API lineage), and what
//! that changes on the wire. Learned once per client from `GET /1.0`; everything that differs
//! between the two lives here, so no transport or binding repeats it.
//!
//! What differs (LXD 5.0 and Incus 6.0, checked against both daemons):
//! - header names: LXD's `X-LXD-*` (file transfer: `type`, `uid`, `gid`, `mode`, `write`,
//!   `modified`; image upload: `fingerprint`, `public`, `filename`, `properties`, `secret`; copy:
//!   `name`, `pool`) are `X-Incus-*` on Incus. Requests are built with LXD's names and
//!   [`Flavour::adapt`] renames them; replies are read with either name ([`reply_header`]).
//! - trust: LXD 5.0 takes a trust password or a token in the `password` field of
//!   `POST /1.0/certificates`; Incus 6.0 has no trust password, and takes a token in
//!   `trust_token` ([`Flavour::adapt`] renames the field).
//! - operation waits: `GET /1.0/operations/<id>/wait?timeout=N` on a still-running operation
//!   answers the operation on LXD, and HTTP 500 "context deadline exceeded" on Incus
//!   ([`crate::operation::is_wait_deadline`]; the wait flow reads both as "not finished yet").

use crate::models::Server;
use crate::request::{Body, Method, Request};
use crate::response::Response;

/// The server's flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Flavour {
    /// Canonical's LXD (and any server that does not say it is Incus).
    #[default]
    Lxd,
    /// Incus (linuxcontainers.org's fork of LXD).
    Incus,
}

impl Flavour {
    /// The flavour of a server from its `GET /1.0` reply: `environment.server` when the client
    /// sees it (trusted clients), else the API extensions (untrusted clients see only those):
    /// Incus renamed LXD's `devlxd_*` extensions `dev_incus_*`.
    pub fn of_server(server: &Server) -> Flavour {
        match server.environment.get("server").and_then(|v| v.as_str()) {
            Some("incus") => return Flavour::Incus,
            Some("lxd") => return Flavour::Lxd,
            _ => {}
        }
        if server.api_extensions.iter().any(|e| e.starts_with("dev_incus") || e == "restrict_dev_incus") {
            Flavour::Incus
        } else {
            Flavour::Lxd
        }
    }

    /// The name a client shows: `"lxd"` or `"incus"` (as `environment.server` spells it).
    pub fn as_str(self) -> &'static str {
        match self {
            Flavour::Lxd => "lxd",
            Flavour::Incus => "incus",
        }
    }

    /// The prefix of the server's own headers: `X-LXD-` or `X-Incus-`.
    pub fn header_prefix(self) -> &'static str {
        match self {
            Flavour::Lxd => "X-LXD-",
            Flavour::Incus => "X-Incus-",
        }
    }

    /// Whether [`Flavour::adapt`] may change this request, i.e. whether a transport must know the
    /// flavour before sending it (a client learns it lazily, with one `GET /1.0`, only then).
    pub fn matters_for(req: &Request) -> bool {
        req.headers.iter().any(|(k, _)| has_lxd_prefix(k)) || is_certificate_add(req)
    }

    /// Rewrite a request built in LXD's terms (every builder of this crate) for this flavour:
    /// on Incus, `X-LXD-*` headers become `X-Incus-*`, and the trust secret of
    /// `POST /1.0/certificates` moves from `password` to `trust_token`. LXD requests are left as
    /// they are.
    pub fn adapt(self, req: &mut Request) {
        if self == Flavour::Lxd {
            return;
        }
        for (k, _) in req.headers.iter_mut() {
            if has_lxd_prefix(k) {
                *k = format!("{}{}", self.header_prefix(), &k[6..]);
            }
        }
        if is_certificate_add(req) {
            if let Body::Json(bytes) = &req.body {
                if let Ok(serde_json::Value::Object(mut m)) = serde_json::from_slice::<serde_json::Value>(bytes) {
                    if !m.contains_key("trust_token") {
                        if let Some(p) = m.remove("password") {
                            m.insert("trust_token".to_string(), p);
                            if let Ok(b) = serde_json::to_vec(&m) {
                                req.body = Body::Json(b);
                            }
                        }
                    }
                }
            }
        }
    }
}

fn has_lxd_prefix(k: &str) -> bool {
    k.len() > 6 && k.is_char_boundary(6) && k[..6].eq_ignore_ascii_case("X-LXD-")
}

fn is_certificate_add(req: &Request) -> bool {
    req.method == Method::POST && req.path == "/1.0/certificates"
}

/// A server header of a reply by its LXD suffix (`"type"` reads `X-LXD-type` or `X-Incus-type`),
/// whichever flavour sent it.
pub fn reply_header<'a>(resp: &'a Response, suffix: &str) -> Option<&'a str> {
    resp.header(&format!("X-LXD-{suffix}")).or_else(|| resp.header(&format!("X-Incus-{suffix}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(json: &str) -> Server {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn flavour_from_environment_then_extensions() {
        let base = r#""api_status":"stable","api_version":"1.0","auth":"trusted","public":false"#;
        assert_eq!(Flavour::of_server(&server(&format!(r#"{{{base},"api_extensions":[],"environment":{{"server":"incus"}}}}"#))), Flavour::Incus);
        assert_eq!(Flavour::of_server(&server(&format!(r#"{{{base},"api_extensions":["dev_incus_events"],"environment":{{"server":"lxd"}}}}"#))), Flavour::Lxd);
        assert_eq!(Flavour::of_server(&server(&format!(r#"{{{base},"api_extensions":["etag","dev_incus_events"]}}"#))), Flavour::Incus);
        assert_eq!(Flavour::of_server(&server(&format!(r#"{{{base},"api_extensions":["etag","devlxd_events"]}}"#))), Flavour::Lxd);
        assert_eq!(Flavour::default().as_str(), "lxd");
        assert_eq!(Flavour::Incus.as_str(), "incus");
    }

    #[test]
    fn adapt_renames_headers_and_the_trust_secret() {
        let mut r = Request::post(&["instances", "c", "files"]).header("X-LXD-type", "file").header("X-LXD-mode", "0644").header("Content-Type", "x");
        assert!(Flavour::matters_for(&r));
        let lxd = r.clone();
        Flavour::Lxd.adapt(&mut r);
        assert_eq!(r, lxd);
        Flavour::Incus.adapt(&mut r);
        assert_eq!(r.header_value("X-Incus-type"), Some("file"));
        assert_eq!(r.header_value("X-Incus-mode"), Some("0644"));
        assert_eq!(r.header_value("X-LXD-type"), None);
        assert_eq!(r.header_value("Content-Type"), Some("x"));

        let mut c = crate::api::certificates::add(None, None, Some("tok"), "client").unwrap().request;
        assert!(Flavour::matters_for(&c));
        Flavour::Incus.adapt(&mut c);
        let v: serde_json::Value = serde_json::from_slice(c.body_bytes()).unwrap();
        assert_eq!(v["trust_token"], "tok");
        assert!(v.get("password").is_none());
        let plain = Request::get(&["instances"]);
        assert!(!Flavour::matters_for(&plain));
    }

    #[test]
    fn reply_headers_of_either_flavour() {
        let a = Response::new(200, vec![("X-Incus-type".into(), "file".into())], vec![]);
        let b = Response::new(200, vec![("x-lxd-type".into(), "directory".into())], vec![]);
        assert_eq!(reply_header(&a, "type"), Some("file"));
        assert_eq!(reply_header(&b, "type"), Some("directory"));
        assert_eq!(reply_header(&b, "uid"), None);
    }
}
