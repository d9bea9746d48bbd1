//! The webhook delivery worker (contract §7, §10): fans the event outbox out into deliveries and delivers due ones
//! with signed requests ([`client`]), retrying failures with exponential back-off up to `WEBHOOK_MAX_ATTEMPTS`.
//!
//! Fair across targets and tenants: up to `WEBHOOK_CONCURRENCY` deliveries are in flight at once, at most
//! [`PER_TARGET`] to one target (`host:port`), and a target that cannot be reached (timeout, refusal, no such
//! host) backs off as a whole, so a dead endpoint holds two slots at most and never the others' deliveries.
//! Claims use `FOR UPDATE SKIP LOCKED` and skip the webhooks whose target is closed here, so several server
//! processes share the work; a claimed delivery whose target is busy waits for it in memory (a few per target),
//! and is given back unattempted when its claim grows too old to start. Delivery is at least once. A pooled
//! connection is never held across an outbound request.

mod client;

use crate::metrics::{DeliveryOutcome, Metrics};
use client::Client;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;
use twenty_domain::webhook::{AttemptOutcome, DueDelivery, TargetProblem, TargetUrl, backoff};
use twenty_storage::PgPool;
use twenty_storage::webhooks::{backlog, claim_due, fan_out, record_attempt, release};
use uuid::Uuid;

/// Deliveries in flight to one target at most.
pub const PER_TARGET: usize = 2;

/// The longest a target that cannot be reached is left alone.
const MAX_TARGET_BACKOFF: Duration = Duration::from_secs(60);

/// Deliveries held (in flight or waiting for their target) per unit of `WEBHOOK_CONCURRENCY`.
const HELD_PER_SLOT: usize = 2;

/// Claimed deliveries that wait for one target at most; more are given back.
const WAITING_PER_TARGET: usize = 32;

/// A claim lasts the delivery timeout plus this.
const LEASE_MARGIN: Duration = Duration::from_secs(60);

/// A finished delivery triggers a new claiming round only when the last one is at least this old.
const MIN_ROUND_GAP: Duration = Duration::from_millis(20);

/// How often the outbox backlog is counted for `/metrics` (two index-only counts).
const BACKLOG_EVERY: Duration = Duration::from_secs(2);

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

/// Runs until `stop` turns true, then finishes the deliveries in flight. Attempts are counted in `metrics`.
pub fn spawn(
    pool: PgPool,
    metrics: Arc<Metrics>,
    settings: WorkerSettings,
    stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        Scheduler::new(pool, metrics, settings).run(stop).await;
        tracing::info!("webhook worker stopped");
    })
}

/// One finished attempt.
struct Finished {
    delivery: DueDelivery,
    target: String,
    outcome: AttemptOutcome,
}

/// A claimed delivery waiting for a slot of its target.
struct Waiting {
    delivery: DueDelivery,
    target: TargetUrl,
    claimed: Instant,
}

/// What the worker knows of one target (`host:port`).
#[derive(Default)]
struct Target {
    in_flight: usize,
    /// Claimed deliveries waiting for a slot, oldest first.
    waiting: VecDeque<Waiting>,
    /// Failures in a row to reach it, and until when it is left alone.
    failures: u32,
    backoff_until: Option<Instant>,
}

impl Target {
    /// Whether nothing more may be sent to it now.
    fn closed(&self) -> bool {
        self.in_flight >= PER_TARGET || self.backoff_until.is_some_and(|until| until > Instant::now())
    }
}

struct Scheduler {
    pool: PgPool,
    metrics: Arc<Metrics>,
    settings: WorkerSettings,
    client: Arc<Client>,
    in_flight: JoinSet<Finished>,
    targets: HashMap<String, Target>,
    /// The target of every webhook seen, to skip the closed ones when claiming.
    webhook_targets: HashMap<Uuid, String>,
    last_round: Instant,
    /// When the outbox backlog was last counted.
    backlog_counted: Option<Instant>,
}

impl Scheduler {
    fn new(pool: PgPool, metrics: Arc<Metrics>, settings: WorkerSettings) -> Scheduler {
        let client = Arc::new(Client::new(settings.timeout, settings.allow_private_urls));
        Scheduler {
            pool,
            metrics,
            settings,
            client,
            in_flight: JoinSet::new(),
            targets: HashMap::new(),
            webhook_targets: HashMap::new(),
            last_round: Instant::now(),
            backlog_counted: None,
        }
    }

    async fn run(mut self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            if let Err(e) = self.round().await {
                tracing::warn!(error = %e, "webhook worker round failed; retrying");
            }
            self.count_backlog().await;
            // Wait for the poll interval; a finished delivery starts the next one of its target at once, and a
            // new round when the last one is a little while ago.
            let next_round = self.last_round + self.settings.poll_interval;
            loop {
                tokio::select! {
                    _ = stop.changed() => break,
                    Some(done) = self.in_flight.join_next(), if !self.in_flight.is_empty() => {
                        self.finished(done).await;
                        if self.last_round.elapsed() >= MIN_ROUND_GAP {
                            break;
                        }
                    }
                    _ = tokio::time::sleep_until(next_round.into()) => break,
                }
            }
        }
        while let Some(done) = self.in_flight.join_next().await {
            self.finished(done).await;
        }
        let waiting: Vec<Uuid> = self
            .targets
            .values_mut()
            .flat_map(|t| t.waiting.drain(..).map(|w| w.delivery.delivery_id))
            .collect();
        if let Err(e) = self.release(&waiting).await {
            tracing::warn!(error = %e, "cannot release the waiting webhook deliveries; they are due again after their lease");
        }
    }

    /// Counts the outbox backlog for `/metrics`, every [`BACKLOG_EVERY`] at most (here rather than at scrape time,
    /// so that scraping sends no statement).
    async fn count_backlog(&mut self) {
        if self.backlog_counted.is_some_and(|at| at.elapsed() < BACKLOG_EVERY) {
            return;
        }
        self.backlog_counted = Some(Instant::now());
        let counted = match self.pool.get().await {
            Ok(mut conn) => backlog(&mut conn).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match counted {
            Ok((events, deliveries)) => self.metrics.outbox_backlog(events, deliveries),
            Err(e) => tracing::debug!(error = %e, "cannot count the webhook outbox backlog"),
        }
    }

    /// Deliveries claimed and not finished: in flight and waiting.
    fn held(&self) -> usize {
        self.in_flight.len() + self.targets.values().map(|t| t.waiting.len()).sum::<usize>()
    }

    /// Fans out new events, starts what waits for targets that opened, then claims due deliveries of the open
    /// targets for the room left and starts or queues them.
    async fn round(&mut self) -> Result<(), String> {
        self.last_round = Instant::now();
        let mut conn = self.pool.get().await.map_err(|e| e.to_string())?;
        fan_out(&mut conn, 500).await.map_err(|e| e.to_string())?;
        self.forget_idle_targets();
        let mut stale = Vec::new();
        let names: Vec<String> = self.targets.keys().cloned().collect();
        for name in names {
            stale.extend(self.dispatch(&name));
        }
        let room = (self.settings.concurrency * HELD_PER_SLOT).saturating_sub(self.held());
        if room > 0 {
            let skip: Vec<Uuid> = self
                .webhook_targets
                .iter()
                .filter(|(_, target)| self.targets.get(*target).is_some_and(Target::closed))
                .map(|(webhook, _)| *webhook)
                .collect();
            let due = claim_due(&mut conn, room as i64, self.lease().as_secs() as i64, &skip)
                .await
                .map_err(|e| e.to_string())?;
            drop(conn);
            for delivery in due {
                let target = match TargetUrl::parse(&delivery.target_url) {
                    Ok(target) => target,
                    Err(problem) => {
                        self.record(&delivery, &failed_for(problem)).await?;
                        continue;
                    }
                };
                let name = target.authority();
                self.webhook_targets.insert(delivery.webhook_id, name.clone());
                let entry = self.targets.entry(name.clone()).or_default();
                if entry.waiting.len() >= WAITING_PER_TARGET {
                    stale.push(delivery.delivery_id);
                    continue;
                }
                entry.waiting.push_back(Waiting {
                    delivery,
                    target,
                    claimed: Instant::now(),
                });
                stale.extend(self.dispatch(&name));
            }
        }
        self.release(&stale).await
    }

    /// Drops what is known of targets with nothing in flight, nothing waiting and no failure since their last
    /// success (a failing target keeps its back-off growing), and of the webhooks pointing at them, so the maps
    /// hold only targets in use.
    fn forget_idle_targets(&mut self) {
        self.targets
            .retain(|_, t| t.in_flight > 0 || !t.waiting.is_empty() || t.failures > 0);
        let targets = &self.targets;
        self.webhook_targets.retain(|_, name| targets.contains_key(name));
    }

    /// How long a claim holds a delivery.
    fn lease(&self) -> Duration {
        self.settings.timeout + LEASE_MARGIN
    }

    /// Starts the target's waiting deliveries while it is open; returns those whose claim is too old to start
    /// (another process may take them when their lease ends), to be released.
    fn dispatch(&mut self, name: &str) -> Vec<Uuid> {
        let latest_start = self
            .lease()
            .saturating_sub(self.settings.timeout + Duration::from_secs(5));
        let mut stale = Vec::new();
        let Some(target) = self.targets.get_mut(name) else {
            return stale;
        };
        while !target.closed() {
            let Some(waiting) = target.waiting.pop_front() else {
                break;
            };
            if waiting.claimed.elapsed() > latest_start {
                stale.push(waiting.delivery.delivery_id);
                continue;
            }
            target.in_flight += 1;
            let client = self.client.clone();
            let name = name.to_string();
            self.in_flight.spawn_blocking(move || {
                let outcome = client.deliver(&waiting.delivery, &waiting.target);
                Finished {
                    delivery: waiting.delivery,
                    target: name,
                    outcome,
                }
            });
        }
        stale
    }

    async fn release(&self, deliveries: &[Uuid]) -> Result<(), String> {
        if deliveries.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.get().await.map_err(|e| e.to_string())?;
        release(&mut conn, deliveries).await.map_err(|e| e.to_string())
    }

    async fn finished(&mut self, done: Result<Finished, tokio::task::JoinError>) {
        let Finished {
            delivery,
            target: name,
            outcome,
        } = match done {
            Ok(finished) => finished,
            Err(e) => {
                // A delivery thread that panicked: its claim lapses and the delivery is due again after the lease.
                tracing::error!(error = %e, "webhook delivery task failed");
                return;
            }
        };
        let target = self.targets.entry(name.clone()).or_default();
        target.in_flight = target.in_flight.saturating_sub(1);
        if matches!(outcome, AttemptOutcome::Failed { http_status: None, .. }) {
            target.failures += 1;
            let wait = Duration::from_secs(1 << target.failures.min(6)).min(MAX_TARGET_BACKOFF);
            target.backoff_until = Some(Instant::now() + wait);
        } else {
            target.failures = 0;
            target.backoff_until = None;
        }
        if let Err(e) = self.record(&delivery, &outcome).await {
            tracing::warn!(error = %e, delivery_id = %delivery.delivery_id, "cannot record a webhook attempt; it will be retried");
        }
        let stale = self.dispatch(&name);
        if let Err(e) = self.release(&stale).await {
            tracing::warn!(error = %e, "cannot release stale webhook deliveries; they are due again after their lease");
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
                self.metrics.webhook_delivery(DeliveryOutcome::Delivered);
                tracing::info!(webhook_id = %delivery.webhook_id, event = %delivery.event.event, http_status, "webhook delivered")
            }
            AttemptOutcome::Failed { error, .. } => {
                self.metrics.webhook_delivery(match retry_in {
                    Some(_) => DeliveryOutcome::Retrying,
                    None => DeliveryOutcome::Failed,
                });
                tracing::warn!(
                    webhook_id = %delivery.webhook_id, event = %delivery.event.event, attempt = delivery.attempt,
                    error = %error, retry = retry_in.is_some(), "webhook delivery failed"
                )
            }
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
