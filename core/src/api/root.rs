//! The API root (`GET /`) and the server's public view (`GET /1.0?public`).

use crate::spec::Op;
use super::{parse_with_etag, Call, WithEtag};
use crate::models::Server;
use crate::request::Request;
use crate::response::Response;
use crate::error::Result;

/// `GET /`: the API versions the server offers (`["/1.0"]`), as given.
pub fn api_versions() -> Call<Vec<String>> {
    let mut r = super::endpoint::get(Op::ApiGet, &[]);
    r.path = "/".to_string();
    Call::new(r, parse_versions)
}

fn parse_versions(resp: &Response) -> Result<Vec<String>> {
    let v: Option<Vec<String>> = crate::response::parse_sync(resp)?;
    Ok(v.unwrap_or_default())
}

/// `GET /1.0?public`: the server as an untrusted client sees it. LXD answers by the caller's
/// trust, not by `?public` (the spec uses it only to name the untrusted variant), so a trusted
/// client gets the full view here too.
pub fn server_public() -> Call<WithEtag<Server>> {
    let r: Request = super::endpoint::get(Op::ServerGetUntrusted, &[]).query("public", "");
    Call::new(r, parse_with_etag::<Server>)
}
