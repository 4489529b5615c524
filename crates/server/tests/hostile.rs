//! The server under hostile and slow clients, spoken to over raw TCP where a real client
//! would hide what matters (kept-alive connections, half-sent requests, headers).

mod common;

use common::{Backend, OpMaker, TestDatabase, TestServer};
use rabet_server::{admin, AppState, Limits, RateLimit};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

struct Setup {
    server: TestServer,
    token: String,
    _database: TestDatabase,
}

impl Setup {
    async fn new(configure: impl FnOnce(&mut AppState)) -> Setup {
        let database = TestDatabase::new(Backend::Sqlite).await.unwrap();
        let server = TestServer::start(database.open().await, configure).await;
        let workspace = admin::create_workspace(&*server.storage, "Acme")
            .await
            .unwrap();
        let token = admin::issue_token(&*server.storage, &workspace, "Alice")
            .await
            .unwrap()
            .token;
        Setup {
            server,
            token,
            _database: database,
        }
    }

    fn addr(&self) -> &str {
        self.server.base.trim_start_matches("http://")
    }

    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr()).await.unwrap()
    }
}

/// One HTTP/1.1 answer read off a connection: status, lowercase headers, body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads one answer with a Content-Length body; `None` when the connection closes first.
async fn read_answer(
    stream: &mut (impl AsyncRead + Unpin),
    pending: &mut Vec<u8>,
) -> Option<Answer> {
    let head_end = loop {
        if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let mut buf = [0u8; 8192];
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => pending.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8(pending[..head_end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (key, value) = line.split_once(':').unwrap();
            (key.trim().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(key, _)| key == "content-length")
        .map_or(0, |(_, value)| value.parse().unwrap());
    pending.drain(..head_end + 4);
    while pending.len() < length {
        let mut buf = [0u8; 8192];
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => pending.extend_from_slice(&buf[..n]),
        }
    }
    let body = pending.drain(..length).collect();
    Some(Answer {
        status,
        headers,
        body,
    })
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n")
}

/// Nagle's algorithm held the body back until the client's delayed ACK of the headers,
/// ~40 ms on every request after the first on a kept-alive connection.
#[tokio::test]
async fn static_files_answer_at_once_on_a_kept_alive_connection() {
    let setup = Setup::new(|_| {}).await;
    let mut stream = setup.connect().await;
    let mut pending = Vec::new();
    let mut times = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        stream.write_all(get("/sw.js").as_bytes()).await.unwrap();
        let answer = read_answer(&mut stream, &mut pending).await.unwrap();
        times.push(start.elapsed());
        assert_eq!(answer.status, 200);
    }
    times.sort();
    let median = times[times.len() / 2];
    eprintln!("static file median on a kept-alive connection: {median:?}");
    // Far below the 40 ms of a delayed ACK, with room for a loaded machine.
    assert!(median < Duration::from_millis(10), "median {median:?}");
}

fn push_request(token: &str, body: &str) -> String {
    format!(
        "POST /api/v1/ops HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A push refused before its body is read (401, 429): the connection either says it
/// closes, or goes on serving the next request.
#[tokio::test]
async fn a_refused_push_leaves_no_broken_connection() {
    let setup = Setup::new(|state| {
        state.rate_limit = RateLimit {
            per_second: 0.001,
            burst: 1.0,
        }
    })
    .await;
    // A large push, as a client with a long outbox sends: still being written when the
    // answer comes.
    let mut ops = OpMaker::new(1).ops(30);
    for op in &mut ops {
        op.value = json!("x".repeat(60 * 1024));
    }
    let body = json!({ "ops": ops }).to_string();
    // The token's one request; its next one is refused.
    let session = reqwest::Client::new()
        .get(setup.server.url("/api/v1/session"))
        .bearer_auth(&setup.token)
        .send()
        .await
        .unwrap();
    assert_eq!(session.status(), 200);
    for (token, status) in [("rbt_unknown", 401), (setup.token.as_str(), 429)] {
        let (mut reader, mut writer) = setup.connect().await.into_split();
        let request = push_request(token, &body);
        let sending = tokio::spawn(async move {
            let _ = writer.write_all(request.as_bytes()).await;
            writer
        });
        let mut pending = Vec::new();
        let answer = read_answer(&mut reader, &mut pending).await.unwrap();
        assert_eq!(answer.status, status);
        let mut writer = sending.await.unwrap();
        if answer.header("connection") == Some("close") {
            continue;
        }
        // Kept open: it must then serve the next request.
        let next = async {
            writer.write_all(get("/api/health").as_bytes()).await.ok()?;
            read_answer(&mut reader, &mut pending).await
        };
        let next = tokio::time::timeout(Duration::from_secs(5), next).await;
        assert!(
            matches!(next, Ok(Some(ref answer)) if answer.status == 200),
            "{status}: the connection stayed open without `Connection: close` but is unusable"
        );
    }
}

/// Requests that fail authentication (no token, an unknown one) are limited by client
/// address, and refused before any token is looked up once the address has used its share;
/// a member's own requests take nothing from it.
#[tokio::test]
async fn failed_authentication_is_rate_limited_by_address() {
    let setup = Setup::new(|state| {
        state.rate_limit = RateLimit {
            per_second: 0.001,
            burst: 3.0,
        }
    })
    .await;
    let client = reqwest::Client::new();
    let session = |token: Option<&str>| {
        let request = client.get(setup.server.url("/api/v1/session"));
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
        .send()
    };
    for _ in 0..2 {
        assert_eq!(session(Some(&setup.token)).await.unwrap().status(), 200);
    }
    for token in [None, Some("rbt_unknown"), None] {
        assert_eq!(session(token).await.unwrap().status(), 401);
    }
    let refused = session(None).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(session(Some("rbt_guess")).await.unwrap().status(), 429);
}

#[tokio::test]
async fn api_answers_are_never_stored_by_caches() {
    let setup = Setup::new(|_| {}).await;
    let client = reqwest::Client::new();
    for (path, token) in [
        ("/api/health", None),
        ("/api/v1/session", Some(setup.token.as_str())),
        ("/api/v1/ops", Some(setup.token.as_str())),
        ("/api/v1/ops", None),
        ("/api/nope", None),
    ] {
        let mut request = client.get(setup.server.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.headers()["cache-control"],
            "no-store",
            "{path} ({})",
            response.status()
        );
    }
}

/// index.html as Trunk writes it: an inline script of ours, and Trunk's inline module that
/// loads the wasm.
const INDEX: &str = "<!doctype html><html><head><title>Rabet</title>\
<script>\n    document.documentElement.dir = \"rtl\";\n</script>\
<link rel=\"modulepreload\" href=\"/rabet-3f2a9c0d11e4b7a6.js\" crossorigin=\"anonymous\">\
<script type=\"module\">\nimport init, * as bindings from '/rabet-3f2a9c0d11e4b7a6.js';\n\
const wasm = await init({ module_or_path: '/rabet-3f2a9c0d11e4b7a6_bg.wasm' });\n\
window.wasmBindings = bindings;\n</script>\
<script src=\"/other.js\"></script></head><body></body></html>";

fn csp_hash(script: &str) -> String {
    use base64::Engine;
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn directive<'a>(policy: &'a str, name: &str) -> &'a str {
    policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.split(' ').next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in {policy}"))
}

#[tokio::test]
async fn the_app_has_a_content_security_policy_it_works_under() {
    let setup = Setup::new(|_| {}).await;
    std::fs::write(setup.server.dist().join("index.html"), INDEX).unwrap();
    for path in ["/", "/index.html", "/customers/42"] {
        let response = reqwest::get(setup.server.url(path)).await.unwrap();
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(
            directive(&policy, "frame-ancestors"),
            "frame-ancestors 'none'"
        );
        assert_eq!(directive(&policy, "object-src"), "object-src 'none'");
        let script = directive(&policy, "script-src");
        assert!(script.contains("'self'"), "{script}");
        assert!(script.contains("'wasm-unsafe-eval'"), "{script}");
        assert!(!script.contains("'unsafe-inline'"), "{script}");
        assert!(!script.contains("'unsafe-eval'"), "{script}");
        for inline in [
            "\n    document.documentElement.dir = \"rtl\";\n",
            "\nimport init, * as bindings from '/rabet-3f2a9c0d11e4b7a6.js';\n\
const wasm = await init({ module_or_path: '/rabet-3f2a9c0d11e4b7a6_bg.wasm' });\n\
window.wasmBindings = bindings;\n",
        ] {
            assert!(script.contains(&csp_hash(inline)), "{script}");
        }
        // Sync may go to any server the user names.
        assert_eq!(directive(&policy, "connect-src"), "connect-src *");
        assert!(directive(&policy, "style-src").contains("'self'"));
        assert!(directive(&policy, "font-src").contains("'self'"));
        assert!(directive(&policy, "worker-src").contains("'self'"));
    }
    // A new build's scripts are allowed as soon as it is deployed.
    let rebuilt = INDEX.replace("rtl", "ltr");
    std::fs::write(setup.server.dist().join("index.html"), &rebuilt).unwrap();
    let response = reqwest::get(setup.server.url("/")).await.unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(policy.contains(&csp_hash("\n    document.documentElement.dir = \"ltr\";\n")));
}

#[tokio::test]
async fn precompressed_files_vary_by_accept_encoding() {
    let setup = Setup::new(|_| {}).await;
    for encoding in ["gzip", "identity"] {
        let response = reqwest::Client::new()
            .get(setup.server.url("/main-9c0d11e4b7a6f0e1.css"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let vary = response.headers()["vary"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(vary.contains("accept-encoding"), "{vary}");
    }
}

fn tight(state: &mut AppState) {
    state.limits = Limits {
        header_read_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_millis(800),
        max_connections: 64,
        max_connections_per_ip: 8,
        shutdown_grace: Duration::from_secs(1),
    };
}

/// Whether the server closes `stream` within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let read = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, read).await.is_ok()
}

/// Connections that trickle their headers byte by byte (slow loris): those past the
/// address's share are closed at once, the others when their headers are late, and a
/// client from another address is served all along.
#[tokio::test]
async fn slow_headers_are_cut_off_and_one_address_gets_only_its_share() {
    let setup = Setup::new(tight).await;
    let mut loris = Vec::new();
    for _ in 0..40 {
        let mut stream = setup.connect().await;
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        loris.push(stream);
    }
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let health = other.get(setup.server.url("/api/health")).send().await;
    assert!(health.is_ok_and(|r| r.status() == 200));
    let mut refused = 0;
    for stream in &mut loris {
        if closed_within(stream, Duration::from_millis(20)).await {
            refused += 1;
        }
    }
    assert!(refused >= 32, "only {refused} of 40 refused");
    // The rest keep trickling, yet are cut off once their headers are late.
    let start = Instant::now();
    for stream in &mut loris {
        let _ = stream.write_all(b"X-Slow: 1\r\n").await;
    }
    for stream in &mut loris {
        assert!(closed_within(stream, Duration::from_secs(3)).await);
    }
    assert!(start.elapsed() < Duration::from_secs(3));
    // Their slots are free again.
    let mut stream = setup.connect().await;
    let mut pending = Vec::new();
    stream
        .write_all(get("/api/health").as_bytes())
        .await
        .unwrap();
    assert_eq!(
        read_answer(&mut stream, &mut pending).await.unwrap().status,
        200
    );
}

/// A push whose body stalls is answered 408 after the request timeout, and the answer
/// closes the connection.
#[tokio::test]
async fn a_stalled_body_times_out() {
    let setup = Setup::new(tight).await;
    let mut stream = setup.connect().await;
    let body = json!({ "ops": OpMaker::new(1).ops(5) }).to_string();
    let request = push_request(&setup.token, &body);
    stream
        .write_all(&request.as_bytes()[..request.len() - body.len() / 2])
        .await
        .unwrap();
    let start = Instant::now();
    let answer = read_answer(&mut stream, &mut Vec::new()).await.unwrap();
    assert_eq!(answer.status, 408);
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(answer.header("connection"), Some("close"));
    let error: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(error["error"], "request_timeout");
}

/// Shutdown waits for requests in flight, but not past its grace period.
#[tokio::test]
async fn shutdown_ends_despite_a_stalled_request() {
    let mut setup = Setup::new(|state| {
        tight(state);
        state.limits.request_timeout = Duration::from_secs(60);
        state.limits.header_read_timeout = Duration::from_secs(60);
    })
    .await;
    let mut stream = setup.connect().await;
    let body = json!({ "ops": OpMaker::new(1).ops(5) }).to_string();
    let request = push_request(&setup.token, &body);
    stream
        .write_all(&request.as_bytes()[..request.len() - 10])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let start = Instant::now();
    setup.server.stop();
    let stopped = tokio::time::timeout(Duration::from_secs(5), &mut setup.server.task).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "{stopped:?}");
    assert!(start.elapsed() >= Duration::from_millis(900));
    assert!(closed_within(&mut stream, Duration::from_secs(1)).await);
}
