//! A small SMTP server on 127.0.0.1 for the `mailto` tests: it records the
//! envelope and the DATA of every accepted message. It offers `AUTH PLAIN`
//! (one user and password), and refuses recipients whose address contains
//! a given text with a 550 reply.

#![allow(dead_code)] // each test crate uses a different part of this module

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One accepted message.
#[derive(Clone, Debug, Default)]
pub struct Received {
    /// `MAIL FROM` address.
    pub from: String,
    /// `RCPT TO` addresses.
    pub rcpt: Vec<String>,
    /// The message as sent in DATA (dot-unstuffed, CRLF line ends).
    pub data: String,
    /// The user that logged in, if any.
    pub user: Option<String>,
}

/// How the sink behaves.
#[derive(Clone, Debug, Default)]
pub struct SinkOptions {
    /// Refuse `RCPT TO` addresses containing this text.
    pub reject_rcpt: Option<String>,
    /// The only `AUTH PLAIN` login accepted: (user, password).
    pub login: Option<(String, String)>,
}

/// A running sink; it lives as long as the test process.
pub struct SmtpSink {
    /// Where it listens.
    pub addr: SocketAddr,
    messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Starts a sink on a free loopback port.
    pub fn start(options: SinkOptions) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let messages: Arc<Mutex<Vec<Received>>> = Arc::default();
        let store = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = store.clone();
                let options = options.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &options, &store);
                });
            }
        });
        SmtpSink { addr, messages }
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        self.addr.to_string()
    }

    /// Every message accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

fn session(stream: TcpStream, options: &SinkOptions, store: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut reply = |text: &str| -> std::io::Result<()> {
        out.write_all(text.as_bytes())?;
        out.write_all(b"\r\n")?;
        out.flush()
    };
    reply("220 sink ESMTP ready")?;
    let mut current = Received::default();
    let mut user = None;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            reply("250-sink greets you")?;
            reply("250-8BITMIME")?;
            reply("250 AUTH PLAIN")?;
        } else if upper.starts_with("HELO") {
            reply("250 sink")?;
        } else if upper.starts_with("AUTH PLAIN") {
            let given = command.get("AUTH PLAIN ".len()..).unwrap_or("").trim();
            let decoded = base64_decode(given);
            let fields: Vec<String> = decoded
                .split(|b| *b == 0)
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            let ok = match (&options.login, fields.as_slice()) {
                (Some((u, p)), [_, gu, gp]) => u == gu && p == gp,
                _ => false,
            };
            if ok {
                user = fields.get(1).cloned();
                reply("235 2.7.0 Authentication successful")?;
            } else {
                reply("535 5.7.8 Authentication credentials invalid")?;
            }
        } else if upper.starts_with("MAIL FROM:") {
            current = Received {
                from: angle(&command),
                user: user.clone(),
                ..Received::default()
            };
            reply("250 2.1.0 Ok")?;
        } else if upper.starts_with("RCPT TO:") {
            let rcpt = angle(&command);
            if options.reject_rcpt.as_deref().is_some_and(|r| rcpt.contains(r)) {
                reply(&format!("550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown"))?;
            } else {
                current.rcpt.push(rcpt);
                reply("250 2.1.5 Ok")?;
            }
        } else if upper == "DATA" {
            reply("354 End data with <CR><LF>.<CR><LF>")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            current.data = data;
            if let Ok(mut m) = store.lock() {
                m.push(std::mem::take(&mut current));
            }
            reply("250 2.0.0 Ok: queued")?;
        } else if upper == "QUIT" {
            reply("221 2.0.0 Bye")?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            reply("250 2.0.0 Ok")?;
        } else {
            reply("502 5.5.2 Command not recognized")?;
        }
    }
}

/// The address between `<` and `>` of a MAIL or RCPT command.
fn angle(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..].find('>').map_or(command.len(), |i| start + i);
    command[start..end].to_owned()
}

/// Decodes standard base64 (padding optional); bad input gives what decoded
/// so far. Hand-written so the sink needs no crate beyond std (the root
/// package's tests use it too).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().take_while(|c| *c != b'=') {
        let Some(v) = value(c) else {
            break;
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
