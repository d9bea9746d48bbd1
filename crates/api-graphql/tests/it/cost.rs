//! The cost model of contract §10 on the fixture workspace's schema: page sizes times what each node selects,
//! `totalCount` as the rows it counts, aliases, fragments and variables counted as the request gives them.

use crate::fixture;
use juniper::{DefaultScalarValue as S, InputValue, Variables};
use std::collections::HashMap;
use twenty_api_graphql::cost::{CostInputs, MIN_COUNTED_ROWS};
use twenty_api_graphql::schema::{SchemaEntry, build_schema};

fn entry() -> SchemaEntry {
    SchemaEntry::new(build_schema(fixture::workspace()).unwrap())
}

/// The cost of `query` with `variables`, default page size 60, no row estimates.
fn cost_with(query: &str, variables: &Variables<S>) -> u64 {
    let entry = entry();
    let prepared = entry.prepare(query, None).unwrap_or_else(|e| panic!("{e:?}"));
    prepared.cost.evaluate(&CostInputs {
        variables,
        default_page_size: 60,
        max_page_size: 200,
        rows: &HashMap::new(),
    })
}

fn cost(query: &str) -> u64 {
    cost_with(query, &Variables::new())
}

#[test]
fn a_connection_costs_its_page_size_times_one_per_node() {
    assert_eq!(cost("{ companies { edges { node { id name } } } }"), 60);
    assert_eq!(cost("{ companies(first: 10) { edges { node { id } } } }"), 10);
    assert_eq!(cost("{ companies(last: 7) { edges { node { id } } } }"), 7);
}

#[test]
fn nested_connections_multiply_and_total_count_adds_the_rows_it_counts() {
    let query = "{ companies(first: 10) { totalCount edges { node { id people { edges { node { id } } } } } } }";
    assert_eq!(cost(query), 10 * (1 + 60) + MIN_COUNTED_ROWS);
}

#[test]
fn aliases_and_fragments_count_every_time_they_appear() {
    let aliased =
        "{ a: companies(first: 5) { edges { node { id } } } b: companies(first: 5) { edges { node { id } } } }";
    assert_eq!(cost(aliased), 10);
    let spread = "query { companies(first: 5) { ...Nodes ...Nodes } } fragment Nodes on CompanyConnection { edges { node { id } } }";
    assert_eq!(cost(spread), 10);
}

#[test]
fn a_page_size_given_by_a_variable_is_read_from_the_request() {
    let query = "query($n: Int) { companies(first: $n) { edges { node { id } } } }";
    let mut variables = Variables::new();
    variables.insert("n".to_string(), InputValue::Scalar(S::Int(7)));
    assert_eq!(cost_with(query, &variables), 7);
    assert_eq!(cost_with(query, &Variables::new()), 60, "absent: the default page size");
}

#[test]
fn page_sizes_count_at_most_the_largest_page() {
    assert_eq!(cost("{ companies(first: 100000) { edges { node { id } } } }"), 200);
}

#[test]
fn two_hundred_aliased_counts_under_two_hundred_companies_cost_forty_million() {
    let counts: Vec<String> = (0..200).map(|i| format!("p{i}: people {{ totalCount }}")).collect();
    let query = format!(
        "{{ companies(first: 200) {{ edges {{ node {{ {} }} }} }} }}",
        counts.join(" ")
    );
    assert_eq!(cost(&query), 200 * (1 + 200 * MIN_COUNTED_ROWS));
}

#[test]
fn the_counted_objects_are_those_whose_total_count_is_selected() {
    let entry = entry();
    let query = "{ companies { totalCount edges { node { people { totalCount } } } } }";
    let prepared = entry.prepare(query, None).unwrap_or_else(|e| panic!("{e:?}"));
    let counted: Vec<&str> = prepared
        .cost
        .counted_objects()
        .into_iter()
        .map(|i| entry.types().objects[i].object.name_singular.as_str())
        .collect();
    assert_eq!(counted, ["company", "person"]);
}

#[test]
fn a_mutation_costs_its_record_and_what_is_nested_under_it() {
    assert_eq!(
        cost("mutation { createCompany(data: {name: \"x\"}) { id people { edges { node { id } } } } }"),
        61
    );
}
