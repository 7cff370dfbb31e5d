//! Instance log files (`/1.0/instances/<name>/logs`: `lxc.log`, `lxc.conf`, `qemu.log`, ...).

use crate::spec::Op;
use super::replies::parse_bytes;
use super::{parse_names, Call, Result};
use crate::request::{check_instance_name, check_name};
use crate::response::parse_empty;

/// `GET /1.0/instances/<name>/logs`: the log file names.
pub fn list(instance: &str) -> Result<Call<Vec<String>>> {
    check_instance_name(instance)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceLogsGet, &["instances", instance, "logs"]), parse_names))
}

/// `GET /1.0/instances/<name>/logs/<file>`: one log file (raw bytes).
pub fn get(instance: &str, file: &str) -> Result<Call<Vec<u8>>> {
    check_instance_name(instance)?;
    check_name("log file", file)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceLogGet, &["instances", instance, "logs", file]), parse_bytes))
}

/// `DELETE /1.0/instances/<name>/logs/<file>`: delete a log file (LXD refuses the logs a running
/// instance is writing).
pub fn delete(instance: &str, file: &str) -> Result<Call<()>> {
    check_instance_name(instance)?;
    check_name("log file", file)?;
    Ok(Call::new(super::endpoint::delete(Op::InstanceLogDelete, &["instances", instance, "logs", file]), parse_empty))
}

/// `GET /1.0/instances/<name>/logs/exec-output` (Incus 6.0 only): the names of the output records
/// of commands run with `record-output` (`exec_<uuid>.stdout`, `exec_<uuid>.stderr`).
pub fn exec_outputs(instance: &str) -> Result<Call<Vec<String>>> {
    check_instance_name(instance)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceExecOutputsGet, &["instances", instance, "logs", "exec-output"]), parse_names))
}

/// `GET /1.0/instances/<name>/logs/exec-output/<file>` (Incus 6.0 only): one output record (raw
/// bytes).
pub fn exec_output_get(instance: &str, file: &str) -> Result<Call<Vec<u8>>> {
    check_instance_name(instance)?;
    check_name("exec output file", file)?;
    Ok(Call::new(super::endpoint::get(Op::InstanceExecOutputGet, &["instances", instance, "logs", "exec-output", file]), parse_bytes))
}

/// `DELETE /1.0/instances/<name>/logs/exec-output/<file>` (Incus 6.0 only): delete one output
/// record.
pub fn exec_output_delete(instance: &str, file: &str) -> Result<Call<()>> {
    check_instance_name(instance)?;
    check_name("exec output file", file)?;
    Ok(Call::new(super::endpoint::delete(Op::InstanceExecOutputDelete, &["instances", instance, "logs", "exec-output", file]), parse_empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_requests() {
        assert_eq!(get("c1", "lxc.log").unwrap().request.path, "/1.0/instances/c1/logs/lxc.log");
        assert!(get("c1", "../x").is_err());
        assert_eq!(delete("c1", "lxc.conf").unwrap().request.method.as_str(), "DELETE");
    }
}
