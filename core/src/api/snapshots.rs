//! `/1.0/instances/<name>/snapshots`.

use super::*;

pub use super::collections::instance_snapshots as collection;

/// `POST …/snapshots {"name", "stateful"}`: snapshot an instance (an operation). `name` `None`:
/// LXD picks `snap0`, `snap1`, ...
pub fn create(instance: &str, name: Option<&str>, stateful: bool) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    let mut body = json!({ "stateful": stateful });
    if let Some(n) = name {
        check_snapshot_name(n)?;
        body["name"] = Value::from(n);
    }
    Ok(Call::new(Request::post(&["instances", instance, "snapshots"]).scope(Op::InstanceSnapshotsPost.scope()).json(&body)?, parse_async))
}
/// `PUT /1.0/instances/<name> {"restore": snap}`: restore the instance to a snapshot.
pub fn restore(instance: &str, name: &str, stateful: bool) -> Result<Call<Operation>> {
    check_instance_name(instance)?;
    check_snapshot_name(name)?;
    let body = json!({ "restore": name, "stateful": stateful });
    Ok(Call::new(Request::put(&["instances", instance]).scope(Op::InstancePut.scope()).json(&body)?, parse_async))
}
