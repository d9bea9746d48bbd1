//! The webhook delivery worker (contract §7, §10): fans the event outbox out into deliveries and delivers due ones
//! with signed requests ([`client`]), retrying failures with exponential back-off up to `WEBHOOK_MAX_ATTEMPTS`.
//!
//! Fair across targets and tenants: up to `WEBHOOK_CONCURRENCY` deliveries are in flight at once, at most
//! [`PER_TARGET`] to one target (`host:port`), and a target that cannot be reached (timeout, refusal, no such
//! host) backs off as a whole, so a dead endpoint holds two slots at most and never the others' deliveries.
//! Claims use `FOR UPDATE SKIP LOCKED` and skip the webhooks whose target is busy here, so several server
//! processes share the work; a claimed delivery whose target turns out busy is released unattempted. Delivery is
//! at least once. A pooled connection is never held across an outbound request.

mod client;

use client::Client;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;
use twenty_domain::webhook::{AttemptOutcome, DueDelivery, TargetProblem, TargetUrl, backoff};
use twenty_storage::PgPool;
use twenty_storage::webhooks::{claim_due, fan_out, record_attempt, release};
use uuid::Uuid;

/// Deliveries in flight to one target at most.
pub const PER_TARGET: usize = 2;

/// The longest a target that cannot be reached is left alone.
const MAX_TARGET_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub timeout: Duration,
    pub max_attempts: u32,
    pub allow_private_urls: bool,
    pub poll_interval: Duration,
    /// Deliveries in flight at once (`WEBHOOK_CONCURRENCY`).
    pub concurrency: usize,
}

impl WorkerSettings {
    /// The settings of the configuration, polling the outbox every `poll_interval`.
    pub fn from_config(config: &crate::config::Config, poll_interval: Duration) -> WorkerSettings {
        WorkerSettings {
            timeout: config.webhook_timeout,
            max_attempts: config.webhook_max_attempts,
            allow_private_urls: config.webhook_allow_private_urls,
            poll_interval,
            concurrency: config.webhook_concurrency,
        }
    }
}

/// Runs until `stop` turns true, then finishes the deliveries in flight.
pub fn spawn(pool: PgPool, settings: WorkerSettings, stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        Scheduler::new(pool, settings).run(stop).await;
        tracing::info!("webhook worker stopped");
    })
}

/// One finished attempt.
struct Finished {
    delivery: DueDelivery,
    target: String,
    outcome: AttemptOutcome,
}

/// A target that could not be reached: left alone until `until`, for longer after each failure in a row.
struct Backoff {
    failures: u32,
    until: Instant,
}

struct Scheduler {
    pool: PgPool,
    settings: WorkerSettings,
    client: Arc<Client>,
    in_flight: JoinSet<Finished>,
    /// Deliveries in flight per target.
    busy: HashMap<String, usize>,
    backoff: HashMap<String, Backoff>,
    /// The target of every webhook seen, to skip the busy ones when claiming.
    targets: HashMap<Uuid, String>,
}

impl Scheduler {
    fn new(pool: PgPool, settings: WorkerSettings) -> Scheduler {
        let client = Arc::new(Client::new(settings.timeout, settings.allow_private_urls));
        Scheduler {
            pool,
            settings,
            client,
            in_flight: JoinSet::new(),
            busy: HashMap::new(),
            backoff: HashMap::new(),
            targets: HashMap::new(),
        }
    }

    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            if let Err(e) = self.start_due().await {
                tracing::warn!(error = %e, "webhook worker round failed; retrying");
            }
            tokio::select! {
                _ = stop.changed() => {}
                Some(done) = self.in_flight.join_next(), if !self.in_flight.is_empty() => self.finished(done).await,
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
        while let Some(done) = self.in_flight.join_next().await {
            self.finished(done).await;
        }
    }

    /// Whether nothing more may be sent to `target` now.
    fn closed(&self, target: &str) -> bool {
        self.busy.get(target).is_some_and(|n| *n >= PER_TARGET)
            || self.backoff.get(target).is_some_and(|b| b.until > Instant::now())
    }

    /// Fans out new events, then claims due deliveries for the free slots and starts them.
    async fn start_due(&mut self) -> Result<(), String> {
        let mut conn = self.pool.get().await.map_err(|e| e.to_string())?;
        fan_out(&mut conn, 500).await.map_err(|e| e.to_string())?;
        let free = self.settings.concurrency.saturating_sub(self.in_flight.len());
        if free == 0 {
            return Ok(());
        }
        let skip: Vec<Uuid> = self
            .targets
            .iter()
            .filter(|(_, target)| self.closed(target))
            .map(|(webhook, _)| *webhook)
            .collect();
        let lease = self.settings.timeout.as_secs() as i64 + 30;
        let due = claim_due(&mut conn, free as i64, lease, &skip)
            .await
            .map_err(|e| e.to_string())?;
        let mut released = Vec::new();
        for delivery in due {
            let target = match TargetUrl::parse(&delivery.target_url) {
                Ok(target) => target,
                Err(problem) => {
                    self.record(&delivery, &failed_for(problem)).await?;
                    continue;
                }
            };
            let authority = target.authority();
            self.targets.insert(delivery.webhook_id, authority.clone());
            if self.closed(&authority) {
                released.push(delivery.delivery_id);
                continue;
            }
            *self.busy.entry(authority.clone()).or_default() += 1;
            let client = self.client.clone();
            self.in_flight.spawn_blocking(move || {
                let outcome = client.deliver(&delivery, &target);
                Finished {
                    delivery,
                    target: authority,
                    outcome,
                }
            });
        }
        release(&mut conn, &released).await.map_err(|e| e.to_string())
    }

    async fn finished(&mut self, done: Result<Finished, tokio::task::JoinError>) {
        let Finished {
            delivery,
            target,
            outcome,
        } = match done {
            Ok(finished) => finished,
            Err(e) => {
                // A delivery thread that panicked: its claim lapses and the delivery is due again after the lease.
                tracing::error!(error = %e, "webhook delivery task failed");
                return;
            }
        };
        if let Some(n) = self.busy.get_mut(&target) {
            *n = n.saturating_sub(1);
        }
        let reached = !matches!(outcome, AttemptOutcome::Failed { http_status: None, .. });
        if reached {
            self.backoff.remove(&target);
        } else {
            let backoff = self.backoff.entry(target.clone()).or_insert(Backoff {
                failures: 0,
                until: Instant::now(),
            });
            backoff.failures += 1;
            let wait = Duration::from_secs(1 << backoff.failures.min(6)).min(MAX_TARGET_BACKOFF);
            backoff.until = Instant::now() + wait;
        }
        if let Err(e) = self.record(&delivery, &outcome).await {
            tracing::warn!(error = %e, delivery_id = %delivery.delivery_id, "cannot record a webhook attempt; it will be retried");
        }
    }

    async fn record(&self, delivery: &DueDelivery, outcome: &AttemptOutcome) -> Result<(), String> {
        let retry_in = match outcome {
            AttemptOutcome::Failed { .. } if delivery.attempt < self.settings.max_attempts => {
                Some(backoff(delivery.attempt))
            }
            _ => None,
        };
        match outcome {
            AttemptOutcome::Delivered { http_status } => {
                tracing::info!(webhook_id = %delivery.webhook_id, event = %delivery.event.event, http_status, "webhook delivered")
            }
            AttemptOutcome::Failed { error, .. } => tracing::warn!(
                webhook_id = %delivery.webhook_id, event = %delivery.event.event, attempt = delivery.attempt, error = %error,
                retry = retry_in.is_some(), "webhook delivery failed"
            ),
        }
        let mut conn = self.pool.get().await.map_err(|e| e.to_string())?;
        record_attempt(&mut conn, delivery.delivery_id, outcome, retry_in)
            .await
            .map_err(|e| e.to_string())
    }
}

fn failed_for(problem: TargetProblem) -> AttemptOutcome {
    AttemptOutcome::Failed {
        http_status: None,
        error: format!("the target URL {}", problem.message()),
    }
}
