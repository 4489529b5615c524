//! The server over real HTTP: a real listener on loopback, a real client, a real dist folder.

use rabet_server::{serve, AppState};
use reqwest::{header, StatusCode};
use std::{fs, path::Path};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

const WASM: &str = "rabet-3f2a9c0d11e4b7a6_bg.wasm";

struct Server {
    base: String,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    _dist: tempfile::TempDir,
}

impl Server {
    async fn start() -> Server {
        let dist = tempfile::tempdir().unwrap();
        write_dist(dist.path());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState {
            dist: dist.path().to_path_buf(),
        };
        let task = tokio::spawn(serve(listener, state, async {
            let _ = stopped.await;
        }));
        Server {
            base,
            stop: Some(stop),
            task,
            _dist: dist,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(format!("{}{path}", self.base)).await.unwrap()
    }
}

fn write_dist(dir: &Path) {
    fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Rabet</title>",
    )
    .unwrap();
    fs::write(dir.join(WASM), b"\0asm\x01\0\0\0").unwrap();
    fs::write(
        dir.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    fs::write(dir.join("manifest.webmanifest"), "{}").unwrap();
    let css = "body { color: black; }".repeat(20);
    fs::write(dir.join("main-9c0d11e4b7a6f0e1.css"), &css).unwrap();
    // A precompressed twin, as the build writes one: served when the client accepts gzip.
    fs::write(
        dir.join("main-9c0d11e4b7a6f0e1.css.gz"),
        gzip(css.as_bytes()),
    )
    .unwrap();
}

/// A minimal valid gzip stream (stored, uncompressed deflate blocks) so tests need no codec.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let len = data.len() as u16;
    out.push(1);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn cache_control(response: &reqwest::Response) -> &str {
    response.headers()[header::CACHE_CONTROL].to_str().unwrap()
}

#[tokio::test]
async fn health_answers_json() {
    let server = Server::start().await;
    let response = server.get("/api/health").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s_not_the_app() {
    let server = Server::start().await;
    let response = server.get("/api/nope").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("no such"));
}

#[tokio::test]
async fn hashed_assets_are_immutable() {
    let server = Server::start().await;
    let response = server.get(&format!("/{WASM}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        cache_control(&response),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/wasm");
}

#[tokio::test]
async fn index_and_service_worker_are_revalidated() {
    let server = Server::start().await;
    for path in ["/", "/index.html", "/sw.js", "/manifest.webmanifest"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(cache_control(&response), "no-cache", "{path}");
    }
}

#[tokio::test]
async fn app_routes_fall_back_to_index() {
    let server = Server::start().await;
    for path in ["/customers/42", "/pipeline", "/settings"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(cache_control(&response), "no-cache", "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains("<title>Rabet</title>"), "{path}: {body}");
    }
}

#[tokio::test]
async fn missing_files_are_404_not_index() {
    let server = Server::start().await;
    let response = server.get("/rabet-0000000000000000.js").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn precompressed_gzip_is_served_when_accepted() {
    let server = Server::start().await;
    let response = reqwest::Client::new()
        .get(format!("{}/main-9c0d11e4b7a6f0e1.css", server.base))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/css");
}

#[tokio::test]
async fn shutdown_stops_accepting_and_returns() {
    let mut server = Server::start().await;
    assert_eq!(server.get("/api/health").await.status(), StatusCode::OK);
    server.stop.take().unwrap().send(()).unwrap();
    let result = (&mut server.task).await.unwrap();
    assert!(result.is_ok());
    assert!(reqwest::get(format!("{}/api/health", server.base))
        .await
        .is_err());
}
