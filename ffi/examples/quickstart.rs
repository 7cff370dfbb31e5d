//! Using liblxdclient from Rust: connect to the local LXD, list its instances, run a command in one.
//!
//! ```text
//! cargo run -p lxdclient --example quickstart                   # list; exec in the first running instance
//! cargo run -p lxdclient --example quickstart -- NAME           # list; exec in NAME
//! cargo run -p lxdclient --example quickstart -- --launch ALIAS # list; exec in a throwaway container
//!                                                               # made from image ALIAS, then delete it
//! ```
//!
//! The socket is found as LXD does (`LXD_SOCKET`, then `$LXD_DIR/unix.socket`, then the snap's and
//! the package's paths); the process needs access to it (root, or the `lxd` group). `make
//! test-rust-example` runs it with `--launch` against the test harness's daemon.
//!
//! Every call returns `lxdclient::Result`: the error says which side failed — the caller's input
//! ([`lxd_core::Error::InvalidArgument`]), LXD's refusal with its status and message
//! ([`lxd_core::Error::Api`]), a failed background operation, the connection, TLS or a timeout —
//! so a program can react to each (here: a clear message and exit code 1, or 2 for usage).
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lxdclient::core::api::{self, instances::InstanceCreate};
use lxdclient::core::exec::ExecRequest;
use lxdclient::core::models::Instance;
use lxdclient::{Client, ClientBuilder, Error};

/// What to exec in.
enum Target {
    /// The first running instance, if any.
    FirstRunning,
    /// This instance (it must be running).
    Named(String),
    /// A new container from this image alias, deleted afterwards.
    Launch(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = match args.as_slice() {
        [] => Target::FirstRunning,
        [flag, alias] if flag == "--launch" => Target::Launch(alias.clone()),
        [name] if !name.starts_with('-') => Target::Named(name.clone()),
        _ => {
            eprintln!("usage: quickstart [NAME | --launch IMAGE_ALIAS]");
            return ExitCode::from(2);
        }
    };
    match run(target) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// One line for each kind of failure, as a program would tell them apart.
fn describe(e: &Error) -> String {
    use lxdclient::core::Error as Core;
    match e {
        Error::Connect(why) => format!("cannot reach LXD ({why}); is it running, and may this user use its socket?"),
        Error::Timeout(why) => format!("LXD did not answer in time: {why}"),
        Error::Core(Core::Api { status: 404, message }) => format!("not found: {message}"),
        Error::Core(Core::Api { status: 403, message }) => format!("LXD refused (not trusted?): {message}"),
        Error::Core(Core::OperationFailed { message, .. }) => format!("LXD's operation failed: {message}"),
        other => other.to_string(),
    }
}

fn run(target: Target) -> lxdclient::Result<()> {
    // One client for the whole program: it is cheap to share (clone it, or use it from several
    // threads at once) and keeps its connections open between calls.
    let client = ClientBuilder::unix(None).timeout(Some(Duration::from_secs(30))).build()?;

    let server = client.call(api::server::get())?.value;
    let version = server.environment.get("server_version").and_then(|v| v.as_str()).unwrap_or("?");
    println!("LXD {version} (API {}, {})", server.api_version, server.auth);

    // recursion=1: the instances themselves, not just their URLs.
    let instances: Vec<Instance> = client.call(api::instances::collection().list(1))?;
    println!("{} instance(s):", instances.len());
    for i in &instances {
        println!("  {:<24} {:<8} {}", i.name, i.status, i.kind);
    }

    match target {
        Target::FirstRunning => match instances.iter().find(|i| i.status == "Running") {
            Some(i) => exec_uname(&client, &i.name),
            None => {
                println!("no running instance: nothing to exec in (give a name, or --launch IMAGE_ALIAS)");
                Ok(())
            }
        },
        Target::Named(name) => exec_uname(&client, &name),
        Target::Launch(alias) => {
            let name = format!("quickstart-{}", unique_suffix());
            launch(&client, &name, &alias)?;
            // Delete the container whatever the exec did; report the exec's error first.
            let result = exec_uname(&client, &name);
            let cleanup = delete(&client, &name);
            result.and(cleanup)
        }
    }
}

/// Run `uname -a` in `name` and print what it wrote and its exit code.
fn exec_uname(client: &Client, name: &str) -> lxdclient::Result<()> {
    let req = ExecRequest::new(["uname", "-a"])?;
    // Output is collected in memory (fine for small outputs; `Client::exec` streams instead).
    let out = client.exec_output(name, &req, b"", Some(Duration::from_secs(60)))?;
    print!("{name}$ uname -a\n{}", String::from_utf8_lossy(&out.stdout));
    if !out.stderr.is_empty() {
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
    }
    println!("exit code {}", out.exit_code);
    if out.exit_code != 0 {
        return Err(Error::Io(format!("uname exited with {}", out.exit_code)));
    }
    Ok(())
}

/// Create a container from a local image alias and start it, waiting for both operations.
fn launch(client: &Client, name: &str, alias: &str) -> lxdclient::Result<()> {
    println!("creating {name} from image {alias:?}");
    client.call_op(api::instances::create(&InstanceCreate::container(name, alias))?, true)?;
    if let Err(e) = client.call_op(api::instances::set_state(name, "start", 30, false, false)?, true) {
        let _ = delete(client, name);
        return Err(e);
    }
    Ok(())
}

/// Stop (forcefully: it is a throwaway) and delete an instance.
fn delete(client: &Client, name: &str) -> lxdclient::Result<()> {
    match client.call_op(api::instances::set_state(name, "stop", 30, true, false)?, true) {
        // Already stopped is fine: LXD says so as a failed operation or a 400.
        Ok(_) | Err(Error::Core(lxdclient::core::Error::OperationFailed { .. })) | Err(Error::Core(lxdclient::core::Error::Api { status: 400, .. })) => {}
        Err(e) => return Err(e),
    }
    if let Some(op) = client.call(api::instances::collection().delete(name)?)? {
        client.wait_operation(&op.id, Some(Duration::from_secs(60)), None)?;
    }
    println!("deleted {name}");
    Ok(())
}

/// Instance names are shared by every LXD on a host (cgroups): make this one unlikely to clash.
fn unique_suffix() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{}-{nanos:x}", std::process::id())
}
