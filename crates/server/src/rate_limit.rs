//! Request limits: a token bucket per member token, and one per client address for requests
//! that fail authentication (no token, an unknown or a revoked one), in this process's memory.
//!
//! Token buckets are made only for tokens that authenticated, so their number is bounded by
//! the tokens issued; address buckets are dropped once full again (a full bucket is what a
//! new one is), so they are bounded by the clients failing lately. Behind a load balancer
//! each process limits on its own, which is enough to stop one runaway client from starving
//! the others.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Requests a token may make: `per_second` on average, up to `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: f64,
}

impl RateLimit {
    /// A client catching up pulls page after page; a burst of 100 lets it do so unhindered.
    pub const DEFAULT: RateLimit = RateLimit {
        per_second: 20.0,
        burst: 100.0,
    };
}

pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket, or says how long until one is available.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        self.take(key, now, 1.0)
    }

    /// Whether `key`'s bucket holds a request, taking none: how long until it does if not.
    pub fn peek(&self, key: &str, now: Instant) -> Result<(), Duration> {
        self.take(key, now, 0.0)
    }

    fn take(&self, key: &str, now: Instant, cost: f64) -> Result<(), Duration> {
        let RateLimit { per_second, burst } = self.limit;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= PRUNE_FROM {
            // A bucket full again is what a new one would be.
            buckets.retain(|_, bucket| bucket.level(now, self.limit) < burst);
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: burst,
            refilled: now,
        });
        bucket.tokens = bucket.level(now, self.limit);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// Buckets held before full ones are dropped.
const PRUNE_FROM: usize = 10_000;

impl Bucket {
    /// The requests it holds at `now`.
    fn level(&self, now: Instant, RateLimit { per_second, burst }: RateLimit) -> f64 {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        (self.tokens + elapsed * per_second).min(burst)
    }
}

/// The bucket key of a client address, apart from token hashes (which are hex).
pub fn address_key(address: std::net::IpAddr) -> String {
    format!("address {address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_requests_wait_for_the_refill() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 2.0,
            burst: 3.0,
        });
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("a", start), Ok(()));
        }
        let wait = limiter.check("a", start).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        // Another token has its own bucket.
        assert_eq!(limiter.check("b", start), Ok(()));
        assert_eq!(limiter.check("a", start + wait), Ok(()));
        assert!(limiter.check("a", start + wait).is_err());
    }

    #[test]
    fn a_peek_takes_nothing() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 1.0,
            burst: 1.0,
        });
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.peek("a", start), Ok(()));
        }
        assert_eq!(limiter.check("a", start), Ok(()));
        assert_eq!(limiter.peek("a", start), Err(Duration::from_secs(1)));
    }
}
