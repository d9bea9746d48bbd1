//! Request middleware: request ids, the request span and metrics (`observe`), and authentication of the
//! protected APIs (`require_principal`).

use crate::AppState;
use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use futures_util::future::LocalBoxFuture;
use std::time::Instant;
use tracing::Instrument;
use twenty_api_graphql::Outcome;
use twenty_api_rest::{ApiError, status_of};
use twenty_auth::Principal;
use twenty_domain::DomainError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A client-supplied request id is kept when it is short and plain; otherwise a new one is made.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Wraps every request in a span (request id, client IP, method, path — never the query string, which may hold a
/// token) for what is logged while it runs, then writes its access-log line, counts it, and echoes the request id.
///
/// The line (target `twenty_server::access`, message `request completed`) carries `request_id`, `client_ip`,
/// `method`, `path`, `status`, `bytes` (the response body; absent for a streamed one), `elapsed_ms` (to the
/// microsecond), `user_agent`, `principal` (`user`, `api_key` or `anonymous`) and `workspace_id` when authenticated,
/// and on `/graphql` and `/metadata` `operation_name`, `operation_type` and `error_code` (the first error of the
/// answer, also of a 200 answer) from the [`Outcome`] the handler left in the response's extensions.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request_id(&req);
    let path = req.path().to_string();
    let method = req.method().clone();
    let client_ip = client_ip(req.request());
    // A cheap clone (the header's bytes are shared), read after the request was handed on.
    let user_agent = req.headers().get(USER_AGENT).cloned();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        client_ip = %client_ip,
        method = %method,
        path = %path,
        workspace_id = tracing::field::Empty,
        principal = tracing::field::Empty,
    );
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let started = Instant::now();
    let mut result = next.call(req).instrument(span).await;
    let elapsed = started.elapsed();
    let (status, bytes, principal, outcome) = match &mut result {
        Ok(res) => {
            let principal = res.request().extensions().get::<Principal>().copied();
            let bytes = match res.response().body().size() {
                BodySize::Sized(n) => Some(n),
                BodySize::None => Some(0),
                BodySize::Stream => None,
            };
            let outcome = res.response_mut().extensions_mut().remove::<Outcome>();
            (res.status().as_u16(), bytes, principal, outcome)
        }
        Err(e) => (e.as_response_error().status_code().as_u16(), None, None, None),
    };
    let operation = outcome.as_ref().map(|o| &o.operation);
    tracing::info!(
        target: "twenty_server::access",
        request_id = %id,
        client_ip = %client_ip,
        method = %method,
        path = %path,
        status,
        bytes,
        elapsed_ms = elapsed.as_micros() as f64 / 1000.0,
        user_agent = user_agent.as_ref().and_then(|v| v.to_str().ok()),
        principal = principal.map_or("anonymous", |p| p.kind()),
        workspace_id = principal.map(|p| tracing::field::display(p.workspace_id)),
        operation_name = operation.and_then(|o| o.name.as_deref()),
        operation_type = operation.and_then(|o| o.kind),
        error_code = outcome.as_ref().and_then(|o| o.error_codes.first()).map(|c| c.as_str()),
        "request completed"
    );
    if let Some(state) = state {
        let api = crate::metrics::Api::of(&path);
        state.metrics.observe(api, status, elapsed);
        if let Some(outcome) = &outcome {
            state.metrics.graphql_errors(api, &outcome.error_codes);
        }
    }
    let mut res = result?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// The client's address (see [`crate::client_ip`]): the peer, or what a trusted proxy forwards.
pub fn client_ip(req: &actix_web::HttpRequest) -> std::net::IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    match req.app_data::<web::Data<AppState>>() {
        Some(state) => state.config.trusted_proxies.client_ip(peer, req.headers()),
        None => peer,
    }
}

/// A CORS refusal (an origin or method not allowed), answered in the API's error format instead of actix-cors's
/// plain text: 400 `VALIDATION_ERROR` with its message.
pub async fn cors_refusals<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let path = req.path().to_string();
    let res = next.call(req).await?;
    let refusal = res
        .response()
        .error()
        .and_then(|e| e.as_error::<actix_cors::CorsError>())
        .map(ToString::to_string);
    match refusal {
        Some(message) => {
            let response = api_error_response(&path, DomainError::validation(message));
            Ok(res.into_response(response).map_into_right_body())
        }
        None => Ok(res.map_into_left_body()),
    }
}

/// The bearer token: `Authorization: Bearer …`, or `?token=` on `/rest/open-api/*` only.
fn bearer_token(req: &ServiceRequest) -> Option<String> {
    if let Some(header) = req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, token) = header.trim().split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string())
            .filter(|t| !t.is_empty());
    }
    if req.path().starts_with("/rest/open-api/") {
        let query = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string()).ok()?;
        return query.get("token").cloned().filter(|t| !t.is_empty());
    }
    None
}

/// The error response of a protected API: GraphQL's error format on `/graphql` and `/metadata`, the REST
/// envelope elsewhere.
pub fn api_error_response(path: &str, err: DomainError) -> HttpResponse {
    if path.starts_with("/graphql") || path.starts_with("/metadata") {
        return GraphQLHttpError(err).error_response();
    }
    ApiError(err).error_response()
}

/// Authenticates every request of a protected scope; the principal goes into the request extensions.
pub async fn require_principal<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        let response = api_error_response(req.path(), DomainError::internal("application state missing"));
        return Ok(req.into_response(response).map_into_right_body());
    };
    let outcome = match bearer_token(&req) {
        Some(token) => state.auth.authenticate(&token).await,
        None => Err(DomainError::Unauthorized("Missing bearer token".into())),
    };
    match outcome {
        Ok(principal) => {
            let span = tracing::Span::current();
            span.record("workspace_id", tracing::field::display(principal.workspace_id));
            span.record("principal", principal.kind());
            req.extensions_mut().insert(principal);
            next.call(req).await.map(ServiceResponse::map_into_left_body)
        }
        Err(err) => {
            let response = api_error_response(req.path(), err);
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

/// A domain error on `/graphql` or `/metadata`, answered in the GraphQL error format.
#[derive(Debug)]
pub struct GraphQLHttpError(pub DomainError);

impl From<DomainError> for GraphQLHttpError {
    fn from(err: DomainError) -> Self {
        GraphQLHttpError(err)
    }
}

impl std::fmt::Display for GraphQLHttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for GraphQLHttpError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        status_of(self.0.code())
    }

    fn error_response(&self) -> HttpResponse {
        let mut response =
            HttpResponse::build(self.status_code()).json(twenty_api_graphql::error::request_error_body(&self.0));
        twenty_api_rest::set_retry_after(&mut response, &self.0);
        // For the access log: the request never reached an operation.
        response.extensions_mut().insert(Outcome {
            error_codes: vec![self.0.code()],
            ..Outcome::default()
        });
        response
    }
}

/// A GraphQL answer with its [`Outcome`] in the response's extensions, for the access log and the metrics.
pub fn graphql_answer(response: &twenty_api_graphql::execute::GraphQLResponse) -> HttpResponse {
    let mut answer = HttpResponse::Ok()
        .content_type("application/json")
        .body(response.to_bytes());
    answer.extensions_mut().insert(response.outcome());
    answer
}

/// The body of a GraphQL request, extracted for the handlers of `POST /graphql` and `POST /metadata`; a body that
/// is not one is a 400 in the GraphQL error format.
pub struct GraphQLBody(pub twenty_api_graphql::GraphQLRequest);

impl FromRequest for GraphQLBody {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body.await?;
            twenty_api_graphql::GraphQLRequest::parse(&body)
                .map(GraphQLBody)
                .map_err(|message| GraphQLHttpError(DomainError::validation(message)).into())
        })
    }
}
