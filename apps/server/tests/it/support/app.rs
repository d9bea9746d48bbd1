//! The application in process: the [`AppState`] `serve` builds from the same configuration, over a fresh test
//! database of its own, and requests through [`build_app`] — no port, no process. A test that needs what `serve`
//! runs beside the app asks for it: the change listener ([`TestApp::listening`]) or the webhook worker
//! ([`TestApp::with_webhook_worker`]).

use super::response::{Gql, Response, node_where};
use super::{PASSWORD, SECRET};
use actix_web::http::Method;
use actix_web::test::{self, TestRequest};
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use test_support::TestDb;
use tokio::task::JoinHandle;
use twenty_api_graphql::SchemaCache;
use twenty_server::config::{Config, Secret};
use twenty_server::webhook_worker::{self, WorkerSettings};
use twenty_server::{AppState, build_app};

/// Every in-process request comes from this address (login throttling counts per client IP).
const CLIENT: &str = "127.0.0.1:40000";

/// A running HTTP server of [`TestApp::served`]; it stops when dropped.
pub struct Served {
    pub port: u16,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Served {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

pub struct TestApp {
    pub db: TestDb,
    pub state: AppState,
    /// The bearer token of [`TestApp::with_workspace`]'s admin (or of its API key after [`TestApp::with_api_key`]).
    pub token: String,
    /// The workspace of [`TestApp::with_workspace`].
    pub workspace: uuid::Uuid,
    /// The id of [`TestApp::with_api_key`]'s key.
    pub api_key_id: String,
    background: Vec<JoinHandle<()>>,
    stop_worker: Option<tokio::sync::watch::Sender<bool>>,
}

impl TestApp {
    /// The app with the default configuration (and the test secret, cheap bcrypt, generous rate limits).
    pub async fn new() -> TestApp {
        TestApp::with_env(&[]).await
    }

    /// The app configured as `serve` would be with these extra environment variables.
    pub async fn with_env(env: &[(&str, &str)]) -> TestApp {
        TestApp::on(TestDb::new().await, env)
    }

    /// The app with these extra environment variables ([`TestApp::with_env`]) and a signed-up admin's workspace
    /// ([`TestApp::with_workspace`]).
    pub async fn with_env_workspace(env: &[(&str, &str)]) -> TestApp {
        TestApp::with_env(env).await.with_workspace().await
    }

    fn on(db: TestDb, env: &[(&str, &str)]) -> TestApp {
        let mut vars: Vec<(&str, &str)> = vec![
            ("APP_SECRET", SECRET),
            ("BCRYPT_COST", "4"),
            ("RATE_LIMIT_GRAPHQL", "100000"),
            ("RATE_LIMIT_REST", "100000"),
            ("RATE_LIMIT_METADATA", "100000"),
        ];
        vars.extend_from_slice(env);
        let config =
            Config::from_lookup(|name| vars.iter().rev().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
                .unwrap();
        // The pool `serve` would build from this configuration, on the test database.
        let pool = twenty_storage::build_pool(&db.url, &twenty_server::database::pool_options(&config)).unwrap();
        let mut state = AppState::new(config, pool, &Secret::new(SECRET.into()));
        state.schemas = process_schemas(&state);
        TestApp {
            db,
            state,
            token: String::new(),
            workspace: uuid::Uuid::nil(),
            api_key_id: String::new(),
            background: Vec::new(),
            stop_worker: None,
        }
    }

    /// The app behind the real HTTP server of `serve` (connection limits included) on a port of this process;
    /// talk to it with blocking sockets inside `tokio::task::spawn_blocking`.
    pub fn served(&self) -> Served {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = twenty_server::http::server(self.state.clone(), listener).unwrap();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Served { port, handle }
    }

    /// Signs up a new admin through `POST /auth/signup`; later calls use its access token.
    pub async fn with_workspace(mut self) -> TestApp {
        let signed_up = self.sign_up(&unique_email("admin")).await;
        self.token = signed_up["accessToken"].as_str().unwrap().to_string();
        self.workspace = signed_up["workspaceId"].as_str().unwrap().parse().unwrap();
        self
    }

    /// Signs up a new admin ([`TestApp::with_workspace`]) and gives the workspace its data with `prepare`, whose
    /// answer is returned.
    pub async fn with_prepared_workspace<T>(self, prepare: impl AsyncFnOnce(&TestApp) -> T) -> (TestApp, T) {
        let app = self.with_workspace().await;
        let data = prepare(&app).await;
        (app, data)
    }

    /// Creates an API key through the metadata API; later calls use it instead of the admin's access token.
    pub async fn with_api_key(mut self) -> TestApp {
        (self.api_key_id, self.token) = self.api_key("tests").await;
        self
    }

    /// Runs the change listener `serve` runs and waits until requests are served from memory.
    pub async fn listening(mut self) -> TestApp {
        self.background.push(self.state.store.listen_for_changes(&self.db.url));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !self.state.store.serving_from_memory() {
            assert!(
                std::time::Instant::now() < deadline,
                "change notifications never became live"
            );
            sleep_ms(20).await;
        }
        self
    }

    /// Runs the webhook worker as `serve` does, with the configured attempts and address policy.
    pub fn with_webhook_worker(mut self) -> TestApp {
        let settings = WorkerSettings::from_config(&self.state.config, Duration::from_millis(100));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        self.background.push(webhook_worker::spawn(
            self.state.pool.clone(),
            self.state.metrics.clone(),
            settings,
            stopped,
        ));
        self.stop_worker = Some(stop);
        self
    }

    /// Sends one request through the app.
    pub async fn call(&self, request: TestRequest) -> Response {
        send(&self.state, request).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.call(with_token(TestRequest::get().uri(path), token)).await
    }

    /// A JSON request without a token.
    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.call(TestRequest::post().uri(path).set_json(body)).await
    }

    /// A request whose body is sent as given (`application/json`).
    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: &str) -> Response {
        let request = TestRequest::post()
            .uri(path)
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_string());
        self.call(with_token(request, token)).await
    }

    /// Signs up `email` (password [`PASSWORD`], workspace "Acme") and returns the response body.
    pub async fn sign_up(&self, email: &str) -> Value {
        let body = json!({"email": email, "password": PASSWORD, "workspaceName": "Acme"});
        self.post("/auth/signup", &body).await.expect(201)
    }

    /// Logs `email` in with [`PASSWORD`] and returns the response body.
    pub async fn log_in(&self, email: &str) -> Value {
        self.attempt_login(email, PASSWORD).await.expect(200)
    }

    /// `POST /auth/login` from the client at `peer` (`ip:port`).
    pub async fn attempt_login_from(&self, peer: &str, email: &str, password: &str) -> Response {
        let body = json!({"email": email, "password": password});
        send_from(&self.state, peer, TestRequest::post().uri("/auth/login").set_json(body)).await
    }

    /// `POST /auth/login` from the default peer, with `X-Forwarded-For: forwarded_for`.
    pub async fn attempt_login_forwarded(&self, forwarded_for: &str, email: &str, password: &str) -> Response {
        let body = json!({"email": email, "password": password});
        let request = TestRequest::post()
            .uri("/auth/login")
            .insert_header(("X-Forwarded-For", forwarded_for))
            .set_json(body);
        self.call(request).await
    }

    /// `POST /auth/signup` of a new workspace from the client at `peer` (`ip:port`).
    pub async fn attempt_sign_up_from(&self, peer: &str, email: &str) -> Response {
        let body = json!({"email": email, "password": PASSWORD, "workspaceName": "Acme"});
        send_from(
            &self.state,
            peer,
            TestRequest::post().uri("/auth/signup").set_json(body),
        )
        .await
    }

    /// Runs SQL on the app's database behind its back (as an operator or another process would).
    pub async fn sql(&self, statement: &str) {
        use diesel_async::{AsyncConnection, SimpleAsyncConnection};
        let mut conn = diesel_async::AsyncPgConnection::establish(&self.db.url).await.unwrap();
        conn.batch_execute(statement).await.unwrap();
    }

    /// `POST /auth/login` with these credentials, whatever it answers.
    pub async fn attempt_login(&self, email: &str, password: &str) -> Response {
        self.post("/auth/login", &json!({"email": email, "password": password}))
            .await
    }

    /// A core API request with the app's token; the HTTP status must be 200.
    pub async fn graphql(&self, query: &str, variables: Value) -> Gql {
        self.graphql_as(&self.token, query, variables).await
    }

    /// A core API document without variables, whatever it answers (HTTP 200).
    pub async fn run(&self, document: &str) -> Gql {
        self.graphql(document, json!({})).await
    }

    /// A metadata API document without variables, whatever it answers (HTTP 200).
    pub async fn run_metadata(&self, document: &str) -> Gql {
        self.metadata(document, json!({})).await
    }

    /// The `data` of a core API document without variables, which must succeed.
    pub async fn query(&self, document: &str) -> Value {
        self.graphql(document, json!({})).await.data()
    }

    /// The `data` of a metadata API document without variables, which must succeed.
    pub async fn metadata_query(&self, document: &str) -> Value {
        self.metadata(document, json!({})).await.data()
    }

    /// The `data` of a core API request with the app's token, which must succeed.
    pub async fn query_with(&self, document: &str, variables: Value) -> Value {
        self.graphql(document, variables).await.data()
    }

    /// The `data` of a metadata API request with the app's token, which must succeed.
    pub async fn metadata_query_with(&self, document: &str, variables: Value) -> Value {
        self.metadata(document, variables).await.data()
    }

    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Gql {
        self.document("/graphql", token, query, variables).await.gql_ok()
    }

    /// A metadata API request with the app's token; the HTTP status must be 200.
    pub async fn metadata(&self, query: &str, variables: Value) -> Gql {
        self.document("/metadata", &self.token, query, variables).await.gql_ok()
    }

    /// A GraphQL document posted to `path`, whatever the status.
    pub async fn document(&self, path: &str, token: &str, query: &str, variables: Value) -> Response {
        let body = json!({"query": query, "variables": variables}).to_string();
        self.post_raw(path, Some(token), &body).await
    }

    /// A REST request with the app's token.
    pub async fn rest(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        self.rest_as(&self.token, method, path, body).await
    }

    /// A REST request with `token` (another principal's, say).
    pub async fn rest_as(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Response {
        let request = with_token(TestRequest::default().method(method).uri(path), Some(token));
        let request = match body {
            Some(body) => request.set_json(body),
            None => request,
        };
        self.call(request).await
    }

    /// The JSON answer to a REST request that must answer `status`.
    pub async fn rest_expect(&self, method: Method, path: &str, body: Option<Value>, status: u16) -> Value {
        let res = self.rest(method.clone(), path, body).await;
        assert_eq!(res.status, status, "{method} {path}: {}", res.body);
        res.json()
    }

    pub async fn rest_get(&self, path: &str) -> Response {
        self.rest(Method::GET, path, None).await
    }

    /// `POST path` of `body` with the app's token.
    pub async fn rest_post(&self, path: &str, body: Value) -> Response {
        self.rest(Method::POST, path, Some(body)).await
    }

    /// `PATCH path` of `body` with the app's token.
    pub async fn rest_patch(&self, path: &str, body: Value) -> Response {
        self.rest(Method::PATCH, path, Some(body)).await
    }

    /// `DELETE path` with the app's token.
    pub async fn rest_delete(&self, path: &str) -> Response {
        self.rest(Method::DELETE, path, None).await
    }

    /// Creates an API key named `name` through the metadata API: (its id, its token).
    pub async fn api_key(&self, name: &str) -> (String, String) {
        let created = self
            .metadata_query_with(
                "mutation($n: String!) { createOneApiKey(data: {name: $n}) { id token } }",
                json!({"n": name}),
            )
            .await;
        let key = &created["createOneApiKey"];
        (
            key["id"].as_str().unwrap().to_string(),
            key["token"].as_str().unwrap().to_string(),
        )
    }

    /// The id of the object named `name` (singular), from the metadata API.
    pub async fn object_id(&self, name: &str) -> String {
        let objects = self
            .metadata_query("{ objects { edges { node { id nameSingular } } } }")
            .await;
        let object = node_where(&objects["objects"], "nameSingular", name);
        object["id"].as_str().unwrap().to_string()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop_worker.take() {
            let _ = stop.send(true);
        }
        for task in &self.background {
            task.abort();
        }
    }
}

/// The GraphQL schema cache of the whole test process, as one `serve` process has one for every workspace it
/// serves: workspaces with the same data model (every freshly signed-up one) share one built schema.
fn process_schemas(state: &AppState) -> Arc<SchemaCache> {
    static SCHEMAS: OnceLock<Arc<SchemaCache>> = OnceLock::new();
    SCHEMAS.get_or_init(|| state.schemas.clone()).clone()
}

/// Sends `request` through a fresh instance of the app over `state` (what one worker of `serve` runs).
pub async fn send(state: &AppState, request: TestRequest) -> Response {
    send_from(state, CLIENT, request).await
}

/// Sends one request as if from the client at `peer` (`ip:port`).
pub async fn send_from(state: &AppState, peer: &str, request: TestRequest) -> Response {
    let app = test::init_service(build_app(state.clone())).await;
    let request = request.peer_addr(peer.parse().unwrap()).to_request();
    let response = test::call_service(&app, request).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let body = test::read_body(response).await;
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// `name-<uuid>@example.com`: an address no other sign-up of the test uses.
pub fn unique_email(name: &str) -> String {
    format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple())
}

fn with_token(request: TestRequest, token: Option<&str>) -> TestRequest {
    match token {
        Some(token) => request.insert_header(("authorization", format!("Bearer {token}"))),
        None => request,
    }
}

/// Waits without blocking the app's runtime (its listener and worker run on it).
pub async fn sleep_ms(ms: u64) {
    actix_web::rt::time::sleep(Duration::from_millis(ms)).await;
}

/// Polls `check` every 20 ms until it holds; returns how long that took (fails after `limit`).
pub async fn time_until(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let started = std::time::Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "never happened within {limit:?}");
        sleep_ms(20).await;
    }
    started.elapsed()
}
