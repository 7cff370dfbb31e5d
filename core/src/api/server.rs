//! The server itself (`/1.0`).

use super::*;

/// `GET /1.0` with ETag.
pub fn get() -> Call<WithEtag<Server>> {
    Call::new(Request::get(&[]).scope(Op::ServerGet.scope()), parse_with_etag::<Server>)
}
/// `GET /1.0` as LXD's JSON text (checked as a [`Server`]) with the ETag.
pub fn get_json() -> Call<JsonText> {
    Call::new(Request::get(&[]).scope(Op::ServerGet.scope()), parse_json_with_etag::<Server>)
}
/// `PUT /1.0` (replace config).
pub fn put(body: &str, etag: Option<&str>) -> Result<Call<()>> {
    Ok(Call::new(Request::put(&[]).scope(Op::ServerPut.scope()).json_text(body)?.if_match(etag), parse_empty))
}
/// `PATCH /1.0` (merge config).
pub fn patch(body: &str, etag: Option<&str>) -> Result<Call<()>> {
    Ok(Call::new(Request::patch(&[]).scope(Op::ServerPatch.scope()).json_text(body)?.if_match(etag), parse_empty))
}
/// `GET /1.0/resources`: the host's hardware.
pub fn resources() -> Call<Value> {
    Call::new(Request::get(&["resources"]).scope(Op::ResourcesGet.scope()), parse_value)
}

/// `GET /1.0/metadata/configuration` (Incus 6.0 only): the documentation of every configuration
/// key the server knows (`{"configs": {"<entity>": {"<group>": {"keys": [...]}}}}`).
pub fn metadata_configuration() -> Call<Value> {
    Call::new(super::endpoint::get(Op::MetadataConfigurationGet, &["metadata", "configuration"]), parse_sync::<Value>)
}
