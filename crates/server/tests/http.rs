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

/// GET `path` as a browser revalidating what it holds.
async fn revalidate(
    server: &Server,
    path: &str,
    header: header::HeaderName,
    value: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .get(server.server.url(path))
        .header(header, value)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_browser_holding_the_served_file_gets_304() {
    let server = Server::start().await;
    let first = server.get("/index.html").await;
    let tag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(first.headers().get(header::LAST_MODIFIED).is_none());
    let again = revalidate(&server, "/index.html", header::IF_NONE_MATCH, &tag).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(cache_control(&again), "no-cache");
    let other = revalidate(&server, "/index.html", header::IF_NONE_MATCH, "\"0\"").await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_rollback_to_an_earlier_build_reaches_browsers_holding_the_later_one() {
    let server = Server::start().await;
    let later = server.get("/index.html").await;
    let tag = later.headers()[header::ETAG].to_str().unwrap().to_owned();
    // The earlier build's files, written now: an older build has older dates, and a date
    // in the future stands for any of them.
    std::fs::write(
        server.server.dist().join("index.html"),
        "<!doctype html><title>Rabet</title><!-- earlier -->",
    )
    .unwrap();
    for (header, value) in [
        (header::IF_NONE_MATCH, tag.as_str()),
        (header::IF_MODIFIED_SINCE, "Fri, 01 Jan 2100 00:00:00 GMT"),
    ] {
        let response = revalidate(&server, "/index.html", header.clone(), value).await;
        assert_eq!(response.status(), StatusCode::OK, "{header}");
        assert!(
            response.text().await.unwrap().contains("earlier"),
            "{header}"
        );
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
