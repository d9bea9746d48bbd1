//! Operations: health, readiness, metrics.

use crate::AppState;
use crate::metrics::{PoolStatus, Snapshot};
use actix_web::{HttpResponse, web};
use serde_json::json;

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The database answers.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if twenty_storage::db::ping(&state.pool).await {
        HttpResponse::Ok().json(json!({"status": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"}))
    }
}

/// Prometheus text format (see [`crate::metrics`]).
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let status = state.pool.status();
    let now = Snapshot {
        pool: PoolStatus {
            max_size: status.max_size,
            size: status.size,
            available: status.available,
            waiting: status.waiting,
        },
        statements: twenty_storage::statements_executed(),
        serving_from_memory: state.store.serving_from_memory(),
        rate_limits_shared: state.redis.as_ref().is_some_and(|redis| redis.is_up()),
        schemas: (state.schemas.len(), state.schemas.distinct()),
        schema_cache: state.schemas.stats(),
    };
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(&now))
}
