//! Moving whole things between places: image upload and export (unified tarballs and split
//! multipart images), image copy between servers, images from a URL or a simplestreams server,
//! publishing instances and snapshots as images, and copying or migrating instances within one
//! server or between two. Everything here is data and small state machines; the transport streams
//! the bytes and drives the flows.
//!
//! Multi-server flows ([`InstanceCopyFlow`], [`ImageCopyFlow`]) talk to two servers: each step says
//! which [`Side`] to send to, or which operation to wait on. On any failure the driver sends the
//! flow's [`InstanceCopyFlow::cleanup`] requests (best effort) so nothing is left waiting.

use crate::spec::Op;
use std::collections::BTreeMap;

use crate::api::Call;
use crate::error::{Error, Result};
use crate::models::{Image, Instance, Server};
use crate::operation::{self, Operation};
use crate::request::{check_instance_name, check_snapshot_name, encode_component, Body, Request, Scope};
use crate::response::{parse_async, parse_sync, parse_sync_or_async, Response};
use serde_json::{json, Map, Value};

// ------------------------------------------------------------------------------------------------
// multipart/form-data

/// Writes the framing of a `multipart/form-data` body whose parts' contents the transport streams
/// in between (so a split image upload never holds a file in memory). Layout:
/// `part_head(first) · content · part_head · content · tail()`.
#[derive(Debug, Clone)]
pub struct MultipartForm {
    boundary: String,
}

fn check_boundary(b: &str) -> Result<()> {
    let ok = !b.is_empty()
        && b.len() <= 70
        && b.bytes().all(|c| c.is_ascii_alphanumeric() || b"'()+_,-./:=?".contains(&c))
        && !b.ends_with(' ');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!("{b:?} is not a valid multipart boundary (1 to 70 letters, digits, '()+_,-./:=?)")))
    }
}

/// Escape a quoted-string parameter value as Go's mime/multipart does (`\` and `"`); CR and LF
/// cannot appear in a header and are replaced.
fn quote_param(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ")
}

/// Random bytes a boundary is made of ([`MultipartForm::from_random`]): 30, as Go's
/// `mime/multipart` uses, giving 240 bits and 60 hex digits.
pub const BOUNDARY_RANDOM_BYTES: usize = 30;

impl MultipartForm {
    /// A form with this boundary (the caller picks a random one: it must not occur in the parts).
    pub fn new(boundary: &str) -> Result<MultipartForm> {
        check_boundary(boundary)?;
        Ok(MultipartForm { boundary: boundary.to_string() })
    }
    /// A form whose boundary is `random` in lowercase hex (60 digits). The core has no RNG (it
    /// does no I/O): the caller supplies the bytes from the system's RNG, so that a file's
    /// contents cannot be crafted to contain the boundary.
    pub fn from_random(random: &[u8; BOUNDARY_RANDOM_BYTES]) -> MultipartForm {
        MultipartForm { boundary: random.iter().map(|b| format!("{b:02x}")).collect() }
    }
    /// The boundary.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }
    /// `multipart/form-data; boundary=...`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
    /// The bytes before a part's content (the CRLF ending the previous part when not `first`).
    pub fn part_head(&self, first: bool, name: &str, filename: &str) -> Vec<u8> {
        let lead = if first { "" } else { "\r\n" };
        format!(
            "{lead}--{}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            self.boundary,
            quote_param(name),
            quote_param(filename)
        )
        .into_bytes()
    }
    /// The bytes after the last part.
    pub fn tail(&self) -> Vec<u8> {
        format!("\r\n--{}--\r\n", self.boundary).into_bytes()
    }
}

/// The boundary of a `multipart/form-data` Content-Type (quoted or not).
pub fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    let media = parts.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") && !media.eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    for p in parts {
        let (k, v) = p.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("boundary") {
            let v = v.trim();
            let v = v.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(v);
            return check_boundary(v).ok().map(|_| v.to_string());
        }
    }
    None
}

/// What [`MultipartParser::feed`] reports, in order: `Begin`, any number of `Data`, `End`, per part.
#[derive(Debug, PartialEq, Eq)]
pub enum PartEvent<'a> {
    /// A part starts.
    Begin {
        /// Its form field name (`metadata`, `rootfs`, ...).
        name: String,
        /// Its file name, if given.
        filename: Option<String>,
    },
    /// Some of its content.
    Data(&'a [u8]),
    /// The part ended.
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MpState {
    Preamble,
    AfterDelimiter,
    Headers,
    Body,
    Done,
}

/// Longest header block of one part.
const MAX_PART_HEADERS: usize = 16 * 1024;

/// A streaming `multipart/form-data` parser: feed it the body in chunks of any size, it reports
/// parts as events and never holds more than a boundary's length of content (plus one part's
/// headers). Anything after the closing delimiter is ignored (LXD 5.0.2 writes the closing
/// delimiter twice).
#[derive(Debug, Clone)]
pub struct MultipartParser {
    delimiter: Vec<u8>,
    state: MpState,
    buf: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while from + needle.len() <= hay.len() {
        let i = from + hay[from..=hay.len() - needle.len()].iter().position(|&b| b == first)?;
        if &hay[i..i + needle.len()] == needle {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

fn disposition_params(value: &str) -> (Option<String>, Option<String>) {
    let (mut name, mut filename) = (None, None);
    // Split on ';' outside quotes.
    let mut params = Vec::new();
    let (mut cur, mut quoted, mut escaped) = (String::new(), false, false);
    for c in value.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ';' && !quoted {
            params.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    params.push(cur);
    for p in params.iter().skip(1) {
        if let Some((k, v)) = p.split_once('=') {
            match k.trim().to_ascii_lowercase().as_str() {
                "name" => name = Some(v.trim().to_string()),
                "filename" => filename = Some(v.trim().to_string()),
                _ => {}
            }
        }
    }
    (name, filename)
}

impl MultipartParser {
    /// A parser for this boundary (see [`multipart_boundary`]).
    pub fn new(boundary: &str) -> Result<MultipartParser> {
        check_boundary(boundary)?;
        // The first delimiter need not follow a CRLF: start as if one had been seen.
        Ok(MultipartParser { delimiter: format!("\r\n--{boundary}").into_bytes(), state: MpState::Preamble, buf: b"\r\n".to_vec() })
    }

    /// Whether the closing delimiter was seen.
    pub fn is_done(&self) -> bool {
        self.state == MpState::Done
    }

    /// Call at the end of the body: an error unless the closing delimiter was seen (truncated).
    pub fn finish(&self) -> Result<()> {
        if self.is_done() {
            Ok(())
        } else {
            Err(Error::protocol("multipart body ended before its closing boundary (truncated)"))
        }
    }

    /// Feed the next chunk; `sink` receives the events it completes (an error from it stops here).
    pub fn feed(&mut self, input: &[u8], sink: &mut dyn FnMut(PartEvent<'_>) -> Result<()>) -> Result<()> {
        if self.state == MpState::Done {
            return Ok(());
        }
        self.buf.extend_from_slice(input);
        let mut pos = 0;
        let result = self.run(&mut pos, sink);
        self.buf.drain(..pos);
        result
    }

    fn run(&mut self, pos: &mut usize, sink: &mut dyn FnMut(PartEvent<'_>) -> Result<()>) -> Result<()> {
        let dl = self.delimiter.len();
        loop {
            let avail = &self.buf[*pos..];
            match self.state {
                MpState::Done => {
                    *pos = self.buf.len();
                    return Ok(());
                }
                MpState::Preamble => match find(avail, &self.delimiter) {
                    Some(i) => {
                        *pos += i + dl;
                        self.state = MpState::AfterDelimiter;
                    }
                    None => {
                        *pos += avail.len().saturating_sub(dl - 1);
                        return Ok(());
                    }
                },
                MpState::AfterDelimiter => {
                    if avail.len() < 2 {
                        return Ok(());
                    }
                    if avail.starts_with(b"--") {
                        self.state = MpState::Done;
                        continue;
                    }
                    // Transport padding (spaces, tabs), then CRLF.
                    match find(avail, b"\r\n") {
                        Some(i) => {
                            if !avail[..i].iter().all(|b| *b == b' ' || *b == b'\t') {
                                return Err(Error::protocol("multipart delimiter followed by garbage"));
                            }
                            *pos += i + 2;
                            self.state = MpState::Headers;
                        }
                        None if avail.len() > 256 => return Err(Error::protocol("multipart delimiter line too long")),
                        None => return Ok(()),
                    }
                }
                MpState::Headers => {
                    let (block_len, consumed) = if avail.starts_with(b"\r\n") {
                        (0, 2)
                    } else {
                        match find(avail, b"\r\n\r\n") {
                            Some(i) => (i, i + 4),
                            None if avail.len() > MAX_PART_HEADERS => return Err(Error::protocol("multipart part headers too large")),
                            None => return Ok(()),
                        }
                    };
                    let block = String::from_utf8_lossy(&avail[..block_len]).into_owned();
                    let mut name = None;
                    let mut filename = None;
                    for line in block.split("\r\n") {
                        if let Some((k, v)) = line.split_once(':') {
                            if k.trim().eq_ignore_ascii_case("content-disposition") {
                                (name, filename) = disposition_params(v);
                            }
                        }
                    }
                    let name = name.ok_or_else(|| Error::protocol("multipart part without a form name"))?;
                    *pos += consumed;
                    self.state = MpState::Body;
                    sink(PartEvent::Begin { name, filename })?;
                }
                MpState::Body => match find(avail, &self.delimiter) {
                    Some(i) => {
                        if i > 0 {
                            sink(PartEvent::Data(&avail[..i]))?;
                        }
                        *pos += i + dl;
                        self.state = MpState::AfterDelimiter;
                        sink(PartEvent::End)?;
                    }
                    None => {
                        let safe = avail.len().saturating_sub(dl - 1);
                        if safe > 0 {
                            sink(PartEvent::Data(&avail[..safe]))?;
                        }
                        *pos += safe;
                        return Ok(());
                    }
                },
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Options given as JSON by the caller

fn parse_options(json: Option<&str>, what: &str) -> Result<Map<String, Value>> {
    match json {
        None => Ok(Map::new()),
        Some(text) if text.trim().is_empty() => Ok(Map::new()),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(_) => Err(Error::invalid(format!("{what} must be a JSON object"))),
            Err(e) => Err(Error::invalid(format!("{what} is not valid JSON: {e}"))),
        },
    }
}

fn take_bool(m: &mut Map<String, Value>, key: &str) -> Result<bool> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(b),
        Some(v) => Err(Error::invalid(format!("option {key:?} must be true or false, not {v}"))),
    }
}

fn take_string(m: &mut Map<String, Value>, key: &str) -> Result<Option<String>> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(Error::invalid(format!("option {key:?} must be a string, not {v}"))),
    }
}

/// An image alias to create: `{"name": ..., "description": ...}` or just `"name"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasSpec {
    /// Alias name.
    pub name: String,
    /// Description (may be empty).
    pub description: String,
}

fn parse_aliases(v: Option<Value>) -> Result<Vec<AliasSpec>> {
    let list = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(Error::invalid("option \"aliases\" must be an array")),
    };
    list.into_iter()
        .map(|a| {
            let spec = match a {
                Value::String(name) => AliasSpec { name, description: String::new() },
                Value::Object(mut o) => AliasSpec {
                    name: take_string(&mut o, "name")?.unwrap_or_default(),
                    description: take_string(&mut o, "description")?.unwrap_or_default(),
                },
                _ => return Err(Error::invalid("each alias must be a name or {\"name\", \"description\"}")),
            };
            crate::request::check_name("image alias", &spec.name)?;
            Ok(spec)
        })
        .collect()
}

fn aliases_json(aliases: &[AliasSpec]) -> Value {
    Value::Array(aliases.iter().map(|a| json!({ "name": a.name, "description": a.description })).collect())
}

// ------------------------------------------------------------------------------------------------
// Images: upload, export, secrets, copy, URL / simplestreams

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

/// Merge the caller's options object into a request body; keys we set ourselves win over theirs,
/// except inside `source`, where their extra keys are added (e.g. `image_type`).
fn merge_into(body: &mut Map<String, Value>, opts: Map<String, Value>, reserved: &[&str]) -> Result<()> {
    for (k, v) in opts {
        if reserved.contains(&k.as_str()) {
            return Err(Error::invalid(format!("option {k:?} is set by this call and cannot be given")));
        }
        if k == "source" {
            let Value::Object(extra) = v else {
                return Err(Error::invalid("option \"source\" must be an object"));
            };
            if let Some(Value::Object(src)) = body.get_mut("source") {
                for (sk, sv) in extra {
                    src.entry(sk).or_insert(sv);
                }
            }
            continue;
        }
        body.insert(k, v);
    }
    Ok(())
}

fn images_post(body: Map<String, Value>) -> Result<Call<Operation>> {
    Ok(Call::new(Request::post(&["images"]).scope(Scope::PROJECT).json(&Value::Object(body))?, parse_async))
}

fn check_url(url: &str, what: &str) -> Result<()> {
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

// ------------------------------------------------------------------------------------------------
// Instances: local copy, migration requests

/// Options of an instance copy or migration, from the caller's JSON. Control keys:
/// `instance_only` (leave snapshots behind), `live` (CRIU live migration), `source_url` (the
/// source's `https://host:port` as the target should reach it; default: the source client's URL,
/// else the first of the source's `environment.addresses`). Every other key overrides the
/// target's instance: `config` and `devices` merge key by key (a `null` value removes the key),
/// the rest (`profiles`, `ephemeral`, `description`, ...) replace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopyOptions {
    /// Copy without snapshots.
    pub instance_only: bool,
    /// Live migration (needs CRIU on both servers).
    pub live: bool,
    /// URL of the source as the target reaches it.
    pub source_url: Option<String>,
    /// Overrides of the target instance.
    pub overrides: Map<String, Value>,
}

impl CopyOptions {
    /// Parse the caller's JSON (NULL / empty: defaults).
    pub fn from_json(json: Option<&str>) -> Result<CopyOptions> {
        let mut m = parse_options(json, "copy options")?;
        let instance_only = take_bool(&mut m, "instance_only")?;
        let live = take_bool(&mut m, "live")?;
        let source_url = take_string(&mut m, "source_url")?;
        if let Some(u) = &source_url {
            if !u.starts_with("https://") {
                return Err(Error::invalid(format!("source_url {u:?} must start with https://")));
            }
        }
        for reserved in ["name", "source", "type"] {
            if m.contains_key(reserved) {
                return Err(Error::invalid(format!("option {reserved:?} is set by this call and cannot be given")));
            }
        }
        for k in ["config", "devices"] {
            if m.get(k).is_some_and(|v| !v.is_object()) {
                return Err(Error::invalid(format!("option {k:?} must be an object")));
            }
        }
        Ok(CopyOptions { instance_only, live, source_url, overrides: m })
    }

    fn apply(&self, body: &mut Map<String, Value>) {
        for (k, v) in &self.overrides {
            if k == "config" || k == "devices" {
                let entry = body.entry(k.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                if let (Value::Object(dst), Value::Object(src)) = (entry, v) {
                    for (ik, iv) in src {
                        if iv.is_null() {
                            dst.remove(ik);
                        } else {
                            dst.insert(ik.clone(), iv.clone());
                        }
                    }
                }
            } else {
                body.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Split `"instance"` or `"instance/snapshot"` and check both names.
fn check_copy_source(source: &str) -> Result<()> {
    match source.split_once('/') {
        Some((inst, snap)) => {
            check_instance_name(inst)?;
            check_snapshot_name(snap)
        }
        None => check_instance_name(source),
    }
}

/// `GET` the source of a local copy: `/1.0/instances/<name>`, or
/// `/1.0/instances/<name>/snapshots/<snapshot>` for `"name/snapshot"`. Its reply (parsed as an
/// [`Instance`]: a snapshot has the same writable fields) feeds [`copy_local`].
pub fn copy_local_source(source: &str) -> Result<Request> {
    check_copy_source(source)?;
    Ok(match source.split_once('/') {
        Some((inst, snap)) => Request::get(&["instances", inst, "snapshots", snap]).scope(Op::InstanceSnapshotGet.scope()),
        None => Request::get(&["instances", source]).scope(Op::InstanceGet.scope()),
    })
}

/// `POST /1.0/instances` with `source: {type: copy, source: <name or name/snapshot>}`: copy within
/// one server, as LXD's own client does: the body carries the source's writable fields (LXD 5.0.2
/// needs at least the profiles, or the copy has no root disk) minus its `volatile.*` state, with
/// the options' overrides. LXD fills in source config keys the request does not set. Snapshots come
/// along unless `instance_only`.
pub fn copy_local(source: &str, target: &str, opts: &CopyOptions, source_instance: &Instance) -> Result<Call<Operation>> {
    check_copy_source(source)?;
    if opts.live {
        return Err(Error::invalid("live does not apply to a copy within one server"));
    }
    let mut body = writable_body(target, source_instance, false)?;
    opts.apply(&mut body);
    body.insert("source".into(), json!({ "type": "copy", "source": source, "instance_only": opts.instance_only, "container_only": opts.instance_only }));
    Ok(Call::new(Request::post(&["instances"]).scope(Scope::BOTH).json(&Value::Object(body))?, parse_async))
}

/// The writable fields of an instance as the body of a new one named `name`.
fn writable_body(name: &str, inst: &Instance, keep_volatile: bool) -> Result<Map<String, Value>> {
    check_instance_name(name)?;
    let config: Map<String, Value> = inst
        .config
        .iter()
        .filter(|(k, _)| keep_volatile || !k.starts_with("volatile."))
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    let mut body = Map::new();
    body.insert("name".into(), Value::from(name));
    if !inst.architecture.is_empty() {
        body.insert("architecture".into(), Value::from(inst.architecture.as_str()));
    }
    body.insert("config".into(), Value::Object(config));
    body.insert("devices".into(), serde_json::to_value(&inst.devices).map_err(|e| Error::protocol(e.to_string()))?);
    body.insert("ephemeral".into(), Value::from(inst.ephemeral));
    body.insert("profiles".into(), serde_json::to_value(&inst.profiles).map_err(|e| Error::protocol(e.to_string()))?);
    body.insert("description".into(), Value::from(inst.description.as_str()));
    if !inst.kind.is_empty() {
        body.insert("type".into(), Value::from(inst.kind.as_str()));
    }
    Ok(body)
}

/// The source's request of a pull-mode migration: `POST /1.0/instances/<name>` with
/// `{migration: true, live, instance_only}`. The operation's metadata holds the websocket secrets
/// (`control`, `fs`, and `criu` when live) that the target uses ([`migration_secrets`]).
pub fn migration_source(instance: &str, live: bool, instance_only: bool) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    let body = json!({ "migration": true, "live": live, "instance_only": instance_only, "container_only": instance_only });
    Ok(Call::new(Request::post(&["instances", instance]).scope(Op::InstancePost.scope()).json(&body)?, parse_async))
}

/// The websocket secrets of a migration source operation (every string in its metadata; `control`
/// and `fs` must be there).
pub fn migration_secrets(op: &Operation) -> Result<Map<String, Value>> {
    let meta = op.metadata.as_object().ok_or_else(|| Error::protocol("migration operation without metadata"))?;
    let secrets: Map<String, Value> = meta.iter().filter(|(_, v)| v.is_string()).map(|(k, v)| (k.clone(), v.clone())).collect();
    for k in ["control", "fs"] {
        if !secrets.contains_key(k) {
            return Err(Error::protocol(format!("migration operation metadata lacks the {k:?} secret")));
        }
    }
    Ok(secrets)
}

/// How the target server reaches the source: its URLs and its own certificate (PEM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceServer {
    /// `https://host:port` candidates, preferred first.
    pub urls: Vec<String>,
    /// The source server's certificate, PEM (the target pins it).
    pub certificate: String,
}

impl SourceServer {
    /// From the source's `GET /1.0` (trusted view: `environment.addresses`, `.certificate`),
    /// preferring `preferred_url` (an explicit override or the URL the client itself uses).
    pub fn from_server(server: &Server, preferred_url: Option<&str>) -> Result<SourceServer> {
        let certificate = server
            .environment
            .get("certificate")
            .and_then(Value::as_str)
            .filter(|c| c.contains("BEGIN CERTIFICATE"))
            .ok_or_else(|| Error::protocol("source server did not report its certificate (is this client trusted?)"))?
            .to_string();
        let mut urls: Vec<String> = preferred_url.map(|u| u.trim_end_matches('/').to_string()).into_iter().collect();
        if let Some(Value::Array(addrs)) = server.environment.get("addresses") {
            for a in addrs.iter().filter_map(Value::as_str).filter(|a| !a.is_empty()) {
                let u = format!("https://{a}");
                if !urls.contains(&u) {
                    urls.push(u);
                }
            }
        }
        if urls.is_empty() {
            return Err(Error::invalid("the source server does not listen on the network (core.https_address is unset) and no source_url was given"));
        }
        Ok(SourceServer { urls, certificate })
    }
}

/// The body of the target's `POST /1.0/instances` of a pull-mode migration, from the source
/// instance. A copy drops the source's `volatile.*` keys (new MAC addresses, ids), as `lxc copy`
/// does; a move keeps them.
pub fn migration_target_body(target_name: &str, inst: &Instance, operation_url: &str, certificate: &str, secrets: &Map<String, Value>, opts: &CopyOptions, keep_volatile: bool) -> Result<Value> {
    let base_image = inst.config.get("volatile.base_image").cloned().unwrap_or_default();
    let mut body = writable_body(target_name, inst, keep_volatile)?;
    body.insert("stateful".into(), Value::from(opts.live && inst.stateful));
    opts.apply(&mut body);
    let mut source = json!({
        "type": "migration",
        "mode": "pull",
        "operation": operation_url,
        "certificate": certificate,
        "secrets": secrets,
        "live": opts.live,
        "instance_only": opts.instance_only,
        "container_only": opts.instance_only,
    });
    if !base_image.is_empty() {
        source["base-image"] = Value::from(base_image);
    }
    body.insert("source".into(), source);
    Ok(Value::Object(body))
}

// ------------------------------------------------------------------------------------------------
// Two-server flows

/// Which server a flow step talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The server the instance or image comes from.
    Source,
    /// The server it goes to.
    Target,
}

/// What a two-server flow wants next.
#[derive(Debug, Clone, PartialEq)]
pub enum FlowStep {
    /// Send this request to that server and feed the reply to `on_response`.
    Send(Side, Request),
    /// Wait for this operation on that server to succeed, then call `on_waited` with it.
    Wait(Side, String),
    /// Finished; the value is the result's name (the target instance, the image fingerprint).
    Done(String),
}

/// The interface of the two-server flows, so one driver runs them all: call `start`, then feed
/// each `Send`'s reply to `on_response` and each waited operation to `on_waited`, until `Done`; on
/// any error (from the flow, the transport or a failed operation) send `cleanup`'s requests.
pub trait TwoServerFlow {
    /// The first step.
    fn start(&self) -> FlowStep;
    /// Feed the reply to the last `Send`.
    fn on_response(&mut self, resp: &Response) -> Result<FlowStep>;
    /// Feed the operation the last `Wait` waited for (it succeeded).
    fn on_waited(&mut self, op: &Operation) -> Result<FlowStep>;
    /// Best-effort requests to send after a failure.
    fn cleanup(&self) -> Vec<(Side, Request)>;
}

macro_rules! two_server_flow {
    ($t:ty) => {
        impl TwoServerFlow for $t {
            fn start(&self) -> FlowStep {
                <$t>::start(self)
            }
            fn on_response(&mut self, resp: &Response) -> Result<FlowStep> {
                <$t>::on_response(self, resp)
            }
            fn on_waited(&mut self, op: &Operation) -> Result<FlowStep> {
                <$t>::on_waited(self, op)
            }
            fn cleanup(&self) -> Vec<(Side, Request)> {
                <$t>::cleanup(self)
            }
        }
    };
}
two_server_flow!(InstanceCopyFlow);
two_server_flow!(ImageCopyFlow);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyState {
    AwaitServer,
    AwaitInstance,
    AwaitSourceOp,
    AwaitTargetOp,
    WaitTarget,
    WaitSource,
    AwaitDelete,
    WaitDelete,
    Finished,
}

/// Copy (or move) an instance to another server in pull mode, as LXD's own client does:
/// 1. source `GET /1.0` (its addresses and certificate);
/// 2. source `GET /1.0/instances/<name>`;
/// 3. source `POST /1.0/instances/<name> {migration: true}` → operation with secrets;
/// 4. target `POST /1.0/instances {source: {type: migration, mode: pull, operation: <source op
///    URL>, certificate, secrets}}`;
/// 5. wait for the target's operation, then the source's;
/// 6. for a move, delete the source (snapshots go with it).
#[derive(Debug, Clone)]
pub struct InstanceCopyFlow {
    name: String,
    target_name: String,
    opts: CopyOptions,
    remove_source: bool,
    client_url: Option<String>,
    state: CopyState,
    server: Option<SourceServer>,
    instance: Option<Instance>,
    source_op: Option<String>,
    source_done: bool,
}

impl InstanceCopyFlow {
    /// A copy (`remove_source` false) or a move (true) of `name` to `target_name` on the target.
    /// `client_url` is the HTTPS URL the source client uses, if any (the target tries it first).
    pub fn new(name: &str, target_name: &str, opts: CopyOptions, remove_source: bool, client_url: Option<&str>) -> Result<InstanceCopyFlow> {
        check_instance_name(name)?;
        check_instance_name(target_name)?;
        Ok(InstanceCopyFlow {
            name: name.into(),
            target_name: target_name.into(),
            opts,
            remove_source,
            client_url: client_url.map(str::to_string),
            state: CopyState::AwaitServer,
            server: None,
            instance: None,
            source_op: None,
            source_done: false,
        })
    }

    /// The first step.
    pub fn start(&self) -> FlowStep {
        FlowStep::Send(Side::Source, Request::get(&[]).scope(Scope::BOTH))
    }

    /// Feed the reply to the last `Send`.
    pub fn on_response(&mut self, resp: &Response) -> Result<FlowStep> {
        match self.state {
            CopyState::AwaitServer => {
                let server: Server = parse_sync(resp)?;
                let preferred = self.opts.source_url.clone().or_else(|| self.client_url.clone());
                self.server = Some(SourceServer::from_server(&server, preferred.as_deref())?);
                self.state = CopyState::AwaitInstance;
                Ok(FlowStep::Send(Side::Source, Request::get(&["instances", &self.name]).scope(Op::InstanceGet.scope())))
            }
            CopyState::AwaitInstance => {
                let inst: Instance = parse_sync(resp)?;
                if self.remove_source && inst.status_code == operation::status::RUNNING && !self.opts.live {
                    return Err(Error::invalid(format!("instance {:?} is running: stop it before moving it (or use live migration)", self.name)));
                }
                self.instance = Some(inst);
                self.state = CopyState::AwaitSourceOp;
                Ok(FlowStep::Send(Side::Source, migration_source(&self.name, self.opts.live, self.opts.instance_only)?.request))
            }
            CopyState::AwaitSourceOp => {
                let op = parse_async(resp)?;
                self.source_op = Some(op.id.clone());
                let secrets = migration_secrets(&op)?;
                let server = self.server.as_ref().ok_or_else(|| Error::protocol("flow out of order"))?;
                let inst = self.instance.as_ref().ok_or_else(|| Error::protocol("flow out of order"))?;
                let url = format!("{}/1.0/operations/{}", server.urls[0], encode_component(&op.id));
                let body = migration_target_body(&self.target_name, inst, &url, &server.certificate, &secrets, &self.opts, self.remove_source)?;
                self.state = CopyState::AwaitTargetOp;
                Ok(FlowStep::Send(Side::Target, Request::post(&["instances"]).scope(Scope::BOTH).json(&body)?))
            }
            CopyState::AwaitTargetOp => {
                let op = parse_async(resp)?;
                self.state = CopyState::WaitTarget;
                Ok(FlowStep::Wait(Side::Target, op.id))
            }
            CopyState::AwaitDelete => match parse_sync_or_async(resp)? {
                Some(op) => {
                    self.state = CopyState::WaitDelete;
                    Ok(FlowStep::Wait(Side::Source, op.id))
                }
                None => self.finish(),
            },
            _ => Err(Error::protocol("copy flow got a reply it did not ask for")),
        }
    }

    /// Feed the operation a `Wait` step waited for (successfully).
    pub fn on_waited(&mut self, _op: &Operation) -> Result<FlowStep> {
        match self.state {
            CopyState::WaitTarget => {
                self.state = CopyState::WaitSource;
                let id = self.source_op.clone().ok_or_else(|| Error::protocol("flow out of order"))?;
                Ok(FlowStep::Wait(Side::Source, id))
            }
            CopyState::WaitSource => {
                self.source_done = true;
                if self.remove_source {
                    self.state = CopyState::AwaitDelete;
                    Ok(FlowStep::Send(Side::Source, Request::delete(&["instances", &self.name]).scope(Op::InstanceDelete.scope())))
                } else {
                    self.finish()
                }
            }
            CopyState::WaitDelete => self.finish(),
            _ => Err(Error::protocol("copy flow got an operation it did not wait for")),
        }
    }

    fn finish(&mut self) -> Result<FlowStep> {
        self.state = CopyState::Finished;
        Ok(FlowStep::Done(self.target_name.clone()))
    }

    /// Best-effort requests to send after a failure: cancel the source's migration operation if it
    /// is still waiting for a target that will never come.
    pub fn cleanup(&self) -> Vec<(Side, Request)> {
        match (&self.source_op, self.source_done) {
            (Some(id), false) => operation::cancel(id).map(|r| vec![(Side::Source, r)]).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImageCopyState {
    AwaitServer,
    AwaitImage,
    AwaitSecret,
    AwaitTargetOp,
    WaitTarget,
    Finished,
}

/// Copy an image to another server, as LXD's own client does: 1. source `GET /1.0`, 2. source
/// `GET /1.0/images/<fp>` (the full fingerprint), 3. source `POST /1.0/images/<fp>/secret`,
/// 4. target `POST /1.0/images {source: {type: image, mode: pull, server, certificate, secret,
/// fingerprint}}`, 5. wait for the target's operation. The target downloads from the source over
/// HTTPS with the one-time secret: it need not be trusted by the source.
#[derive(Debug, Clone)]
pub struct ImageCopyFlow {
    fingerprint: String,
    options: Map<String, Value>,
    source_url: Option<String>,
    state: ImageCopyState,
    server: Option<SourceServer>,
    full_fingerprint: Option<String>,
    secret_op: Option<String>,
    done: bool,
}

impl ImageCopyFlow {
    /// Copy `fingerprint` (or a unique prefix). `options_json` may hold `public`, `auto_update`,
    /// `aliases` for the target, and `source_url` (the source as the target reaches it).
    /// `client_url` is the HTTPS URL the source client uses, if any.
    pub fn new(fingerprint: &str, options_json: Option<&str>, client_url: Option<&str>) -> Result<ImageCopyFlow> {
        crate::api::images::check_fingerprint(fingerprint)?;
        let mut options = parse_options(options_json, "image copy options")?;
        let source_url = take_string(&mut options, "source_url")?.or_else(|| client_url.map(str::to_string));
        if options.contains_key("source") {
            return Err(Error::invalid("option \"source\" is set by this call and cannot be given"));
        }
        if let Some(a) = options.get("aliases").cloned() {
            options.insert("aliases".into(), aliases_json(&parse_aliases(Some(a))?));
        }
        Ok(ImageCopyFlow { fingerprint: fingerprint.into(), options, source_url, state: ImageCopyState::AwaitServer, server: None, full_fingerprint: None, secret_op: None, done: false })
    }

    /// The first step.
    pub fn start(&self) -> FlowStep {
        FlowStep::Send(Side::Source, Request::get(&[]).scope(Scope::BOTH))
    }

    /// Feed the reply to the last `Send`.
    pub fn on_response(&mut self, resp: &Response) -> Result<FlowStep> {
        match self.state {
            ImageCopyState::AwaitServer => {
                let server: Server = parse_sync(resp)?;
                self.server = Some(SourceServer::from_server(&server, self.source_url.as_deref())?);
                self.state = ImageCopyState::AwaitImage;
                Ok(FlowStep::Send(Side::Source, Request::get(&["images", &self.fingerprint]).scope(Scope::PROJECT)))
            }
            ImageCopyState::AwaitImage => {
                let image: Image = parse_sync(resp)?;
                crate::api::images::check_fingerprint(&image.fingerprint).map_err(|_| Error::protocol("image without a fingerprint"))?;
                self.state = ImageCopyState::AwaitSecret;
                let req = image_secret(&image.fingerprint)?.request;
                self.full_fingerprint = Some(image.fingerprint);
                Ok(FlowStep::Send(Side::Source, req))
            }
            ImageCopyState::AwaitSecret => {
                let op = parse_async(resp)?;
                self.secret_op = Some(op.id.clone());
                let secret = image_secret_value(&op)?;
                let server = self.server.as_ref().ok_or_else(|| Error::protocol("flow out of order"))?;
                let fp = self.full_fingerprint.as_deref().ok_or_else(|| Error::protocol("flow out of order"))?;
                let call = image_copy_target(fp, &server.urls[0], &server.certificate, &secret, self.options.clone())?;
                self.state = ImageCopyState::AwaitTargetOp;
                Ok(FlowStep::Send(Side::Target, call.request))
            }
            ImageCopyState::AwaitTargetOp => {
                let op = parse_async(resp)?;
                self.state = ImageCopyState::WaitTarget;
                Ok(FlowStep::Wait(Side::Target, op.id))
            }
            _ => Err(Error::protocol("image copy flow got a reply it did not ask for")),
        }
    }

    /// Feed the operation a `Wait` step waited for (successfully).
    pub fn on_waited(&mut self, op: &Operation) -> Result<FlowStep> {
        if self.state != ImageCopyState::WaitTarget {
            return Err(Error::protocol("image copy flow got an operation it did not wait for"));
        }
        self.state = ImageCopyState::Finished;
        self.done = true;
        let fp = match image_fingerprint(op) {
            Ok(fp) => fp,
            Err(_) => self.full_fingerprint.clone().ok_or_else(|| Error::protocol("flow out of order"))?,
        };
        Ok(FlowStep::Done(fp))
    }

    /// Best-effort requests after a failure: revoke the unused secret.
    pub fn cleanup(&self) -> Vec<(Side, Request)> {
        match (&self.secret_op, self.done) {
            (Some(id), false) => operation::cancel(id).map(|r| vec![(Side::Source, r)]).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sync(meta: Value) -> Response {
        Response::new(200, vec![], serde_json::to_vec(&json!({"type":"sync","status_code":200,"metadata":meta})).unwrap())
    }
    fn async_op(id: &str, meta: Value) -> Response {
        Response::new(202, vec![], serde_json::to_vec(&json!({"type":"async","status_code":100,"operation":format!("/1.0/operations/{id}"),"metadata":{"id":id,"status_code":103,"metadata":meta}})).unwrap())
    }
    fn body(r: &Request) -> Value {
        serde_json::from_slice(r.body_bytes()).unwrap()
    }
    const PEM: &str = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";

    type Part = (String, Option<String>, Vec<u8>);

    fn collect(p: &mut MultipartParser, chunks: &[&[u8]]) -> Result<Vec<Part>> {
        let mut parts: Vec<Part> = Vec::new();
        let mut open = false;
        for c in chunks {
            p.feed(c, &mut |ev| {
                match ev {
                    PartEvent::Begin { name, filename } => {
                        assert!(!open);
                        open = true;
                        parts.push((name, filename, Vec::new()));
                    }
                    PartEvent::Data(d) => parts.last_mut().unwrap().2.extend_from_slice(d),
                    PartEvent::End => {
                        assert!(open);
                        open = false;
                    }
                }
                Ok(())
            })?;
        }
        p.finish()?;
        Ok(parts)
    }

    #[test]
    fn multipart_round_trip_any_chunking() {
        let form = MultipartForm::new("b0undary-123").unwrap();
        assert_eq!(form.content_type(), "multipart/form-data; boundary=b0undary-123");
        let meta: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        // Content that nearly contains the delimiter, to exercise the hold-back logic.
        let rootfs = b"\r\n--b0undary-12\r\n--b0undary-1 x\r\r\n-".to_vec();
        let mut wire = b"preamble ignored".to_vec();
        wire.extend(b"\r\n");
        wire.extend(form.part_head(true, "metadata", "meta \"x\".tar.xz"));
        wire.extend(&meta);
        wire.extend(form.part_head(false, "rootfs", "rootfs.tar.gz"));
        wire.extend(&rootfs);
        wire.extend(form.tail());
        wire.extend(b"\r\n--b0undary-123--\r\n garbage after the end");
        for chunk in [1usize, 2, 3, 7, 13, 64, 4096, wire.len()] {
            let chunks: Vec<&[u8]> = wire.chunks(chunk).collect();
            let mut p = MultipartParser::new(&multipart_boundary(&form.content_type()).unwrap()).unwrap();
            let parts = collect(&mut p, &chunks).unwrap();
            assert_eq!(parts.len(), 2, "chunk {chunk}");
            assert_eq!(parts[0].0, "metadata");
            assert_eq!(parts[0].1.as_deref(), Some("meta \"x\".tar.xz"));
            assert_eq!(parts[0].2, meta);
            assert_eq!((parts[1].0.as_str(), parts[1].2.as_slice()), ("rootfs", rootfs.as_slice()));
        }
    }

    #[test]
    fn multipart_lxd_wire_format_and_errors() {
        // As LXD 5.0.2 sends it (closing delimiter twice).
        let wire = b"--abc\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"meta-1.tar.xz\"\r\nContent-Type: application/octet-stream\r\n\r\nMETA\r\n--abc\r\nContent-Disposition: form-data; name=\"rootfs\"; filename=\"rootfs-1.tar.gz\"\r\n\r\nROOT\r\n--abc--\r\n\r\n--abc--\r\n";
        let mut p = MultipartParser::new("abc").unwrap();
        let parts = collect(&mut p, &[wire]).unwrap();
        assert_eq!(parts.iter().map(|p| (p.0.as_str(), p.2.as_slice())).collect::<Vec<_>>(), vec![("metadata", &b"META"[..]), ("rootfs", &b"ROOT"[..])]);
        // Truncated.
        let mut p = MultipartParser::new("abc").unwrap();
        assert!(collect(&mut p, &[&wire[..wire.len() - 30]]).is_err());
        // A part without a name.
        let mut p = MultipartParser::new("abc").unwrap();
        assert!(matches!(collect(&mut p, &[b"--abc\r\nContent-Type: x\r\n\r\nA\r\n--abc--"]), Err(Error::Protocol(_))));
        // Endless headers.
        let mut p = MultipartParser::new("abc").unwrap();
        let mut big = b"--abc\r\nX: ".to_vec();
        big.extend(vec![b'a'; 20000]);
        assert!(collect(&mut p, &[&big]).is_err());
        assert!(MultipartParser::new("").is_err());
        assert!(MultipartParser::new("bad boundary\n").is_err());
        let f = MultipartForm::from_random(&[0xab; BOUNDARY_RANDOM_BYTES]);
        assert_eq!(f.boundary(), "ab".repeat(30));
        assert!(check_boundary(f.boundary()).is_ok());
        assert_eq!(multipart_boundary(&f.content_type()).as_deref(), Some(f.boundary()));
        assert_eq!(multipart_boundary("multipart/form-data; boundary=\"q-1\""), Some("q-1".into()));
        assert_eq!(multipart_boundary("application/octet-stream"), None);
    }

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

    #[test]
    fn copy_options_and_local_copy() {
        let o = CopyOptions::from_json(Some(r#"{"instance_only":true,"config":{"limits.cpu":"1","user.x":null},"profiles":["default"]}"#)).unwrap();
        assert!(o.instance_only && !o.live);
        let src: Instance = serde_json::from_value(crate::models::full_instance(json!({"name":"c1","architecture":"x86_64","profiles":["default"],"devices":{"d":{"type":"none"}},
            "config":{"user.x":"1","user.keep":"k","volatile.eth0.hwaddr":"m"},"type":"container","description":"src"}))).unwrap();
        let c = copy_local("c1", "c2", &o, &src).unwrap();
        assert_eq!((c.request.method.as_str(), c.request.path.as_str()), ("POST", "/1.0/instances"));
        assert_eq!(
            body(&c.request),
            json!({"name":"c2","architecture":"x86_64","config":{"user.keep":"k","limits.cpu":"1"},"devices":{"d":{"type":"none"}},"ephemeral":false,
                "profiles":["default"],"description":"src","type":"container",
                "source":{"type":"copy","source":"c1","instance_only":true,"container_only":true}})
        );
        assert_eq!(copy_local_source("c1").unwrap().path, "/1.0/instances/c1");
        assert!(copy_local_source("c1/snap 0").is_err());
        assert_eq!(copy_local_source("c1/snap.0").unwrap().path, "/1.0/instances/c1/snapshots/snap.0");
        let snap = copy_local("c1/snap0", "c3", &CopyOptions::default(), &src).unwrap();
        assert_eq!(body(&snap.request)["source"]["source"], "c1/snap0");
        assert!(copy_local("c1/a b", "c3", &CopyOptions::default(), &src).is_err());
        assert!(copy_local("c1", "c_3", &CopyOptions::default(), &src).is_err());
        assert!(copy_local("c1", "c3", &CopyOptions { live: true, ..Default::default() }, &src).is_err());
        for bad in [r#"{"name":"x"}"#, r#"{"source":{}}"#, r#"{"live":"no"}"#, r#"{"source_url":"http://x"}"#, r#"{"config":[]}"#] {
            assert!(CopyOptions::from_json(Some(bad)).is_err(), "{bad}");
        }
        let m = migration_source("c1", false, false).unwrap();
        assert_eq!((m.request.method.as_str(), m.request.path.as_str()), ("POST", "/1.0/instances/c1"));
        assert_eq!(body(&m.request), json!({"migration":true,"live":false,"instance_only":false,"container_only":false}));
    }

    fn server_json(addresses: Value) -> Value {
        crate::models::full_server(json!({"auth":"trusted","environment":{"addresses":addresses,"certificate":PEM}}))
    }

    #[test]
    fn instance_copy_flow() {
        let mut f = InstanceCopyFlow::new("c1", "c1b", CopyOptions::from_json(Some(r#"{"config":{"user.new":"1"}}"#)).unwrap(), false, None).unwrap();
        assert_eq!(f.start(), FlowStep::Send(Side::Source, Request::get(&[]).scope(Scope::BOTH)));
        let FlowStep::Send(Side::Source, r) = f.on_response(&sync(server_json(json!(["127.0.0.1:8443"])))).unwrap() else { panic!() };
        assert_eq!(r.path, "/1.0/instances/c1");
        let inst = crate::models::full_instance(json!({"name":"c1","architecture":"x86_64","status_code":102,"type":"container","profiles":["default"],"devices":{},
            "config":{"volatile.base_image":"abc","volatile.eth0.hwaddr":"00:16:3e:00:00:01","user.a":"b"},"ephemeral":false,"stateful":false,"description":"d"}));
        let FlowStep::Send(Side::Source, r) = f.on_response(&sync(inst.clone())).unwrap() else { panic!() };
        assert_eq!(body(&r), json!({"migration":true,"live":false,"instance_only":false,"container_only":false}));
        assert!(f.cleanup().is_empty());
        let FlowStep::Send(Side::Target, r) = f.on_response(&async_op("op-1", json!({"control":"c","fs":"f"}))).unwrap() else { panic!() };
        assert_eq!(f.cleanup(), vec![(Side::Source, operation::cancel("op-1").unwrap())]);
        assert_eq!(r.path, "/1.0/instances");
        assert_eq!(
            body(&r),
            json!({"name":"c1b","architecture":"x86_64","config":{"user.a":"b","user.new":"1"},"devices":{},"ephemeral":false,"profiles":["default"],"stateful":false,"description":"d","type":"container",
                "source":{"type":"migration","mode":"pull","operation":"https://127.0.0.1:8443/1.0/operations/op-1","certificate":PEM,"secrets":{"control":"c","fs":"f"},
                    "live":false,"instance_only":false,"container_only":false,"base-image":"abc"}})
        );
        assert_eq!(f.on_response(&async_op("op-2", Value::Null)).unwrap(), FlowStep::Wait(Side::Target, "op-2".into()));
        assert_eq!(f.on_waited(&Operation::default()).unwrap(), FlowStep::Wait(Side::Source, "op-1".into()));
        assert_eq!(f.on_waited(&Operation::default()).unwrap(), FlowStep::Done("c1b".into()));
        assert!(f.cleanup().is_empty());
    }

    #[test]
    fn instance_move_flow() {
        let mut f = InstanceCopyFlow::new("c1", "c1", CopyOptions::from_json(Some(r#"{"source_url":"https://10.0.0.1:9999"}"#)).unwrap(), true, Some("https://ignored:1")).unwrap();
        f.on_response(&sync(server_json(json!([])))).unwrap();
        let running = crate::models::full_instance(json!({"name":"c1","status_code":103,"config":{}}));
        let mut g = f.clone();
        assert!(matches!(g.on_response(&sync(running)), Err(Error::InvalidArgument(_))));
        let stopped = crate::models::full_instance(json!({"name":"c1","status_code":102,"config":{"volatile.eth0.hwaddr":"x"}}));
        f.on_response(&sync(stopped)).unwrap();
        let FlowStep::Send(Side::Target, r) = f.on_response(&async_op("s", json!({"control":"c","fs":"f","criu":"k"}))).unwrap() else { panic!() };
        let b = body(&r);
        assert_eq!(b["source"]["operation"], "https://10.0.0.1:9999/1.0/operations/s");
        assert_eq!(b["source"]["secrets"], json!({"control":"c","fs":"f","criu":"k"}));
        assert_eq!(b["config"], json!({"volatile.eth0.hwaddr":"x"}), "a move keeps volatile keys");
        f.on_response(&async_op("t", Value::Null)).unwrap();
        f.on_waited(&Operation::default()).unwrap();
        let FlowStep::Send(Side::Source, del) = f.on_waited(&Operation::default()).unwrap() else { panic!() };
        assert_eq!((del.method.as_str(), del.path.as_str()), ("DELETE", "/1.0/instances/c1"));
        assert_eq!(f.on_response(&async_op("d", Value::Null)).unwrap(), FlowStep::Wait(Side::Source, "d".into()));
        assert_eq!(f.on_waited(&Operation::default()).unwrap(), FlowStep::Done("c1".into()));
        // Errors: no address and no URL; missing secrets; untrusted view without certificate.
        let mut h = InstanceCopyFlow::new("c1", "c2", CopyOptions::default(), false, None).unwrap();
        assert!(h.on_response(&sync(server_json(json!([])))).is_err());
        let mut h = InstanceCopyFlow::new("c1", "c2", CopyOptions::default(), false, None).unwrap();
        assert!(h.on_response(&sync(crate::models::full_server(json!({"environment":{"addresses":["1.2.3.4:8443"]}})))).is_err());
        assert!(migration_secrets(&Operation { metadata: json!({"control":"c"}), ..Default::default() }).is_err());
    }

    #[test]
    fn image_copy_flow() {
        let mut f = ImageCopyFlow::new("abc", Some(r#"{"aliases":["copied"],"public":true}"#), None).unwrap();
        assert!(matches!(f.start(), FlowStep::Send(Side::Source, _)));
        let FlowStep::Send(Side::Source, r) = f.on_response(&sync(server_json(json!(["127.0.0.1:1234"])))).unwrap() else { panic!() };
        assert_eq!(r.path, "/1.0/images/abc");
        let fp = "abc".to_string() + &"0".repeat(61);
        let FlowStep::Send(Side::Source, r) = f.on_response(&sync(crate::models::full_image(json!({"fingerprint":fp})))).unwrap() else { panic!() };
        assert_eq!(r.path, format!("/1.0/images/{fp}/secret"));
        let FlowStep::Send(Side::Target, r) = f.on_response(&async_op("sec", json!({"secret":"S"}))).unwrap() else { panic!() };
        assert_eq!(f.cleanup(), vec![(Side::Source, operation::cancel("sec").unwrap())]);
        assert_eq!(
            body(&r),
            json!({"source":{"type":"image","mode":"pull","protocol":"lxd","server":"https://127.0.0.1:1234","certificate":PEM,"secret":"S","fingerprint":fp},
                "aliases":[{"name":"copied","description":""}],"public":true})
        );
        assert_eq!(f.on_response(&async_op("dl", Value::Null)).unwrap(), FlowStep::Wait(Side::Target, "dl".into()));
        let done = Operation { metadata: json!({"fingerprint": fp}), ..Default::default() };
        assert_eq!(f.on_waited(&done).unwrap(), FlowStep::Done(fp.clone()));
        assert!(f.cleanup().is_empty());
        assert!(ImageCopyFlow::new("xyz", None, None).is_err());
        assert!(ImageCopyFlow::new("abc", Some(r#"{"source":{}}"#), None).is_err());
    }
}
