//! A read costs one statement, authentication included: API keys and metadata come from memory. The counter is
//! global to the process, so only a process of its own gives an exact count.

use super::{api_key, graphql, metric, wait_until_live};
use crate::support::Response;
use crate::support::binary::{Server, request};
use serde_json::json;

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
    let created = graphql(
        server.port,
        &key,
        "mutation { createCompany(data: {name: \"Acme\", industry: \"Technology\", employees: 500}) { id } }",
        json!({}),
    )
    .gql()
    .data();
    let id = created["createCompany"]["id"].as_str().unwrap().to_string();
    let person = format!("mutation {{ createPerson(data: {{companyId: \"{id}\", email: \"a@acme.com\"}}) {{ id }} }}");
    graphql(server.port, &key, &person, json!({})).gql().data();

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
