//! The HTTP surface: the app builder shared by `serve` and the in-process tests.

use crate::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, HttpResponse, web};
use serde_json::json;

/// The whole application for one worker; `serve` and tests call the same builder.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(web::Data::new(state))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .default_service(web::to(not_found))
}

/// The process is up.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The database answers.
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if twenty_storage::db::ping(&state.pool).await {
        HttpResponse::Ok().json(json!({"status": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable"}))
    }
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().json(json!({
        "error": {"message": "Route not found", "code": "NOT_FOUND", "statusCode": 404, "details": []}
    }))
}
