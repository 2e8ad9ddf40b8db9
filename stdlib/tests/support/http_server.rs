//! A tiny HTTP/1.1 server on 127.0.0.1 for the `urlopen` tests: one thread
//! per connection, `Connection: close`, routes chosen by path.
//!
//! | path | answer |
//! |---|---|
//! | `/echo` | 200, text/plain: the raw request (request line, headers, body) |
//! | `/status/N` | status N, body `status N` |
//! | `/redirect/N` | 302 to `/redirect/N-1`; `/redirect/0` is 200 `done` |
//! | `/redirect307` | 307 to `/echo` |
//! | `/loop` | 302 to `/loop` |
//! | `/cookies/set?k=v` | 200 with `Set-Cookie: k=v; Path=/` per pair |
//! | `/cookies/redirect` | 302 to `/echo` with `Set-Cookie: hop=1; Path=/` |
//! | `/binary` | `image/png` bytes |
//! | `/octet` | bytes, no `Content-Type` |
//! | `/sjis` | `text/plain; charset=Shift_JIS` Japanese text |
//! | `/latin1` | `text/plain` (no charset) ISO-8859-1 text |
//! | `/auth` | 200 with `Authorization: Basic user:pass`, else 401 |
//! | `/sleep/MS` | waits MS milliseconds, then 200 |
//! | `/http10` | an HTTP/1.0 response |
//! | `/multi` | the header `X-Multi` twice |

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

/// A running server; it lives as long as the test process.
pub struct HttpServer {
    /// Where it listens.
    pub addr: SocketAddr,
}

impl HttpServer {
    /// Starts a server on a free loopback port.
    pub fn start() -> HttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let _ = handle(stream);
                });
            }
        });
        HttpServer { addr }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// A parsed request.
struct Request {
    method: String,
    target: String,
    head: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path, also for a proxy request's absolute target.
    fn path(&self) -> &str {
        let target = match self.target.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => self.target.as_str(),
        };
        target.split('?').next().unwrap_or("")
    }

    fn query(&self) -> &str {
        self.target.split_once('?').map(|(_, q)| q).unwrap_or("")
    }
}

fn read_request(stream: &TcpStream) -> std::io::Result<Request> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = String::new();
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("").to_owned();
    head.push_str(&line);
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
        if let Some((n, v)) = line.trim_end().split_once(':') {
            headers.push((n.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if let Some(len) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(len, 0);
        reader.read_exact(&mut body)?;
    } else if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    Ok(Request {
        method,
        target,
        head,
        headers,
        body,
    })
}

fn respond(
    mut stream: &TcpStream,
    req: &Request,
    version: &str,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut out = format!("{version} {status} {}\r\n", reason(status));
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()));
    stream.write_all(out.as_bytes())?;
    if req.method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

fn handle(stream: TcpStream) -> std::io::Result<()> {
    let req = read_request(&stream)?;
    let text = |s: &str| ("Content-Type", s.to_owned());
    let path = req.path().to_owned();
    let ok = "HTTP/1.1";
    match path.as_str() {
        "/echo" => {
            let mut raw = req.head.clone().into_bytes();
            raw.extend_from_slice(b"\r\n");
            raw.extend_from_slice(&req.body);
            respond(&stream, &req, ok, 200, &[text("text/plain; charset=utf-8")], &raw)
        }
        "/redirect307" => respond(&stream, &req, ok, 307, &[("Location", "/echo".into())], b""),
        "/loop" => respond(&stream, &req, ok, 302, &[("Location", "/loop".into())], b""),
        "/cookies/set" => {
            let cookies: Vec<(&str, String)> = req
                .query()
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| ("Set-Cookie", format!("{p}; Path=/")))
                .collect();
            respond(&stream, &req, ok, 200, &cookies, b"set")
        }
        "/cookies/redirect" => respond(
            &stream,
            &req,
            ok,
            302,
            &[("Location", "/echo".into()), ("Set-Cookie", "hop=1; Path=/".into())],
            b"",
        ),
        "/binary" => respond(
            &stream,
            &req,
            ok,
            200,
            &[text("image/png")],
            b"\x89PNG\r\n\x1a\n\x00\xff",
        ),
        "/octet" => respond(&stream, &req, ok, 200, &[], b"raw\x00bytes"),
        "/sjis" => {
            // 「日本語」 in Shift_JIS.
            let body = b"\x93\xfa\x96\x7b\x8c\xea";
            respond(&stream, &req, ok, 200, &[text("text/plain; charset=Shift_JIS")], body)
        }
        "/latin1" => respond(&stream, &req, ok, 200, &[text("text/plain")], b"caf\xe9"),
        "/auth" => {
            // "user:pass" in base64.
            if req.header("authorization") == Some("Basic dXNlcjpwYXNz") {
                respond(&stream, &req, ok, 200, &[text("text/plain")], b"welcome")
            } else {
                respond(
                    &stream,
                    &req,
                    ok,
                    401,
                    &[text("text/plain"), ("WWW-Authenticate", "Basic realm=\"t\"".into())],
                    b"who are you",
                )
            }
        }
        "/http10" => respond(&stream, &req, "HTTP/1.0", 200, &[text("text/plain")], b"old"),
        "/multi" => respond(
            &stream,
            &req,
            ok,
            200,
            &[text("text/plain"), ("X-Multi", "a".into()), ("X-Multi", "b".into())],
            b"multi",
        ),
        p if p.starts_with("/status/") => {
            let code: u16 = p["/status/".len()..].parse().unwrap_or(500);
            respond(
                &stream,
                &req,
                ok,
                code,
                &[text("text/plain")],
                format!("status {code}").as_bytes(),
            )
        }
        p if p.starts_with("/redirect/") => {
            let n: u32 = p["/redirect/".len()..].parse().unwrap_or(0);
            if n == 0 {
                respond(&stream, &req, ok, 200, &[text("text/plain")], b"done")
            } else {
                let to = format!("/redirect/{}", n - 1);
                respond(&stream, &req, ok, 302, &[("Location", to)], b"")
            }
        }
        p if p.starts_with("/sleep/") => {
            let ms: u64 = p["/sleep/".len()..].parse().unwrap_or(0);
            std::thread::sleep(Duration::from_millis(ms));
            respond(&stream, &req, ok, 200, &[text("text/plain")], b"slept")
        }
        _ => respond(&stream, &req, ok, 404, &[text("text/plain")], b"not found"),
    }
}
