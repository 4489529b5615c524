//! The server over real HTTP: a real listener on loopback, a real client, a real dist folder.

mod common;

use common::{Backend, TestDatabase, TestServer, WASM};
use reqwest::{header, StatusCode};

struct Server {
    server: TestServer,
    _database: TestDatabase,
}

impl Server {
    async fn start() -> Server {
        let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
        let server = TestServer::start(database.open().await, |_| {}).await;
        Server {
            server,
            _database: database,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(self.server.url(path)).await.unwrap()
    }
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
    assert_eq!(body["error"], "not_found");
    assert!(body["message"].as_str().unwrap().contains("no such"));
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
        .get(server.server.url("/main-9c0d11e4b7a6f0e1.css"))
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
    server.server.stop();
    let result = (&mut server.server.task).await.unwrap();
    assert!(result.is_ok());
    assert!(reqwest::get(server.server.url("/api/health"))
        .await
        .is_err());
}
