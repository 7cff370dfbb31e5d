//! Instance image metadata (`metadata.yaml` of the instance: properties, templates, expiry) and its
//! template files.

use crate::spec::Op;
use super::replies::parse_bytes;
use super::{parse_with_etag, Call, Error, Result, WithEtag};
use crate::request::{check_instance_name, Body};
use crate::response::{parse_empty, parse_sync};
use serde_json::Value;

/// `GET /1.0/instances/<name>/metadata`: `architecture`, `creation_date`, `properties`,
/// `templates`, with the ETag.
pub fn get(instance: &str) -> Result<Call<WithEtag<Value>>> {
    check_instance_name(instance)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceMetadataGet, &["instances", instance, "metadata"]), parse_with_etag::<Value>))
}

/// `PUT /1.0/instances/<name>/metadata` (replace); `etag` becomes `If-Match`.
pub fn put(instance: &str, body: &str, etag: Option<&str>) -> Result<Call<()>> {
    check_instance_name(instance)?;
    let r = super::endpoint::put(Op::InstanceMetadataPut, &["instances", instance, "metadata"]).json_text(body)?.if_match(etag);
    Ok(Call::new(r, parse_empty))
}

/// `PATCH /1.0/instances/<name>/metadata` (merge); `etag` becomes `If-Match`.
pub fn patch(instance: &str, body: &str, etag: Option<&str>) -> Result<Call<()>> {
    check_instance_name(instance)?;
    let r = super::endpoint::patch(Op::InstanceMetadataPatch, &["instances", instance, "metadata"]).json_text(body)?.if_match(etag);
    Ok(Call::new(r, parse_empty))
}

fn check_template(name: &str) -> Result<()> {
    if name.is_empty() || name.contains('/') || name == "." || name == ".." || name.chars().any(char::is_control) {
        return Err(Error::invalid(format!("template name {name:?} must be a plain file name")));
    }
    Ok(())
}

fn parse_template_names(resp: &crate::response::Response) -> Result<Vec<String>> {
    let v: Option<Vec<String>> = parse_sync(resp)?;
    Ok(v.unwrap_or_default())
}

/// `GET /1.0/instances/<name>/metadata/templates`: the template file names.
pub fn templates(instance: &str) -> Result<Call<Vec<String>>> {
    check_instance_name(instance)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceMetadataTemplatesGet, &["instances", instance, "metadata", "templates"]), parse_template_names))
}

/// `GET /1.0/instances/<name>/metadata/templates?path=<template>`: one template's content.
pub fn template_get(instance: &str, template: &str) -> Result<Call<Vec<u8>>> {
    check_instance_name(instance)?;
    check_template(template)?;
    let r = super::endpoint::get(Op::InstanceMetadataTemplatesGet, &["instances", instance, "metadata", "templates"]).query("path", template);
    Ok(Call::new(r, parse_bytes))
}

/// `POST /1.0/instances/<name>/metadata/templates?path=<template>`: create or replace a template;
/// the content is the body (`application/octet-stream`, supplied by the transport). Reference it
/// from the metadata's `templates` to have LXD render it.
pub fn template_put(instance: &str, template: &str) -> Result<Call<()>> {
    check_instance_name(instance)?;
    check_template(template)?;
    let mut r = super::endpoint::post(Op::InstanceMetadataTemplatesPost, &["instances", instance, "metadata", "templates"]).query("path", template);
    r.body = Body::Stream { content_type: "application/octet-stream".into() };
    Ok(Call::new(r, parse_empty))
}

/// `DELETE /1.0/instances/<name>/metadata/templates?path=<template>`.
pub fn template_delete(instance: &str, template: &str) -> Result<Call<()>> {
    check_instance_name(instance)?;
    check_template(template)?;
    let r = super::endpoint::delete(Op::InstanceMetadataTemplatesDelete, &["instances", instance, "metadata", "templates"]).query("path", template);
    Ok(Call::new(r, parse_empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_requests() {
        let p = put("c1", r#"{"properties":{}}"#, Some("\"e\"")).unwrap();
        assert_eq!(p.request.header_value("If-Match"), Some("\"e\""));
        assert!(put("c1", "[]", None).is_err());
        let t = template_put("c1", "hostname tpl").unwrap();
        assert_eq!(t.request.path_and_query(), "/1.0/instances/c1/metadata/templates?path=hostname%20tpl");
        assert!(template_get("c1", "../etc").is_err());
        assert_eq!(template_delete("c1", "a.tpl").unwrap().request.method.as_str(), "DELETE");
    }
}
