//! Operations: health, readiness, metrics.

use crate::AppState;
use crate::metrics::deadpool_status::Status;
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

/// Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let status = state.pool.status();
    let pool = Status {
        size: status.size,
        available: status.available,
        serving_from_memory: state.store.serving_from_memory(),
        schemas: (state.schemas.len(), state.schemas.distinct()),
        max_size: status.max_size,
        rate_limits_shared: state.redis.as_ref().is_some_and(|redis| redis.is_up()),
    };
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(&pool))
}
