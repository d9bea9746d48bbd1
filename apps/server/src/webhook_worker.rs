//! The webhook delivery worker (contract §7): fans the event outbox out into deliveries, delivers due ones with
//! signed requests, retries failures with exponential backoff up to `WEBHOOK_MAX_ATTEMPTS`. Claims use
//! `FOR UPDATE SKIP LOCKED`, so several server processes share the work; delivery is at least once. A pooled
//! connection is never held across an outbound request.

use std::net::{IpAddr, ToSocketAddrs};
use std::time::Duration;
use tokio::sync::watch;
use twenty_domain::webhook::{AttemptOutcome, DueDelivery, backoff, delivery_body, is_private_ip, signature, url_host};
use twenty_storage::PgPool;
use twenty_storage::webhooks::{claim_due, fan_out, record_attempt};

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub timeout: Duration,
    pub max_attempts: u32,
    pub allow_private_urls: bool,
    pub poll_interval: Duration,
}

/// Runs until `stop` turns true.
pub fn spawn(pool: PgPool, settings: WorkerSettings, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if *stop.borrow() {
                break;
            }
            if let Err(e) = tick(&pool, &settings).await {
                tracing::warn!(error = %e, "webhook worker round failed; retrying");
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = tokio::time::sleep(settings.poll_interval) => {}
            }
        }
        tracing::info!("webhook worker stopped");
    })
}

/// One round: fan out new events, deliver what is due.
async fn tick(pool: &PgPool, settings: &WorkerSettings) -> Result<(), String> {
    let due = {
        let mut conn = pool.get().await.map_err(|e| e.to_string())?;
        fan_out(&mut conn, 500).await.map_err(|e| e.to_string())?;
        let lease = settings.timeout.as_secs() as i64 + 30;
        claim_due(&mut conn, 20, lease).await.map_err(|e| e.to_string())?
    };
    for delivery in due {
        let outcome = deliver(&delivery, settings).await;
        let retry_in = match &outcome {
            AttemptOutcome::Failed { .. } if delivery.attempt < settings.max_attempts => {
                Some(backoff(delivery.attempt))
            }
            _ => None,
        };
        match &outcome {
            AttemptOutcome::Delivered { http_status } => {
                tracing::info!(webhook_id = %delivery.webhook_id, event = %delivery.event.event, http_status, "webhook delivered")
            }
            AttemptOutcome::Failed { error, .. } => tracing::warn!(
                webhook_id = %delivery.webhook_id, event = %delivery.event.event, attempt = delivery.attempt, error = %error,
                retry = retry_in.is_some(), "webhook delivery failed"
            ),
        }
        let mut conn = pool.get().await.map_err(|e| e.to_string())?;
        record_attempt(&mut conn, delivery.delivery_id, &outcome, retry_in)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Why a target whose host resolves to `addresses` must not be contacted, if it must not.
fn refuse_private(host: &str, addresses: &[IpAddr]) -> Option<String> {
    addresses
        .iter()
        .any(|ip| is_private_ip(*ip))
        .then(|| format!("{host} resolves to a loopback, private or link-local address; not contacted"))
}

/// One signed POST, on a blocking thread (the HTTP client is synchronous).
async fn deliver(delivery: &DueDelivery, settings: &WorkerSettings) -> AttemptOutcome {
    let delivery = delivery.clone();
    let settings = settings.clone();
    tokio::task::spawn_blocking(move || deliver_blocking(&delivery, &settings))
        .await
        .unwrap_or_else(|e| AttemptOutcome::Failed {
            http_status: None,
            error: format!("delivery task failed: {e}"),
        })
}

fn deliver_blocking(delivery: &DueDelivery, settings: &WorkerSettings) -> AttemptOutcome {
    let failed = |error: String| AttemptOutcome::Failed {
        http_status: None,
        error,
    };
    let Some(host) = url_host(&delivery.target_url) else {
        return failed("not an http(s) URL".into());
    };
    if !settings.allow_private_urls {
        let port = if delivery.target_url.starts_with("https://") {
            443
        } else {
            80
        };
        let addresses: Vec<IpAddr> = match (host.trim_matches(['[', ']']), port).to_socket_addrs() {
            Ok(addresses) => addresses.map(|a| a.ip()).collect(),
            Err(e) => return failed(format!("cannot resolve {host}: {e}")),
        };
        if let Some(refusal) = refuse_private(&host, &addresses) {
            return failed(refusal);
        }
    }
    let body = match serde_json::to_vec(&delivery_body(&delivery.event, delivery.webhook_id)) {
        Ok(b) => b,
        Err(e) => return failed(format!("cannot encode the body: {e}")),
    };
    let timestamp = chrono::Utc::now().timestamp_millis();
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let sent = agent
        .post(delivery.target_url.as_str())
        .header("Content-Type", "application/json")
        .header("X-Twenty-Webhook-Timestamp", timestamp.to_string())
        .header(
            "X-Twenty-Webhook-Signature",
            signature(&delivery.secret, timestamp, &body),
        )
        .header("X-Twenty-Webhook-Event", delivery.event.event.as_str())
        .header("X-Twenty-Webhook-Id", delivery.event.id.to_string())
        .send(&body[..]);
    match sent {
        Ok(response) if response.status().is_success() => AttemptOutcome::Delivered {
            http_status: response.status().as_u16(),
        },
        Ok(response) => AttemptOutcome::Failed {
            http_status: Some(response.status().as_u16()),
            error: format!("target answered {}", response.status()),
        },
        Err(e) => failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_resolving_to_private_addresses_are_refused() {
        let private: [IpAddr; 3] = [
            "127.0.0.1".parse().unwrap(),
            "10.0.0.7".parse().unwrap(),
            "::1".parse().unwrap(),
        ];
        for ip in private {
            assert!(
                refuse_private("rebinding.example", &["93.184.216.34".parse().unwrap(), ip]).is_some(),
                "{ip}"
            );
        }
        assert!(refuse_private("example.com", &["93.184.216.34".parse().unwrap()]).is_none());
    }
}
