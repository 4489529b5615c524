//! The accept loop: HTTP/1.1 connections with limits a hostile or slow client cannot get
//! around, and a shutdown that ends.
//!
//! - `TCP_NODELAY` on every connection: hyper writes a response's head and a file's body
//!   separately, and Nagle's algorithm would hold the body until the client's delayed ACK
//!   (~40 ms a request on a kept-alive connection).
//! - A header-read timeout: a request's head must arrive whole within it, and an idle
//!   kept-alive connection is closed after it (slow loris).
//! - A cap on open connections in total, kept under the process's open-file limit (while it
//!   is reached, new connections wait in the listen backlog), and a cap per client address
//!   (a connection past it is closed at once), so one client cannot take every slot.
//! - Shutdown stops accepting, lets requests in flight finish, and after a grace period
//!   closes the connections still open.

use axum::Router;
use hyper::server::conn::http1;
use hyper::{body::Incoming, Request};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use std::{
    collections::HashMap,
    future::Future,
    io,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    net::TcpListener,
    sync::{watch, Semaphore},
    task::JoinSet,
};
use tower::ServiceExt;

/// What a connection and a request may take. `Default` is what `rabet-server serve` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Time for a request's head (request line and headers) to arrive; also how long an
    /// idle kept-alive connection stays open.
    pub header_read_timeout: Duration,
    /// Time for an API request to be read (its body) and answered; 408 after it.
    pub request_timeout: Duration,
    /// Connections open at once, from everyone.
    pub max_connections: usize,
    /// Connections open at once from one client address.
    pub max_connections_per_ip: usize,
    /// How long shutdown waits for requests in flight before closing their connections.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_connections_per_ip: 64,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// File descriptors kept for the database, logs and the listener, beyond connections.
const RESERVED_FILES: u64 = 64;

/// The largest connection cap the process's open-file limit bears, after raising the soft
/// limit to the hard one: each connection may hold a socket and a file being served.
/// `None` when the limit is unknown (not Unix) or unlimited.
pub fn connections_the_file_limit_allows() -> Option<usize> {
    let files = rlimit::increase_nofile_limit(u64::MAX).ok()?;
    // Unlimited, or a platform without the limit.
    if files == u64::MAX {
        return None;
    }
    Some((files.saturating_sub(RESERVED_FILES) / 2).max(1) as usize)
}

/// Open connections per client address.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

/// One connection's place in [`PerAddress`], given back when dropped.
struct AddressSlot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl PerAddress {
    fn take(table: &Arc<PerAddress>, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut open = table.0.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(ip).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            table: table.clone(),
            ip,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.table.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves; then waits for
/// requests in flight at most `limits.shutdown_grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_address = Arc::new(PerAddress::default());
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        // Reap finished connections so the set holds only open ones.
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) if is_connection_error(&error) => continue,
            Err(error) => {
                // Out of file descriptors or memory: wait rather than spin.
                tracing::error!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let address = client_address(peer.ip());
        let Some(address_slot) =
            PerAddress::take(&per_address, address, limits.max_connections_per_ip)
        else {
            tracing::debug!(%peer, "refused: too many connections from this address");
            continue;
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        // Each request knows its client, for the limits that count by client.
        let service = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ClientAddress(address));
                request
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let mut stopping = stopping.clone();
        connections.spawn(async move {
            let _slots = (slot, address_slot);
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = result {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "closing connections still open after the shutdown grace period"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// The client a request came from, as [`client_address`] counts it: set on every request
/// [`serve`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The address a client is counted under: its IPv4 address, or its IPv6 /64 network (one
/// host commonly holds a whole /64, and could otherwise take a new address per connection).
fn client_address(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}

/// Errors of one incoming connection, not of the listener.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network() {
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        assert_eq!(
            client_address(ip("2001:db8:1:2:aaaa::1")),
            client_address(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            client_address(ip("2001:db8:1:2::1")),
            client_address(ip("2001:db8:1:3::1"))
        );
        assert_eq!(client_address(ip("::ffff:10.0.0.1")), ip("10.0.0.1"));
        assert_eq!(client_address(ip("10.0.0.1")), ip("10.0.0.1"));
    }

    #[test]
    fn an_address_takes_at_most_its_share_and_gets_it_back() {
        let table = Arc::new(PerAddress::default());
        let ip = IpAddr::from([10, 0, 0, 1]);
        let first = PerAddress::take(&table, ip, 2).unwrap();
        let _second = PerAddress::take(&table, ip, 2).unwrap();
        assert!(PerAddress::take(&table, ip, 2).is_none());
        assert!(PerAddress::take(&table, IpAddr::from([10, 0, 0, 2]), 2).is_some());
        drop(first);
        assert!(PerAddress::take(&table, ip, 2).is_some());
    }
}
