//! A custom object's whole life, and relations, through REST.

use super::*;

/// The whole life of a custom object through REST: create, list, read, relabel, a TEXT and a SELECT field with
/// options (used by records), changes to both, then the fields and the object deleted.
#[tokio::test]
async fn a_custom_object_lives_and_dies_through_rest() {
    let app = TestApp::new().await.with_workspace().await;
    let object = json!({"nameSingular": "listing", "namePlural": "listings", "labelSingular": "Listing",
                        "labelPlural": "Listings", "description": "Homes for sale"});
    let created = app.rest_post(OBJECTS, object).await.expect(201);
    let id = created["data"]["createOneObject"]["id"].as_str().unwrap().to_string();
    let listed = get(&app, OBJECTS).await;
    assert!(ids(items(&listed, "objects")).contains(&id.as_str()));
    let path = format!("{OBJECTS}/{id}");
    let read = get(&app, &path).await;
    assert_eq!(read["data"]["object"]["description"], json!("Homes for sale"));
    let relabel = json!({"labelSingular": "Home", "labelPlural": "Homes"});
    app.rest_patch(&path, relabel).await.expect(200);

    let text = json!({"objectMetadataId": id, "type": "TEXT", "name": "address", "label": "Address", "isNullable": false,
                      "defaultValue": "unknown", "icon": "IconMap"});
    let text = app.rest_post(FIELDS, text).await.expect(201)["data"]["createOneField"].clone();
    assert_eq!(text["isNullable"], json!(false));
    assert_eq!(text["defaultValue"], json!("unknown"));
    let select = json!({"objectMetadataId": id, "type": "SELECT", "name": "status", "label": "Status",
                        "options": [{"id": "5f0cc7a2-6a3a-4c0f-a7f4-8b9b3d2b8a11", "value": "FOR_SALE", "label": "For sale", "color": "green"},
                                    {"value": "SOLD", "label": "Sold", "position": 5}],
                        "defaultValue": "FOR_SALE"});
    let select = app.rest_post(FIELDS, select).await.expect(201)["data"]["createOneField"].clone();
    assert_eq!(
        select["options"],
        json!([{"value": "FOR_SALE", "label": "For sale", "color": "green", "position": 0},
               {"value": "SOLD", "label": "Sold", "position": 5}])
    );
    let record = app.rest_post("/rest/listings", json!({"status": "SOLD"})).await;
    assert_eq!(record.expect(201)["data"]["address"], json!("unknown"));
    let rented = json!({"status": "RENTED"});
    let bad_record = app.rest_post("/rest/listings", rented.clone()).await;
    assert_eq!(bad_record.status, 400, "{}", bad_record.body);

    let options = json!({"options": [{"value": "FOR_SALE", "label": "For sale"}, {"value": "SOLD", "label": "Sold"},
                                     {"value": "RENTED", "label": "Rented"}], "description": "Where it stands"});
    let status = select["id"].as_str().unwrap();
    let updated = app.rest_patch(&format!("{FIELDS}/{status}"), options).await.expect(200);
    assert_eq!(
        updated["data"]["updateOneField"]["options"].as_array().map(Vec::len),
        Some(3)
    );
    app.rest_post("/rest/listings", rented).await.expect(201);
    let text_id = text["id"].as_str().unwrap();
    let deactivate = json!({"isActive": false});
    let off = app
        .rest_patch(&format!("{FIELDS}/{text_id}"), deactivate)
        .await
        .expect(200);
    assert_eq!(off["data"]["updateOneField"]["isActive"], json!(false));
    let records = get(&app, "/rest/listings").await;
    assert!(
        records["data"][0].get("address").is_none(),
        "inactive fields leave the APIs"
    );

    for field in [text_id, status] {
        app.rest_delete(&format!("{FIELDS}/{field}")).await.expect(200);
    }
    let own = get(&app, &format!("{FIELDS}?objectMetadataId={id}")).await;
    assert_eq!(own["totalCount"], json!(5), "the system fields are left");
    let system = items(&own, "fields")[0]["id"].as_str().unwrap().to_string();
    error(&app, Method::DELETE, &format!("{FIELDS}/{system}"), None, INVALID).await;
    app.rest_delete(&path).await.expect(200);
    let gone = app.rest_get("/rest/listings").await;
    assert_eq!(gone.status, 404, "{}", gone.body);
}

/// A relation created as Twenty creates them, as a RELATION field with a `relationCreationPayload`: both fields,
/// the relation listed, records linked through the new `companyId`; deleting either field deletes the relation.
#[tokio::test]
async fn relations_are_created_and_deleted_as_relation_fields() {
    let app = TestApp::new().await.with_workspace().await;
    let (listing, _) = object_via_graphql(&app, "rel").await;
    let company = app.object_id("company").await;
    let field = json!({"objectMetadataId": listing, "type": "RELATION", "name": "company", "label": "Company",
                       "isNullable": true, "icon": "IconBuilding", "isLabelSyncedWithName": false,
                       "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": company,
                                                   "targetFieldLabel": "Rest Tests rel", "targetFieldIcon": "IconList"}});
    let created = app.rest_post(FIELDS, field).await.expect(201);
    let field = &created["data"]["createOneField"];
    assert_eq!(field["type"], json!("RELATION"));
    assert_eq!(field["icon"], json!("IconBuilding"));
    assert_eq!(field["relation"]["type"], json!("MANY_TO_ONE"));
    assert_eq!(field["relation"]["targetObjectMetadata"]["id"], json!(company));
    assert_eq!(field["relation"]["targetFieldMetadata"]["name"], json!("restTestsRel"));
    let inverse = field["relation"]["targetFieldMetadata"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let inverse_field = get(&app, &format!("{FIELDS}/{inverse}")).await;
    assert_eq!(inverse_field["data"]["field"]["relation"]["type"], json!("ONE_TO_MANY"));
    assert_eq!(inverse_field["data"]["field"]["icon"], json!("IconList"));
    assert_eq!(inverse_field["data"]["field"]["label"], json!("Rest Tests rel"));

    let relations = get(&app, RELATIONS).await;
    let relation = items(&relations, "relations")
        .iter()
        .find(|r| r["fromFieldMetadataId"] == field["id"])
        .unwrap_or_else(|| panic!("{relations}"))
        .clone();
    assert_eq!(relation["relationType"], json!("MANY_TO_ONE"));
    assert_eq!(relation["toObjectMetadata"]["nameSingular"], json!("company"));
    let relation_id = relation["id"].as_str().unwrap();
    assert_eq!(
        get(&app, &format!("{RELATIONS}/{relation_id}")).await["data"]["relation"],
        relation
    );

    let acme = app
        .rest_post("/rest/companies", json!({"name": "Acme"}))
        .await
        .expect(201);
    let acme = acme["data"]["id"].as_str().unwrap();
    let linked = app.rest_post("/rest/restTestrels", json!({"companyId": acme})).await;
    assert_eq!(linked.expect(201)["data"]["companyId"], json!(acme));

    // Nothing to change on a relation itself; its fields are relabelled.
    for (relation, refusal) in [(relation_id, INVALID), (NON_EXISTENT_UUID, NOT_FOUND)] {
        let path = format!("{RELATIONS}/{relation}");
        error(&app, Method::PATCH, &path, Some(json!({})), refusal).await;
    }
    let inverse_path = format!("{FIELDS}/{inverse}");
    let relabelled = app.rest_patch(&inverse_path, json!({"label": "Listings"})).await;
    assert_eq!(
        relabelled.expect(200)["data"]["updateOneField"]["label"],
        json!("Listings")
    );

    app.rest_delete(&inverse_path).await.expect(200);
    for gone in [format!("{RELATIONS}/{relation_id}"), format!("{FIELDS}/{inverse}")] {
        error(&app, Method::GET, &gone, None, NOT_FOUND).await;
    }
    let field_id = field["id"].as_str().unwrap();
    error(&app, Method::GET, &format!("{FIELDS}/{field_id}"), None, NOT_FOUND).await;
}

/// `POST /rest/metadata/relations` in Twenty's REST names (`fromName`, `toName`, …) and in `createOneRelation`'s;
/// bad bodies are refused whole, names reported where the body gave them.
#[tokio::test]
async fn relations_are_created_and_deleted_through_their_own_route() {
    let app = TestApp::new().await.with_workspace().await;
    let (listing, _) = object_via_graphql(&app, "rel").await;
    let person = app.object_id("person").await;
    let body = json!({"relationType": "ONE_TO_MANY", "fromObjectMetadataId": person, "toObjectMetadataId": listing,
                      "fromName": "listings", "fromLabel": "Listings", "toName": "agent", "toLabel": "Agent",
                      "toIcon": "IconUser"});
    let created = app.rest_post(RELATIONS, body).await.expect(201);
    let relation = &created["data"]["createOneRelation"];
    assert_eq!(relation["relationType"], json!("ONE_TO_MANY"));
    assert_eq!(relation["onDelete"], json!("SET_NULL"));
    assert_eq!(relation["fromObjectMetadata"]["nameSingular"], json!("person"));
    let agent = relation["toFieldMetadataId"].as_str().unwrap();
    let agent = get(&app, &format!("{FIELDS}/{agent}")).await;
    assert_eq!(agent["data"]["field"]["name"], json!("agent"));
    assert_eq!(agent["data"]["field"]["icon"], json!("IconUser"));

    let graphql_names = json!({"relationType": "MANY_TO_MANY", "fromObjectMetadataId": person, "toObjectMetadataId": listing,
                               "fromFieldMetadataName": "favourites", "toFieldMetadataName": "fans"});
    let many = app.rest_post(RELATIONS, graphql_names).await.expect(201);
    let many_id = many["data"]["createOneRelation"]["id"].as_str().unwrap().to_string();

    let before = data_model(&app).await;
    let bad = json!({"relationType": "SIDEWAYS", "fromObjectMetadataId": person, "fromName": "x", "fromFieldMetadataName": "y"});
    let fields = error(&app, Method::POST, RELATIONS, Some(bad), INVALID).await;
    assert_eq!(
        fields,
        ["relationType", "toObjectMetadataId", "fromFieldMetadataName", "toName"]
    );
    let taken = json!({"objectMetadataId": listing, "type": "RELATION", "name": "agent", "label": "Agent",
                       "relationCreationPayload": {"type": "MANY_TO_ONE", "targetObjectMetadataId": person, "targetFieldName": "homes"}});
    let fields = error(&app, Method::POST, FIELDS, Some(taken), CONFLICT).await;
    assert_eq!(
        fields,
        ["name"],
        "the service's fromFieldMetadataName, named as the body named it"
    );
    let no_payload = json!({"objectMetadataId": listing, "type": "RELATION", "name": "boss", "label": "Boss"});
    let fields = error(&app, Method::POST, FIELDS, Some(no_payload), INVALID).await;
    assert_eq!(fields, ["relationCreationPayload"]);
    assert_eq!(data_model(&app).await, before);

    let many = format!("{RELATIONS}/{many_id}");
    let deleted = app.rest_delete(&many).await.expect(200);
    assert_eq!(deleted["data"]["deleteOneRelation"]["id"], json!(many_id));
    error(&app, Method::DELETE, &many, None, NOT_FOUND).await;
}
