//! lxd-hostile: a fake LXD server that misbehaves on purpose, one scenario per misbehaviour, for
//! liblxdclient's reliability tests (tests/c/test_hostile.c, tests/c/test_abi_walk.c).
//!
//! ```text
//! lxd-hostile --dir DIR [--scenario NAME] [--https] [--max-seconds N]
//! lxd-hostile --list
//! ```
//!
//! It listens on `DIR/unix.socket`; with `--https` also on loopback TCP ports written to
//! `DIR/https.port` (TLS with the self-signed certificate `DIR/server.crt`), `DIR/https-stall.port`
//! (accepts, never answers the TLS handshake) and `DIR/https-plain.port` (plain HTTP where TLS is
//! expected); `DIR/other.crt` is another self-signed certificate (a wrong pin), `DIR/client.crt` /
//! `DIR/client.key` a client pair; `DIR/proxy.port` is an HTTP CONNECT proxy (and
//! `DIR/proxy-refuse.port` one that refuses every tunnel), see `proxy.rs`. `DIR/ready` appears once everything listens.
//!
//! The scenario of a request is its `project=` query parameter, which the library adds to every
//! call that takes a project once the client has a default project (`lxd_client_with_project`);
//! without one the `--scenario` default applies ("ok": a small, well-behaved LXD). Scenarios that
//! stream large bodies record how many bytes they managed to write before the client hung up in
//! `DIR/sent-<scenario>`; the Content-Type of every multipart request goes to `DIR/multipart.log`. The server stops by itself after `--max-seconds` (default 900).

mod http;
mod proxy;
mod scenarios;
mod tls;

use std::io;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Server-wide settings shared by every connection thread.
pub struct Config {
    /// Where the socket, certificates and statistics live.
    pub dir: PathBuf,
    /// Scenario for requests that name none.
    pub default_scenario: String,
}

fn usage() -> ! {
    eprintln!("usage: lxd-hostile --dir DIR [--scenario NAME] [--https] [--max-seconds N] | --list");
    std::process::exit(2)
}

fn main() {
    let mut dir = None;
    let mut scenario = "ok".to_string();
    let mut https = false;
    let mut max_seconds = 900u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dir" => dir = args.next().map(PathBuf::from),
            "--scenario" => scenario = args.next().unwrap_or_else(|| usage()),
            "--https" => https = true,
            "--max-seconds" => max_seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or_else(|| usage()),
            "--list" => {
                for (name, what) in scenarios::ALL {
                    println!("{name:<24} {what}");
                }
                return;
            }
            _ => usage(),
        }
    }
    let Some(dir) = dir else { usage() };
    if !scenarios::ALL.iter().any(|(n, _)| *n == scenario) {
        eprintln!("lxd-hostile: unknown scenario {scenario:?} (see --list)");
        std::process::exit(2);
    }
    if let Err(e) = run(dir, scenario, https, max_seconds) {
        eprintln!("lxd-hostile: {e}");
        std::process::exit(1);
    }
}

fn run(dir: PathBuf, default_scenario: String, https: bool, max_seconds: u64) -> io::Result<()> {
    std::fs::create_dir_all(&dir)?;
    // Never outlive the test that started us, even if it crashed before killing us.
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(max_seconds));
        eprintln!("lxd-hostile: --max-seconds reached, exiting");
        std::process::exit(0);
    });
    let cfg = Arc::new(Config { dir: dir.clone(), default_scenario });

    let sock = dir.join("unix.socket");
    let _ = std::fs::remove_file(&sock);
    let listener = UnixListener::bind(&sock)?;
    {
        let cfg = cfg.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let cfg = cfg.clone();
                std::thread::spawn(move || http::serve(&cfg, Box::new(conn)));
            }
        });
    }
    if https {
        tls::start(&cfg)?;
        proxy::start(&cfg)?;
    }
    std::fs::write(dir.join("ready"), format!("{}\n", std::process::id()))?;
    loop {
        std::thread::park();
    }
}
