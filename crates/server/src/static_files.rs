//! Static hosting of the built app.
//!
//! Caching follows the build's shape: Trunk puts a content hash in the names of the js, wasm
//! and css, so those never change and are cached for a year; everything else (index.html, the
//! service worker, the manifest, icons, fonts) is revalidated on every use, so a new deploy is
//! seen at once. Paths without a file extension are app routes and get `index.html`.
//!
//! Revalidation is by entity tag, not by date. A rollback to an earlier build puts older
//! files in place; asked `If-Modified-Since` by a browser holding the newer index.html, the
//! server would answer 304, and the page would go on asking for assets that are gone. An
//! entity tag differs for any other file, older or newer.
//!
//! Every file goes with a Content-Security-Policy the app works under (see [`csp`]) and
//! `Vary: Accept-Encoding`, since a `.br` or `.gz` twin may be sent in its place.

use axum::{
    body::Body,
    http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode},
};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::{
    convert::Infallible,
    hash::{DefaultHasher, Hash, Hasher},
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::SystemTime,
};
use tower::{service_fn, util::BoxCloneSyncService, ServiceExt};
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

pub type StaticService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

pub fn service(dist: &Path) -> StaticService {
    let files = ServeDir::new(dist).precompressed_br().precompressed_gzip();
    let index = ServeFile::new(dist.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let policy = Arc::new(Policy::new(dist.join("index.html")));
    BoxCloneSyncService::new(service_fn(move |request: Request<Body>| {
        let (files, index, policy) = (files.clone(), index.clone(), policy.clone());
        async move {
            let path = request.uri().path().to_owned();
            let revalidated = !is_hashed_asset(&path);
            let mut request = request;
            // Unhashed files are validated here, by entity tag, and never by date.
            let if_none_match = revalidated
                .then(|| {
                    let headers = request.headers_mut();
                    headers.remove(header::IF_MODIFIED_SINCE);
                    headers.remove(header::IF_NONE_MATCH)
                })
                .flatten();
            // A missing file must be a 404, never index.html: a stale page asking for an old
            // asset would otherwise get HTML back as JavaScript.
            let mut response = if names_a_file(&path) {
                files.oneshot(request).await?.map(Body::new)
            } else {
                index.oneshot(request).await?.map(Body::new)
            };
            if revalidated {
                response = by_entity_tag(response, if_none_match.as_ref());
            }
            let csp = policy.current().await;
            Ok(with_headers(&path, response, csp))
        }
    }))
}

/// The Content-Security-Policy of the app, for the index.html being served:
///
/// - scripts: the app's own files, its wasm (`'wasm-unsafe-eval'` lets it be compiled), and
///   the inline scripts of index.html by their SHA-256 (ours, and Trunk's module that starts
///   the wasm), so no other inline script runs;
/// - styles: the app's stylesheet and inline styles, which the views set on elements;
/// - `connect-src *`: the app syncs with whichever server its user connects it to, on any
///   origin, so any is allowed (an attacker's script, which could abuse that, cannot run);
/// - no plugins, no `<base>`, forms only to this origin, and no framing by any page.
fn csp(index_html: &str) -> String {
    let hashes: String = inline_scripts(index_html)
        .map(|script| {
            // The HTML parser turns CRLF and CR into LF before the browser hashes a script.
            let script = script.replace("\r\n", "\n").replace('\r', "\n");
            let digest = Sha256::digest(script.as_bytes());
            let digest = base64::engine::general_purpose::STANDARD.encode(digest);
            format!(" 'sha256-{digest}'")
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src *; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The text of each `<script>` without a `src`, as the browser hashes it.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut from = 0;
    while let Some(open) = lower[from..].find("<script").map(|at| from + at) {
        let Some(tag_end) = lower[open..].find('>').map(|at| open + at) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|at| tag_end + at) else {
            break;
        };
        let attributes = &lower[open + "<script".len()..tag_end];
        let has_src = attributes
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .any(|attribute| attribute.split('=').next() == Some("src"));
        if !has_src {
            scripts.push(tag_end + 1..close);
        }
        from = close;
    }
    scripts.into_iter().map(move |range| &html[range])
}

/// The policy for the index.html on disk, worked out again when a deploy changes it.
struct Policy {
    index: PathBuf,
    cached: Mutex<Option<(SystemTime, u64, HeaderValue)>>,
}

impl Policy {
    fn new(index: PathBuf) -> Self {
        Policy {
            index,
            cached: Mutex::new(None),
        }
    }

    async fn current(&self) -> HeaderValue {
        let stamp = tokio::fs::metadata(&self.index)
            .await
            .ok()
            .and_then(|meta| Some((meta.modified().ok()?, meta.len())));
        {
            let cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
            if let (Some((modified, len, policy)), Some(stamp)) = (&*cached, stamp) {
                if (*modified, *len) == stamp {
                    return policy.clone();
                }
            }
        }
        let html = tokio::fs::read_to_string(&self.index)
            .await
            .unwrap_or_default();
        let policy = HeaderValue::from_str(&csp(&html)).expect("a policy is ASCII");
        if let Some((modified, len)) = stamp {
            *self.cached.lock().unwrap_or_else(|p| p.into_inner()) =
                Some((modified, len, policy.clone()));
        }
        policy
    }
}

/// Paths whose last segment has an extension name files; the others are app routes.
fn names_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Tags a file by its modification time, length and encoding in place of its date, and
/// answers 304 when the browser holds that very file.
fn by_entity_tag(
    mut response: Response<Body>,
    if_none_match: Option<&HeaderValue>,
) -> Response<Body> {
    if response.status() != StatusCode::OK {
        return response;
    }
    let Some(tag) = entity_tag(response.headers()) else {
        return response;
    };
    let held = if_none_match
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|held| held.trim().trim_start_matches("W/") == tag)
        });
    let tag = HeaderValue::from_str(&tag).expect("hex digits in quotes");
    if held {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        not_modified.headers_mut().insert(header::ETAG, tag);
        return not_modified;
    }
    let headers = response.headers_mut();
    headers.remove(header::LAST_MODIFIED);
    headers.insert(header::ETAG, tag);
    response
}

fn entity_tag(headers: &HeaderMap) -> Option<String> {
    let mut hasher = DefaultHasher::new();
    for name in [header::LAST_MODIFIED, header::CONTENT_LENGTH] {
        headers.get(&name)?.as_bytes().hash(&mut hasher);
    }
    headers
        .get(header::CONTENT_ENCODING)
        .map(HeaderValue::as_bytes)
        .hash(&mut hasher);
    Some(format!("\"{:016x}\"", hasher.finish()))
}

fn with_headers(path: &str, mut response: Response<Body>, csp: HeaderValue) -> Response<Body> {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let cache = if is_hashed_asset(path) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Trunk names hashed output `name-<hex hash>.ext` (the wasm as `name-<hash>_bg.wasm`).
fn is_hashed_asset(path: &str) -> bool {
    let Some(file) = path.rsplit('/').next() else {
        return false;
    };
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "js" | "wasm" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_scripts_only() {
        let html = "<head><script>a()</script><SCRIPT type=module>\nb()\n</SCRIPT>\
                    <script src=\"/x.js\"></script><script data-x src=/y.js></script>\
                    <script data-src=\"z\">c()</script></head>";
        let found: Vec<_> = inline_scripts(html).collect();
        assert_eq!(found, ["a()", "\nb()\n", "c()"]);
        assert!(csp(html).contains("'sha256-"));
    }

    #[test]
    fn recognizes_trunk_hashed_names() {
        assert!(is_hashed_asset("/rabet-3f2a9c0d11e4b7a6_bg.wasm"));
        assert!(is_hashed_asset("/rabet-3f2a9c0d11e4b7a6.js"));
        assert!(is_hashed_asset("/main-9c0d11e4b7a6.css"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/fonts/vazirmatn-nl.woff2"));
        assert!(!is_hashed_asset("/pre-fetch.js"));
    }
}
