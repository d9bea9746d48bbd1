//! The HTTP surface: the app builder shared by `serve` and the in-process tests.

use crate::AppState;
use crate::middleware::{api_error_response, cors_refusals, observe, require_principal};
use crate::rate_limit;
use crate::request_limits;
use crate::routes::{auth, graphql, metadata, ops, pages};
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{HttpServiceFactory, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, Route, guard, web};
use twenty_api_rest::ApiError;
use twenty_domain::DomainError;

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
    // The body was read within `MAX_BODY_BYTES` by `request_limits::bounded`; the extractors only must not refuse it.
    let max_body_bytes = state.request_limits.max_body_bytes;
    let json = web::JsonConfig::default()
        .limit(max_body_bytes)
        .error_handler(|err, _req| ApiError(DomainError::validation(format!("Invalid JSON body: {err}"))).into());
    let rest = state.rest.clone();
    let cors = cors(state.config.cors_origins.as_deref());
    // With METRICS_ADDR, /metrics is served there only (`metrics_server`); here it is an unknown route.
    let metrics_here = state.config.metrics_addr.is_none();
    App::new()
        .app_data(web::Data::new(state))
        .app_data(json)
        .app_data(web::PayloadConfig::new(max_body_bytes))
        .wrap(from_fn(request_limits::bounded))
        .wrap(cors)
        .wrap(from_fn(cors_refusals))
        .wrap(from_fn(observe))
        .route("/", web::get().to(pages::landing))
        .route("/assets/{version}/{name}", web::get().to(pages::asset))
        .route("/healthz", web::get().to(ops::healthz))
        .route("/readyz", web::get().to(ops::readyz))
        .configure(|app| {
            if metrics_here {
                app.route("/metrics", web::get().to(ops::metrics));
            }
        })
        .service(
            web::scope("/auth")
                .route("/signup", web::post().to(auth::signup))
                .route("/login", web::post().to(auth::login))
                .route("/refresh", web::post().to(auth::refresh))
                .route("/logout", web::post().to(auth::logout)),
        )
        .service(graphql_api(
            "/graphql",
            web::get().to(pages::graphiql_core),
            web::post().to(graphql::graphql),
        ))
        .service(graphql_api(
            "/metadata",
            web::get().to(pages::graphiql_metadata),
            web::post().to(metadata::metadata),
        ))
        // Before the `/rest` scope, whose routes all need a token: the page asks for one. A request with a token is
        // the API's (a workspace may have an object whose plural is `docs`).
        .route(
            "/rest/docs",
            web::get()
                .guard(guard::fn_guard(|ctx| ctx.head().headers().get(AUTHORIZATION).is_none()))
                .to(pages::rest_docs),
        )
        .service(
            web::scope("/rest")
                .app_data(web::Data::from(rest))
                .wrap(from_fn(rate_limit::limit))
                .wrap(from_fn(require_principal))
                .configure(twenty_api_rest::configure)
                .default_service(web::to(not_found)),
        )
        .default_service(web::to(not_found))
}

/// The HTTP server of `serve` over an open listener: the app of [`build_app`] with the connection limits of the
/// configuration (contract §10). Tests run it in process on a port of their own.
pub fn server(state: AppState, listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
    let config = state.config.clone();
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    Ok(actix_web::HttpServer::new(move || build_app(state.clone()))
        .workers(workers)
        // actix counts connections per worker.
        .max_connections(config.max_connections.div_ceil(workers))
        .client_request_timeout(config.request_timeout)
        .shutdown_timeout(30)
        // `serve` handles SIGINT and SIGTERM itself (both drain, see `drain_on_signals`); actix would stop at once
        // on SIGINT.
        .disable_signals()
        .listen(listener)?
        .run())
}

/// `/metrics` alone on `listener` (`METRICS_ADDR`), for a scraper on a private address.
pub fn metrics_server(state: AppState, listener: std::net::TcpListener) -> std::io::Result<actix_web::dev::Server> {
    Ok(actix_web::HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(state.clone()))
            .route("/metrics", web::get().to(ops::metrics))
            .default_service(web::to(not_found))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run())
}

/// Stops `server` gracefully on the first SIGINT or SIGTERM: it stops accepting, and in-flight requests have up to
/// 30 s to finish (contract §9).
pub fn drain_on_signals(server: actix_web::dev::ServerHandle) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut interrupt), Ok(mut terminate)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
        else {
            tracing::error!("cannot listen for SIGINT / SIGTERM; stop the server with SIGKILL");
            return;
        };
        let received = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        tracing::info!(signal = received, "draining in-flight requests, then stopping");
        server.stop(true).await;
    })
}

/// CORS (contract §9): the origins of `CORS_ORIGINS` (any by default), the methods the APIs use.
fn cors(origins: Option<&[String]>) -> Cors {
    let cors = match origins {
        None => Cors::default().allow_any_origin(),
        Some(origins) => origins
            .iter()
            .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin)),
    };
    cors.allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"])
        .allow_any_header()
        .expose_headers([
            "x-request-id",
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "retry-after",
        ])
        .max_age(3600)
}

/// A GraphQL API at `path`: GraphiQL for browsers (`page`, `GET`), the API itself (`api`, `POST`) for authenticated
/// clients within their rate budget, and any other method or sub-path authenticated first.
fn graphql_api(path: &str, page: Route, api: Route) -> impl HttpServiceFactory + 'static {
    let api = api.wrap(from_fn(rate_limit::limit)).wrap(from_fn(require_principal));
    let resource = web::resource(path)
        .route(page)
        .route(api)
        .default_service(web::to(not_found).wrap(from_fn(require_principal)));
    (resource, protected_unknown_routes(path))
}

/// Everything under a protected API's path that is not a route: authenticated first, so that an unauthenticated
/// client learns nothing about which routes exist.
fn protected_unknown_routes(path: &str) -> impl HttpServiceFactory + 'static {
    web::scope(path)
        .wrap(from_fn(require_principal))
        .default_service(web::to(not_found))
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    api_error_response(req.path(), DomainError::not_found("route"))
}
