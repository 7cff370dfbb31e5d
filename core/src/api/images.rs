//! `/1.0/images` and `/1.0/images/aliases`: the collections, and more.
//!
//! Images beyond the collection: filtered lists, refresh, secrets, the untrusted (`?public`)
//! variants, and LXD-to-LXD pushes (`POST /1.0/images/<fp>/export`, `POST /1.0/images?public`).

use super::*;

pub use super::collections::images as collection;
pub use super::collections::image_aliases as aliases;

use crate::models::{Image, ImageAlias};
use crate::operation::Operation;
use crate::request::{check_name, Body, Request};
use crate::response::parse_async;
use serde::de::DeserializeOwned;

/// `POST /1.0/images/aliases`.
pub fn alias_create(name: &str, target: &str, description: &str) -> Result<Call<()>> {
    check_name("image alias", name)?;
    check_fingerprint(target)?;
    let body = json!({ "name": name, "target": target, "description": description });
    Ok(Call::new(Request::post(&["images", "aliases"]).scope(Scope::PROJECT).json(&body)?, parse_empty))
}
/// A fingerprint (or prefix) is hex.
pub fn check_fingerprint(fp: &str) -> Result<()> {
    if fp.is_empty() || fp.len() > 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid(format!("{fp:?} is not an image fingerprint (1 to 64 hex digits)")));
    }
    Ok(())
}

/// `GET /1.0/images?filter=…` (names) — `filter` is LXD's collection filter
/// (`properties.os eq busybox`); `None` lists all.
pub fn list_names_filtered(filter: Option<&str>) -> Call<Vec<String>> {
    Call::new(super::endpoint::get(Op::ImagesGet, &["images"]).query_opt("filter", filter), parse_names)
}

/// `GET /1.0/images?recursion=1&filter=…` (objects).
pub fn list_filtered<T: DeserializeOwned>(filter: Option<&str>) -> Call<Vec<T>> {
    Call::new(super::endpoint::get(Op::ImagesGetRecursion1, &["images"]).query("recursion", "1").query_opt("filter", filter), parse_list::<T>)
}

/// `GET /1.0/images?public` (names; `recursion` ≥ 1 gives objects via [`list_untrusted`]): the
/// public images, as an untrusted client sees them.
pub fn list_names_untrusted() -> Call<Vec<String>> {
    Call::new(super::endpoint::get(Op::ImagesGetUntrusted, &["images"]).query("public", ""), parse_names)
}

/// `GET /1.0/images?public&recursion=1`: the public images as objects.
pub fn list_untrusted() -> Call<Vec<Image>> {
    Call::new(super::endpoint::get(Op::ImagesGetRecursion1Untrusted, &["images"]).query("public", "").query("recursion", "1"), parse_list::<Image>)
}

/// `GET /1.0/images/<fp>?public&secret=…`: a public image, or a private one with the one-time
/// secret of [`secret`].
pub fn get_untrusted(fingerprint: &str, secret: Option<&str>) -> Result<Call<WithEtag<Image>>> {
    check_fingerprint(fingerprint)?;
    let r = super::endpoint::get(Op::ImageGetUntrusted, &["images", fingerprint]).query("public", "").query_opt("secret", secret);
    Ok(Call::new(r, parse_with_etag::<Image>))
}

/// `GET /1.0/images/aliases/<name>?public`: an alias of a public image.
pub fn alias_get_untrusted(name: &str) -> Result<Call<WithEtag<ImageAlias>>> {
    check_name("image alias", name)?;
    Ok(Call::new(super::endpoint::get(Op::ImageAliasGetUntrusted, &["images", "aliases", name]).query("public", ""), parse_with_etag::<ImageAlias>))
}

/// `GET /1.0/images/<fp>/export?public&secret=…`: download a public image, or a private one with
/// a secret, as an untrusted client. The transport streams the body to the caller (as for
/// `image_export_get`).
pub fn export_untrusted(fingerprint: &str, secret: Option<&str>) -> Result<Request> {
    check_fingerprint(fingerprint)?;
    Ok(super::endpoint::get(Op::ImageExportGetUntrusted, &["images", fingerprint, "export"]).query("public", "").query_opt("secret", secret))
}

/// `POST /1.0/images/<fp>/refresh`: check the image's source for a newer version now (an
/// operation; its metadata says whether it `refreshed`).
pub fn refresh(fingerprint: &str) -> Result<Call<Operation>> {
    check_fingerprint(fingerprint)?;
    Ok(Call::new(super::endpoint::post(Op::ImagesRefreshPost, &["images", fingerprint, "refresh"]), parse_async))
}

/// `POST /1.0/images/<fp>/secret`: a one-time secret that lets an untrusted client fetch this
/// private image (a `token` operation; the secret is `metadata.secret`, see [`secret_value`]).
pub fn secret(fingerprint: &str) -> Result<Call<Operation>> {
    check_fingerprint(fingerprint)?;
    Ok(Call::new(super::endpoint::post(Op::ImagesSecretPost, &["images", fingerprint, "secret"]), parse_async))
}

/// The secret of a [`secret`] operation.
pub fn secret_value(op: &Operation) -> Result<String> {
    super::replies::metadata_str(op, "secret").map(str::to_string)
}

/// `POST /1.0/images/<fp>/export` with LXD's `ImageExportPost` JSON (`target` URL of another LXD,
/// `secret` from that LXD's `POST /1.0/images?public` preparation, `certificate`, `aliases`,
/// `project`, `profiles`): this server pushes the image there (an operation).
pub fn push_to(fingerprint: &str, body: &str) -> Result<Call<Operation>> {
    check_fingerprint(fingerprint)?;
    Ok(Call::new(super::endpoint::post(Op::ImagesExportPost, &["images", fingerprint, "export"]).json_text(body)?, parse_async))
}

/// `POST /1.0/images?public` with headers `X-LXD-secret` and `X-LXD-fingerprint`: the receiving
/// end of an LXD-to-LXD push, the image file streamed as the body by the transport (an operation).
pub fn receive_untrusted(secret: &str, fingerprint: &str) -> Result<Call<Operation>> {
    if secret.is_empty() || secret.chars().any(|c| c.is_control()) {
        return Err(Error::invalid("image secret is empty or has control characters"));
    }
    check_fingerprint(fingerprint)?;
    let mut r = super::endpoint::post(Op::ImagesPostUntrusted, &["images"]).query("public", "").header("X-LXD-secret", secret).header("X-LXD-fingerprint", fingerprint);
    r.body = Body::Stream { content_type: "application/octet-stream".into() };
    Ok(Call::new(r, parse_async))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_and_refresh() {
        let g = get_untrusted("abcd", Some("s e")).unwrap();
        assert_eq!(g.request.path_and_query(), "/1.0/images/abcd?public=&secret=s%20e");
        assert!(get_untrusted("xyz", None).is_err());
        assert_eq!(refresh("abcd").unwrap().request.path, "/1.0/images/abcd/refresh");
        let r = receive_untrusted("sec", "abcd").unwrap();
        assert_eq!(r.request.header_value("X-LXD-secret"), Some("sec"));
        assert!(matches!(r.request.body, Body::Stream { .. }));
        assert_eq!(list_filtered::<Image>(Some("properties.os eq busybox")).request.path_and_query(), "/1.0/images?recursion=1&filter=properties.os%20eq%20busybox");
    }
}
