//! HTTPS proxies, as libcurl and Go's `net/http` use them: `HTTPS_PROXY` (or `https_proxy`)
//! names an HTTP proxy, `NO_PROXY` (or `no_proxy`) the hosts reached directly, and every HTTPS
//! connection (requests and websockets alike: they share `Endpoint::dial`) is tunnelled through
//! the proxy with `CONNECT host:port`. The unix socket is never proxied.
//!
//! Unlike Go (which never proxies loopback addresses), loopback is proxied unless `NO_PROXY`
//! says otherwise, as curl does: set `NO_PROXY=127.0.0.1,localhost` to reach a local LXD directly.

use std::io::{self, Read, Write};
use std::net::{IpAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::error::{Error, Result};

/// How HTTPS connections reach the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// From the environment when the client is built (the default).
    #[default]
    FromEnv,
    /// Never through a proxy.
    Off,
    /// Always through this proxy (`NO_PROXY` is not consulted).
    Url(String),
}

/// A parsed HTTP proxy.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// `host:port` of the proxy.
    pub authority: String,
    /// `Proxy-Authorization` value (Basic), when the URL had `user:password@`.
    auth: Option<String>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials.
        f.debug_struct("Proxy").field("authority", &self.authority).field("auth", &self.auth.as_ref().map(|_| "REDACTED")).finish()
    }
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && s.is_char_boundary(i + 1) && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Proxy {
    /// Parse `http://[user:pass@]host[:port][/]` or `host[:port]` (port defaults to 80, 443 for
    /// nothing else: only HTTP proxies are supported).
    pub fn parse(url: &str) -> Result<Proxy> {
        let url = url.trim();
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) => return Err(Error::invalid(format!("proxy scheme {scheme:?} is not supported (only http:// proxies)"))),
            None => url,
        };
        let rest = rest.split(['/', '?', '#']).next().unwrap_or("");
        let (auth, hostport) = match rest.rsplit_once('@') {
            Some((userinfo, h)) => {
                let (u, p) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                (Some(format!("Basic {}", base64(format!("{}:{}", percent_decode(u), percent_decode(p)).as_bytes()))), h)
            }
            None => (None, rest),
        };
        if hostport.is_empty() || hostport.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid("proxy URL has no usable host"));
        }
        let has_port = if let Some(after) = hostport.strip_prefix('[') { after.split_once(']').is_some_and(|(_, p)| p.starts_with(':')) } else { hostport.contains(':') };
        let authority = if has_port {
            let port = hostport.rsplit_once(':').map(|(_, p)| p).unwrap_or("");
            port.parse::<u16>().map_err(|_| Error::invalid(format!("proxy port {port:?} is not a port")))?;
            hostport.to_string()
        } else {
            format!("{hostport}:80")
        };
        Ok(Proxy { authority, auth })
    }

    /// Connect to the proxy and open a tunnel to `target` (`host:port`) with `CONNECT`.
    pub fn connect(&self, target: &str, timeout: Option<Duration>) -> io::Result<TcpStream> {
        let tcp = connect_any(&self.authority, timeout).map_err(|e| io::Error::new(e.kind(), format!("cannot connect to proxy {}: {e}", self.authority)))?;
        tcp.set_read_timeout(timeout)?;
        tcp.set_write_timeout(timeout)?;
        let mut req = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
        if let Some(a) = &self.auth {
            req.push_str(&format!("Proxy-Authorization: {a}\r\n"));
        }
        req.push_str("\r\n");
        crate::transport::send_nosignal(std::os::fd::AsRawFd::as_raw_fd(&tcp), req.as_bytes()).and_then(|n| {
            if n == req.len() { Ok(()) } else { Err(io::Error::new(io::ErrorKind::WriteZero, "short write to the proxy")) }
        })?;
        // Read the reply head byte by byte: nothing of the tunnel's data may be consumed here.
        let mut head = Vec::new();
        let mut r = &tcp;
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if head.len() > 16 * 1024 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "proxy reply head too large"));
            }
            match r.read(&mut b) {
                Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("proxy {} closed the connection during CONNECT", self.authority))),
                Ok(_) => head.push(b[0]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let text = String::from_utf8_lossy(&head);
        let status_line = text.lines().next().unwrap_or("");
        let code = status_line.split_whitespace().nth(1).and_then(|c| c.parse::<u16>().ok());
        match code {
            Some(c) if (200..300).contains(&c) => {
                let _ = (&tcp).flush();
                Ok(tcp)
            }
            _ => Err(io::Error::new(io::ErrorKind::ConnectionRefused, format!("proxy {} refused CONNECT {target}: {}", self.authority, status_line.trim()))),
        }
    }
}

/// Connect to the first address of `authority` that answers.
pub(crate) fn connect_any(authority: &str, timeout: Option<Duration>) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{authority} resolved to no address"));
    for a in authority.to_socket_addrs()? {
        let r = match timeout {
            Some(t) => TcpStream::connect_timeout(&a, t),
            None => TcpStream::connect(a),
        };
        match r {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn env_first(names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| std::env::var(n).ok())
}

/// Whether `NO_PROXY` (a comma-separated list, as curl and Go read it) says `host`:`port` is
/// reached directly: `*` (everything), a host name (itself and its subdomains; a leading `.` is
/// the same), an IP address, a CIDR range, any of them with `:port` to match that port only.
pub fn no_proxy_matches(no_proxy: &str, host: &str, port: u16) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']').trim_end_matches('.').to_ascii_lowercase();
    let ip: Option<IpAddr> = host.parse().ok();
    for entry in no_proxy.split([',', ' ']).map(str::trim).filter(|e| !e.is_empty()) {
        if entry == "*" {
            return true;
        }
        let entry = entry.to_ascii_lowercase();
        // CIDR.
        if let (Some(ip), Some((net, bits))) = (ip, entry.split_once('/')) {
            if let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) {
                if in_cidr(ip, net, bits) {
                    return true;
                }
            }
            continue;
        }
        // An entry with a port.
        let (ehost, eport) = if let Some(rest) = entry.strip_prefix('[') {
            match rest.split_once(']') {
                Some((h, p)) => (h.to_string(), p.strip_prefix(':').and_then(|p| p.parse::<u16>().ok())),
                None => (entry.clone(), None),
            }
        } else if entry.matches(':').count() == 1 {
            let (h, p) = entry.split_once(':').unwrap_or((&entry, ""));
            (h.to_string(), p.parse::<u16>().ok())
        } else {
            (entry.clone(), None)
        };
        if eport.is_some_and(|p| p != port) {
            continue;
        }
        if let (Some(ip), Ok(eip)) = (ip, ehost.parse::<IpAddr>()) {
            if ip == eip {
                return true;
            }
            continue;
        }
        let ehost = ehost.trim_start_matches("*.").trim_start_matches('.').trim_end_matches('.');
        if !ehost.is_empty() && (host == ehost || host.ends_with(&format!(".{ehost}"))) {
            return true;
        }
    }
    false
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u32) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// The proxy to use for `host`:`port` under `setting` (`None`: connect directly).
pub fn resolve(setting: &ProxySetting, host: &str, port: u16) -> Result<Option<Proxy>> {
    match setting {
        ProxySetting::Off => Ok(None),
        ProxySetting::Url(u) => Proxy::parse(u).map(Some),
        ProxySetting::FromEnv => {
            let Some(url) = env_first(&["HTTPS_PROXY", "https_proxy"]).filter(|u| !u.trim().is_empty()) else {
                return Ok(None);
            };
            if no_proxy_matches(&env_first(&["NO_PROXY", "no_proxy"]).unwrap_or_default(), host, port) {
                return Ok(None);
            }
            Proxy::parse(&url).map(Some).map_err(|e| Error::invalid(format!("HTTPS_PROXY: {e}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proxy_urls() {
        assert_eq!(Proxy::parse("http://127.0.0.1:3128").unwrap().authority, "127.0.0.1:3128");
        assert_eq!(Proxy::parse("127.0.0.1:3128/").unwrap().authority, "127.0.0.1:3128");
        assert_eq!(Proxy::parse("http://proxy.example").unwrap().authority, "proxy.example:80");
        assert_eq!(Proxy::parse("http://[::1]:8080").unwrap().authority, "[::1]:8080");
        let p = Proxy::parse("http://us%40er:p%3Ass@h:1").unwrap();
        assert_eq!(p.auth.as_deref(), Some(format!("Basic {}", base64(b"us@er:p:ss")).as_str()));
        assert!(!format!("{p:?}").contains("Basic"), "credentials never in Debug");
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
        assert_eq!(base64(b"ab"), "YWI=");
        assert!(Proxy::parse("https://h:1").is_err());
        assert!(Proxy::parse("socks5://h:1").is_err());
        assert!(Proxy::parse("http://h:notaport").is_err());
        assert!(Proxy::parse("").is_err());
    }

    #[test]
    fn no_proxy_like_curl_and_go() {
        assert!(no_proxy_matches("*", "anything", 1));
        assert!(no_proxy_matches("127.0.0.1", "127.0.0.1", 8443));
        assert!(!no_proxy_matches("127.0.0.2", "127.0.0.1", 8443));
        assert!(no_proxy_matches("10.0.0.0/8, example.com", "10.1.2.3", 1));
        assert!(no_proxy_matches("example.com", "lxd.example.com", 1));
        assert!(no_proxy_matches(".example.com", "example.com", 1));
        assert!(!no_proxy_matches("example.com", "badexample.com", 1));
        assert!(no_proxy_matches("127.0.0.1:8443", "127.0.0.1", 8443));
        assert!(!no_proxy_matches("127.0.0.1:8444", "127.0.0.1", 8443));
        assert!(no_proxy_matches("::1", "[::1]", 8443));
        assert!(no_proxy_matches("[::1]:8443", "::1", 8443));
        assert!(!no_proxy_matches("", "127.0.0.1", 8443));
        assert!(no_proxy_matches("LOCALHOST", "localhost", 1));
    }
}
