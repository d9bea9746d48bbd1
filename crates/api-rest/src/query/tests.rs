//! Unit tests of `query`.

use super::*;
use serde_json::json;
use twenty_domain::catalogue::standard_objects;

fn person() -> ObjectMetadata {
    let meta = standard_objects()
        .build(uuid::Uuid::nil(), chrono_now())
        .unwrap_or_else(|e| panic!("{e:?}"));
    meta.object_by_singular("person")
        .cloned()
        .unwrap_or_else(|| panic!("person"))
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[test]
fn components_decode_but_keep_stray_percent_signs() {
    assert_eq!(decode_component("%Acme%"), "%Acme%");
    assert_eq!(decode_component("%25Acme%25"), "%Acme%");
    assert_eq!(decode_component("a+b%20c"), "a b c");
    assert_eq!(decode_component("%C3%A9t%C3%A9"), "été");
    assert_eq!(decode_component("%E2%9C%93%ZZ%"), "✓%ZZ%");
    assert_eq!(decode_component("filter%5Bname%5D"), "filter[name]");
    assert_eq!(decode_component("%C3"), "%C3");
}

#[test]
fn lists_split_on_unquoted_commas() {
    assert_eq!(split_list("Technology,Finance"), ["Technology", "Finance"]);
    assert_eq!(split_list(r#""a,b",c"#), ["a,b", "c"]);
    assert_eq!(split_list(r#""say ""hi""",x"#), [r#"say "hi""#, "x"]);
    assert_eq!(split_list(""), [""]);
}

#[test]
fn filters_orders_and_paging_parse() {
    let person = person();
    let params = parse_list_query(
        &person,
        "limit=20&offset=5&depth=1&filter[city][eq]=Paris&filter[name.firstName][ilike]=%25jo%25\
         &filter[company.id][eq]=c0a8&filter[company.name][in]=A,B&order[createdAt]=desc&order[name.lastName]=asc",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        (params.limit, params.offset, params.depth),
        (Some(20), Some(5), Depth::Related)
    );
    assert_eq!(
        params.filter.map(|f| f.to_json()),
        Some(json!({"and": [
            {"city": {"eq": "Paris"}},
            {"name": {"firstName": {"ilike": "%jo%"}}},
            {"companyId": {"eq": "c0a8"}},
            {"company": {"name": {"in": ["A", "B"]}}},
        ]}))
    );
    assert_eq!(
        params.order.map(|o| o.to_json()),
        Some(json!([{"createdAt": "desc"}, {"name": {"lastName": "asc"}}]))
    );
}

#[test]
fn malformed_parameters_are_all_reported() {
    let person = person();
    let err = parse_list_query(
        &person,
        "limit=-1&offset=x&depth=3&filter[city]=x&order[]=asc&nope=1&filter[a][b]]=1",
    )
    .err()
    .unwrap_or_else(|| panic!("accepted"));
    let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "limit",
            "offset",
            "depth",
            "filter[city]",
            "order[]",
            "nope",
            "filter[a][b]]"
        ]
    );
}

fn twenty(query: &str) -> DomainResult<ListParams> {
    parse_list_query(&person(), query)
}

fn filter_of(query: &str) -> serde_json::Value {
    twenty(query)
        .unwrap_or_else(|e| panic!("{query}: {e:?}"))
        .filter
        .map(|f| f.to_json())
        .unwrap_or_default()
}

#[test]
fn twenty_filters_parse_into_the_same_tree_as_the_reference_dialect() {
    assert_eq!(
        filter_of("filter=city[eq]:Paris"),
        filter_of("filter[city][eq]=Paris"),
        "one condition means the same in both dialects"
    );
    assert_eq!(
        filter_of("filter=position[lte]:1"),
        json!({"and": [{"position": {"lte": "1"}}]})
    );
    assert_eq!(
        filter_of(r#"filter=name.firstName[eq]:"Doe, John",city[in]:["Paris","Lyon, FR"],company.id[eq]:c0a8"#),
        json!({"and": [
            {"name": {"firstName": {"eq": "Doe, John"}}},
            {"city": {"in": ["Paris", "Lyon, FR"]}},
            {"companyId": {"eq": "c0a8"}},
        ]})
    );
    assert_eq!(
        filter_of("filter=or(city[eq]:'Paris',and(city[is]:NULL,not(jobTitle[ilike]:%25dev%25)))"),
        json!({"and": [{"or": [
            {"city": {"eq": "Paris"}},
            {"and": [{"city": {"is": "NULL"}}, {"not": {"jobTitle": {"ilike": "%dev%"}}}]},
        ]}]})
    );
    assert_eq!(
        filter_of("filter=and(city[eq]:a),or(city[eq]:b)"),
        json!({"and": [{"and": [{"city": {"eq": "a"}}]}, {"or": [{"city": {"eq": "b"}}]}]}),
        "two conjunctions side by side at the root are joined by and"
    );
    assert_eq!(
        filter_of("filter="),
        serde_json::Value::Null,
        "an empty filter is no filter"
    );
}

#[test]
fn twenty_order_by_and_cursors_parse() {
    let params =
        twenty("order_by=position[DescNullsLast],name.lastName,city[AscNullsLast]&starting_after=abc&limit=2&depth=2")
            .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        params.order.map(|o| o.to_json()),
        Some(json!([{"position": "DescNullsLast"}, {"name": {"lastName": "AscNullsFirst"}}, {"city": "AscNullsLast"}]))
    );
    assert_eq!(
        (params.after.as_deref(), params.before, params.limit),
        (Some("abc"), None, Some(2))
    );
    assert_eq!(params.depth, Depth::RelatedOfRelated);
    assert_eq!(
        twenty("last_cursor=x").map(|p| p.after).ok().flatten().as_deref(),
        Some("x")
    );
    assert_eq!(
        twenty("ending_before=y").map(|p| p.before).ok().flatten().as_deref(),
        Some("y")
    );
}

#[test]
fn malformed_twenty_filters_say_what_is_wrong() {
    for (query, expected) in [
        ("filter=city[eq]:a)", "1 opening parenthesis missing"),
        ("filter=or(city[eq]:a", "1 closing parenthesis missing"),
        ("filter=city:Paris", "expected field[operator]:value"),
        ("filter=city[eq]:", "expected field[operator]:value"),
        (
            "filter=city[equals]:Paris",
            "`equals` in `city[equals]:Paris` is not an operator",
        ),
        ("filter=city[in]:Paris", "`in` takes a list"),
        (
            "filter=not(city[eq]:a,city[eq]:b)",
            "`not(…)` takes exactly one condition",
        ),
        (
            "starting_after=a&ending_before=b",
            "cannot be used together with starting_after",
        ),
    ] {
        let err = twenty(query).err().unwrap_or_else(|| panic!("{query} accepted"));
        let messages: Vec<&str> = err.details().iter().map(|d| d.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains(expected)), "{query}: {messages:?}");
    }
}

#[test]
fn the_two_dialects_cannot_be_mixed() {
    for query in [
        "filter[city][eq]=a&filter=city[eq]:b",
        "order[city]=asc&order_by=city",
        "offset=2&starting_after=x",
    ] {
        let err = twenty(query).err().unwrap_or_else(|| panic!("{query} accepted"));
        let messages: Vec<&str> = err.details().iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("cannot be mixed in one request")),
            "{query}: {messages:?}"
        );
    }
    assert!(
        twenty("limit=5&depth=1&filter=city[eq]:a&order_by=city").is_ok(),
        "limit and depth are shared"
    );
}
