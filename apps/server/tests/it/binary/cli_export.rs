//! `export` then `import` into a fresh workspace: the data model (custom objects, fields, relations) and the
//! records (ids, values, relation ids, timestamps, soft deletion) come back as they were.

use super::cli::{cli, succeeded};
use super::cli_import::{reported, rest_records};
use super::metadata;
use super::{TempFile, json_lines};
use crate::support::binary::{Server, request};
use crate::support::items;
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn rest(server: &Server, method: &str, path: &str, token: &str, body: &Value) -> Value {
    let auth = format!("Bearer {token}");
    let res = request(
        server.port,
        method,
        path,
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        Some(&body.to_string()),
    );
    assert!(res.status < 300, "{method} {path}: {}", res.body);
    res.json()
}

/// The id of a record a REST create answered (whatever the response format).
fn created_id(answer: &Value) -> String {
    let data = &answer["data"];
    let record = data
        .as_object()
        .and_then(|d| d.values().next())
        .filter(|_| data.get("id").is_none())
        .unwrap_or(data);
    record["id"].as_str().unwrap().to_string()
}

/// The records [`build_workspace`] writes, by object (the soft-deleted person included).
const RECORDS: [(&str, usize); 6] = [
    ("companies", 2),
    ("people", 2),
    ("opportunities", 1),
    ("projects", 2),
    ("tasks", 1),
    ("notes", 1),
];

/// The data model of A: `project` (custom) with a currency, a select, an integer, a multi-select and a text
/// field; company → projects; project → subprojects (a self-relation). Records ([`RECORDS`]): companies, people,
/// an opportunity, a task and a note, projects whose relation ids point forwards and backwards, a soft-deleted
/// person.
fn build_workspace(server: &Server, token: &str) {
    let port = server.port;
    let project = metadata(
        port,
        token,
        "mutation($d: CreateObjectInput!) { createOneObject(data: $d) { id } }",
        json!({"d": {"nameSingular": "project", "namePlural": "projects", "labelSingular": "Project",
                     "labelPlural": "Projects", "description": "Things we build", "icon": "IconHammer"}}),
    )["createOneObject"]["id"]
        .clone();
    for field in [
        json!({"name": "budget", "label": "Budget", "type": "CURRENCY"}),
        json!({"name": "stage", "label": "Stage", "type": "SELECT", "defaultValue": "PLANNED",
               "options": [{"value": "PLANNED", "label": "Planned", "color": "blue"}, {"value": "ACTIVE", "label": "Active"}]}),
        json!({"name": "hours", "label": "Hours", "type": "NUMBER", "settings": {"dataType": "int"}, "isNullable": true}),
        json!({"name": "tags", "label": "Tags", "type": "MULTI_SELECT",
               "options": [{"value": "A", "label": "A"}, {"value": "B", "label": "B"}]}),
        json!({"name": "summary", "label": "Summary", "type": "TEXT", "isUnique": true}),
    ] {
        let mut input = field.clone();
        input["objectMetadataId"] = project.clone();
        metadata(
            port,
            token,
            "mutation($d: CreateFieldInput!) { createOneField(data: $d) { id } }",
            json!({"d": input}),
        );
    }
    let objects = rest(server, "GET", "/rest/metadata/objects", token, &json!({}));
    let company_object = items(&objects, "objects")
        .iter()
        .find(|o| o["nameSingular"] == json!("company"))
        .unwrap();
    let company = company_object["id"].clone();
    // A standard field the workspace does not use: inactive in the copy too.
    let x_link = company_object["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == json!("xLink"))
        .unwrap();
    metadata(
        port,
        token,
        "mutation($id: ID!) { updateOneField(id: $id, data: {isActive: false}) { isActive } }",
        json!({"id": x_link["id"]}),
    );
    for (from, to, from_name, to_name) in [
        (&company, &project, "projects", "company"),
        (&project, &project, "subprojects", "parent"),
    ] {
        metadata(
            port,
            token,
            "mutation($d: CreateRelationInput!) { createOneRelation(data: $d) { id } }",
            json!({"d": {"relationType": "ONE_TO_MANY", "fromObjectMetadataId": from, "toObjectMetadataId": to,
                         "fromFieldMetadataName": from_name, "toFieldMetadataName": to_name}}),
        );
    }

    let acme = created_id(&rest(
        server,
        "POST",
        "/rest/companies",
        token,
        &json!({
        "name": "Acme", "employees": 12, "annualRecurringRevenue": {"amountMicros": 5_000_000, "currencyCode": "EUR"}}),
    ));
    let globex = created_id(&rest(
        server,
        "POST",
        "/rest/companies",
        token,
        &json!({"name": "Globex"}),
    ));
    rest(
        server,
        "POST",
        "/rest/people",
        token,
        &json!({
        "name": {"firstName": "Ada", "lastName": "Lovelace"}, "email": "ada@example.com", "companyId": acme}),
    );
    let gone = created_id(&rest(
        server,
        "POST",
        "/rest/people",
        token,
        &json!({
        "name": {"firstName": "Alan", "lastName": "Turing"}, "companyId": globex}),
    ));
    rest(server, "DELETE", &format!("/rest/people/{gone}"), token, &json!({}));
    let first = created_id(&rest(
        server,
        "POST",
        "/rest/projects",
        token,
        &json!({
        "budget": {"amountMicros": 1_000_000, "currencyCode": "USD"}, "stage": "ACTIVE", "hours": 40,
        "tags": ["A", "B"], "summary": "first", "companyId": acme}),
    ));
    let second = created_id(&rest(
        server,
        "POST",
        "/rest/projects",
        token,
        &json!({
        "summary": "second", "companyId": globex, "parentId": first}),
    ));
    // The first project points at one written after it: set in import's second pass.
    rest(
        server,
        "PATCH",
        &format!("/rest/projects/{first}"),
        token,
        &json!({"parentId": second}),
    );
    rest(
        server,
        "POST",
        "/rest/opportunities",
        token,
        &json!({
        "name": "Deal", "amount": {"amountMicros": 9_000_000, "currencyCode": "USD"}, "companyId": acme, "stage": "MEETING"}),
    );
    rest(
        server,
        "POST",
        "/rest/tasks",
        token,
        &json!({"title": "Call Ada", "body": "About the deal", "status": "IN_PROGRESS", "dueAt": "2030-01-02T03:04:05.000Z"}),
    );
    rest(
        server,
        "POST",
        "/rest/notes",
        token,
        &json!({"title": "Kick-off", "body": "Acme wants projects"}),
    );
}

/// What must match between the two workspaces' data models: objects and fields by name, relations by the names
/// of their ends (ids differ).
fn model_shape(server: &Server, token: &str) -> (Vec<Value>, BTreeSet<String>) {
    let objects = rest(server, "GET", "/rest/metadata/objects?limit=1000", token, &json!({}));
    let mut shapes: Vec<Value> = items(&objects, "objects")
        .iter()
        .map(|o| {
            let mut fields: Vec<Value> = o["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    let options: Option<Vec<Value>> = f["options"].as_array().map(|opts| {
                        opts.iter()
                            .map(|o| json!([o["value"], o["label"], o["color"], o["position"]]))
                            .collect()
                    });
                    json!({
                        "name": f["name"], "type": f["type"], "label": f["label"], "isCustom": f["isCustom"],
                        "isNullable": f["isNullable"], "isUnique": f["isUnique"], "defaultValue": f["defaultValue"],
                        "isActive": f["isActive"], "options": options, "settings": f["settings"],
                        "relation": [f["relation"]["type"], f["relation"]["targetObjectMetadata"]["nameSingular"],
                                     f["relation"]["targetFieldMetadata"]["name"]],
                    })
                })
                .collect();
            fields.sort_by_key(|f| f["name"].to_string());
            json!({"nameSingular": o["nameSingular"], "namePlural": o["namePlural"], "labelSingular": o["labelSingular"],
                   "labelPlural": o["labelPlural"], "description": o["description"], "icon": o["icon"],
                   "isCustom": o["isCustom"], "isActive": o["isActive"], "fields": fields})
        })
        .collect();
    shapes.sort_by_key(|o| o["nameSingular"].to_string());
    let relations = rest(server, "GET", "/rest/metadata/relations?limit=1000", token, &json!({}));
    let relations = items(&relations, "relations")
        .iter()
        .map(|r| {
            format!(
                "{} {} -> {} {}",
                r["relationType"],
                r["fromObjectMetadata"]["nameSingular"],
                r["toObjectMetadata"]["nameSingular"],
                r["onDelete"]
            )
        })
        .collect();
    (shapes, relations)
}

/// The live and the soft-deleted records of an object, by id.
fn records(server: &Server, token: &str, plural: &str) -> Vec<Value> {
    let mut all = rest_records(server, token, plural, "");
    all.extend(rest_records(server, token, plural, "&filter=deletedAt[is]:NOT_NULL"));
    all.sort_by_key(|r| r["id"].to_string());
    all
}

#[tokio::test]
async fn export_then_import_into_a_fresh_workspace_reproduces_the_data_model_and_the_records() {
    let server = Server::start(&[]).await;
    let (a_ws, a_token) = &server.workspace("source@example.com");
    build_workspace(&server, a_token);
    let file = TempFile::unwritten("ndjson");
    let file_name = file.path();
    let args = [
        "export",
        "--workspace",
        a_ws,
        "--out",
        file_name,
        "--progress",
        "always",
    ];
    let (_, stderr) = succeeded(&cli(&server.db, &args, &[]));
    assert!(stderr.contains("export ["), "the bar is drawn when asked: {stderr}");
    let exported = std::fs::read_to_string(file_name).unwrap();
    // To stdout, without a bar on a pipe: the same lines.
    let to_stdout = cli(&server.db, &["export", "--workspace", a_ws], &[]);
    assert_eq!(String::from_utf8_lossy(&to_stdout.stdout), exported);
    assert!(!String::from_utf8_lossy(&to_stdout.stderr).contains("export ["));
    let lines = json_lines(&exported);
    assert!(
        lines[0]["dataModel"]["objects"].is_array(),
        "the data model comes first"
    );
    assert!(
        lines[1..]
            .iter()
            .all(|l| l["object"].is_string() && l["record"]["id"].is_string())
    );
    // A person's company is written before the person.
    let position = |object: &str| lines.iter().position(|l| l["object"] == json!(object)).unwrap();
    assert!(position("company") < position("person"));

    let (b_ws, b_token) = &server.workspace("target@example.com");
    let out = cli(&server.db, &["import", "--workspace", b_ws, file_name], &[]);
    let (stdout, stderr) = succeeded(&out);
    let records_in_file = lines.len() - 1;
    assert_eq!(
        stdout.trim(),
        format!("import finished: {records_in_file} rows written, 0 skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("data model: 1 object(s), 5 field(s), 2 relation(s) created"),
        "{stderr}"
    );

    assert_eq!(model_shape(&server, a_token), model_shape(&server, b_token));
    for (plural, n) in RECORDS {
        let (from, to) = (records(&server, a_token, plural), records(&server, b_token, plural));
        assert_eq!(from.len(), n, "{plural}: {from:?}");
        assert_eq!(from, to, "{plural}");
    }
    let written: usize = RECORDS.iter().map(|(_, n)| n).sum();
    assert!(
        records_in_file >= written,
        "{records_in_file} lines for {written} records"
    );
    let deleted = rest_records(&server, b_token, "people", "&filter=deletedAt[is]:NOT_NULL");
    assert_eq!(deleted.len(), 1, "the soft-deleted person stays soft-deleted");
    let projects = records(&server, b_token, "projects");
    assert!(projects.iter().all(|p| p["parentId"].is_string()), "{projects:?}");
    // The workspace's own member stays; the source's members come along (account owners may point at them).
    let (from, to) = (
        records(&server, a_token, "workspaceMembers"),
        records(&server, b_token, "workspaceMembers"),
    );
    assert_eq!(to.len(), from.len() + 1);
    assert!(from.iter().all(|m| to.contains(m)));

    // Importing the same file again writes nothing twice: every id is taken, every line is named.
    let out = cli(&server.db, &["import", "--workspace", b_ws, file_name], &[]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("import finished: 0 rows written, {records_in_file} skipped")
    );
    let named = reported(&String::from_utf8_lossy(&out.stderr)).len();
    assert_eq!(named, records_in_file);
}
