//! Prometheus metrics (`/metrics`, contract §9). What happens on the request path is counted into fixed arrays of
//! atomics (one add for the count, one for the latency bucket, one for the sum; no lookup, no lock); the webhook
//! worker reports its attempts and, every few seconds, the outbox backlog; everything else — the pool, the schema
//! cache, the process — is read when scraped ([`Snapshot`]), without a statement to the database (the statement
//! counter stays a count of what requests cost). The
//! families are assembled with the `prometheus` crate's data model and written by its text encoder; its process
//! collector reads CPU, memory and open file descriptors from `/proc` (CPU time made precise to the clock tick,
//! [`precise_cpu`]).

use prometheus::core::Collector;
use prometheus::process_collector::ProcessCollector;
use prometheus::proto::{Bucket, Counter, Gauge, Histogram, LabelPair, Metric, MetricFamily, MetricType};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use twenty_domain::ErrorCode;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

/// The API a request belongs to, as a low-cardinality label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Graphql,
    Metadata,
    Rest,
    Auth,
    Ops,
    /// Anything else (`/`, unknown paths).
    Other,
}

impl Api {
    const ALL: [Api; 6] = [Api::Graphql, Api::Metadata, Api::Rest, Api::Auth, Api::Ops, Api::Other];

    /// The API of a request path.
    pub fn of(path: &str) -> Api {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "graphql" => Api::Graphql,
            "metadata" => Api::Metadata,
            "rest" => Api::Rest,
            "auth" => Api::Auth,
            "healthz" | "readyz" | "metrics" => Api::Ops,
            _ => Api::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Api::Graphql => "graphql",
            Api::Metadata => "metadata",
            Api::Rest => "rest",
            Api::Auth => "auth",
            Api::Ops => "ops",
            Api::Other => "other",
        }
    }
}

const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

fn status_class(status: u16) -> usize {
    usize::from(status.clamp(100, 599) / 100 - 1)
}

/// What became of one webhook delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The target answered 2xx.
    Delivered,
    /// It failed and will be tried again.
    Retrying,
    /// It failed for the last time (`WEBHOOK_MAX_ATTEMPTS`).
    Failed,
}

impl DeliveryOutcome {
    const ALL: [DeliveryOutcome; 3] = [
        DeliveryOutcome::Delivered,
        DeliveryOutcome::Retrying,
        DeliveryOutcome::Failed,
    ];

    fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Retrying => "retrying",
            DeliveryOutcome::Failed => "failed",
        }
    }
}

/// Requests of one API and status class: latency buckets (not cumulative; the last one is beyond every bound), and
/// the sum of latencies.
#[derive(Default)]
struct Requests {
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

impl Requests {
    fn counts(&self) -> [u64; BUCKETS.len() + 1] {
        std::array::from_fn(|i| self.buckets[i].load(Ordering::Relaxed))
    }
}

pub struct Metrics {
    requests: [[Requests; STATUS_CLASSES.len()]; Api::ALL.len()],
    /// GraphQL errors by code, on `/graphql` (0) and `/metadata` (1).
    graphql_errors: [[AtomicU64; ErrorCode::ALL.len()]; 2],
    webhook_deliveries: [AtomicU64; DeliveryOutcome::ALL.len()],
    /// Events not yet fanned out, and deliveries waiting, as the webhook worker last counted them; unknown until it
    /// has.
    outbox_backlog: Mutex<Option<(u64, u64)>>,
    process: ProcessCollector,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Default::default(),
            graphql_errors: Default::default(),
            webhook_deliveries: Default::default(),
            outbox_backlog: Mutex::new(None),
            process: ProcessCollector::for_self(),
        }
    }
}

/// What is read when `/metrics` is scraped.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub pool: PoolStatus,
    /// Statements sent on pooled connections since start.
    pub statements: u64,
    /// Change notifications are live (API keys and metadata come from memory).
    pub serving_from_memory: bool,
    /// Rate limits and throttles are kept in Redis, which answered the last check.
    pub rate_limits_shared: bool,
    /// Workspaces with a GraphQL schema in memory, and distinct schemas among them.
    pub schemas: (usize, usize),
    pub schema_cache: twenty_api_graphql::schema::SchemaCacheStats,
}

/// The database pool's figures, decoupled from deadpool's type.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolStatus {
    pub max_size: usize,
    /// Connections open.
    pub size: usize,
    /// Open and idle.
    pub available: usize,
    /// Requests waiting for a connection.
    pub waiting: usize,
}

impl Metrics {
    /// Counts one request of `api` answered with `status` after `elapsed`.
    pub fn observe(&self, api: Api, status: u16, elapsed: Duration) {
        let requests = &self.requests[api as usize][status_class(status)];
        let secs = elapsed.as_secs_f64();
        let bucket = BUCKETS.iter().position(|bound| secs <= *bound).unwrap_or(BUCKETS.len());
        requests.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        requests
            .sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// Counts the errors of one GraphQL answer (on `/graphql` or `/metadata`) by code.
    pub fn graphql_errors(&self, api: Api, codes: &[ErrorCode]) {
        let row = match api {
            Api::Graphql => &self.graphql_errors[0],
            Api::Metadata => &self.graphql_errors[1],
            _ => return,
        };
        for code in codes {
            if let Some(i) = ErrorCode::ALL.iter().position(|c| c == code) {
                row[i].fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Counts one webhook delivery attempt.
    pub fn webhook_delivery(&self, outcome: DeliveryOutcome) {
        self.webhook_deliveries[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// The outbox backlog as the webhook worker counted it: events not yet fanned out, deliveries waiting.
    pub fn outbox_backlog(&self, events: u64, deliveries: u64) {
        if let Ok(mut backlog) = self.outbox_backlog.lock() {
            *backlog = Some((events, deliveries));
        }
    }

    /// The text exposition format.
    pub fn render(&self, now: &Snapshot) -> String {
        let mut families = self.request_families();
        families.push(self.graphql_error_family());
        families.extend(snapshot_families(now));
        if let Some((events, deliveries)) = self.outbox_backlog.lock().ok().and_then(|b| *b) {
            families.push(family(
                "twenty_webhook_outbox_backlog",
                "Events not yet fanned out to webhooks, and deliveries waiting to be sent or retried.",
                MetricType::GAUGE,
                vec![
                    gauge(&[("queue", "events")], events as f64),
                    gauge(&[("queue", "deliveries")], deliveries as f64),
                ],
            ));
        }
        let deliveries = DeliveryOutcome::ALL
            .iter()
            .map(|o| {
                let n = self.webhook_deliveries[*o as usize].load(Ordering::Relaxed);
                counter(&[("outcome", o.as_str())], n)
            })
            .collect();
        families.push(family(
            "twenty_webhook_deliveries_total",
            "Webhook delivery attempts by outcome (delivered, retrying, failed for good).",
            MetricType::COUNTER,
            deliveries,
        ));
        families.extend(self.process.collect().into_iter().map(precise_cpu));
        // A family without samples cannot be written (and says nothing).
        families.retain(|f| !f.get_metric().is_empty());
        let mut out = String::with_capacity(16 * 1024);
        if let Err(err) = prometheus::TextEncoder::new().encode_utf8(&families, &mut out) {
            tracing::error!(%err, "cannot write the metrics");
        }
        out
    }

    /// Requests by API and status class: the count and the latency histogram, for the pairs seen so far.
    fn request_families(&self) -> Vec<MetricFamily> {
        let mut counts = Vec::new();
        let mut histograms = Vec::new();
        for api in Api::ALL {
            for (class, name) in STATUS_CLASSES.iter().enumerate() {
                let requests = &self.requests[api as usize][class];
                let buckets = requests.counts();
                let total: u64 = buckets.iter().sum();
                if total == 0 {
                    continue;
                }
                let labels = [("api", api.as_str()), ("status", *name)];
                counts.push(counter(&labels, total));
                let mut cumulative = 0;
                let bounds = BUCKETS
                    .iter()
                    .zip(buckets)
                    .map(|(bound, n)| {
                        cumulative += n;
                        let mut bucket = Bucket::default();
                        bucket.set_upper_bound(*bound);
                        bucket.set_cumulative_count(cumulative);
                        bucket
                    })
                    .collect();
                let mut histogram = Histogram::default();
                histogram.set_bucket(bounds);
                histogram.set_sample_count(total);
                histogram.set_sample_sum(requests.sum_micros.load(Ordering::Relaxed) as f64 / 1e6);
                let mut metric = labelled(&labels);
                metric.set_histogram(histogram);
                histograms.push(metric);
            }
        }
        vec![
            family(
                "twenty_http_requests_total",
                "HTTP requests by API and status class.",
                MetricType::COUNTER,
                counts,
            ),
            family(
                "twenty_http_request_duration_seconds",
                "Request latency by API and status class.",
                MetricType::HISTOGRAM,
                histograms,
            ),
        ]
    }

    /// GraphQL errors by API and code, every code listed (at 0 until it happens).
    fn graphql_error_family(&self) -> MetricFamily {
        let mut samples = Vec::new();
        for (row, api) in self.graphql_errors.iter().zip([Api::Graphql, Api::Metadata]) {
            for (n, code) in row.iter().zip(ErrorCode::ALL) {
                samples.push(counter(
                    &[("api", api.as_str()), ("code", code.as_str())],
                    n.load(Ordering::Relaxed),
                ));
            }
        }
        family(
            "twenty_graphql_errors_total",
            "Errors in GraphQL answers (200 answers included) by API and code.",
            MetricType::COUNTER,
            samples,
        )
    }
}

/// The families read at scrape time.
fn snapshot_families(now: &Snapshot) -> Vec<MetricFamily> {
    let pool = now.pool;
    vec![
        family(
            "twenty_db_pool_connections",
            "Database pool connections: max (PG_POOL_MAX_CONNECTIONS), open, idle, in use.",
            MetricType::GAUGE,
            vec![
                gauge(&[("state", "max")], pool.max_size as f64),
                gauge(&[("state", "open")], pool.size as f64),
                gauge(&[("state", "idle")], pool.available as f64),
                gauge(&[("state", "in_use")], pool.size.saturating_sub(pool.available) as f64),
            ],
        ),
        family(
            "twenty_db_pool_waiting",
            "Requests waiting for a database connection.",
            MetricType::GAUGE,
            vec![gauge(&[], pool.waiting as f64)],
        ),
        family(
            "twenty_db_statements_total",
            "Statements sent on pooled connections.",
            MetricType::COUNTER,
            vec![counter(&[], now.statements)],
        ),
        family(
            "twenty_change_notifications_live",
            "Whether API keys and metadata are served from memory.",
            MetricType::GAUGE,
            vec![gauge(&[], f64::from(u8::from(now.serving_from_memory)))],
        ),
        family(
            "twenty_rate_limits_shared",
            "Whether rate limits and throttles are kept in Redis (REDIS_URL set and answering).",
            MetricType::GAUGE,
            vec![gauge(&[], f64::from(u8::from(now.rate_limits_shared)))],
        ),
        family(
            "twenty_graphql_schemas",
            "Workspaces with a GraphQL schema in memory, and distinct schemas.",
            MetricType::GAUGE,
            vec![
                gauge(&[("kind", "workspaces")], now.schemas.0 as f64),
                gauge(&[("kind", "distinct")], now.schemas.1 as f64),
            ],
        ),
        family(
            "twenty_graphql_schema_builds_total",
            "GraphQL schemas built from a workspace's metadata.",
            MetricType::COUNTER,
            vec![counter(&[], now.schema_cache.builds)],
        ),
        family(
            "twenty_graphql_schema_cache_hits_total",
            "Requests that found a GraphQL schema in memory: the workspace's own, or one shared with a workspace of the same data model.",
            MetricType::COUNTER,
            vec![
                counter(&[("kind", "workspace")], now.schema_cache.hits),
                counter(&[("kind", "shared")], now.schema_cache.shared_hits),
            ],
        ),
    ]
}

/// `process_cpu_seconds_total` to the clock tick: the process collector divides the ticks by the tick rate in
/// integers, so a server that spends half a second of CPU a minute would show a staircase of whole seconds.
fn precise_cpu(mut family: MetricFamily) -> MetricFamily {
    if family.name() != "process_cpu_seconds_total" {
        return family;
    }
    let Ok(stat) = procfs::process::Process::myself().and_then(|p| p.stat()) else {
        return family;
    };
    let mut counter = Counter::default();
    counter.set_value((stat.utime + stat.stime) as f64 / procfs::ticks_per_second().max(1) as f64);
    let mut metric = Metric::default();
    metric.set_counter(counter);
    family.set_metric(vec![metric]);
    family
}

fn family(name: &str, help: &str, kind: MetricType, metrics: Vec<Metric>) -> MetricFamily {
    let mut family = MetricFamily::default();
    family.set_name(name.to_string());
    family.set_help(help.to_string());
    family.set_field_type(kind);
    family.set_metric(metrics);
    family
}

fn labelled(labels: &[(&str, &str)]) -> Metric {
    Metric::from_label(
        labels
            .iter()
            .map(|(name, value)| {
                let mut pair = LabelPair::default();
                pair.set_name(name.to_string());
                pair.set_value(value.to_string());
                pair
            })
            .collect(),
    )
}

fn counter(labels: &[(&str, &str)], value: u64) -> Metric {
    let mut counter = Counter::default();
    counter.set_value(value as f64);
    let mut metric = labelled(labels);
    metric.set_counter(counter);
    metric
}

fn gauge(labels: &[(&str, &str)], value: f64) -> Metric {
    let mut gauge = Gauge::default();
    gauge.set_value(value);
    let mut metric = labelled(labels);
    metric.set_gauge(gauge);
    metric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_their_api_and_statuses_to_their_class() {
        assert_eq!(Api::of("/graphql"), Api::Graphql);
        assert_eq!(Api::of("/rest/companies/1"), Api::Rest);
        assert_eq!(Api::of("/readyz"), Api::Ops);
        assert_eq!(Api::of("/"), Api::Other);
        assert_eq!(STATUS_CLASSES[status_class(204)], "2xx");
        assert_eq!(STATUS_CLASSES[status_class(503)], "5xx");
        assert_eq!(STATUS_CLASSES[status_class(999)], "5xx");
    }

    #[test]
    fn the_latency_histogram_is_cumulative_and_counts_every_request() {
        let metrics = Metrics::default();
        metrics.observe(Api::Rest, 200, Duration::from_micros(800));
        metrics.observe(Api::Rest, 201, Duration::from_millis(30));
        metrics.observe(Api::Rest, 200, Duration::from_secs(9));
        let text = metrics.render(&Snapshot::default());
        for line in [
            r#"twenty_http_requests_total{api="rest",status="2xx"} 3"#,
            r#"twenty_http_request_duration_seconds_bucket{api="rest",status="2xx",le="0.001"} 1"#,
            r#"twenty_http_request_duration_seconds_bucket{api="rest",status="2xx",le="0.05"} 2"#,
            r#"twenty_http_request_duration_seconds_bucket{api="rest",status="2xx",le="5"} 2"#,
            r#"twenty_http_request_duration_seconds_bucket{api="rest",status="2xx",le="+Inf"} 3"#,
            r#"twenty_http_request_duration_seconds_count{api="rest",status="2xx"} 3"#,
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing from\n{text}");
        }
    }
}
