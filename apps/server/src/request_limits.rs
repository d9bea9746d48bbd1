//! Connection hygiene (contract §10): how large a request's headers and body may be and how long its body may
//! take to arrive. Every refusal is answered in the error format of the API the path belongs to
//! ([`api_error_response`]) and closes the connection, so a client that stops sending keeps nothing open.
//!
//! The time for the request head is actix's `client_request_timeout` (set from the same `REQUEST_TIMEOUT_SECS` in
//! [`crate::http::server`]); the body then has `REQUEST_TIMEOUT_SECS` more. A head over actix's parser buffer
//! (128 KiB or 96 header lines) is refused by the parser itself, with a bodyless 431.

use crate::AppState;
use crate::middleware::api_error_response;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use actix_web::middleware::Next;
use actix_web::web;
use actix_web::{HttpMessage, HttpResponse};
use futures_util::StreamExt;
use std::time::Duration;
use twenty_domain::DomainError;

/// Request headers (names, values and their separators) above this size are refused with 431.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// The limits of one request, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    pub max_body_bytes: usize,
    pub timeout: Duration,
}

/// Refuses oversized headers, then reads the whole body within the limits before the route sees it.
pub async fn bounded<B: MessageBody>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let Some(limits) = req.app_data::<web::Data<AppState>>().map(|state| state.request_limits) else {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    };
    if header_bytes(&req) > MAX_HEADER_BYTES {
        return Ok(refuse(
            req,
            DomainError::HeadersTooLarge {
                limit_bytes: MAX_HEADER_BYTES,
            },
        ));
    }
    if !has_body(&req) {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    if announced_length(&req).is_some_and(|length| length > limits.max_body_bytes as u64) {
        let err = DomainError::PayloadTooLarge {
            limit_bytes: limits.max_body_bytes,
        };
        return Ok(refuse(req, err));
    }
    match read_body(req.take_payload(), limits).await {
        Ok(body) => {
            req.set_payload(Payload::from(body));
            next.call(req).await.map(ServiceResponse::map_into_left_body)
        }
        Err(err) => Ok(refuse(req, err)),
    }
}

fn header_bytes(req: &ServiceRequest) -> usize {
    req.headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// Whether the request announces a body (a non-zero `Content-Length` or a transfer coding).
fn has_body(req: &ServiceRequest) -> bool {
    announced_length(req).is_some_and(|length| length > 0) || req.headers().contains_key(TRANSFER_ENCODING)
}

fn announced_length(req: &ServiceRequest) -> Option<u64> {
    req.headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// The whole body, or why not: larger than the limit (announced or as it arrives), or not complete in time.
async fn read_body(mut payload: Payload, limits: RequestLimits) -> Result<Vec<u8>, DomainError> {
    let too_large = DomainError::PayloadTooLarge {
        limit_bytes: limits.max_body_bytes,
    };
    let read = async {
        let mut body = Vec::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| DomainError::validation(format!("Unreadable request body: {e}")))?;
            if body.len() + chunk.len() > limits.max_body_bytes {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    };
    match tokio::time::timeout(limits.timeout, read).await {
        Ok(read) => read,
        Err(_) => Err(DomainError::RequestTimeout {
            limit_secs: limits.timeout.as_secs(),
        }),
    }
}

/// The refusal in the path's error format; the connection closes after it (the body may be unread).
fn refuse<B>(req: ServiceRequest, err: DomainError) -> ServiceResponse<EitherBody<B>> {
    let mut response: HttpResponse = api_error_response(req.path(), err);
    response.head_mut().set_connection_type(ConnectionType::Close);
    req.into_response(response).map_into_right_body()
}
