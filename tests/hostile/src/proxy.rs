//! A small HTTP CONNECT proxy on loopback, for the library's proxy tests against the real LXD or
//! this server: `DIR/proxy.port` tunnels `CONNECT host:port` (loopback targets only; anything
//! else is 403) and appends each target to `DIR/proxy.log`; `DIR/proxy-refuse.port` answers every
//! CONNECT with 407 and logs it to `DIR/proxy-refused.log`.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;

use crate::Config;

fn log(path: PathBuf, line: &str) {
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(f, "{line}");
    }
}

fn read_head(c: &mut TcpStream) -> io::Result<String> {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 16 * 1024 || c.read(&mut b)? == 0 {
            return Err(io::Error::other("bad request head"));
        }
        head.push(b[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

fn pump(mut from: TcpStream, mut to: TcpStream) {
    let _ = io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}

fn serve(cfg: &Config, mut c: TcpStream, refuse: bool) -> io::Result<()> {
    let head = read_head(&mut c)?;
    let line = head.lines().next().unwrap_or("").to_string();
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("").to_string());
    if refuse {
        log(cfg.dir.join("proxy-refused.log"), &line);
        c.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"hostile\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
        return Ok(());
    }
    let host = target.rsplit_once(':').map(|(h, _)| h.trim_start_matches('[').trim_end_matches(']')).unwrap_or("");
    let loopback = host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()) || host == "localhost";
    if method != "CONNECT" || !loopback {
        log(cfg.dir.join("proxy.log"), &format!("REFUSED {line}"));
        c.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
        return Ok(());
    }
    let upstream = match TcpStream::connect(&target) {
        Ok(u) => u,
        Err(_) => {
            c.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
            return Ok(());
        }
    };
    log(cfg.dir.join("proxy.log"), &line);
    c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let (c2, u2) = (c.try_clone()?, upstream.try_clone()?);
    let t = std::thread::spawn(move || pump(c2, upstream));
    pump(u2, c);
    let _ = t.join();
    Ok(())
}

/// Start both proxies (threads) and write their ports.
pub fn start(cfg: &Arc<Config>) -> io::Result<()> {
    for (file, refuse) in [("proxy.port", false), ("proxy-refuse.port", true)] {
        let l = TcpListener::bind("127.0.0.1:0")?;
        std::fs::write(cfg.dir.join(file), format!("{}\n", l.local_addr()?.port()))?;
        let cfg = cfg.clone();
        std::thread::spawn(move || {
            for c in l.incoming() {
                let Ok(c) = c else { continue };
                let cfg = cfg.clone();
                std::thread::spawn(move || {
                    let _ = serve(&cfg, c, refuse);
                });
            }
        });
    }
    Ok(())
}
