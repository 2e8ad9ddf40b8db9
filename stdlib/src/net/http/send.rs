//! Sending a [`UrlRequest`] with reqwest (rustls) and collecting the
//! response into a [`UrlResponse`].

use super::request::{FileSource, HttpMethod, RequestBody, UrlRequest};
use super::response::{self, UrlResponse};
use crate::net::error::{causes, io_timed_out, redact_url, HttpFailure, NetError};
use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{redirect, Url};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How many redirects one request follows (as Python's `requests`).
const MAX_REDIRECTS: usize = 30;

/// The `User-Agent` sent unless the caller gives one.
const USER_AGENT: &str = concat!("jobflow/", env!("CARGO_PKG_VERSION"));

/// Redirects seen so far: the URL that answered with a redirect and its
/// status, oldest first.
type History = Arc<Mutex<Vec<(String, u16)>>>;

/// Sends the request and reads the whole response.
///
/// A 4xx or 5xx status is a response like any other; only failing to get
/// one (DNS, connection, TLS, timeout, redirect loop) is an error. Unless
/// `quiet`, an https request with `verify=false` writes a warning on
/// stderr, as Python's `requests` does.
pub async fn urlopen(req: &UrlRequest) -> Result<UrlResponse, NetError> {
    let url = Url::parse(&req.url).map_err(|e| NetError::argument(format!("invalid URL '{}': {e}", req.url)))?;
    if url.scheme() == "https" && !req.verify && !req.quiet {
        eprintln!(
            "warning: urlopen: unverified HTTPS request to {}: the certificate is not checked (verify=false)",
            url.host_str().unwrap_or_default()
        );
    }
    let history: History = Arc::default();
    let client = client(req, &url, history.clone())?;

    let method = match req.method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Delete => reqwest::Method::DELETE,
        HttpMethod::Head => reqwest::Method::HEAD,
    };
    let mut builder = client.request(method, url.clone());
    for (name, value) in &req.headers {
        // Checked by `UrlRequest::from_args`; a request built by hand with a
        // bad header is refused here instead.
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| NetError::argument(format!("invalid headers: bad header name {name:?}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| NetError::argument(format!("invalid headers: bad value for header {name:?}")))?;
        builder = builder.header(name, value);
    }
    if let Some((user, password)) = &req.basic_auth {
        builder = builder.basic_auth(user, Some(password));
    }
    builder = match &req.body {
        None => builder,
        Some(RequestBody::Form(pairs)) => {
            let mut encoded = form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs {
                encoded.append_pair(k, v);
            }
            let builder = default_content_type(builder, req, "application/x-www-form-urlencoded");
            builder.body(encoded.finish())
        }
        Some(RequestBody::Json(text)) => default_content_type(builder, req, "application/json").body(text.clone()),
        Some(RequestBody::Text(text)) => builder.body(text.clone()),
        Some(RequestBody::Bytes(bytes)) => {
            default_content_type(builder, req, "application/octet-stream").body(bytes.clone())
        }
        Some(RequestBody::Multipart { fields, files }) => {
            let mut form = reqwest::multipart::Form::new();
            for (k, v) in fields {
                form = form.text(k.clone(), v.clone());
            }
            for file in files {
                let (name, data) = match &file.source {
                    FileSource::Inline { name, data } => (name.clone(), data.clone()),
                    FileSource::Path(path) => read_local(path).await?,
                };
                let mime = mime_guess::from_path(&name).first_or_octet_stream();
                let part = reqwest::multipart::Part::bytes(data)
                    .file_name(name)
                    .mime_str(mime.essence_str())
                    .map_err(|e| NetError::argument(format!("invalid files: {e}")))?;
                form = form.part(file.field.clone(), part);
            }
            builder.multipart(form)
        }
    };

    let shown = redact_url(&req.url);
    tracing::debug!(method = req.method.as_str(), url = %shown, "urlopen");
    let resp = builder.send().await.map_err(|e| http_error(&e, &shown, req.timeout))?;

    let final_url = resp.url().to_string();
    let code = resp.status().as_u16();
    let version = match resp.version() {
        reqwest::Version::HTTP_09 => 9,
        reqwest::Version::HTTP_10 => 10,
        reqwest::Version::HTTP_2 => 20,
        reqwest::Version::HTTP_3 => 30,
        _ => 11,
    };
    let headers = response::header_pairs(resp.headers());
    let cookies = resp
        .cookies()
        .map(|c| (c.name().to_owned(), c.value().to_owned()))
        .collect();
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let content = resp
        .bytes()
        .await
        .map_err(|e| http_error(&e, &redact_url(&final_url), req.timeout))?
        .to_vec();
    let history = std::mem::take(&mut *history.lock().unwrap_or_else(PoisonError::into_inner));

    Ok(UrlResponse::new(
        final_url,
        code,
        version,
        content_type.as_deref(),
        content,
        headers,
        cookies,
        history,
        req.binary,
        req.charset.as_deref(),
    ))
}

/// A client for one request: its TLS, timeout, proxy, cookie and redirect
/// settings.
fn client(req: &UrlRequest, url: &Url, history: History) -> Result<reqwest::Client, NetError> {
    let policy = redirect::Policy::custom(move |attempt| {
        let mut seen = history.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(from) = attempt.previous().last() {
            seen.push((from.to_string(), attempt.status().as_u16()));
        }
        if seen.len() > MAX_REDIRECTS {
            attempt.error(format!("Exceeded {MAX_REDIRECTS} redirects."))
        } else {
            attempt.follow()
        }
    });
    let jar = Arc::new(reqwest::cookie::Jar::default());
    for (name, value) in &req.cookies {
        jar.add_cookie_str(&format!("{name}={value}; Path=/"), url);
    }
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .user_agent(USER_AGENT)
        .redirect(policy)
        .cookie_provider(jar)
        .danger_accept_invalid_certs(!req.verify);
    if let Some(secs) = req.timeout {
        let limit = Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX);
        builder = builder.connect_timeout(limit).read_timeout(limit);
    }
    for (scheme, proxy) in &req.proxies {
        let proxy = match scheme.to_ascii_lowercase().as_str() {
            "http" => reqwest::Proxy::http(proxy.as_str()),
            "https" => reqwest::Proxy::https(proxy.as_str()),
            _ => reqwest::Proxy::all(proxy.as_str()),
        }
        .map_err(|_| NetError::argument(format!("invalid proxies: bad proxy URL {proxy:?}")))?;
        builder = builder.proxy(proxy);
    }
    builder.build().map_err(|e| NetError::Http {
        kind: HttpFailure::Tls,
        url: redact_url(&req.url),
        detail: chain_text(&e),
    })
}

/// Sets `Content-Type` unless the caller gave one.
fn default_content_type(builder: reqwest::RequestBuilder, req: &UrlRequest, mime: &str) -> reqwest::RequestBuilder {
    if req.has_header("content-type") {
        builder
    } else {
        builder.header(CONTENT_TYPE, mime)
    }
}

/// A local file for a multipart upload: its last path component and its
/// contents.
async fn read_local(path: &str) -> Result<(String, Vec<u8>), NetError> {
    let data = tokio::fs::read(path).await.map_err(|e| NetError::ReadFile {
        path: path.to_owned(),
        detail: e.to_string(),
    })?;
    let name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned());
    Ok((name, data))
}

/// A reqwest failure as a sentence: what went wrong, where, and why.
fn http_error(e: &reqwest::Error, url: &str, timeout: Option<f64>) -> NetError {
    let detail = chain_text(e);
    let lower = detail.to_ascii_lowercase();
    let timed_out = e.is_timeout() || lower.contains("timed out") || io_timed_out(e);
    let kind = if timed_out {
        HttpFailure::Timeout
    } else if lower.contains("dns error") || lower.contains("lookup address") {
        HttpFailure::Dns
    } else if e.is_redirect() {
        HttpFailure::Redirect
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        HttpFailure::Tls
    } else if e.is_connect() {
        HttpFailure::Connect
    } else {
        HttpFailure::Transfer
    };
    let detail = match (kind, timeout) {
        (HttpFailure::Timeout, Some(secs)) => format!("no answer within {secs} seconds"),
        _ => detail,
    };
    NetError::Http {
        kind,
        url: url.to_owned(),
        detail,
    }
}

/// The causes of an error, outermost first, without reqwest's own
/// "error sending request for url (…)" line and without repeats.
fn chain_text(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in causes(e) {
        let text = crate::error_text::without_os_error(&cause.to_string());
        if text.is_empty() || parts.iter().any(|p| p.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    // hyper's "client error (Connect)" only says which stage failed; the
    // causes after it say how.
    if parts.len() > 1 && parts.first().is_some_and(|p| p.starts_with("client error (")) {
        parts.remove(0);
    }
    if parts.is_empty() {
        // reqwest's own text names the URL, which the caller adds itself.
        let own = e.to_string();
        return match own.split_once(" for url (") {
            Some((head, _)) => head.to_owned(),
            None => own,
        };
    }
    parts.join(": ")
}
