//! Criterion benchmarks of the request path's CPU-bound steps: schema build for 50 custom objects × 20 fields (of
//! every type a custom field can have), document preparation (parse + limits + validation, and the cache hit that
//! replaces it), filter and order → SQL compilation, parsing and serialising a page of records, and token
//! verification.
//! Run with `cargo bench -p twenty-api-graphql`.

#![allow(clippy::unwrap_used)] // benchmark fixtures: a failure is a broken fixture, not a result

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value as Json, json};
use std::hint::black_box;
use std::sync::Arc;
use twenty_api_graphql::build_schema;
use twenty_api_graphql::schema::SchemaEntry;
use twenty_auth::TokenSigner;
use twenty_domain::blueprint::{FieldBlueprint, ObjectBlueprint, RATING_VALUES};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::field_type::FieldType;
use twenty_domain::metadata::WorkspaceMetadata;
use twenty_domain::query::{ConnectionQuery, InputValue, PageArgs, ReadLimits};
use twenty_storage::compile::Compiler;

fn large_workspace() -> Arc<WorkspaceMetadata> {
    // Every type a custom field can be created with; relations are made with createOneRelation instead.
    let types: Vec<FieldType> = FieldType::ALL
        .into_iter()
        .filter(|t| *t != FieldType::Relation)
        .collect();
    let rating: Vec<(&str, &str)> = RATING_VALUES.iter().map(|v| (*v, *v)).collect();
    let mut blueprint = standard_objects();
    for o in 0..50 {
        let mut object = ObjectBlueprint::custom(&format!("thing{o}"), &format!("things{o}"), "Thing", "Things");
        for f in 0..20 {
            let field_type = types[f % types.len()];
            let mut field = FieldBlueprint::new(&format!("field{f}"), "Field", field_type);
            if field_type == FieldType::Rating {
                field = field.options(&rating);
            } else if field_type.has_options() {
                field = field.options(&[("A", "A"), ("B", "B"), ("C", "C")]);
            }
            object = object.field(field);
        }
        blueprint = blueprint.object(object);
    }
    Arc::new(blueprint.build(uuid::Uuid::new_v4(), chrono::Utc::now()).unwrap())
}

fn standard_workspace() -> Arc<WorkspaceMetadata> {
    Arc::new(
        standard_objects()
            .build(uuid::Uuid::new_v4(), chrono::Utc::now())
            .unwrap(),
    )
}

/// Workload (b) of `scripts/bench`.
const PAGE_WITH_PEOPLE: &str = "query($i: String, $e: Int) { companies(first: 20, filter: {industry: {eq: $i}, \
    employees: {gte: $e}}, orderBy: [{createdAt: DescNullsLast}]) { totalCount pageInfo { hasNextPage endCursor } \
    edges { cursor node { id name domainName employees industry createdAt annualRecurringRevenue { amountMicros \
    currencyCode } people(first: 5) { edges { node { id name { firstName lastName } email } } } } } } }";

fn schema_build(c: &mut Criterion) {
    let meta = large_workspace();
    c.bench_function("schema build, 58 objects", |b| {
        b.iter(|| build_schema(black_box(meta.clone())))
    });
}

fn documents(c: &mut Criterion) {
    let meta = standard_workspace();
    let entry = SchemaEntry::new(build_schema(meta).unwrap());
    c.bench_function("document: parse + validate (uncached)", |b| {
        b.iter(|| juniper::ValidatedOperation::new(black_box(PAGE_WITH_PEOPLE), None, &entry.schema).map(|_| ()))
    });
    c.bench_function("document: prepared (cache hit)", |b| {
        b.iter(|| entry.prepare(black_box(PAGE_WITH_PEOPLE), None).map(|_| ()))
    });
}

fn compile(c: &mut Criterion) {
    let meta = standard_workspace();
    let company = meta.object_by_singular("company").unwrap();
    let filter = json!({"industry": {"eq": "Technology"}, "employees": {"gte": 100},
                        "or": [{"name": {"like": "%Acme%"}}, {"domainName": {"is": "NULL"}}]});
    let order = json!([{"createdAt": "DescNullsLast"}, {"name": "AscNullsFirst"}]);
    let page = PageArgs {
        first: Some(20),
        ..PageArgs::default()
    };
    c.bench_function("filter + order → SQL", |b| {
        b.iter(|| {
            let query = ConnectionQuery::from_input(
                &meta,
                company,
                Some(&InputValue::from(&filter)),
                Some(&InputValue::from(&order)),
                &page,
                ReadLimits::default(),
            )
            .unwrap()
            .with_node(twenty_domain::query::Selection::full_record(company))
            .with_total_count(true);
            Compiler::new(&meta).find(&query).unwrap().to_debug_string()
        })
    });
}

fn records(c: &mut Criterion) {
    // A page as PostgreSQL returns it for workload (b): 20 companies with 5 people each.
    let person = |j: usize| {
        json!({"id": uuid::Uuid::new_v4(), "name": {"firstName": "Ada", "lastName": "Lovelace"},
                                   "email": format!("ada.{j}@example.com")})
    };
    let edges: Vec<Json> = (0..20)
        .map(|i| json!({"node": {"id": uuid::Uuid::new_v4(), "name": format!("Company {i}"),
            "domainName": format!("company-{i}.example.com"), "employees": i * 10, "industry": "Technology",
            "createdAt": "2026-12-01T20:27:32.656Z",
            "annualRecurringRevenue": {"amountMicros": 465_000_000_000i64, "currencyCode": "USD"},
            "@people": {"edges": (0..5).map(|j| json!({"node": person(j)})).collect::<Vec<_>>()}},
            "cursor": "WyIyMDI2LTEyLTAxVDIwOjI3OjMyLjU3MyswMDowMCIsICI5Y2Y5NmQxZC1iNWViLTQ2N2ItYjQ0My03ZjJkMGE3YzM2NGEiXQ"}))
        .collect();
    let text = json!({"edges": edges, "pageInfo": {"hasNextPage": true}, "totalCount": 1975}).to_string();
    c.bench_function("page of 20 × 5: parse PostgreSQL's JSON", |b| {
        b.iter(|| serde_json::from_str::<Json>(black_box(&text)).unwrap())
    });
    let value: Json = serde_json::from_str(&text).unwrap();
    c.bench_function("page of 20 × 5: serialise", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).unwrap())
    });
}

fn tokens(c: &mut Criterion) {
    let signer = TokenSigner::new(b"0123456789abcdef0123456789abcdef0123456789");
    let token = signer
        .api_key_token(uuid::Uuid::new_v4(), uuid::Uuid::new_v4(), None)
        .unwrap();
    c.bench_function("API-key token verification", |b| {
        b.iter(|| signer.verify(black_box(&token)).unwrap())
    });
}

criterion_group!(benches, schema_build, documents, compile, records, tokens);
criterion_main!(benches);
