//! Nested relations: to-one, ONE_TO_MANY with per-parent filter / order / first, MANY_TO_MANY link and read.

use crate::helpers::*;
use serde_json::json;
use twenty_domain::blueprint::{FieldBlueprint, ObjectBlueprint, RelationBlueprint};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::field_type::FieldType;
use twenty_domain::metadata::RelationType;
use twenty_domain::query::{PageArgs, Selection};
use twenty_domain::record::LifeCycle;

#[tokio::test]
async fn one_to_many_applies_filter_order_and_first_per_parent() {
    let fx = Fixture::standard().await;
    let companies = fx.create_named("company", &["Acme", "Globex", "Empty"]).await;
    let mut people = Vec::new();
    for (c, company_id) in companies.iter().take(2).enumerate() {
        for p in 0..4 {
            people.push(json!({"name": {"firstName": format!("p{c}{p}"), "lastName": "X"}, "city": if p % 2 == 0 { "Paris" } else { "Rome" }, "companyId": company_id}));
        }
    }
    fx.create("person", people).await;

    let company = fx.object("company");
    let person = fx.object("person");
    let nested = query(
        &fx.meta,
        person,
        Some(json!({"city": {"eq": "Paris"}})),
        Some(json!([{"name": {"firstName": "DescNullsLast"}}])),
        PageArgs {
            first: Some(1),
            ..PageArgs::default()
        },
    )
    .unwrap()
    .with_node(fields(person, &["name", "companyId"]))
    .with_total_count(true);
    let node = fields(company, &["name"])
        .to_many(company, "people", "staff", nested)
        .unwrap();
    let q = query(&fx.meta, company, None, None, first(10)).unwrap().with_node(node);
    let conn = fx.find(&q).await;
    let edges = conn["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 3);
    let acme = &edges[0]["node"];
    assert_eq!(acme["name"], json!("Acme"));
    assert_eq!(acme["staff"]["totalCount"], json!(2));
    assert_eq!(acme["staff"]["edges"].as_array().unwrap().len(), 1);
    assert_eq!(acme["staff"]["edges"][0]["node"]["name"]["firstName"], json!("p02"));
    assert_eq!(acme["staff"]["edges"][0]["node"]["companyId"], json!(companies[0]));
    assert_eq!(acme["staff"]["pageInfo"]["hasNextPage"], json!(true));
    assert_eq!(
        edges[1]["node"]["staff"]["edges"][0]["node"]["name"]["firstName"],
        json!("p12")
    );
    let empty = &edges[2]["node"]["staff"];
    assert_eq!(empty["edges"], json!([]));
    assert_eq!(empty["totalCount"], json!(0));
}

#[tokio::test]
async fn to_one_relations_nest_and_hide_soft_deleted_targets() {
    let fx = Fixture::standard().await;
    let companies = fx.create_named("company", &["Acme", "Gone"]).await;
    let people = fx
        .create_two_linked_and_one_not("person", &companies, "city", ["a", "b", "c"])
        .await;
    fx.create(
        "opportunity",
        vec![json!({"name": "deal", "pointOfContactId": people[0], "companyId": companies[0]})],
    )
    .await;
    let company = fx.object("company");
    fx.change(
        LifeCycle::SoftDelete,
        company,
        companies[1].parse().unwrap(),
        &Selection::new(),
    )
    .await;

    let person = fx.object("person");
    let opportunity = fx.object("opportunity");
    let deals = query(&fx.meta, opportunity, None, None, first(5))
        .unwrap()
        .with_node(fields(opportunity, &["name"]));
    let node = fields(person, &["city"])
        .to_one(person, "company", "employer", fields(company, &["name"]))
        .unwrap()
        .to_many(person, "opportunities", "opportunities", deals)
        .unwrap();
    let q = query(&fx.meta, person, None, None, first(5)).unwrap().with_node(node);
    let conn = fx.find(&q).await;
    let nodes: Vec<_> = conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(nodes[0]["employer"], json!({"name": "Acme"}));
    assert_eq!(nodes[0]["opportunities"]["edges"][0]["node"]["name"], json!("deal"));
    assert_eq!(nodes[1]["employer"], json!(null), "soft-deleted company is hidden");
    assert_eq!(nodes[2]["employer"], json!(null));
    assert_eq!(nodes[2]["opportunities"]["edges"], json!([]));
}

#[tokio::test]
async fn many_to_many_links_are_written_and_read_from_both_sides() {
    let blueprint = standard_objects()
        .object(
            ObjectBlueprint::custom("tag", "tags", "Tag", "Tags").field(FieldBlueprint::new(
                "name",
                "Name",
                FieldType::Text,
            )),
        )
        .relation(RelationBlueprint::new(
            RelationType::ManyToMany,
            ("company", "tags", "Tags"),
            ("tag", "companies", "Companies"),
        ));
    let fx = Fixture::from_blueprint(&blueprint).await;
    let tags = fx.create_named("tag", &["red", "blue", "green"]).await;
    let companies = fx
        .create(
            "company",
            vec![
                json!({"name": "Acme", "tagsIds": [tags[0], tags[1]]}),
                json!({"name": "Globex", "tagsIds": [tags[1]]}),
            ],
        )
        .await;

    let company = fx.object("company");
    let tag = fx.object("tag");
    let tag_list = query(&fx.meta, tag, None, Some(json!([{"name": "AscNullsFirst"}])), first(10))
        .unwrap()
        .with_node(fields(tag, &["name"]));
    let q = query(&fx.meta, company, None, None, first(10)).unwrap().with_node(
        fields(company, &["name"])
            .to_many(company, "tags", "tags", tag_list.clone())
            .unwrap(),
    );
    let conn = fx.find(&q).await;
    let tag_names = |i: usize| -> Vec<String> {
        conn["edges"][i]["node"]["tags"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(tag_names(0), ["blue", "red"]);
    assert_eq!(tag_names(1), ["blue"]);

    // The other side sees the same links.
    let company_list = query(&fx.meta, company, None, None, first(10))
        .unwrap()
        .with_node(fields(company, &["name"]));
    let q = query(&fx.meta, tag, Some(json!({"name": {"eq": "blue"}})), None, first(10))
        .unwrap()
        .with_node(
            fields(tag, &["name"])
                .to_many(tag, "companies", "companies", company_list.with_total_count(true))
                .unwrap(),
        );
    let conn = fx.find(&q).await;
    assert_eq!(conn["edges"][0]["node"]["companies"]["totalCount"], json!(2));

    // Updating the id list replaces the linked set; the returned record shows the new links.
    let selection = fields(company, &["name"])
        .to_many(company, "tags", "tags", tag_list)
        .unwrap();
    let updated = fx
        .try_update_one(
            company,
            companies[1].parse().unwrap(),
            &json!({"tagsIds": [tags[2], tags[0]]}),
            &selection,
        )
        .await
        .unwrap();
    let names: Vec<&str> = updated["tags"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["green", "red"]);

    // An unknown id is a validation error that names the field, and changes nothing.
    let err = fx
        .try_update_one(
            company,
            companies[1].parse().unwrap(),
            &json!({"tagsIds": [uuid::Uuid::new_v4()]}),
            &selection,
        )
        .await
        .unwrap_err();
    assert_eq!(err.details()[0].field, "tagsIds");
    let again = fx
        .db
        .records()
        .find_one(
            &fx.meta,
            company,
            twenty_domain::query::Filter::parse(&fx.meta, company, &json!({"id": {"eq": companies[1]}})).unwrap(),
            selection,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again["tags"]["edges"].as_array().unwrap().len(), 2);
}
