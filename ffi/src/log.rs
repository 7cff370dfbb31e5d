//! Request logging: a callback is told each request's method, path, status and duration, like
//! libcurl's verbose mode or an `http.RoundTripper` wrapper in Go. It never sees a body or a
//! header, and query values that carry secrets (a websocket's `secret=`, any `password`, `token`
//! or `key`) are replaced by `REDACTED`: the trust password or token of `authenticate` travels in
//! a body, which is never logged.

use std::sync::Arc;
use std::time::Duration;

/// One request, as the log callback sees it.
#[derive(Debug, Clone, Copy)]
pub struct LogRecord<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// Path and query, secret query values redacted.
    pub path: &'a str,
    /// HTTP status of the reply (101 for an accepted websocket upgrade); 0 when there was none.
    pub status: u16,
    /// From sending the request to the reply's headers (bodies stream afterwards).
    pub duration: Duration,
    /// Why there was no reply (or the upgrade failed), when so.
    pub error: Option<&'a str>,
}

impl LogRecord<'_> {
    /// One line: `GET /1.0/instances -> 200 (1.234 ms)` or `GET /1.0 -> error: ... (0.5 ms)`.
    pub fn line(&self) -> String {
        let ms = self.duration.as_secs_f64() * 1000.0;
        match (self.status, self.error) {
            (0, Some(e)) => format!("{} {} -> error: {e} ({ms:.3} ms)", self.method, self.path),
            (s, Some(e)) => format!("{} {} -> {s}: {e} ({ms:.3} ms)", self.method, self.path),
            (s, None) => format!("{} {} -> {s} ({ms:.3} ms)", self.method, self.path),
        }
    }
}

/// A log callback; shared by every client built from one builder. Must be callable from any
/// thread at once.
#[derive(Clone)]
pub struct Logger(Arc<dyn Fn(&LogRecord<'_>) + Send + Sync>);

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Logger")
    }
}

impl Logger {
    /// Wrap a callback.
    pub fn new(f: impl Fn(&LogRecord<'_>) + Send + Sync + 'static) -> Logger {
        Logger(Arc::new(f))
    }
    /// Log one request. A panicking callback is contained: logging never fails a request.
    pub fn log(&self, method: &str, path_and_query: &str, status: u16, duration: Duration, error: Option<&str>) {
        let (path, secrets) = redact(path_and_query);
        let error = error.map(|e| secrets.iter().fold(e.to_string(), |e, s| e.replace(s.as_str(), "REDACTED")));
        let rec = LogRecord { method, path: &path, status, duration, error: error.as_deref() };
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.0)(&rec)));
    }
}

/// Whether a query parameter's value is a secret (case-insensitive: `secret`, `password`,
/// `token`, `key` anywhere in the name).
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["secret", "password", "token", "key"].iter().any(|s| k.contains(s))
}

/// The path with secret query values replaced by `REDACTED`, and the values taken out (raw and
/// percent-decoded, to scrub them from error messages too).
pub fn redact(path_and_query: &str) -> (String, Vec<String>) {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return (path_and_query.to_string(), Vec::new());
    };
    let mut secrets = Vec::new();
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if is_secret_key(k) && !v.is_empty() => {
                secrets.push(v.to_string());
                format!("{k}=REDACTED")
            }
            _ => pair.to_string(),
        })
        .collect();
    (format!("{path}?{}", parts.join("&")), secrets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn secrets_never_reach_the_callback() {
        let (p, s) = redact("/1.0/operations/abc/websocket?secret=s3cr3t&project=p");
        assert_eq!(p, "/1.0/operations/abc/websocket?secret=REDACTED&project=p");
        assert_eq!(s, vec!["s3cr3t"]);
        assert_eq!(redact("/1.0/instances?recursion=1").0, "/1.0/instances?recursion=1");
        assert_eq!(redact("/1.0?Password=x&trust_token=y&api_key=z").0, "/1.0?Password=REDACTED&trust_token=REDACTED&api_key=REDACTED");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let l = Logger::new(move |r| s2.lock().unwrap().push(r.line()));
        l.log("GET", "/1.0/x?secret=abc", 0, Duration::from_millis(2), Some("failed for /1.0/x?secret=abc"));
        l.log("GET", "/1.0", 200, Duration::from_micros(1500), None);
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0], "GET /1.0/x?secret=REDACTED -> error: failed for /1.0/x?secret=REDACTED (2.000 ms)");
        assert_eq!(seen[1], "GET /1.0 -> 200 (1.500 ms)");
        // A panicking callback is contained.
        Logger::new(|_| panic!("boom")).log("GET", "/1.0", 200, Duration::ZERO, None);
    }
}
