//! Prometheus metrics: request counts by API and status class, a latency histogram, pool gauges.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// The API a path belongs to, as a low-cardinality label.
pub fn api_of(path: &str) -> &'static str {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "graphql" => "graphql",
        "metadata" => "metadata",
        "rest" => "rest",
        "auth" => "auth",
        "healthz" | "readyz" | "metrics" => "ops",
        _ => "other",
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    pub fn observe(&self, path: &str, status: u16, elapsed: Duration) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((api_of(path), status_class(status))).or_default() += 1;
        }
        let secs = elapsed.as_secs_f64();
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            if secs <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// The text exposition format.
    pub fn render(&self, pool: &deadpool_status::Status) -> String {
        let mut out = String::new();
        out.push_str("# HELP twenty_http_requests_total HTTP requests by API and status class.\n");
        out.push_str("# TYPE twenty_http_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((api, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "twenty_http_requests_total{{api=\"{api}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP twenty_http_request_duration_seconds Request latency.\n");
        out.push_str("# TYPE twenty_http_request_duration_seconds histogram\n");
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(
                out,
                "twenty_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "twenty_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "twenty_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "twenty_http_request_duration_seconds_count {count}");
        out.push_str("# HELP twenty_db_pool_connections Database pool connections.\n");
        out.push_str("# TYPE twenty_db_pool_connections gauge\n");
        let _ = writeln!(out, "twenty_db_pool_connections{{state=\"open\"}} {}", pool.size);
        let _ = writeln!(out, "twenty_db_pool_connections{{state=\"idle\"}} {}", pool.available);
        let _ = writeln!(out, "twenty_db_pool_connections{{state=\"max\"}} {}", pool.max_size);
        out.push_str("# HELP twenty_db_statements_total Statements sent on pooled connections.\n");
        out.push_str("# TYPE twenty_db_statements_total counter\n");
        let _ = writeln!(
            out,
            "twenty_db_statements_total {}",
            twenty_storage::statements_executed()
        );
        out.push_str("# HELP twenty_change_notifications_live Whether API keys and metadata are served from memory.\n");
        out.push_str("# TYPE twenty_change_notifications_live gauge\n");
        let _ = writeln!(
            out,
            "twenty_change_notifications_live {}",
            u8::from(pool.serving_from_memory)
        );
        out.push_str(
            "# HELP twenty_rate_limits_shared Whether rate limits and throttles are kept in Redis (REDIS_URL set and answering).\n",
        );
        out.push_str("# TYPE twenty_rate_limits_shared gauge\n");
        let _ = writeln!(out, "twenty_rate_limits_shared {}", u8::from(pool.rate_limits_shared));
        out.push_str(
            "# HELP twenty_graphql_schemas Workspaces with a GraphQL schema in memory, and distinct schemas.\n",
        );
        out.push_str("# TYPE twenty_graphql_schemas gauge\n");
        let _ = writeln!(out, "twenty_graphql_schemas{{kind=\"workspaces\"}} {}", pool.schemas.0);
        let _ = writeln!(out, "twenty_graphql_schemas{{kind=\"distinct\"}} {}", pool.schemas.1);
        out
    }
}

/// The pool figures the metrics need, decoupled from deadpool's type.
pub mod deadpool_status {
    pub struct Status {
        pub size: usize,
        pub available: usize,
        pub max_size: usize,
        /// Change notifications are live (API keys and metadata come from memory).
        pub serving_from_memory: bool,
        /// Workspaces with a GraphQL schema in memory, and distinct schemas among them.
        pub schemas: (usize, usize),
        /// Rate limits and throttles are kept in Redis, which answered the last check.
        pub rate_limits_shared: bool,
    }
}
