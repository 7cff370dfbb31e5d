//! Instance files (`/1.0/instances/<name>/files?path=...`): request builders, header parsing and
//! the path rules of recursive transfers. The bytes themselves never pass through here: uploads
//! are [`Body::Stream`] requests whose body the transport streams from the caller's source, and
//! downloads are parsed from their headers alone while the transport streams the body to a sink.
//!
//! LXD facts this module encodes (see PROTOCOL-NOTES "Files"):
//! - the path is a query parameter, so it is percent-encoded like any query value;
//! - `X-LXD-mode` is parsed by LXD with base detection: it is sent as octal with a leading 0;
//! - uploads must say `Content-Type: application/octet-stream`: with a form content type LXD's
//!   `FormValue("path")` would consume the body as a form and write an empty file;
//! - a GET answers raw bytes for a file and symlink (its target), a JSON listing for a directory:
//!   `X-LXD-type` tells which, never the body.

use crate::api::Call;
use crate::error::{Error, Result};
use crate::flavour::reply_header;
use crate::request::{check_instance_name, Body, Method, Request, Scope};
use crate::response::{parse_empty, parse_envelope, parse_sync, Response};

/// Content type of every upload (see the module docs for why it matters).
pub const OCTET_STREAM: &str = "application/octet-stream";

/// What a path in the instance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
}

impl FileType {
    /// LXD's name for it (`file`, `directory`, `symlink`).
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::File => "file",
            FileType::Directory => "directory",
            FileType::Symlink => "symlink",
        }
    }
    /// Parse LXD's name.
    pub fn parse(s: &str) -> Option<FileType> {
        match s {
            "file" => Some(FileType::File),
            "directory" => Some(FileType::Directory),
            "symlink" => Some(FileType::Symlink),
            _ => None,
        }
    }
}

/// How an upload treats an existing file (`X-LXD-write`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WriteMode {
    /// Replace the content (LXD's default).
    #[default]
    Overwrite,
    /// Append to the existing content (API extension `file_append`).
    Append,
}

/// Owner and permissions for a created file, directory or symlink. LXD applies them only when it
/// creates the path; overwriting an existing file keeps its owner and mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileOptions {
    /// Owner uid (`X-LXD-uid`); `None`: LXD's default (0, root in the instance).
    pub uid: Option<u32>,
    /// Owner gid (`X-LXD-gid`); `None`: LXD's default.
    pub gid: Option<u32>,
    /// Permission bits (`X-LXD-mode`, sent in octal with a leading 0); `None`: LXD's default.
    pub mode: Option<u32>,
    /// Overwrite or append.
    pub write: WriteMode,
}

/// What LXD says about a path (from the `X-LXD-*` headers of a GET or HEAD).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// File, directory or symlink.
    pub kind: FileType,
    /// Owner uid.
    pub uid: u32,
    /// Owner gid.
    pub gid: u32,
    /// Permission bits (e.g. `0o644`).
    pub mode: u32,
    /// Size in bytes when LXD sent a `Content-Length` (files and symlinks on GET).
    pub size: Option<u64>,
    /// `X-LXD-modified` as LXD sent it, if present.
    pub modified: Option<String>,
}

/// Check a path inside the instance: not empty, no NUL or other control characters (they cannot
/// name a file LXD can reach). Everything else (spaces, unicode, `#?&%`) is percent-encoded.
pub fn check_path(path: &str) -> Result<()> {
    if path.is_empty() {
        return Err(Error::invalid("file path is empty"));
    }
    if path.chars().any(|c| c == '\0' || c.is_control()) {
        return Err(Error::invalid(format!("file path {path:?} contains control characters")));
    }
    Ok(())
}

fn files_request(method: Method, instance: &str, path: &str) -> Result<Request> {
    check_instance_name(instance)?;
    check_path(path)?;
    Ok(Request::new(method, &["instances", instance, "files"]).query("path", path).scope(Scope::PROJECT))
}

fn with_options(mut r: Request, kind: FileType, opts: &FileOptions) -> Request {
    r = r.header("X-LXD-type", kind.as_str());
    if let Some(uid) = opts.uid {
        r = r.header("X-LXD-uid", uid.to_string());
    }
    if let Some(gid) = opts.gid {
        r = r.header("X-LXD-gid", gid.to_string());
    }
    if let Some(mode) = opts.mode {
        r = r.header("X-LXD-mode", mode_header(mode));
    }
    r
}

/// The `X-LXD-mode` value: octal with a leading 0 (`0o644` → `"0644"`), which LXD's base-detecting
/// parser reads as octal. A bare `644` would be read as decimal.
pub fn mode_header(mode: u32) -> String {
    format!("0{:o}", mode & 0o7777)
}

/// `POST …/files?path=` uploading a file whose bytes the transport streams from the caller
/// (`Body::Stream`, `application/octet-stream`). The reply is an empty sync success.
pub fn push(instance: &str, path: &str, opts: &FileOptions) -> Result<Call<()>> {
    if opts.mode.is_some_and(|m| m > 0o7777) {
        return Err(Error::invalid("file mode has bits above 0o7777"));
    }
    let mut r = with_options(files_request(Method::POST, instance, path)?, FileType::File, opts);
    if opts.write == WriteMode::Append {
        r = r.header("X-LXD-write", "append");
    }
    r.body = Body::Stream { content_type: OCTET_STREAM.into() };
    Ok(Call::new(r, parse_empty))
}

/// `POST …/files?path=` with `X-LXD-type: directory`: create a directory (no body). LXD accepts it
/// for an existing directory too (then nothing changes).
pub fn mkdir(instance: &str, path: &str, opts: &FileOptions) -> Result<Call<()>> {
    if opts.write == WriteMode::Append {
        return Err(Error::invalid("append does not apply to a directory"));
    }
    let r = with_options(files_request(Method::POST, instance, path)?, FileType::Directory, opts);
    Ok(Call::new(r, parse_empty))
}

/// `POST …/files?path=` with `X-LXD-type: symlink`: create a symlink at `path`. The body is the
/// link target, streamed by the transport (use [`symlink_body`] for its bytes).
pub fn symlink(instance: &str, path: &str, target: &str, opts: &FileOptions) -> Result<Call<()>> {
    if target.is_empty() {
        return Err(Error::invalid("symlink target is empty"));
    }
    if target.contains('\0') {
        return Err(Error::invalid("symlink target contains NUL"));
    }
    if opts.write == WriteMode::Append {
        return Err(Error::invalid("append does not apply to a symlink"));
    }
    let mut r = with_options(files_request(Method::POST, instance, path)?, FileType::Symlink, opts);
    r.body = Body::Stream { content_type: OCTET_STREAM.into() };
    Ok(Call::new(r, parse_empty))
}

/// The body bytes of a [`symlink`] request.
pub fn symlink_body(target: &str) -> &[u8] {
    target.as_bytes()
}

/// `GET …/files?path=`: the transport reads the headers, calls [`parse_download`], and then streams
/// the body (file bytes, symlink target) to the caller's sink, or parses it with [`parse_listing`]
/// when it is a directory.
pub fn pull(instance: &str, path: &str) -> Result<Request> {
    files_request(Method::GET, instance, path)
}

/// `HEAD …/files?path=` (API extension `instance_file_head`): type, owner and mode, no content.
pub fn stat(instance: &str, path: &str) -> Result<Call<FileInfo>> {
    Ok(Call::new(files_request(Method::HEAD, instance, path)?, parse_head))
}

/// `DELETE …/files?path=` (API extension `file_delete`): remove a file, a symlink or an empty
/// directory (a non-empty one is refused by LXD).
pub fn delete(instance: &str, path: &str) -> Result<Call<()>> {
    Ok(Call::new(files_request(Method::DELETE, instance, path)?, parse_empty))
}

fn parse_head(resp: &Response) -> Result<FileInfo> {
    let mut info = parse_download(resp)?;
    // A HEAD reply's Content-Length is not the file's size.
    info.size = None;
    Ok(info)
}

/// An error reply (HTTP status ≥ 400) as the core error, from its (buffered) JSON body; LXD's
/// file errors come as envelopes, a bare status (HEAD) becomes `Api { status, "Not Found" ... }`.
pub fn error_from_reply(resp: &Response) -> Error {
    match parse_envelope(resp) {
        Err(e) => e,
        Ok(_) => Error::Api { status: resp.status, message: format!("HTTP {}", resp.status) },
    }
}

/// Parse the headers of a file GET/HEAD reply (the body may be empty: headers are enough). An HTTP
/// error becomes the LXD error (its body, when present, holds LXD's message).
pub fn parse_download(resp: &Response) -> Result<FileInfo> {
    if resp.status >= 300 {
        // A bare 3xx is a redirect, not an LXD error: error_from_reply makes it a protocol error.
        if resp.body.is_empty() && resp.status >= 400 {
            let message = match resp.status {
                404 => "Not Found".to_string(),
                403 => "Forbidden".to_string(),
                s => format!("HTTP {s}"),
            };
            return Err(Error::Api { status: resp.status, message });
        }
        return Err(error_from_reply(resp));
    }
    // LXD sends X-LXD-*, Incus X-Incus-*: either is read, whichever server this is.
    let kind_text = reply_header(resp, "type").ok_or_else(|| Error::protocol("file reply without X-LXD-type (or X-Incus-type)"))?;
    let kind = FileType::parse(kind_text.trim()).ok_or_else(|| Error::protocol(format!("unknown X-LXD-type {kind_text:?}")))?;
    let number = |name: &str| -> Result<u32> {
        match reply_header(resp, name) {
            None => Ok(0),
            Some(v) => parse_int_auto(v)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| Error::protocol(format!("bad X-LXD-{name} header {v:?}"))),
        }
    };
    let size = match resp.header("Content-Length") {
        Some(v) => Some(v.trim().parse::<u64>().map_err(|_| Error::protocol(format!("bad Content-Length {v:?}")))?),
        None => None,
    };
    Ok(FileInfo {
        kind,
        uid: number("uid")?,
        gid: number("gid")?,
        mode: number("mode")? & 0o7777,
        size,
        modified: reply_header(resp, "modified").map(str::to_string),
    })
}

/// Parse an integer the way LXD's `strconv.ParseInt(s, 0, 0)` does: `0x` hex, `0o`/leading `0`
/// octal, `0b` binary, else decimal. `None` for anything else.
pub fn parse_int_auto(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(h) = lower.strip_prefix("0x") {
        (16, h.to_string())
    } else if let Some(o) = lower.strip_prefix("0o") {
        (8, o.to_string())
    } else if let Some(b) = lower.strip_prefix("0b") {
        (2, b.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string())
    } else {
        (10, lower)
    };
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    let v = i64::from_str_radix(&body, radix).ok()?;
    Some(if neg { -v } else { v })
}

/// Parse the (buffered) body of a directory GET: the JSON envelope listing entry names, exactly as
/// LXD sent them. Use [`safe_entry_names`] before turning them into local paths.
pub fn parse_listing(resp: &Response) -> Result<Vec<String>> {
    let names: Option<Vec<String>> = parse_sync(resp)?;
    Ok(names.unwrap_or_default())
}

/// Whether a listed name may become one local path component: not empty, not `.` or `..`, no `/`
/// (which also rules out absolute names), no NUL. Anything else in a listing is a path-traversal
/// attempt (or garbage) from the instance and is dropped by recursive pulls.
pub fn is_safe_entry_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains('/') && !name.contains('\0')
}

/// The listed names that are safe to pull (see [`is_safe_entry_name`]), in LXD's order.
pub fn safe_entry_names(names: &[String]) -> Vec<String> {
    names.iter().filter(|n| is_safe_entry_name(n)).cloned().collect()
}

/// `dir` + `/` + `name` for paths inside the instance (no doubled `/`).
pub fn join_path(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_is_a_protocol_error_not_an_lxd_error() {
        // Found by fuzzing (fuzz/ target `files`): a bodiless 301 became Error::Api { status: 301 }.
        for status in [301, 302, 304, 307] {
            let r = Response::new(status, vec![("Location".into(), "/elsewhere".into())], Vec::new());
            assert!(matches!(parse_download(&r), Err(Error::Protocol(_))), "{status}");
        }
        let gone = Response::new(404, vec![], Vec::new());
        assert!(matches!(parse_download(&gone), Err(Error::Api { status: 404, .. })));
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn push_request_shape() {
        let opts = FileOptions { uid: Some(1000), gid: Some(65534), mode: Some(0o640), write: WriteMode::Append };
        let c = push("c1", "/tmp/a b#c?d&e%f/ü", &opts).unwrap();
        let r = &c.request;
        assert_eq!(r.method.as_str(), "POST");
        assert_eq!(r.path_and_query(), "/1.0/instances/c1/files?path=%2Ftmp%2Fa%20b%23c%3Fd%26e%25f%2F%C3%BC");
        assert_eq!(r.header_value("X-LXD-uid"), Some("1000"));
        assert_eq!(r.header_value("X-LXD-gid"), Some("65534"));
        assert_eq!(r.header_value("X-LXD-mode"), Some("0640"));
        assert_eq!(r.header_value("X-LXD-type"), Some("file"));
        assert_eq!(r.header_value("X-LXD-write"), Some("append"));
        assert_eq!(r.body, Body::Stream { content_type: "application/octet-stream".into() });
        assert_eq!(r.scope, Scope::PROJECT);
        let plain = push("c1", "/f", &FileOptions::default()).unwrap();
        assert_eq!(plain.request.header_value("X-LXD-mode"), None);
        assert_eq!(plain.request.header_value("X-LXD-write"), None);
        assert!(push("c1", "/f", &FileOptions { mode: Some(0o17777), ..Default::default() }).is_err());
        assert!(push("bad_name", "/f", &FileOptions::default()).is_err());
        assert!(push("c1", "", &FileOptions::default()).is_err());
        assert!(push("c1", "/a\nb", &FileOptions::default()).is_err());
    }

    #[test]
    fn mode_is_octal_with_leading_zero() {
        assert_eq!(mode_header(0o644), "0644");
        assert_eq!(mode_header(0o4755), "04755");
        assert_eq!(mode_header(0), "00");
        assert_eq!(parse_int_auto(&mode_header(0o750)), Some(0o750));
    }

    #[test]
    fn mkdir_symlink_delete_stat() {
        let m = mkdir("c1", "/d", &FileOptions { mode: Some(0o700), ..Default::default() }).unwrap();
        assert_eq!(m.request.header_value("X-LXD-type"), Some("directory"));
        assert_eq!(m.request.header_value("X-LXD-mode"), Some("0700"));
        assert_eq!(m.request.body, Body::Empty);
        assert!(mkdir("c1", "/d", &FileOptions { write: WriteMode::Append, ..Default::default() }).is_err());
        let s = symlink("c1", "/l", "/etc/hostname", &FileOptions::default()).unwrap();
        assert_eq!(s.request.header_value("X-LXD-type"), Some("symlink"));
        assert_eq!(symlink_body("/etc/hostname"), b"/etc/hostname");
        assert!(symlink("c1", "/l", "", &FileOptions::default()).is_err());
        let d = delete("c1", "/x y").unwrap();
        assert_eq!((d.request.method.as_str(), d.request.path_and_query().as_str()), ("DELETE", "/1.0/instances/c1/files?path=%2Fx%20y"));
        let ok = Response::new(200, vec![], br#"{"type":"sync","status_code":200,"metadata":{}}"#.to_vec());
        d.parse(&ok).unwrap();
        let st = stat("c1", "/etc").unwrap();
        assert_eq!(st.request.method.as_str(), "HEAD");
        let head = Response::new(200, headers(&[("X-Lxd-Type", "directory"), ("X-Lxd-Mode", "0755"), ("X-Lxd-Uid", "0"), ("X-Lxd-Gid", "0"), ("Content-Length", "99")]), vec![]);
        let info = st.parse(&head).unwrap();
        assert_eq!((info.kind, info.mode, info.size), (FileType::Directory, 0o755, None));
        let missing = Response::new(404, vec![], vec![]);
        assert!(st.parse(&missing).unwrap_err().is_not_found());
    }

    #[test]
    fn download_headers() {
        let r = Response::new(
            200,
            headers(&[("X-Lxd-Type", "file"), ("X-Lxd-Uid", "1000"), ("X-Lxd-Gid", "65534"), ("X-Lxd-Mode", "0640"), ("Content-Length", "11"), ("X-Lxd-Modified", "2026-01-01")]),
            vec![],
        );
        let info = parse_download(&r).unwrap();
        assert_eq!(info, FileInfo { kind: FileType::File, uid: 1000, gid: 65534, mode: 0o640, size: Some(11), modified: Some("2026-01-01".into()) });
        let link = Response::new(200, headers(&[("X-LXD-type", "symlink"), ("X-LXD-mode", "0777")]), vec![]);
        assert_eq!(parse_download(&link).unwrap().kind, FileType::Symlink);
        let err = Response::new(404, vec![], br#"{"type":"error","error":"Not Found","error_code":404}"#.to_vec());
        assert!(parse_download(&err).unwrap_err().is_not_found());
        for bad in [vec![], headers(&[("X-LXD-type", "fifo")]), headers(&[("X-LXD-type", "file"), ("X-LXD-mode", "rwx")]), headers(&[("X-LXD-type", "file"), ("X-LXD-uid", "-1")])] {
            assert!(matches!(parse_download(&Response::new(200, bad.clone(), vec![])), Err(Error::Protocol(_))), "{bad:?}");
        }
    }

    #[test]
    fn int_auto_base() {
        assert_eq!(parse_int_auto("0644"), Some(420));
        assert_eq!(parse_int_auto("644"), Some(644));
        assert_eq!(parse_int_auto("0x1F"), Some(31));
        assert_eq!(parse_int_auto("0o17"), Some(15));
        assert_eq!(parse_int_auto("0b101"), Some(5));
        assert_eq!(parse_int_auto("0"), Some(0));
        assert_eq!(parse_int_auto("-12"), Some(-12));
        for bad in ["", "0x", "08", "abc", "--1", "0x-1"] {
            assert_eq!(parse_int_auto(bad), None, "{bad}");
        }
    }

    #[test]
    fn listing_and_traversal() {
        let r = Response::new(200, vec![], br#"{"type":"sync","status_code":200,"metadata":["a",".","..","/etc/passwd","x/../../y","","b c","\u00fc"]}"#.to_vec());
        let names = parse_listing(&r).unwrap();
        assert_eq!(names.len(), 8);
        assert_eq!(safe_entry_names(&names), vec!["a", "b c", "ü"]);
        let empty = Response::new(200, vec![], br#"{"type":"sync","status_code":200,"metadata":null}"#.to_vec());
        assert!(parse_listing(&empty).unwrap().is_empty());
        assert_eq!(join_path("/tmp", "a"), "/tmp/a");
        assert_eq!(join_path("/", "a"), "/a");
    }
}
