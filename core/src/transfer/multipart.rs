//! `multipart/form-data`: the framing LXD uses for split images (a metadata tarball and a rootfs
//! part), written around contents the transport streams, and parsed as it arrives.

use crate::error::{Error, Result};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
