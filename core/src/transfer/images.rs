//! Images: upload, export, secrets, copy to another server (the target side), from a URL or a
//! simplestreams server, publishing instances and snapshots.

use std::collections::BTreeMap;

use crate::api::Call;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_instance_name, check_snapshot_name, encode_component, Body, Request, Scope};
use crate::response::{parse_async, Response};
use serde_json::{json, Map, Value};
use super::options::*;
use super::multipart::*;

/// Options of an image upload, from the caller's JSON:
/// `{"public": bool, "filename": "...", "properties": {"k": "v"}, "aliases": ["a", {"name": "b"}]}`.
/// Unknown keys are refused (a typo should not silently do nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageUploadOptions {
    /// `X-LXD-public: true`.
    pub public: bool,
    /// `X-LXD-filename`.
    pub filename: Option<String>,
    /// `X-LXD-properties` (form-encoded).
    pub properties: BTreeMap<String, String>,
    /// Aliases to create once the image exists (`POST /1.0/images/aliases`).
    pub aliases: Vec<AliasSpec>,
}

impl ImageUploadOptions {
    /// Parse the caller's JSON (NULL / empty: defaults).
    pub fn from_json(json: Option<&str>) -> Result<ImageUploadOptions> {
        let mut m = parse_options(json, "image upload options")?;
        let public = take_bool(&mut m, "public")?;
        let filename = take_string(&mut m, "filename")?;
        if filename.as_deref().is_some_and(|f| f.chars().any(|c| c.is_control())) {
            return Err(Error::invalid("filename contains control characters"));
        }
        let mut properties = BTreeMap::new();
        match m.remove("properties") {
            None | Some(Value::Null) => {}
            Some(Value::Object(p)) => {
                for (k, v) in p {
                    match v {
                        Value::String(s) => {
                            properties.insert(k, s);
                        }
                        other => return Err(Error::invalid(format!("property {k:?} must be a string, not {other}"))),
                    }
                }
            }
            Some(_) => return Err(Error::invalid("option \"properties\" must be an object of strings")),
        }
        let aliases = parse_aliases(m.remove("aliases"))?;
        if let Some(k) = m.keys().next() {
            return Err(Error::invalid(format!("unknown image upload option {k:?} (public, filename, properties, aliases)")));
        }
        Ok(ImageUploadOptions { public, filename, properties, aliases })
    }
}

/// `POST /1.0/images` with the image streamed as the body: `content_type` is
/// `application/octet-stream` for a unified tarball, or the [`MultipartForm`]'s for a split image.
/// The reply is the operation that unpacks it; its metadata holds the fingerprint
/// ([`image_fingerprint`]).
pub fn image_upload(opts: &ImageUploadOptions, content_type: &str) -> Result<Call<Operation>> {
    let mut r = Request::post(&["images"]).scope(Scope::PROJECT);
    if opts.public {
        r = r.header("X-LXD-public", "true");
    }
    if let Some(f) = &opts.filename {
        r = r.header("X-LXD-filename", f.as_str());
    }
    if !opts.properties.is_empty() {
        let encoded: Vec<String> = opts.properties.iter().map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))).collect();
        r = r.header("X-LXD-properties", encoded.join("&"));
    }
    r.body = Body::Stream { content_type: content_type.to_string() };
    Ok(Call::new(r, parse_async))
}

/// The fingerprint an image operation produced (`metadata.fingerprint`: upload, URL, copy,
/// publish).
pub fn image_fingerprint(op: &Operation) -> Result<String> {
    let fp = op.metadata.get("fingerprint").and_then(Value::as_str).ok_or_else(|| Error::protocol("image operation finished without metadata.fingerprint"))?;
    if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::protocol(format!("image operation returned a malformed fingerprint {fp:?}")));
    }
    Ok(fp.to_ascii_lowercase())
}

/// `POST /1.0/images/aliases` for each alias of an upload.
pub fn alias_calls(fingerprint: &str, aliases: &[AliasSpec]) -> Result<Vec<Call<()>>> {
    aliases.iter().map(|a| crate::api::images::alias_create(&a.name, fingerprint, &a.description)).collect()
}

/// `GET /1.0/images/<fingerprint>/export`: the transport reads the headers, asks
/// [`export_format`] how the body is laid out and streams it to the caller's files.
pub fn image_export(fingerprint: &str) -> Result<Request> {
    crate::api::images::check_fingerprint(fingerprint)?;
    Ok(Request::get(&["images", fingerprint, "export"]).scope(Scope::PROJECT))
}

/// How an export's body is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportFormat {
    /// One tarball (the body as is).
    Unified,
    /// A split image: `multipart/form-data` with a `metadata` part then a `rootfs` part.
    Split {
        /// The multipart boundary.
        boundary: String,
    },
}

/// The layout of an export reply, from its headers (errors: LXD's error).
pub fn export_format(resp: &Response) -> Result<ExportFormat> {
    if resp.status >= 300 {
        return Err(crate::files::error_from_reply(resp));
    }
    match resp.header("Content-Type") {
        Some(ct) if ct.trim().to_ascii_lowercase().starts_with("multipart/") => match multipart_boundary(ct) {
            Some(boundary) => Ok(ExportFormat::Split { boundary }),
            None => Err(Error::protocol(format!("multipart export without a usable boundary: {ct:?}"))),
        },
        _ => Ok(ExportFormat::Unified),
    }
}

/// Whether a computed SHA-256 (hex) matches the fingerprint (or unique prefix) that was asked for.
pub fn fingerprint_matches(computed_hex: &str, requested: &str) -> bool {
    !requested.is_empty() && computed_hex.to_ascii_lowercase().starts_with(&requested.to_ascii_lowercase())
}

/// `POST /1.0/images/<fingerprint>/secret`: a one-time secret that lets another server download a
/// private image (a `token` operation; [`image_secret_value`] reads it).
pub fn image_secret(fingerprint: &str) -> Result<Call<Operation>> {
    crate::api::images::check_fingerprint(fingerprint)?;
    Ok(Call::new(Request::post(&["images", fingerprint, "secret"]).scope(Scope::PROJECT), parse_async))
}

/// The secret of an [`image_secret`] operation (`metadata.secret`).
pub fn image_secret_value(op: &Operation) -> Result<String> {
    op.metadata
        .get("secret")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Error::protocol("image secret operation without metadata.secret"))
}


pub(super) fn images_post(body: Map<String, Value>) -> Result<Call<Operation>> {
    Ok(Call::new(Request::post(&["images"]).scope(Scope::PROJECT).json(&Value::Object(body))?, parse_async))
}

pub(super) fn check_url(url: &str, what: &str) -> Result<()> {
    let ok = (url.starts_with("https://") || url.starts_with("http://")) && url.len() > 8 && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!("{what} {url:?} is not an http(s) URL")))
    }
}

/// `POST /1.0/images` with `source: {type: url, url}`: LXD fetches the image from `url` (which
/// answers with `LXD-Image-Hash` / `LXD-Image-URL` headers). `options_json` adds ImagesPost fields
/// (`public`, `auto_update`, `aliases`, `properties`, ...; a `source` object adds source fields).
pub fn image_from_url(url: &str, options_json: Option<&str>) -> Result<Call<Operation>> {
    check_url(url, "image URL")?;
    let mut body = Map::new();
    body.insert("source".into(), json!({ "type": "url", "url": url }));
    merge_into(&mut body, parse_options(options_json, "image options")?, &[])?;
    images_post(body)
}

/// `POST /1.0/images` with `source: {type: image, mode: pull, protocol: simplestreams, server,
/// alias}`: LXD downloads `alias` (or a fingerprint) from a simplestreams server. Options as in
/// [`image_from_url`] (e.g. `{"source": {"image_type": "virtual-machine"}}`).
pub fn image_from_simplestreams(server: &str, alias: &str, options_json: Option<&str>) -> Result<Call<Operation>> {
    check_url(server, "simplestreams server")?;
    if alias.is_empty() || alias.chars().any(|c| c.is_control()) {
        return Err(Error::invalid("image alias is empty or contains control characters"));
    }
    let mut body = Map::new();
    body.insert("source".into(), json!({ "type": "image", "mode": "pull", "protocol": "simplestreams", "server": server, "alias": alias }));
    merge_into(&mut body, parse_options(options_json, "image options")?, &[])?;
    images_post(body)
}

/// The target's request of an image copy: `POST /1.0/images` with `source: {type: image, mode:
/// pull, protocol: lxd, server, certificate, secret, fingerprint}`. `options` may add `public`,
/// `auto_update`, `aliases` (created with the image: API extension `image_create_aliases`).
pub fn image_copy_target(fingerprint: &str, server_url: &str, certificate_pem: &str, secret: &str, options: Map<String, Value>) -> Result<Call<Operation>> {
    crate::api::images::check_fingerprint(fingerprint)?;
    check_url(server_url, "source server")?;
    let mut body = Map::new();
    body.insert(
        "source".into(),
        json!({ "type": "image", "mode": "pull", "protocol": "lxd", "server": server_url, "certificate": certificate_pem, "secret": secret, "fingerprint": fingerprint }),
    );
    merge_into(&mut body, options, &[])?;
    images_post(body)
}

/// `POST /1.0/images` with `source: {type: instance, name}`: publish an instance (stopped) as an
/// image. `options_json` adds ImagesPost fields (`public`, `properties`, `aliases`,
/// `compression_algorithm`, `expires_at`, ...). The operation's metadata holds the fingerprint.
pub fn publish_instance(instance: &str, options_json: Option<&str>) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    let mut body = Map::new();
    body.insert("source".into(), json!({ "type": "instance", "name": instance }));
    merge_into(&mut body, parse_options(options_json, "publish options")?, &[])?;
    images_post(body)
}

/// `POST /1.0/images` with `source: {type: snapshot, name: "<instance>/<snapshot>"}`.
pub fn publish_snapshot(instance: &str, snapshot: &str, options_json: Option<&str>) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    check_snapshot_name(snapshot)?;
    let mut body = Map::new();
    body.insert("source".into(), json!({ "type": "snapshot", "name": format!("{instance}/{snapshot}") }));
    merge_into(&mut body, parse_options(options_json, "publish options")?, &[])?;
    images_post(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use crate::transfer::test_support::*;

    #[test]
    fn upload_request_shape() {
        let o = ImageUploadOptions::from_json(Some(r#"{"public":true,"filename":"x.tar.gz","properties":{"os":"test","release":"a b&c"},"aliases":["a1",{"name":"a2","description":"d"}]}"#)).unwrap();
        assert_eq!(o.aliases, vec![AliasSpec { name: "a1".into(), description: "".into() }, AliasSpec { name: "a2".into(), description: "d".into() }]);
        let c = image_upload(&o, "application/octet-stream").unwrap();
        assert_eq!((c.request.method.as_str(), c.request.path.as_str()), ("POST", "/1.0/images"));
        assert_eq!(c.request.header_value("X-LXD-public"), Some("true"));
        assert_eq!(c.request.header_value("X-LXD-filename"), Some("x.tar.gz"));
        assert_eq!(c.request.header_value("X-LXD-properties"), Some("os=test&release=a%20b%26c"));
        assert_eq!(c.request.body, Body::Stream { content_type: "application/octet-stream".into() });
        let d = image_upload(&ImageUploadOptions::from_json(None).unwrap(), "multipart/form-data; boundary=x").unwrap();
        assert_eq!(d.request.header_value("X-LXD-public"), None);
        assert_eq!(d.request.header_value("X-LXD-properties"), None);
        for bad in [r#"{"publik":true}"#, r#"{"public":"yes"}"#, r#"{"properties":{"a":1}}"#, "[1]", "{", r#"{"aliases":[""]}"#, r#"{"filename":"a\nb"}"#] {
            assert!(ImageUploadOptions::from_json(Some(bad)).is_err(), "{bad}");
        }
        let op = Operation { id: "x".into(), metadata: json!({"fingerprint": "AB".repeat(32), "size": "10"}), ..Default::default() };
        assert_eq!(image_fingerprint(&op).unwrap(), "ab".repeat(32));
        assert!(image_fingerprint(&Operation::default()).is_err());
        let calls = alias_calls(&"ab".repeat(32), &o.aliases).unwrap();
        assert_eq!(body(&calls[1].request), json!({"name":"a2","target":"ab".repeat(32),"description":"d"}));
    }

    #[test]
    fn export_and_secret() {
        assert_eq!(image_export("abc123").unwrap().path, "/1.0/images/abc123/export");
        assert!(image_export("../x").is_err());
        let split = Response::new(200, vec![("Content-Type".into(), "multipart/form-data; boundary=ecb7".into())], vec![]);
        assert_eq!(export_format(&split).unwrap(), ExportFormat::Split { boundary: "ecb7".into() });
        let unified = Response::new(200, vec![("Content-Type".into(), "application/octet-stream".into())], vec![]);
        assert_eq!(export_format(&unified).unwrap(), ExportFormat::Unified);
        let missing = Response::new(404, vec![], br#"{"type":"error","error":"Image not found","error_code":404}"#.to_vec());
        assert!(export_format(&missing).unwrap_err().is_not_found());
        assert!(fingerprint_matches("abcdef", "ABC"));
        assert!(!fingerprint_matches("abcdef", "abd"));
        assert!(!fingerprint_matches("abcdef", ""));
        let s = image_secret("abc").unwrap();
        assert_eq!((s.request.method.as_str(), s.request.path.as_str()), ("POST", "/1.0/images/abc/secret"));
        let op = s.parse(&async_op("t1", json!({"secret":"s3cr3t"}))).unwrap();
        assert_eq!(image_secret_value(&op).unwrap(), "s3cr3t");
        assert!(image_secret_value(&Operation::default()).is_err());
    }

    #[test]
    fn url_simplestreams_publish_shapes() {
        let u = image_from_url("https://example.invalid/img", Some(r#"{"public":true,"aliases":[{"name":"x"}]}"#)).unwrap();
        assert_eq!(body(&u.request), json!({"source":{"type":"url","url":"https://example.invalid/img"},"public":true,"aliases":[{"name":"x"}]}));
        assert!(image_from_url("ftp://x/y", None).is_err());
        let s = image_from_simplestreams("https://images.example.invalid", "ubuntu/22.04", Some(r#"{"auto_update":true,"source":{"image_type":"virtual-machine","type":"evil"}}"#)).unwrap();
        assert_eq!(
            body(&s.request),
            json!({"source":{"type":"image","mode":"pull","protocol":"simplestreams","server":"https://images.example.invalid","alias":"ubuntu/22.04","image_type":"virtual-machine"},"auto_update":true})
        );
        assert!(image_from_simplestreams("https://x", "", None).is_err());
        let p = publish_instance("c1", Some(r#"{"public":false,"properties":{"os":"busybox"}}"#)).unwrap();
        assert_eq!(body(&p.request), json!({"source":{"type":"instance","name":"c1"},"public":false,"properties":{"os":"busybox"}}));
        let ps = publish_snapshot("c1", "snap.0", None).unwrap();
        assert_eq!(body(&ps.request), json!({"source":{"type":"snapshot","name":"c1/snap.0"}}));
        assert!(publish_snapshot("c1", "a b", None).is_err());
        assert!(publish_instance("c1", Some("[]")).is_err());
    }
}
