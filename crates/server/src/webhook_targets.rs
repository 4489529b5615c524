//! Which addresses the server may call for a rule's webhook.
//!
//! A workspace admin types the webhook's URL in the app, but the server makes the call, from
//! inside the operator's network. Without the operator's leave it must not reach that
//! network: its own machine, private and link-local addresses (a cloud's metadata service at
//! 169.254.169.254 among them), and the other ranges no public site lives in. The check is
//! made on the addresses a name resolves to, by the resolver the call connects through (so a
//! name cannot point elsewhere between the check and the call), on addresses written in the
//! URL, and on every redirect.

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use thiserror::Error;

/// Redirects a webhook call follows at most.
const MAX_REDIRECTS: usize = 5;

/// The networks besides public addresses that webhooks may call (`--webhook-allow`).
#[derive(Clone, Debug, Default)]
pub struct WebhookTargets {
    allowed: Vec<IpNet>,
}

/// A webhook's address the server refuses to call.
#[derive(Debug, Error)]
#[error("the webhook's address {0} is not allowed to be called: it is this machine or a private network (the operator allows it with --webhook-allow)")]
pub struct RefusedAddress(pub IpAddr);

impl WebhookTargets {
    /// Public addresses and those in `allowed`.
    pub fn allowing(allowed: Vec<IpNet>) -> Self {
        WebhookTargets { allowed }
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.allowed.iter().any(|net| net.contains(&ip))
    }

    fn check(&self, ip: IpAddr) -> Result<(), RefusedAddress> {
        self.permits(ip).then_some(()).ok_or(RefusedAddress(ip))
    }

    /// Refuses a URL that names a refused address itself (no name to resolve).
    fn check_url(&self, url: &reqwest::Url) -> Result<(), RefusedAddress> {
        let host = url.host_str().unwrap_or_default();
        match host.trim_start_matches('[').trim_end_matches(']').parse() {
            Ok(ip) => self.check(ip),
            Err(_) => Ok(()),
        }
    }

    /// A client for webhook calls that connects only to permitted addresses.
    pub fn client(&self, timeout: std::time::Duration) -> reqwest::Result<reqwest::Client> {
        let targets = self.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                return attempt.error("too many redirects");
            }
            match targets.check_url(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refused) => attempt.error(refused),
            }
        });
        reqwest::Client::builder()
            .timeout(timeout)
            .redirect(redirects)
            .dns_resolver(Arc::new(self.clone()))
            .build()
    }

    /// Posts `payload` to `url` through `client` (made by [`Self::client`]).
    pub async fn post(
        &self,
        client: &reqwest::Client,
        url: &str,
        payload: &str,
    ) -> Result<reqwest::Response, WebhookError> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|error| WebhookError::Unreachable(error.to_string()))?;
        self.check_url(&parsed).map_err(WebhookError::Refused)?;
        client
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(payload.to_owned())
            .send()
            .await
            .map_err(|error| match refusal_in(&error) {
                Some(ip) => WebhookError::Refused(RefusedAddress(ip)),
                None => WebhookError::Unreachable(error.to_string()),
            })
    }
}

/// Why a webhook call failed.
#[derive(Debug, Error)]
pub enum WebhookError {
    /// Never to be tried again: the address is refused.
    #[error(transparent)]
    Refused(RefusedAddress),
    #[error("the webhook could not be reached: {0}")]
    Unreachable(String),
    /// Its status and the start of its answer.
    #[error("the webhook answered {0}")]
    Answered(String),
}

/// The refused address somewhere in `error`'s chain of causes, if that is why it failed.
fn refusal_in(error: &(dyn std::error::Error + 'static)) -> Option<IpAddr> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(RefusedAddress(ip)) = error.downcast_ref::<RefusedAddress>() {
            return Some(*ip);
        }
        cause = error.source();
    }
    None
}

impl Resolve for WebhookTargets {
    fn resolve(&self, name: Name) -> Resolving {
        let targets = self.clone();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let permitted: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|address| targets.permits(address.ip()))
                .collect();
            match (permitted.is_empty(), found.first()) {
                (true, Some(refused)) => Err(RefusedAddress(refused.ip()).into()),
                _ => Ok(Box::new(permitted.into_iter()) as Addrs),
            }
        })
    }
}

/// Whether `ip` is an address on the public internet: not this machine, not a private,
/// shared, link-local, documentation, benchmarking, multicast or reserved range.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(mapped) => is_public_v4(mapped),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64: an IPv4 address inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn only_public_addresses_are_permitted_by_default() {
        let targets = WebhookTargets::default();
        for refused in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
        ] {
            assert!(!targets.permits(ip(refused)), "{refused} is permitted");
        }
        for permitted in ["1.1.1.1", "8.8.8.8", "172.32.0.1", "2606:4700::1111"] {
            assert!(targets.permits(ip(permitted)), "{permitted} is refused");
        }
    }

    #[test]
    fn the_operator_allows_networks_by_name() {
        let targets = WebhookTargets::allowing(vec!["10.0.0.0/8".parse().unwrap()]);
        assert!(targets.permits(ip("10.20.30.40")));
        assert!(!targets.permits(ip("192.168.0.1")));
    }

    #[test]
    fn a_url_naming_a_refused_address_is_refused_before_any_call() {
        let targets = WebhookTargets::default();
        for url in [
            "http://127.0.0.1:8080/hook",
            "http://[::1]/hook",
            "http://2130706433/hook",
            "http://0x7f.1/hook",
        ] {
            let url = reqwest::Url::parse(url).unwrap();
            assert!(targets.check_url(&url).is_err(), "{url} passed");
        }
        let public = reqwest::Url::parse("https://hooks.example.com/x").unwrap();
        assert!(targets.check_url(&public).is_ok());
    }
}
