//! [`UrlRequest`]: the arguments of one `urlopen` call, checked and turned
//! into plain data (`stdlib.md` 1, `urlopen`).

use crate::functions::args::Params;
use crate::net::args::{
    array_pairs, bind_error, dict_entries, flag, json_dump, opt_text, seconds, text, text_dict, text_pairs,
};
use crate::net::error::NetError;
use jobflow_vm::native::CallArgs;
use jobflow_vm::Value;
use reqwest::header::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

/// The parameters of `urlopen`, in declaration order.
const PARAMS: Params<16> = Params::new(
    "urlopen",
    [
        "url",
        "user",
        "password",
        "data",
        "params",
        "files",
        "timeout",
        "encode",
        "http_method",
        "verify",
        "quiet",
        "headers",
        "cookies",
        "charset",
        "binary",
        "proxies",
    ],
    1,
)
.keyword_only_from(1);

/// The HTTP methods `urlopen` may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
    /// `HEAD`.
    Head,
}

impl HttpMethod {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
        }
    }
}

/// The body of a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RequestBody {
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(String, String)>),
    /// JSON text (`encode='json'`), sent as `application/json` unless the
    /// caller gave a `Content-Type`.
    Json(String),
    /// A String, sent as UTF-8 with no `Content-Type` of its own.
    Text(String),
    /// A Binary, sent as `application/octet-stream` unless the caller gave
    /// a `Content-Type`.
    Bytes(Vec<u8>),
    /// `multipart/form-data`: plain fields (from `data`), then files.
    Multipart {
        /// Text fields.
        fields: Vec<(String, String)>,
        /// File fields.
        files: Vec<FilePart>,
    },
}

/// One file of a multipart upload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilePart {
    /// The form field name.
    pub field: String,
    /// Where the contents come from.
    pub source: FileSource,
}

/// The contents of an uploaded file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FileSource {
    /// Given in the flow: `{name, data}`, `[name, data]` or a File value.
    Inline {
        /// The file name sent.
        name: String,
        /// The contents.
        data: Vec<u8>,
    },
    /// A local path, read when the request is sent; the file name sent is
    /// the path's last component.
    Path(String),
}

/// One `urlopen` call, ready to send: every option of `stdlib.md` 1 checked
/// and reduced to plain data (`Send`, serde), so a driver may hold it across
/// threads or write it down with a suspended process.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct UrlRequest {
    /// The URL, `params` already appended to its query.
    pub url: String,
    /// The method (the default rule already applied).
    pub method: HttpMethod,
    /// Basic authentication: user and password (only when both were given).
    pub basic_auth: Option<(String, String)>,
    /// The body, if any.
    pub body: Option<RequestBody>,
    /// Connect and read timeout in seconds; `None` means no limit.
    pub timeout: Option<f64>,
    /// Check the server's TLS certificate.
    pub verify: bool,
    /// No warning on stderr for an unverified https request.
    pub quiet: bool,
    /// Request headers, in order (names and values already validated).
    pub headers: Vec<(String, String)>,
    /// Cookies to send.
    pub cookies: Vec<(String, String)>,
    /// Decode the text with this charset instead of the response's.
    pub charset: Option<String>,
    /// Treat the body as binary whatever its type.
    pub binary: bool,
    /// Proxies: scheme (`http`, `https`, `all`) → proxy URL.
    pub proxies: Vec<(String, String)>,
}

impl std::fmt::Debug for UrlRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password never appears in logs.
        f.debug_struct("UrlRequest")
            .field("url", &crate::net::error::redact_url(&self.url))
            .field("method", &self.method)
            .field("basic_auth", &self.basic_auth.as_ref().map(|(u, _)| (u, "***")))
            .field("body", &self.body.as_ref().map(|_| "…"))
            .field("timeout", &self.timeout)
            .field("verify", &self.verify)
            .field("quiet", &self.quiet)
            .field("headers", &self.headers)
            .field("cookies", &self.cookies.len())
            .field("charset", &self.charset)
            .field("binary", &self.binary)
            .field("proxies", &self.proxies)
            .finish()
    }
}

impl UrlRequest {
    /// Checks the arguments of a `urlopen` call (positional, then keyword
    /// arguments as written) and builds the request. The error's text is
    /// the DETAIL of `'urlopen' failed: DETAIL`. Local files named in
    /// `files` are read only when the request is sent.
    pub fn from_args(positional: &[Value], keywords: &[(String, Value)]) -> Result<UrlRequest, NetError> {
        let [url, user, password, data, params, files, timeout, encode, http_method, verify, quiet, headers, cookies, charset, binary, proxies] =
            PARAMS.bind(CallArgs { positional, keywords }).map_err(bind_error)?;

        let url = match url {
            Some(Value::Str(s)) => s.as_str().to_owned(),
            Some(other) => {
                return Err(NetError::argument(format!(
                    "url must be a String, not {}",
                    other.type_name()
                )))
            }
            None => return Err(NetError::Binding("urlopen() missing required argument: 'url'".into())),
        };
        let url = with_params(&url, params)?;

        let json = match encode {
            None | Some(Value::Null) => false,
            Some(Value::Str(s)) if s.as_str() == "json" => true,
            Some(other) => {
                return Err(NetError::argument(format!(
                    "Encode type {} is not allowed",
                    text(other)
                )))
            }
        };
        let has_files = !matches!(files, None | Some(Value::Null));
        if json && has_files {
            return Err(NetError::argument("Cannot json encode when files upload"));
        }
        let body = if has_files {
            Some(multipart(data, files.unwrap_or(&Value::Null))?)
        } else {
            match data {
                None | Some(Value::Null) => None,
                Some(d) if json => Some(RequestBody::Json(json_dump(d)?)),
                Some(d) => Some(plain_body(d)?),
            }
        };

        let method = match http_method {
            None | Some(Value::Null) if body.is_some() => HttpMethod::Post,
            None | Some(Value::Null) => HttpMethod::Get,
            Some(v) => match text(v).to_ascii_uppercase().as_str() {
                "GET" => HttpMethod::Get,
                "POST" => HttpMethod::Post,
                "PUT" => HttpMethod::Put,
                "DELETE" => HttpMethod::Delete,
                "HEAD" => HttpMethod::Head,
                _ => return Err(NetError::argument(format!("HTTP method {} is not allowed", text(v)))),
            },
        };

        let timeout = seconds(timeout, "timeout")?;
        if timeout.is_some_and(|t| t <= 0.0) {
            return Err(NetError::argument("timeout must be a positive number of seconds"));
        }

        let headers = text_dict(headers, "headers")?;
        for (name, value) in &headers {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| NetError::argument(format!("invalid headers: bad header name {name:?}")))?;
            HeaderValue::from_str(value)
                .map_err(|_| NetError::argument(format!("invalid headers: bad value for header {name:?}")))?;
        }
        let cookies = text_dict(cookies, "cookies")?;
        for (name, value) in &cookies {
            if name.is_empty() || !is_cookie_text(name) || !is_cookie_text(value) {
                return Err(NetError::argument(format!(
                    "invalid cookies: cannot send cookie {name:?}"
                )));
            }
        }

        let charset = opt_text(charset);
        if let Some(c) = &charset {
            crate::functions::encoding::lookup(c)?;
        }

        let proxies = text_dict(proxies, "proxies")?;
        for (scheme, proxy) in &proxies {
            if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https" | "all") {
                return Err(NetError::argument(format!(
                    "invalid proxies: unknown scheme {scheme:?} (use 'http', 'https' or 'all')"
                )));
            }
            reqwest::Proxy::all(proxy.as_str())
                .map_err(|_| NetError::argument(format!("invalid proxies: bad proxy URL {proxy:?}")))?;
        }

        let basic_auth = match (opt_text(user), opt_text(password)) {
            (Some(u), Some(p)) => Some((u, p)),
            _ => None,
        };

        Ok(UrlRequest {
            url,
            method,
            basic_auth,
            body,
            timeout,
            verify: flag(verify, false),
            quiet: flag(quiet, false),
            headers,
            cookies,
            charset,
            binary: flag(binary, false),
            proxies,
        })
    }

    /// Whether the caller set this header (names compared ignoring case).
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// Characters a cookie name or value may hold when sent in `Cookie:`.
fn is_cookie_text(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b',') || s.is_empty()
}

/// `url` checked (http or https) with `params` appended to its query.
fn with_params(url: &str, params: Option<&Value>) -> Result<String, NetError> {
    let mut parsed = reqwest::Url::parse(url).map_err(|e| NetError::argument(format!("invalid URL '{url}': {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(NetError::argument(format!(
            "invalid URL '{url}': the scheme must be http or https"
        )));
    }
    let pairs = match params {
        None | Some(Value::Null) => return Ok(parsed.to_string()),
        Some(Value::Str(s)) => {
            // A ready-made query string is appended as it is.
            let extra = s.as_str().trim_start_matches(['?', '&']);
            if !extra.is_empty() {
                let query = match parsed.query() {
                    Some(q) if !q.is_empty() => format!("{q}&{extra}"),
                    _ => extra.to_owned(),
                };
                parsed.set_query(Some(&query));
            }
            return Ok(parsed.to_string());
        }
        Some(v) => match dict_entries(v).or_else(|| array_pairs(v)) {
            Some(p) => text_pairs(p),
            None => return Err(NetError::argument(format!("invalid params type: {}", v.type_name()))),
        },
    };
    if !pairs.is_empty() {
        let mut q = parsed.query_pairs_mut();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
    }
    Ok(parsed.to_string())
}

/// The body for `data` without files and without JSON encoding.
fn plain_body(data: &Value) -> Result<RequestBody, NetError> {
    match data {
        Value::Str(s) => Ok(RequestBody::Text(s.as_str().to_owned())),
        Value::Binary(b) => Ok(RequestBody::Bytes(b.as_ref().clone())),
        Value::Dict(_) => Ok(RequestBody::Form(text_pairs(dict_entries(data).unwrap_or_default()))),
        Value::Array(_) => match array_pairs(data) {
            Some(pairs) => Ok(RequestBody::Form(text_pairs(pairs))),
            None => Err(NetError::argument(
                "invalid data type: Array (expected an Array of [key, value] pairs)",
            )),
        },
        other => Err(NetError::argument(format!("invalid data type: {}", other.type_name()))),
    }
}

/// A multipart body from `data` (form fields) and `files`.
fn multipart(data: Option<&Value>, files: &Value) -> Result<RequestBody, NetError> {
    let fields = match data {
        None | Some(Value::Null) => Vec::new(),
        Some(d) => match dict_entries(d).or_else(|| array_pairs(d)) {
            Some(pairs) => text_pairs(pairs),
            None => {
                return Err(NetError::argument(format!(
                    "invalid data type: {} (with files, data must be a Dictionary or an Array of [key, value] pairs)",
                    d.type_name()
                )))
            }
        },
    };
    let entries = match files {
        Value::Dict(_) => dict_entries(files).unwrap_or_default(),
        Value::Array(_) => array_pairs(files)
            .ok_or_else(|| NetError::argument("invalid files: an Array of files must hold [field, FILE] pairs"))?,
        other => {
            return Err(NetError::argument(format!(
                "invalid files: expected a Dictionary or an Array of [field, FILE] pairs, not {}",
                other.type_name()
            )))
        }
    };
    let mut parts = Vec::with_capacity(entries.len());
    for (field, file) in entries {
        let field = text(&field);
        let source = file_source(&field, &file)?;
        parts.push(FilePart { field, source });
    }
    Ok(RequestBody::Multipart { fields, files: parts })
}

/// One FILE of `files`: `{name, data}`, `[name, data]`, a local path or a
/// File value.
fn file_source(field: &str, file: &Value) -> Result<FileSource, NetError> {
    let inline = |name: &Value, data: &Value| -> Result<FileSource, NetError> {
        let data = match data {
            Value::Binary(b) => b.as_ref().clone(),
            Value::Str(s) => s.as_str().as_bytes().to_vec(),
            Value::Null => Vec::new(),
            other => {
                return Err(NetError::argument(format!(
                    "invalid files: the data of '{field}' must be a String or a Binary, not {}",
                    other.type_name()
                )))
            }
        };
        Ok(FileSource::Inline { name: text(name), data })
    };
    match file {
        Value::File(f) => Ok(FileSource::Inline {
            name: f.name.clone(),
            data: f.data.clone(),
        }),
        Value::Str(path) if !path.as_str().is_empty() => Ok(FileSource::Path(path.as_str().to_owned())),
        Value::Dict(d) => {
            let d = d.borrow();
            let get = |k: &str| d.get(&jobflow_vm::value::Key::str(k)).cloned();
            match (get("name"), get("data")) {
                (Some(name), Some(data)) => inline(&name, &data),
                _ => Err(NetError::argument(format!(
                    "invalid files: '{field}' must have the keys 'name' and 'data'"
                ))),
            }
        }
        Value::Array(a) => match a.borrow().as_slice() {
            [name, data] => inline(name, data),
            _ => Err(NetError::argument(format!(
                "invalid files: '{field}' must be [name, data]"
            ))),
        },
        other => Err(NetError::argument(format!(
            "invalid files: '{field}' must be {{name, data}}, [name, data], a path or a File, not {}",
            other.type_name()
        ))),
    }
}
