//! Names of 63 characters: the tables and columns derived from them fit PostgreSQL's 63-byte identifiers (which it
//! would otherwise truncate silently, so that two names could meet), names that fitted keep their identifiers, and
//! records go through them like any other.

use crate::helpers::*;
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use serde_json::json;
use twenty_domain::blueprint::{FieldBlueprint, ObjectBlueprint, RelationBlueprint};
use twenty_domain::catalogue::standard_objects;
use twenty_domain::field_type::FieldType;
use twenty_domain::metadata::RelationType;
use twenty_domain::naming::identifier;

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TableColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// `prefix` padded to 63 characters with `x`.
fn name_63(prefix: &str) -> String {
    format!("{prefix}{}", "x".repeat(63 - prefix.len()))
}

#[tokio::test]
async fn tables_and_columns_of_63_character_names_fit_and_stay_apart() {
    let (a, b) = (name_63("gizmo"), format!("{}b", &name_63("gizmo")[..62]));
    let (money, owner, company_link) = (name_63("price"), name_63("owner"), name_63("supplier"));
    let object = |singular: &str, plural: &str| {
        ObjectBlueprint::custom(singular, plural, "Gizmo", "Gizmos")
            .field(FieldBlueprint::new(&money, "Price", FieldType::Currency))
            .field(FieldBlueprint::new(&owner, "Owner", FieldType::FullName))
    };
    let (plural_a, plural_b) = (name_63("gizmos"), format!("{}b", &name_63("gizmos")[..62]));
    let blueprint = standard_objects()
        .object(object(&a, &plural_a))
        .object(object(&b, &plural_b))
        .relation(RelationBlueprint::new(
            RelationType::ManyToOne,
            (&a, &company_link, "Supplier"),
            ("company", "gizmos", "Gizmos"),
        ));
    let fx = Fixture::from_blueprint(&blueprint).await;
    let (table_a, table_b) = (fx.object(&a).table_name.clone(), fx.object(&b).table_name.clone());
    assert_eq!(table_a, identifier(&format!("_{a}")));
    assert_eq!((table_a.len(), table_b.len()), (63, 63));
    assert_ne!(
        table_a, table_b,
        "names sharing their first 62 characters keep apart tables"
    );
    assert_eq!(
        fx.object("company").table_name,
        "company",
        "names that fit keep their tables"
    );

    let mut conn = fx.db.connection().await;
    let columns: Vec<TableColumn> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns \
         WHERE table_schema = $1 AND table_name = ANY($2) AND column_name NOT IN ('id', 'createdAt', 'updatedAt', 'deletedAt', 'position')",
    )
    .bind::<Text, _>(&fx.meta.schema_name)
    .bind::<diesel::sql_types::Array<Text>, _>(vec![table_a.clone(), table_b.clone()])
    .load(&mut conn)
    .await
    .unwrap();
    let mut expected = Vec::new();
    for table in [&table_a, &table_b] {
        for sub in ["AmountMicros", "CurrencyCode"] {
            expected.push((table.clone(), identifier(&format!("{money}{sub}"))));
        }
        for sub in ["FirstName", "LastName"] {
            expected.push((table.clone(), identifier(&format!("{owner}{sub}"))));
        }
    }
    expected.push((table_a.clone(), identifier(&format!("{company_link}Id"))));
    let mut found: Vec<(String, String)> = columns.into_iter().map(|c| (c.table_name, c.column_name)).collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
    assert!(expected.iter().all(|(_, c)| c.len() == 63));

    // Records are written and read through them; the foreign key keeps its API name.
    let acme = fx.create_named("company", &["Acme"]).await.remove(0);
    let link = format!("{company_link}Id");
    let input = json!({&money: {"amountMicros": 2_000_000, "currencyCode": "EUR"},
                       &owner: {"firstName": "Ada", "lastName": "L"}, &link: acme});
    fx.create(&a, vec![input.clone()]).await;
    let gizmo = fx.object(&a);
    let q = query(&fx.meta, gizmo, Some(json!({&link: {"eq": acme}})), None, first(5))
        .unwrap()
        .with_node(fields(gizmo, &[&money, &owner, &link]));
    let page = fx.find(&q).await;
    assert_eq!(page["edges"][0]["node"], input);
}
