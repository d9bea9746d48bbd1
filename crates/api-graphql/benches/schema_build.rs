//! Schema build time for a large workspace: 50 custom objects × 20 fields (plus the standard objects).
//! Run with `cargo bench -p twenty-api-graphql`.

use std::sync::Arc;
use std::time::Instant;
use twenty_api_graphql::build_schema;
use twenty_domain::blueprint::{FieldBlueprint, ObjectBlueprint};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::field_type::FieldType;

const TYPES: [FieldType; 10] = [
    FieldType::Text,
    FieldType::Number,
    FieldType::Boolean,
    FieldType::DateTime,
    FieldType::Date,
    FieldType::Email,
    FieldType::Url,
    FieldType::Currency,
    FieldType::FullName,
    FieldType::Select,
];

fn main() {
    let mut blueprint = standard_objects();
    for o in 0..50 {
        let mut object = ObjectBlueprint::custom(&format!("thing{o}"), &format!("things{o}"), "Thing", "Things");
        for f in 0..20 {
            let field_type = TYPES[f % TYPES.len()];
            let mut field = FieldBlueprint::new(&format!("field{f}"), "Field", field_type);
            if field_type == FieldType::Select {
                field = field.options(&[("A", "A"), ("B", "B"), ("C", "C")]);
            }
            object = object.field(field);
        }
        blueprint = blueprint.object(object);
    }
    let meta = match blueprint.build(uuid::Uuid::new_v4(), chrono::Utc::now()) {
        Ok(m) => Arc::new(m),
        Err(e) => panic!("fixture: {e:?}"),
    };
    let objects = meta.objects.len();
    // Warm up, then time.
    for _ in 0..3 {
        let _ = build_schema(meta.clone());
    }
    let runs = 30;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let schema = build_schema(meta.clone());
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        drop(schema);
    }
    times.sort_by(f64::total_cmp);
    let types = build_schema(meta).map(|s| s.schema.type_list().len()).unwrap_or(0);
    println!(
        "schema build: {objects} objects ({types} GraphQL types): median {:.2} ms, min {:.2} ms, max {:.2} ms over {runs} runs",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}
