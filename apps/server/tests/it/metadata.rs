//! The metadata API over real HTTP: the reference's examples verbatim, then every field type, relation kinds,
//! activation, deletion and naming rules.

use crate::graphql::{gql, ok};
use crate::support::*;
use serde_json::{Value, json};

macro_rules! doc {
    ($name:literal) => {
        include_str!(concat!("reference/metadata/", $name, ".graphql"))
    };
}

struct Admin {
    server: Server,
    token: String,
}

impl Admin {
    async fn new() -> Admin {
        let server = Server::start(&[("WEBHOOK_ALLOW_PRIVATE_URLS", "false")]).await;
        let token = server.sign_up("admin@example.com")["accessToken"]
            .as_str()
            .unwrap()
            .to_string();
        Admin { server, token }
    }

    fn meta(&self, query: &str, variables: Value) -> Value {
        let body = json!({"query": query, "variables": variables});
        let auth = format!("Bearer {}", self.token);
        let res = request(
            self.server.port,
            "POST",
            "/metadata",
            &[("Authorization", &auth)],
            Some(&body.to_string()),
        );
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()
    }

    fn meta_ok(&self, query: &str, variables: Value) -> Value {
        ok(self.meta(query, variables))
    }

    fn core(&self, query: &str, variables: Value) -> Value {
        ok(gql(&self.server, &self.token, query, variables))
    }

    fn object_id(&self, name: &str) -> String {
        let objects = self.meta_ok("{ objects { edges { node { id nameSingular } } } }", json!({}));
        objects["objects"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["nameSingular"] == json!(name))
            .map(|e| e["node"]["id"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no object {name}"))
    }

    fn create_field(&self, input: Value) -> Value {
        self.meta_ok(doc!("CreateField"), json!({"input": input}))["createOneField"].clone()
    }
}

fn code(response: &Value) -> &Value {
    &response["errors"][0]["extensions"]["code"]
}

#[tokio::test]
async fn reference_metadata_examples_run_verbatim() {
    let admin = Admin::new().await;
    let listed = admin.meta_ok(doc!("ListObjects"), json!({}));
    let company = listed["objects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["nameSingular"] == json!("company"))
        .unwrap();
    assert_eq!(company["node"]["isCustom"], json!(false));
    let fields = company["node"]["fields"]["edges"].as_array().unwrap();
    let name = fields.iter().find(|f| f["node"]["name"] == json!("name")).unwrap();
    assert_eq!(name["node"]["type"], json!("TEXT"));
    let icp = fields
        .iter()
        .find(|f| f["node"]["name"] == json!("idealCustomerProfile"))
        .unwrap();
    assert_eq!(icp["node"]["defaultValue"], json!(false));

    let created = admin.meta_ok(
        doc!("CreateObject"),
        json!({"input": {"nameSingular": "property", "namePlural": "properties", "labelSingular": "Property",
                         "labelPlural": "Properties", "description": "Real estate properties", "icon": "IconBuilding"}}),
    );
    let property = created["createOneObject"].clone();
    assert_eq!(property["nameSingular"], json!("property"));
    assert_eq!(property["icon"], json!("IconBuilding"));
    let property_id = property["id"].as_str().unwrap().to_string();

    let price = admin.create_field(json!({"objectMetadataId": property_id, "name": "price", "label": "Price", "type": "CURRENCY",
        "description": "Property listing price", "icon": "IconCurrencyDollar", "isNullable": true, "defaultValue": null}));
    assert_eq!(price["type"], json!("CURRENCY"));
    assert_eq!(price["name"], json!("price"));
    for (name, field_type, extra) in [
        ("address", "TEXT", json!({})),
        ("bedrooms", "NUMBER", json!({"settings": {"dataType": "int"}})),
        ("bathrooms", "NUMBER", json!({})),
        ("squareFeet", "NUMBER", json!({"settings": {"dataType": "int"}})),
        (
            "status",
            "SELECT",
            json!({"options": [{"value": "FOR_SALE", "label": "For sale"}, {"value": "SOLD", "label": "Sold"}], "defaultValue": "FOR_SALE"}),
        ),
        ("parkingSpaces", "NUMBER", json!({"settings": {"dataType": "int"}})),
        ("hasGarage", "BOOLEAN", json!({"defaultValue": false})),
        ("yearBuilt", "NUMBER", json!({"settings": {"dataType": "int"}})),
    ] {
        let mut input = json!({"objectMetadataId": property_id, "name": name, "label": name, "type": field_type});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        admin.create_field(input);
    }

    let updated = admin.meta_ok(
        doc!("UpdateObject"),
        json!({"id": property_id, "input": {"labelSingular": "Estate", "description": "Homes"}}),
    );
    assert_eq!(updated["updateOneObject"]["labelSingular"], json!("Estate"));
    assert_eq!(updated["updateOneObject"]["description"], json!("Homes"));
    let price_id = price["id"].as_str().unwrap();
    let relabelled = admin.meta_ok(
        doc!("UpdateField"),
        json!({"id": price_id, "input": {"label": "Asking price", "description": "EUR"}}),
    );
    assert_eq!(relabelled["updateOneField"]["label"], json!("Asking price"));

    let company_id = admin.object_id("company");
    let relation = admin.meta_ok(
        doc!("CreateRelation"),
        json!({"input": {"relationType": "ONE_TO_MANY", "fromObjectMetadataId": company_id, "toObjectMetadataId": property_id,
                         "fromFieldMetadataName": "properties", "toFieldMetadataName": "company"}}),
    );
    assert_eq!(relation["createOneRelation"]["relationType"], json!("ONE_TO_MANY"));
    assert_eq!(relation["createOneRelation"]["fromObjectMetadataId"], json!(company_id));

    // The core API follows at once: the reference's GetProperties returns what we create.
    let acme = admin.core("mutation { createCompany(data: {name: \"Acme\"}) { id } }", json!({}));
    let acme_id = acme["createCompany"]["id"].as_str().unwrap();
    admin.core(
        "mutation($d: PropertyCreateInput!) { createProperty(data: $d) { id } }",
        json!({"d": {"address": "1 Elm St", "price": {"amountMicros": 500000000000i64, "currencyCode": "EUR"}, "bedrooms": 3,
                     "bathrooms": 1.5, "squareFeet": 900, "parkingSpaces": 1, "yearBuilt": 1990, "companyId": acme_id}}),
    );
    let properties = admin.core(include_str!("reference/core/GetProperties.graphql"), json!({}));
    let node = &properties["properties"]["edges"][0]["node"];
    assert_eq!(node["address"], json!("1 Elm St"));
    assert_eq!(node["status"], json!("FOR_SALE"), "default applied");
    assert_eq!(node["hasGarage"], json!(false));
    assert_eq!(
        node["price"],
        json!({"amountMicros": 500000000000i64, "currencyCode": "EUR"})
    );
    let from_company = admin.core(
        "{ companies { edges { node { properties { edges { node { address company { name } } } } } } } }",
        json!({}),
    );
    assert_eq!(
        from_company["companies"]["edges"][0]["node"]["properties"]["edges"][0]["node"],
        json!({"address": "1 Elm St", "company": {"name": "Acme"}})
    );

    // API keys: the reference's past expiry is refused; a future one works.
    let past = admin.meta(doc!("CreateApiKey"), json!({}));
    assert_eq!(code(&past), &json!("VALIDATION_ERROR"));
    let future = doc!("CreateApiKey").replace("2025-12-31T23:59:59Z", "2099-12-31T23:59:59Z");
    let key = admin.meta_ok(&future, json!({}))["createOneApiKey"].clone();
    assert_eq!(key["name"], json!("My Integration"));
    assert_eq!(key["expiresAt"], json!("2099-12-31T23:59:59.000Z"));
    let token = key["token"].as_str().unwrap();
    let with_key = gql(&admin.server, token, "{ properties { totalCount } }", json!({}));
    assert_eq!(ok(with_key)["properties"]["totalCount"], json!(1));
    let keys = admin.meta_ok("{ apiKeys { id name token revokedAt } }", json!({}));
    assert_eq!(keys["apiKeys"][0]["token"], Value::Null, "tokens are shown once");
    let revoked = admin.meta_ok(
        "mutation($id: ID!) { revokeOneApiKey(id: $id) { id revokedAt } }",
        json!({"id": key["id"]}),
    );
    assert!(revoked["revokeOneApiKey"]["revokedAt"].is_string());
    let refused = request(
        admin.server.port,
        "POST",
        "/graphql",
        &[("Authorization", &format!("Bearer {token}"))],
        Some(r#"{"query": "{ properties { totalCount } }"}"#),
    );
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["errors"][0]["extensions"]["code"], json!("UNAUTHORIZED"));
    admin.meta_ok(
        "mutation($id: ID!) { deleteOneApiKey(id: $id) { id } }",
        json!({"id": key["id"]}),
    );

    let webhook = admin.meta_ok(doc!("CreateWebhook"), json!({}));
    assert_eq!(
        webhook["createOneWebhook"]["targetUrl"],
        json!("https://your-app.com/webhook")
    );
    assert_eq!(webhook["createOneWebhook"]["operation"], json!("create"));
    let hook_id = webhook["createOneWebhook"]["id"].as_str().unwrap();
    let hooks = admin.meta_ok("{ webhooks { id secret description } }", json!({}));
    assert!(
        hooks["webhooks"][0]["secret"].as_str().unwrap().len() >= 32,
        "a secret is generated"
    );
    let changed = admin.meta_ok(
        "mutation($id: ID!) { updateOneWebhook(id: $id, data: {operation: \"company.*\"}) { operation } }",
        json!({"id": hook_id}),
    );
    assert_eq!(changed["updateOneWebhook"]["operation"], json!("company.*"));
    let private = admin.meta(
        "mutation { createOneWebhook(data: {targetUrl: \"http://127.0.0.1:9/x\", operation: \"*\"}) { id } }",
        json!({}),
    );
    assert_eq!(code(&private), &json!("VALIDATION_ERROR"));
    admin.meta_ok(
        "mutation($id: ID!) { deleteOneWebhook(id: $id) { id } }",
        json!({"id": hook_id}),
    );

    // Delete a field and an object.
    let temp =
        admin.create_field(json!({"objectMetadataId": property_id, "name": "temp", "label": "Temp", "type": "TEXT"}));
    let deleted = admin.meta_ok(doc!("DeleteField"), json!({"id": temp["id"]}));
    assert_eq!(deleted["deleteOneField"]["id"], temp["id"]);
    let deleted = admin.meta_ok(doc!("DeleteObject"), json!({"id": property_id}));
    assert_eq!(deleted["deleteOneObject"]["id"], json!(property_id));
    let gone = gql(&admin.server, &admin.token, "{ properties { totalCount } }", json!({}));
    assert_eq!(code(&gone), &json!("GRAPHQL_VALIDATION_FAILED"));
    let still = admin.core("{ companies { edges { node { name } } } }", json!({}));
    assert_eq!(still["companies"]["edges"][0]["node"]["name"], json!("Acme"));
}

#[tokio::test]
async fn every_field_type_is_creatable_writable_readable_and_filterable() {
    let admin = Admin::new().await;
    let object = admin.meta_ok(
        "mutation { createOneObject(data: {nameSingular: \"gadget\", namePlural: \"gadgets\", labelSingular: \"Gadget\", labelPlural: \"Gadgets\"}) { id } }",
        json!({}),
    )["createOneObject"]["id"].as_str().unwrap().to_string();
    let fields = [
        ("label", "TEXT", json!({}), json!("hello"), json!({"eq": "hello"})),
        ("weight", "NUMBER", json!({}), json!(2.5), json!({"gt": 2})),
        (
            "units",
            "NUMBER",
            json!({"settings": {"dataType": "int"}}),
            json!(7),
            json!({"in": [7, 8]}),
        ),
        ("enabled", "BOOLEAN", json!({}), json!(true), json!({"eq": true})),
        (
            "seenAt",
            "DATE_TIME",
            json!({}),
            json!("2024-05-01T10:00:00.000Z"),
            json!({"lte": "2024-05-01T10:00:00.000Z"}),
        ),
        (
            "day",
            "DATE",
            json!({}),
            json!("2024-05-01"),
            json!({"eq": "2024-05-01"}),
        ),
        (
            "contact",
            "EMAIL",
            json!({}),
            json!("g@example.com"),
            json!({"ilike": "%EXAMPLE%"}),
        ),
        (
            "phone",
            "PHONE",
            json!({}),
            json!("+33 1 23 45 67 89"),
            json!({"startsWith": "+33"}),
        ),
        (
            "site",
            "URL",
            json!({}),
            json!("https://gadget.example"),
            json!({"like": "https://%"}),
        ),
        (
            "cost",
            "CURRENCY",
            json!({}),
            json!({"amountMicros": 1500000, "currencyCode": "EUR"}),
            json!({"currencyCode": {"eq": "EUR"}}),
        ),
        (
            "tier",
            "SELECT",
            json!({"options": [{"value": "A", "label": "A"}, {"value": "B", "label": "B"}]}),
            json!("B"),
            json!({"eq": "B"}),
        ),
        (
            "tags",
            "MULTI_SELECT",
            json!({"options": [{"value": "X", "label": "X"}, {"value": "Y", "label": "Y"}]}),
            json!(["X", "Y"]),
            json!({"containsAll": ["X", "Y"]}),
        ),
        (
            "stars",
            "RATING",
            json!({"options": [{"value": "RATING_1", "label": "1"}, {"value": "RATING_2", "label": "2"}]}),
            json!("RATING_2"),
            json!({"eq": "RATING_2"}),
        ),
        (
            "extra",
            "JSON",
            json!({}),
            json!("{\"a\":1}"),
            json!({"is": "NOT_NULL"}),
        ),
        (
            "owner",
            "FULL_NAME",
            json!({}),
            json!({"firstName": "Ada", "lastName": "L"}),
            json!({"firstName": {"eq": "Ada"}}),
        ),
        (
            "ref",
            "UUID",
            json!({}),
            json!("11111111-1111-4111-8111-111111111111"),
            json!({"eq": "11111111-1111-4111-8111-111111111111"}),
        ),
    ];
    let mut data = serde_json::Map::new();
    for (name, field_type, extra, value, _) in &fields {
        let mut input = json!({"objectMetadataId": object, "name": name, "label": name, "type": field_type});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let created = admin.create_field(input);
        assert_eq!(created["type"], json!(field_type));
        data.insert(name.to_string(), value.clone());
    }
    admin.core(
        "mutation($d: GadgetCreateInput!) { createGadget(data: $d) { id } }",
        json!({"d": data}),
    );
    admin.core("mutation { createGadget(data: {label: \"other\"}) { id } }", json!({}));
    let selection = "label weight units enabled seenAt day contact phone site cost { amountMicros currencyCode } tier tags stars extra owner { firstName lastName } ref";
    for (name, _, _, value, filter) in &fields {
        let query =
            format!("query($f: GadgetFilterInput) {{ gadgets(filter: $f) {{ edges {{ node {{ {selection} }} }} }} }}");
        let found = admin.core(&query, json!({"f": {*name: filter}}));
        let edges = found["gadgets"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 1, "filter on {name}: {found}");
        assert_eq!(&edges[0]["node"][*name], value, "{name} reads back");
    }
}

#[tokio::test]
async fn relation_kinds_are_navigable_from_both_sides() {
    let admin = Admin::new().await;
    let mk = |singular: &str, plural: &str| {
        admin.meta_ok(
            "mutation($d: CreateObjectInput!) { createOneObject(data: $d) { id } }",
            json!({"d": {"nameSingular": singular, "namePlural": plural, "labelSingular": singular, "labelPlural": plural}}),
        )["createOneObject"]["id"].as_str().unwrap().to_string()
    };
    let (author, book) = (mk("author", "authors"), mk("book", "books"));
    for (kind, from, to) in [
        ("ONE_TO_MANY", "books", "writer"),
        ("MANY_TO_ONE", "favouriteBook", "fans"),
        ("ONE_TO_ONE", "masterpiece", "creator"),
        ("MANY_TO_MANY", "coauthored", "coauthors"),
    ] {
        admin.meta_ok(
            doc!("CreateRelation"),
            json!({"input": {"relationType": kind, "fromObjectMetadataId": author, "toObjectMetadataId": book,
                             "fromFieldMetadataName": from, "toFieldMetadataName": to}}),
        );
    }
    let a = admin.core("mutation { createAuthor(data: {}) { id } }", json!({}))["createAuthor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = admin.core(
        "mutation($a: ID!) { createBook(data: {writerId: $a}) { id } }",
        json!({"a": a}),
    )["createBook"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    admin.core(
        "mutation($a: ID!, $b: ID!) { updateAuthor(id: $a, data: {favouriteBookId: $b, masterpieceId: $b, coauthoredIds: [$b]}) { id } }",
        json!({"a": a, "b": b}),
    );
    let from_author = admin.core(
        "{ authors { edges { node { books { totalCount } favouriteBook { id } masterpiece { id } coauthored { totalCount } } } } }",
        json!({}),
    );
    let node = &from_author["authors"]["edges"][0]["node"];
    assert_eq!(node["books"]["totalCount"], json!(1));
    assert_eq!(node["favouriteBook"]["id"], json!(b));
    assert_eq!(node["masterpiece"]["id"], json!(b));
    assert_eq!(node["coauthored"]["totalCount"], json!(1));
    let from_book = admin.core(
        "{ books { edges { node { writer { id } fans { totalCount } creator { id } coauthors { totalCount } } } } }",
        json!({}),
    );
    let node = &from_book["books"]["edges"][0]["node"];
    assert_eq!(node["writer"]["id"], json!(a));
    assert_eq!(node["fans"]["totalCount"], json!(1));
    assert_eq!(node["creator"]["id"], json!(a));
    assert_eq!(node["coauthors"]["totalCount"], json!(1));
    // Filterable through the to-one side.
    let filtered = admin.core(
        "query($a: ID!) { books(filter: {writer: {id: {eq: $a}}}) { totalCount } }",
        json!({"a": a}),
    );
    assert_eq!(filtered["books"]["totalCount"], json!(1));
    // Deleting a relation removes both fields.
    let relations = admin.meta_ok("{ relations { edges { node { id relationType } } } }", json!({}));
    let m2m = relations["relations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["relationType"] == json!("MANY_TO_MANY"))
        .unwrap();
    admin.meta_ok(
        "mutation($id: ID!) { deleteOneRelation(id: $id) { id } }",
        json!({"id": m2m["node"]["id"]}),
    );
    let gone = gql(
        &admin.server,
        &admin.token,
        "{ books { edges { node { coauthors { totalCount } } } } }",
        json!({}),
    );
    assert_eq!(code(&gone), &json!("GRAPHQL_VALIDATION_FAILED"));
}

#[tokio::test]
async fn names_activation_and_standard_objects() {
    let admin = Admin::new().await;
    let company = admin.object_id("company");
    let create = |input: Value| {
        admin.meta(
            "mutation($d: CreateObjectInput!) { createOneObject(data: $d) { id } }",
            json!({"d": input}),
        )
    };
    let bad =
        create(json!({"nameSingular": "Bad Name", "namePlural": "select", "labelSingular": "", "labelPlural": "x"}));
    assert_eq!(code(&bad), &json!("VALIDATION_ERROR"));
    let details: Vec<&str> = bad["errors"][0]["extensions"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(details, ["nameSingular", "namePlural", "labelSingular"]);
    let long = create(
        json!({"nameSingular": "a".repeat(64), "namePlural": "things", "labelSingular": "T", "labelPlural": "T"}),
    );
    assert_eq!(code(&long), &json!("VALIDATION_ERROR"));
    let duplicate =
        create(json!({"nameSingular": "company", "namePlural": "firms", "labelSingular": "C", "labelPlural": "C"}));
    assert_eq!(code(&duplicate), &json!("CONFLICT"));
    let field = |name: &str| {
        admin.meta(
            doc!("CreateField"),
            json!({"input": {"objectMetadataId": company, "name": name, "label": "x", "type": "TEXT"}}),
        )
    };
    assert_eq!(code(&field("createdAt")), &json!("VALIDATION_ERROR"));
    assert_eq!(code(&field("name")), &json!("CONFLICT"));
    assert_eq!(
        code(&field("accountOwnerId")),
        &json!("CONFLICT"),
        "generated id columns count"
    );
    assert_eq!(code(&field("Not-Valid")), &json!("VALIDATION_ERROR"));

    // Standard objects: relabel and deactivate, never delete.
    let deleted = admin.meta(
        "mutation($id: ID!) { deleteOneObject(id: $id) { id } }",
        json!({"id": company}),
    );
    assert_eq!(code(&deleted), &json!("VALIDATION_ERROR"));
    admin.core("mutation { createCompany(data: {name: \"Kept\"}) { id } }", json!({}));
    admin.meta_ok(
        "mutation($id: ID!) { updateOneObject(id: $id, data: {isActive: false}) { isActive } }",
        json!({"id": company}),
    );
    let hidden = gql(&admin.server, &admin.token, "{ companies { totalCount } }", json!({}));
    assert_eq!(code(&hidden), &json!("GRAPHQL_VALIDATION_FAILED"));
    let listed = admin.meta_ok("{ objects { edges { node { nameSingular isActive } } } }", json!({}));
    assert!(
        listed["objects"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"] == json!({"nameSingular": "company", "isActive": false}))
    );
    admin.meta_ok(
        "mutation($id: ID!) { updateOneObject(id: $id, data: {isActive: true}) { isActive } }",
        json!({"id": company}),
    );
    let back = admin.core("{ companies { edges { node { name } } } }", json!({}));
    assert_eq!(
        back["companies"]["edges"][0]["node"]["name"],
        json!("Kept"),
        "data kept"
    );

    // Fields deactivate and reactivate the same way.
    let industry = admin.meta_ok(
        "query($id: ID!) { object(id: $id) { fields { edges { node { id name } } } } }",
        json!({"id": company}),
    );
    let industry_id = industry["object"]["fields"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["name"] == json!("industry"))
        .unwrap()["node"]["id"]
        .clone();
    admin.meta_ok(
        "mutation($id: ID!) { updateOneField(id: $id, data: {isActive: false}) { isActive } }",
        json!({"id": industry_id}),
    );
    let hidden = gql(
        &admin.server,
        &admin.token,
        "{ companies { edges { node { industry } } } }",
        json!({}),
    );
    assert_eq!(code(&hidden), &json!("GRAPHQL_VALIDATION_FAILED"));
    admin.meta_ok(
        "mutation($id: ID!) { updateOneField(id: $id, data: {isActive: true}) { isActive } }",
        json!({"id": industry_id}),
    );
    admin.core("{ companies { edges { node { industry } } } }", json!({}));
    let standard_delete = admin.meta(
        "mutation($id: ID!) { deleteOneField(id: $id) { id } }",
        json!({"id": industry_id}),
    );
    assert_eq!(code(&standard_delete), &json!("VALIDATION_ERROR"));
}

/// One text column (`value`) of a catalogue query about `table` (bound as `$1`), read through a plain SQL
/// connection of the test harness.
fn catalogue_strings(admin: &Admin, sql: &'static str, table: &str) -> Vec<String> {
    let url = admin.server.db.url.clone();
    let table = table.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
            #[derive(diesel::QueryableByName)]
            struct Row {
                #[diesel(sql_type = diesel::sql_types::Text)]
                value: String,
            }
            let mut conn = AsyncPgConnection::establish(&url).await.unwrap();
            let rows: Vec<Row> = diesel::sql_query(sql)
                .bind::<diesel::sql_types::Text, _>(table)
                .load(&mut conn)
                .await
                .unwrap();
            rows.into_iter().map(|r| r.value).collect()
        })
    })
    .join()
    .unwrap()
}

/// The workspace schema's columns of `table`.
fn columns_of(admin: &Admin, table: &str) -> Vec<String> {
    catalogue_strings(
        admin,
        "SELECT column_name::text AS value FROM information_schema.columns \
         WHERE table_schema LIKE 'workspace\\_%' AND table_name = $1 ORDER BY column_name",
        table,
    )
}

fn field_names(admin: &Admin, object_id: &str) -> Vec<String> {
    let fields = admin.meta_ok(
        "query($id: ID!) { fields(objectMetadataId: $id) { edges { node { name } } } }",
        json!({"id": object_id}),
    );
    fields["fields"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn failed_ddl_changes_nothing_and_unique_values_conflict() {
    let admin = Admin::new().await;
    let company = admin.object_id("company");
    admin.core(
        "mutation { a: createCompany(data: {name: \"A\"}) { id } b: createCompany(data: {name: \"B\"}) { id } }",
        json!({}),
    );
    let fields_before = field_names(&admin, &company);
    let columns_before = columns_of(&admin, "company");
    // A unique field whose default would give two records the same value: the index build fails in the
    // transaction, so neither the metadata row nor the column stays.
    let failed = admin.meta(
        doc!("CreateField"),
        json!({"input": {"objectMetadataId": company, "name": "code", "label": "Code", "type": "TEXT", "isUnique": true, "defaultValue": "same"}}),
    );
    assert_eq!(code(&failed), &json!("CONFLICT"), "{failed}");
    assert_eq!(field_names(&admin, &company), fields_before);
    assert_eq!(columns_of(&admin, "company"), columns_before);
    let schema = gql(
        &admin.server,
        &admin.token,
        "{ companies { edges { node { code } } } }",
        json!({}),
    );
    assert_eq!(code(&schema), &json!("GRAPHQL_VALIDATION_FAILED"));

    // Without the default it works, and duplicate values are a CONFLICT.
    admin.create_field(
        json!({"objectMetadataId": company, "name": "code", "label": "Code", "type": "TEXT", "isUnique": true}),
    );
    assert!(columns_of(&admin, "company").contains(&"code".to_string()));
    admin.core(
        "mutation { createCompany(data: {name: \"C\", code: \"X1\"}) { id } }",
        json!({}),
    );
    let dup = gql(
        &admin.server,
        &admin.token,
        "mutation { createCompany(data: {name: \"D\", code: \"X1\"}) { id } }",
        json!({}),
    );
    assert_eq!(code(&dup), &json!("CONFLICT"));
    assert_eq!(dup["errors"][0]["extensions"]["details"][0]["field"], json!("code"));
}

#[tokio::test]
async fn option_changes_keep_records_consistent_and_deletes_drop_storage() {
    let admin = Admin::new().await;
    let object = admin.meta_ok(
        "mutation { createOneObject(data: {nameSingular: \"ticket\", namePlural: \"tickets\", labelSingular: \"Ticket\", labelPlural: \"Tickets\"}) { id } }",
        json!({}),
    )["createOneObject"]["id"].as_str().unwrap().to_string();
    let options = json!([{"value": "OPEN", "label": "Open"}, {"value": "DONE", "label": "Done"}, {"value": "LOST", "label": "Lost"}]);
    let status = admin.create_field(
        json!({"objectMetadataId": object, "name": "status", "label": "Status", "type": "SELECT", "options": options}),
    );
    let labels = admin.create_field(json!({"objectMetadataId": object, "name": "labels", "label": "Labels", "type": "MULTI_SELECT", "options": options}));
    admin.core("mutation { a: createTicket(data: {status: LOST, labels: [OPEN, LOST]}) { id } b: createTicket(data: {status: OPEN}) { id } }", json!({}));
    let fewer = json!([{"value": "OPEN", "label": "Open"}, {"value": "DONE", "label": "Done"}]);
    for field in [&status, &labels] {
        admin.meta_ok(
            "mutation($id: ID!, $o: [FieldOptionInput!]) { updateOneField(id: $id, data: {options: $o}) { id } }",
            json!({"id": field["id"], "o": fewer}),
        );
    }
    let tickets = admin.core(
        "{ tickets(orderBy: [{position: AscNullsFirst}]) { edges { node { status labels } } } }",
        json!({}),
    );
    assert_eq!(
        tickets["tickets"]["edges"],
        json!([{"node": {"status": null, "labels": ["OPEN"]}}, {"node": {"status": "OPEN", "labels": null}}])
    );

    admin.meta_ok(
        "mutation($id: ID!) { deleteOneField(id: $id) { id } }",
        json!({"id": labels["id"]}),
    );
    assert!(!columns_of(&admin, "_ticket").contains(&"labels".to_string()));
    admin.meta_ok(
        "mutation($id: ID!) { deleteOneObject(id: $id) { id } }",
        json!({"id": object}),
    );
    assert!(columns_of(&admin, "_ticket").is_empty(), "table dropped");
}

#[tokio::test]
async fn a_second_process_sees_changes_and_concurrent_changes_agree() {
    let admin = Admin::new().await;
    let sibling = admin.server.sibling();
    let company = admin.object_id("company");
    // Warm the sibling's caches, then change the model through the first process.
    let via_sibling = |query: &str| {
        let body = json!({"query": query}).to_string();
        request(
            sibling.port,
            "POST",
            "/graphql",
            &[("Authorization", &format!("Bearer {}", admin.token))],
            Some(&body),
        )
        .json()
    };
    assert!(via_sibling("{ companies { totalCount } }")["errors"].is_null());
    admin.create_field(json!({"objectMetadataId": company, "name": "region", "label": "Region", "type": "TEXT"}));
    // The sibling learns of the change through a notification: within a second (contract), usually milliseconds.
    let started = std::time::Instant::now();
    let created = loop {
        let created = via_sibling("mutation { createCompany(data: {name: \"A\", region: \"EU\"}) { region } }");
        if created["errors"].is_null() || started.elapsed() > std::time::Duration::from_secs(1) {
            break created;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(created["data"]["createCompany"]["region"], json!("EU"), "{created}");

    // 20 field creations at once on one object: metadata and columns end up in agreement.
    let port = admin.server.port;
    let token = admin.token.clone();
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let (token, company) = (token.clone(), company.clone());
            std::thread::spawn(move || {
                let body = json!({"query": doc!("CreateField"), "variables": {"input": {"objectMetadataId": company, "name": format!("extra{i}"), "label": "Extra", "type": "NUMBER"}}});
                request(port, "POST", "/metadata", &[("Authorization", &format!("Bearer {token}"))], Some(&body.to_string())).json()
            })
        })
        .collect();
    for handle in handles {
        let response = handle.join().unwrap();
        assert!(response["errors"].is_null(), "{response}");
    }
    let fields = field_names(&admin, &company);
    let columns = columns_of(&admin, "company");
    for i in 0..20 {
        let name = format!("extra{i}");
        assert!(fields.contains(&name), "{name} in metadata");
        assert!(columns.contains(&name), "{name} in the table");
    }
    let extras = columns.iter().filter(|c| c.starts_with("extra")).count();
    assert_eq!(extras, 20);
}

/// The definitions of the indexes on the workspace table `table`.
fn index_definitions(admin: &Admin, table: &str) -> Vec<String> {
    catalogue_strings(
        admin,
        "SELECT indexdef AS value FROM pg_indexes WHERE schemaname LIKE 'workspace\\_%' AND tablename = $1",
        table,
    )
}

#[tokio::test]
async fn a_field_created_with_is_indexed_gets_a_sort_index() {
    let admin = Admin::new().await;
    let company = admin.object_id("company");
    admin.create_field(
        json!({"objectMetadataId": company, "name": "renewalAt", "label": "Renewal",
                              "type": "DATE_TIME", "settings": {"isIndexed": true}}),
    );
    admin.create_field(json!({"objectMetadataId": company, "name": "plain", "label": "Plain", "type": "TEXT"}));
    let indexes = index_definitions(&admin, "company");
    assert!(
        indexes.iter().any(|d| d.contains("(\"renewalAt\", id NULLS FIRST)")),
        "{indexes:#?}"
    );
    assert!(!indexes.iter().any(|d| d.contains("plain")), "{indexes:#?}");
    // Every object is indexed for its default and newest-first orders.
    assert!(
        indexes
            .iter()
            .any(|d| d.contains("\"createdAt\" DESC NULLS LAST, id NULLS FIRST")),
        "{indexes:#?}"
    );
    assert!(
        indexes
            .iter()
            .any(|d| d.contains("\"position\" NULLS FIRST, id NULLS FIRST")),
        "{indexes:#?}"
    );
    let listed = admin.meta_ok(
        "query($id: ID!) { object(id: $id) { fields { edges { node { name settings } } } } }",
        json!({"id": company}),
    );
    let settings = listed["object"]["fields"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["name"] == json!("renewalAt"))
        .map(|e| e["node"]["settings"].clone())
        .unwrap();
    assert_eq!(settings, json!({"isIndexed": true}));
}
