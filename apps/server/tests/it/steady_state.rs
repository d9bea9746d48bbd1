//! Steady state: a read costs one statement (authentication and metadata come from memory), and what another
//! process changes — a revoked API key, a deleted field — is seen within a second through `LISTEN/NOTIFY`.

use crate::graphql::ok;
use crate::support::{Response, Server, request};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn post(port: u16, path: &str, token: &str, body: &Value) -> Response {
    request(
        port,
        "POST",
        path,
        &[("Authorization", &format!("Bearer {token}"))],
        Some(&body.to_string()),
    )
}

fn graphql(port: u16, token: &str, query: &str, variables: Value) -> Response {
    post(
        port,
        "/graphql",
        token,
        &json!({"query": query, "variables": variables}),
    )
}

fn metadata(port: u16, token: &str, query: &str, variables: Value) -> Value {
    let res = post(
        port,
        "/metadata",
        token,
        &json!({"query": query, "variables": variables}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    ok(res.json())
}

/// One value of the server's `/metrics`.
fn metric(port: u16, name: &str) -> u64 {
    let body = request(port, "GET", "/metrics", &[], None).body;
    body.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no {name} in {body}"))
}

/// Waits until the server serves from memory (its listening connection is up).
fn wait_until_live(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while metric(port, "twenty_change_notifications_live") != 1 {
        assert!(Instant::now() < deadline, "change notifications never became live");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An API key of a new workspace (signed up through `server`): (access token of its admin, key id, key token).
fn api_key(server: &Server) -> (String, String, String) {
    let access = server.sign_up("owner@example.com")["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let created = metadata(
        server.port,
        &access,
        "mutation { createOneApiKey(data: {name: \"load\"}) { id token } }",
        json!({}),
    );
    let key = &created["createOneApiKey"];
    let (id, token) = (key["id"].as_str().unwrap(), key["token"].as_str().unwrap());
    (access, id.to_string(), token.to_string())
}

/// Statements the server sent while answering one request: the least over a few tries, since the webhook
/// worker polls on the same pool now and then (it can only add to a count, never remove from one).
fn statements_per_request(port: u16, send: impl Fn() -> Response) -> u64 {
    (0..5)
        .map(|_| {
            let before = metric(port, "twenty_db_statements_total");
            let res = send();
            assert_eq!(res.status, 200, "{}", res.body);
            assert!(res.json().get("errors").is_none(), "{}", res.body);
            metric(port, "twenty_db_statements_total") - before
        })
        .min()
        .unwrap()
}

#[tokio::test]
async fn a_read_costs_one_statement_authentication_included() {
    let server = Server::start(&[]).await;
    let (_, _, key) = api_key(&server);
    wait_until_live(server.port);
    let created = ok(graphql(
        server.port,
        &key,
        "mutation { createCompany(data: {name: \"Acme\", industry: \"Technology\", employees: 500}) { id } }",
        json!({}),
    )
    .json());
    let id = created["createCompany"]["id"].as_str().unwrap().to_string();
    let person = format!("mutation {{ createPerson(data: {{companyId: \"{id}\", email: \"a@acme.com\"}}) {{ id }} }}");
    ok(graphql(server.port, &key, &person, json!({})).json());

    let page = "query($i: String, $e: Int) { companies(first: 20, filter: {industry: {eq: $i}, employees: {gte: $e}}, \
                orderBy: [{createdAt: DescNullsLast}]) { totalCount edges { node { id name employees } } } }";
    let nested = "{ companies(first: 20, orderBy: [{createdAt: DescNullsLast}]) { totalCount edges { node { id \
                  people(first: 5) { edges { node { id email } } } } } } }";
    let by_id = "query($id: ID) { company(filter: {id: {eq: $id}}) { id name } }";
    let vars = json!({"i": "Technology", "e": 100});
    for (name, query, variables) in [
        ("(a) filtered page", page, vars),
        ("(b) page with nested people", nested, json!({})),
        ("(c) one company by id", by_id, json!({"id": id})),
    ] {
        // The first request of a workspace loads its metadata; after that only the query itself goes out.
        graphql(server.port, &key, query, variables.clone());
        let n = statements_per_request(server.port, || graphql(server.port, &key, query, variables.clone()));
        assert_eq!(n, 1, "{name}: statements per request");
    }
    let rest = statements_per_request(server.port, || {
        let auth = format!("Bearer {key}");
        request(
            server.port,
            "GET",
            &format!("/rest/companies/{id}"),
            &[("Authorization", &auth)],
            None,
        )
    });
    assert_eq!(rest, 1, "REST read by id");
}

async fn sql(conn: &mut diesel_async::AsyncPgConnection, statement: &str) {
    diesel_async::SimpleAsyncConnection::batch_execute(conn, statement)
        .await
        .unwrap();
}

/// Polls `check` every 20 ms until it holds; returns how long that took (fails after 5 s).
fn time_until(mut check: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(5), "never happened");
        std::thread::sleep(Duration::from_millis(20));
    }
    started.elapsed()
}

#[tokio::test]
async fn a_key_revoked_through_one_process_is_refused_by_another_within_a_second() {
    let server = Server::start(&[]).await;
    let (access, key_id, key) = api_key(&server);
    let sibling = server.sibling();
    wait_until_live(sibling.port);
    let read = |port| graphql(port, &key, "{ companies { totalCount } }", json!({})).status;
    assert_eq!(read(sibling.port), 200, "the sibling now holds the key in memory");
    assert_eq!(read(sibling.port), 200);

    metadata(
        server.port,
        &access,
        "mutation($id: ID!) { revokeOneApiKey(id: $id) { id } }",
        json!({"id": key_id}),
    );
    assert_eq!(read(server.port), 401, "the revoking process refuses it at once");
    let took = time_until(|| read(sibling.port) == 401);
    assert!(took < Duration::from_secs(1), "the sibling refused it after {took:?}");
}

#[tokio::test]
async fn a_key_revoked_in_the_database_directly_is_refused_within_a_second() {
    let server = Server::start(&[]).await;
    let (_, key_id, key) = api_key(&server);
    wait_until_live(server.port);
    let read = || graphql(server.port, &key, "{ companies { totalCount } }", json!({})).status;
    assert_eq!(read(), 200);
    let mut conn = server.db.connection().await;
    sql(
        &mut conn,
        &format!("UPDATE core.api_key SET revoked_at = now() WHERE id = '{key_id}'"),
    )
    .await;
    let took = time_until(|| read() == 401);
    assert!(took < Duration::from_secs(1), "refused after {took:?}");
}

#[tokio::test]
async fn a_field_deleted_through_one_process_is_gone_from_another_within_a_second() {
    let server = Server::start(&[]).await;
    let (_, _, key) = api_key(&server);
    let sibling = server.sibling();
    wait_until_live(sibling.port);
    let objects = metadata(
        server.port,
        &key,
        "{ objects { edges { node { id nameSingular } } } }",
        json!({}),
    );
    let company = objects["objects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["nameSingular"] == json!("company"))
        .map(|e| e["node"]["id"].clone())
        .unwrap();
    let field = metadata(
        server.port,
        &key,
        "mutation($input: CreateFieldInput!) { createOneField(data: $input) { id } }",
        json!({"input": {"objectMetadataId": company, "name": "region", "label": "Region", "type": "TEXT"}}),
    )["createOneField"]["id"]
        .clone();
    let uses_field = |port| {
        graphql(port, &key, "{ companies { edges { node { region } } } }", json!({}))
            .json()
            .get("errors")
            .is_none()
    };
    time_until(|| uses_field(sibling.port));
    assert!(uses_field(sibling.port), "the sibling holds the new model in memory");

    metadata(
        server.port,
        &key,
        "mutation($id: ID!) { deleteOneField(id: $id) { id } }",
        json!({"id": field}),
    );
    assert!(
        !uses_field(server.port),
        "gone at once from the process that deleted it"
    );
    let took = time_until(|| !uses_field(sibling.port));
    assert!(took < Duration::from_secs(1), "gone from the sibling after {took:?}");
}

#[tokio::test]
async fn without_its_listening_connection_a_process_checks_the_database_on_every_request() {
    let server = Server::start(&[]).await;
    let (_, key_id, key) = api_key(&server);
    wait_until_live(server.port);
    let read = || graphql(server.port, &key, "{ companies { totalCount } }", json!({})).status;
    assert_eq!(read(), 200, "the key is now held in memory");
    let mut conn = server.db.connection().await;
    let database: String = server.db.url.rsplit('/').next().unwrap().to_string();
    // A database cannot refuse connections while the session saying so is connected to it.
    let mut admin = <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(
        &test_support::with_database(&server.db.url, "postgres"),
    )
    .await
    .unwrap();
    // Cut the listening connection and keep it from coming back: the pool's open connections stay usable.
    sql(
        &mut admin,
        &format!("ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false"),
    )
    .await;
    // Only this test's server: other tests' servers listen on the same cluster.
    sql(
        &mut admin,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'twenty-change-feed' AND datname = '{database}'"
        ),
    )
    .await;
    time_until(|| metric(server.port, "twenty_change_notifications_live") == 0);
    sql(
        &mut conn,
        &format!("UPDATE core.api_key SET revoked_at = now() WHERE id = '{key_id}'"),
    )
    .await;
    assert_eq!(read(), 401, "checked against its row on the very next request");
    // Once the connection is back the process serves from (emptied) memory again.
    sql(
        &mut admin,
        &format!("ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true"),
    )
    .await;
    time_until(|| metric(server.port, "twenty_change_notifications_live") == 1);
    assert_eq!(read(), 401);
}
