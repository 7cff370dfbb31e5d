//! Options given as JSON by the caller: the parsing shared by image and instance transfers.

use crate::error::{Error, Result};
use serde_json::{json, Map, Value};

pub(super) fn parse_options(json: Option<&str>, what: &str) -> Result<Map<String, Value>> {
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

pub(super) fn take_bool(m: &mut Map<String, Value>, key: &str) -> Result<bool> {
    match m.remove(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(b),
        Some(v) => Err(Error::invalid(format!("option {key:?} must be true or false, not {v}"))),
    }
}

pub(super) fn take_string(m: &mut Map<String, Value>, key: &str) -> Result<Option<String>> {
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

pub(super) fn parse_aliases(v: Option<Value>) -> Result<Vec<AliasSpec>> {
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

pub(super) fn aliases_json(aliases: &[AliasSpec]) -> Value {
    Value::Array(aliases.iter().map(|a| json!({ "name": a.name, "description": a.description })).collect())
}

/// Merge the caller's options object into a request body; keys we set ourselves win over theirs,
/// except inside `source`, where their extra keys are added (e.g. `image_type`).
pub(super) fn merge_into(body: &mut Map<String, Value>, opts: Map<String, Value>, reserved: &[&str]) -> Result<()> {
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
