//! Image transfer over the blocking client: upload (unified tarball, or split metadata + rootfs as
//! a streamed multipart body), export (streamed to files atomically, or to writers, with the
//! SHA-256 checked against the fingerprint), copy to another server, and images from a URL or a
//! simplestreams server.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use lxd_core::api;
use lxd_core::models::Image;
use lxd_core::transfer::{self, ExportFormat, ImageCopyFlow, ImageUploadOptions, MultipartForm, MultipartParser, PartEvent};
use lxd_core::Operation;

use crate::error::{Error, Result};
use crate::stream::{self, AtomicFile, Progress, CHUNK};
use crate::Client;

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportInfo {
    /// The image is split (metadata and rootfs went to two sinks).
    pub split: bool,
    /// Bytes of the unified tarball, or of the metadata tarball.
    pub meta_size: u64,
    /// Bytes of the rootfs (split images).
    pub rootfs_size: u64,
}

fn open_sized(path: &Path) -> Result<(File, u64)> {
    let f = File::open(path).map_err(|e| Error::Io(format!("cannot open {}: {e}", path.display())))?;
    let meta = f.metadata().map_err(|e| Error::Io(format!("cannot stat {}: {e}", path.display())))?;
    if !meta.file_type().is_file() {
        return Err(Error::invalid(format!("{} is not a regular file", path.display())));
    }
    Ok((f, meta.len()))
}

/// A multipart form whose boundary is 30 bytes from the system's RNG (`getrandom(2)`, through
/// ring), as Go's `mime/multipart` makes them: no file can be crafted to contain it.
pub(crate) fn random_form() -> Result<MultipartForm> {
    let mut bytes = [0u8; transfer::BOUNDARY_RANDOM_BYTES];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).map_err(|_| Error::Io("the system random number generator failed".into()))?;
    Ok(MultipartForm::from_random(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn file_name_of(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

impl Client {
    /// Upload an image whose body streams from `source` (`content_type`: octet-stream for a
    /// unified tarball, multipart for a split image), wait for LXD to unpack it, create the
    /// requested aliases, and return the fingerprint.
    pub fn image_upload_reader(&self, source: &mut dyn Read, len: Option<u64>, content_type: &str, opts: &ImageUploadOptions, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<String> {
        let call = transfer::image_upload(opts, content_type)?;
        let mut p = Progress::new(progress, len.unwrap_or(0));
        let resp = stream::upload(self, call.request.clone(), source, len, &mut p)?;
        let op = call.parse(&resp)?;
        let done = self.wait_operation(&op.id, None, None)?;
        let fp = transfer::image_fingerprint(&done)?;
        for alias in transfer::alias_calls(&fp, &opts.aliases)? {
            self.call(alias)?;
        }
        Ok(fp)
    }

    /// Upload a unified image tarball from a file. `options_json`: see
    /// [`ImageUploadOptions::from_json`].
    pub fn image_upload_path(&self, path: &Path, options_json: Option<&str>, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<String> {
        let opts = ImageUploadOptions::from_json(options_json)?;
        let (mut f, len) = open_sized(path)?;
        self.image_upload_reader(&mut f, Some(len), lxd_core::files::OCTET_STREAM, &opts, progress)
    }

    /// Upload a split image (metadata tarball + rootfs) as `multipart/form-data`, `metadata` part
    /// first, streamed from the two files (its exact length is computed and sent).
    pub fn image_upload_split(&self, meta_path: &Path, rootfs_path: &Path, options_json: Option<&str>, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<String> {
        let opts = ImageUploadOptions::from_json(options_json)?;
        let (meta, meta_len) = open_sized(meta_path)?;
        let (rootfs, rootfs_len) = open_sized(rootfs_path)?;
        let form = random_form()?;
        let head1 = form.part_head(true, "metadata", &file_name_of(meta_path));
        let head2 = form.part_head(false, "rootfs", &file_name_of(rootfs_path));
        let tail = form.tail();
        let len = head1.len() as u64 + meta_len + head2.len() as u64 + rootfs_len + tail.len() as u64;
        let mut body = std::io::Cursor::new(head1).chain(meta.take(meta_len)).chain(std::io::Cursor::new(head2)).chain(rootfs.take(rootfs_len)).chain(std::io::Cursor::new(tail));
        self.image_upload_reader(&mut body, Some(len), &form.content_type(), &opts, progress)
    }

    /// Export `fingerprint` (or a unique prefix): a unified image goes to `meta_sink`; a split one
    /// to `meta_sink` (metadata) and `rootfs_sink`, which must then be given. The data's SHA-256
    /// must match the fingerprint. Progress total is the image's size.
    pub fn image_export_to(&self, fingerprint: &str, meta_sink: &mut dyn Write, rootfs_sink: Option<&mut dyn Write>, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<ExportInfo> {
        let image: Image = self.call(api::images::collection().get::<Image>(fingerprint)?)?.value;
        let d = stream::download(self, transfer::image_export(&image.fingerprint)?)?;
        let format = transfer::export_format(&d.head)?;
        let mut p = Progress::new(progress, u64::try_from(image.size).unwrap_or(0));
        p.report()?;
        let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
        let mut info = ExportInfo::default();
        let mut reader = d.body.into_reader();
        match format {
            ExportFormat::Unified => {
                let mut sink = HashingWriter { inner: meta_sink, hash: &mut hash };
                info.meta_size = stream::copy_body(&mut reader, &mut sink, &mut p, None)?;
            }
            ExportFormat::Split { boundary } => {
                let rootfs_sink = rootfs_sink.ok_or_else(|| Error::invalid(format!("image {fingerprint} is split (metadata + rootfs): give a rootfs destination too")))?;
                info.split = true;
                let (meta, rootfs) = read_split(&mut reader, &boundary, meta_sink, rootfs_sink, &mut hash, &mut p)?;
                info.meta_size = meta;
                info.rootfs_size = rootfs;
            }
        }
        let computed = hex(hash.finish().as_ref());
        if !transfer::fingerprint_matches(&computed, &image.fingerprint) {
            return Err(Error::protocol(format!("exported data has SHA-256 {computed}, not the image fingerprint {}", image.fingerprint)));
        }
        Ok(info)
    }

    /// Export to files, atomically: `path` gets the unified tarball (or the metadata tarball of a
    /// split image), `rootfs_path` the rootfs of a split image (required for those; unused for
    /// unified ones). Files appear only once everything arrived and the SHA-256 matched; on any
    /// failure nothing is left behind.
    pub fn image_export_path(&self, fingerprint: &str, path: &Path, rootfs_path: Option<&Path>, progress: Option<&mut dyn FnMut(u64, u64) -> bool>) -> Result<ExportInfo> {
        let mut meta = AtomicFile::create(path)?;
        let mut rootfs = match rootfs_path {
            Some(r) => Some(AtomicFile::create(r)?),
            None => None,
        };
        let info = {
            let rootfs_sink: Option<&mut dyn Write> = match rootfs.as_mut() {
                Some(r) => Some(r.file()),
                None => None,
            };
            self.image_export_to(fingerprint, meta.file(), rootfs_sink, progress)?
        };
        if info.split {
            if let Some(r) = rootfs {
                r.commit(Some(0o644))?;
            }
            if let Err(e) = meta.commit(Some(0o644)) {
                if let Some(r) = rootfs_path {
                    let _ = std::fs::remove_file(r);
                }
                return Err(e);
            }
        } else {
            meta.commit(Some(0o644))?;
            // `rootfs` (unused) is dropped: its temporary file goes away.
        }
        Ok(info)
    }

    /// Copy an image to `target` (see [`ImageCopyFlow`]): the target downloads it from this server
    /// with a one-time secret. Returns the fingerprint on the target.
    pub fn image_copy_to(&self, fingerprint: &str, target: &Client, options_json: Option<&str>) -> Result<String> {
        let mut flow = ImageCopyFlow::new(fingerprint, options_json, self.https_url().as_deref())?;
        crate::migrate::drive(&mut flow, self, target)
    }

    /// `POST /1.0/images` from a URL; `wait` false returns the running operation.
    pub fn image_create_from_url(&self, url: &str, options_json: Option<&str>, wait: bool) -> Result<Operation> {
        self.call_op(transfer::image_from_url(url, options_json)?, wait)
    }

    /// `POST /1.0/images` from a simplestreams server; `wait` false returns the running operation.
    pub fn image_create_from_simplestreams(&self, server: &str, alias: &str, options_json: Option<&str>, wait: bool) -> Result<Operation> {
        self.call_op(transfer::image_from_simplestreams(server, alias, options_json)?, wait)
    }

    /// The `https://host:port` this client talks to, if it uses HTTPS.
    pub fn https_url(&self) -> Option<String> {
        match &**self.endpoint() {
            crate::transport::Endpoint::Https { authority, .. } => Some(format!("https://{authority}")),
            crate::transport::Endpoint::Unix(_) => None,
        }
    }
}

struct HashingWriter<'a, 'h> {
    inner: &'a mut dyn Write,
    hash: &'h mut ring::digest::Context,
}

impl Write for HashingWriter<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Stream a split export's multipart body into the two sinks; returns their sizes.
fn read_split(reader: &mut dyn Read, boundary: &str, meta: &mut dyn Write, rootfs: &mut dyn Write, hash: &mut ring::digest::Context, p: &mut Progress<'_>) -> Result<(u64, u64)> {
    let mut parser = MultipartParser::new(boundary)?;
    let mut buf = vec![0u8; CHUNK];
    // 0: none yet, 1: in metadata, 2: in rootfs.
    let mut current = 0u8;
    let mut seen = (false, false);
    let mut sizes = (0u64, 0u64);
    let mut failure: Option<Error> = None;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(stream::net_read_error(e)),
        };
        let fed = parser.feed(&buf[..n], &mut |ev| {
            let step = (|| -> Result<()> {
                match ev {
                    PartEvent::Begin { name, .. } => {
                        current = match name.as_str() {
                            "metadata" if !seen.0 => 1,
                            "rootfs" | "rootfs.img" if seen.0 && !seen.1 => 2,
                            other => return Err(Error::protocol(format!("unexpected part {other:?} in a split image export"))),
                        };
                        if current == 1 {
                            seen.0 = true;
                        } else {
                            seen.1 = true;
                        }
                    }
                    PartEvent::Data(d) => {
                        let sink: &mut dyn Write = match current {
                            1 => &mut *meta,
                            2 => &mut *rootfs,
                            _ => return Err(Error::protocol("data outside a part")),
                        };
                        sink.write_all(d).map_err(|e| Error::Io(format!("cannot write the exported image: {e}")))?;
                        hash.update(d);
                        if current == 1 {
                            sizes.0 += d.len() as u64;
                        } else {
                            sizes.1 += d.len() as u64;
                        }
                        p.advance(d.len() as u64)?;
                    }
                    PartEvent::End => current = 0,
                }
                Ok(())
            })();
            step.map_err(|e| {
                failure = Some(e);
                lxd_core::Error::protocol("stopped")
            })
        });
        if let Some(e) = failure.take() {
            return Err(e);
        }
        fed?;
    }
    parser.finish()?;
    if !(seen.0 && seen.1) {
        return Err(Error::protocol("split image export lacks its metadata or rootfs part"));
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_come_from_the_system_rng() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let f = random_form().unwrap();
            assert_eq!(f.boundary().len(), 60);
            assert!(f.boundary().bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(seen.insert(f.boundary().to_string()), "boundary repeated");
        }
    }
}
