//! Shared helpers: the [`Fixture`] most tests start from, and building selections and queries by name.

use serde_json::Value as Json;
use test_support::TestDb;
use twenty_domain::DomainResult;
use twenty_domain::blueprint::WorkspaceBlueprint;
use twenty_domain::metadata::{ObjectMetadata, WorkspaceMetadata};
use twenty_domain::ports::WorkspaceStore;
use twenty_domain::query::Filter;
use twenty_domain::query::{ConnectionQuery, InputValue, PageArgs, ReadLimits, Selection};
use twenty_domain::record::{LifeCycle, RecordTarget};
use uuid::Uuid;

/// A fresh database with one workspace in it: what most tests start from.
pub struct Fixture {
    pub db: TestDb,
    pub meta: WorkspaceMetadata,
}

impl Fixture {
    /// A workspace with the standard objects.
    pub async fn standard() -> Self {
        let db = TestDb::new().await;
        let meta = db.workspace().await;
        Fixture { db, meta }
    }

    /// A workspace built from `blueprint`.
    pub async fn from_blueprint(blueprint: &WorkspaceBlueprint) -> Self {
        let db = TestDb::new().await;
        let meta = db.workspace_from(blueprint).await;
        Fixture { db, meta }
    }

    /// The workspace's metadata as stored now, after changes made since the fixture was built.
    pub async fn reloaded_metadata(&self) -> WorkspaceMetadata {
        match self.db.store().load_metadata(self.meta.workspace_id).await {
            Ok(Some(meta)) => meta,
            other => panic!("reload metadata: {other:?}"),
        }
    }

    pub fn object(&self, name: &str) -> &ObjectMetadata {
        object(&self.meta, name)
    }

    /// Creates records of `object` from JSON inputs; returns their ids.
    pub async fn create(&self, object: &str, inputs: Vec<Json>) -> Vec<String> {
        create_all(&self.db, &self.meta, object, inputs).await
    }

    /// Creates one record of `object` for each name, in that order; returns their ids.
    pub async fn create_named(&self, object: &str, names: &[&str]) -> Vec<String> {
        let inputs = names.iter().map(|name| serde_json::json!({ "name": name })).collect();
        self.create(object, inputs).await
    }

    /// Creates `n` companies named `c0`, `c1`… in that order; returns their ids.
    pub async fn numbered_companies(&self, n: usize) -> Vec<String> {
        let inputs = (0..n).map(|i| serde_json::json!({ "name": format!("c{i}") })).collect();
        self.create("company", inputs).await
    }

    /// Creates three records of `object` whose `field` holds each of `values` in turn: the first linked to the company
    /// `companies[0]`, the second to `companies[1]`, the third to no company; returns their ids.
    pub async fn create_two_linked_and_one_not(
        &self,
        object: &str,
        companies: &[String],
        field: &str,
        values: [&str; 3],
    ) -> Vec<String> {
        let links = [Some(&companies[0]), Some(&companies[1]), None];
        let inputs = values
            .iter()
            .zip(links)
            .map(|(value, company)| {
                let mut input = serde_json::json!({ field: value });
                if let Some(company) = company {
                    input["companyId"] = serde_json::json!(company);
                }
                input
            })
            .collect();
        self.create(object, inputs).await
    }

    /// Creates one record of `object` (an upsert with `upsert`) and returns the service's answer, failures included.
    pub async fn try_create_one(
        &self,
        object: &ObjectMetadata,
        input: &Json,
        upsert: bool,
        selection: &Selection,
    ) -> DomainResult<Json> {
        let records = self.db.records();
        records.create_one(&self.meta, object, input, upsert, selection).await
    }

    /// Applies `change` to the record `id` of `object` and returns the service's answer, failures included.
    pub async fn try_change(
        &self,
        change: LifeCycle,
        object: &ObjectMetadata,
        id: Uuid,
        selection: &Selection,
    ) -> DomainResult<Json> {
        let records = self.db.records();
        records.change_one(change, &self.meta, object, id, selection).await
    }

    /// Updates the record `id` of `object` with `input` and returns the service's answer, failures included.
    pub async fn try_update_one(
        &self,
        object: &ObjectMetadata,
        id: Uuid,
        input: &Json,
        selection: &Selection,
    ) -> DomainResult<Json> {
        let records = self.db.records();
        records.update_one(&self.meta, object, id, input, selection).await
    }

    /// The records of `object` that `filter` selects, as the target of a bulk change.
    pub fn filtered(&self, object: &ObjectMetadata, filter: &Json) -> RecordTarget {
        match Filter::parse(&self.meta, object, filter) {
            Ok(filter) => RecordTarget::Filter(filter),
            Err(e) => panic!("filter {filter}: {e:?}"),
        }
    }

    /// Applies `change` to the records `target` selects and returns the service's answer, failures included.
    pub async fn try_change_many(
        &self,
        change: LifeCycle,
        object: &ObjectMetadata,
        target: &RecordTarget,
        selection: &Selection,
    ) -> DomainResult<Vec<Json>> {
        let records = self.db.records();
        records.change_many(change, &self.meta, object, target, selection).await
    }

    /// Applies `change` to the records `target` selects, which must succeed; the records as `selection` reads them.
    pub async fn change_many(
        &self,
        change: LifeCycle,
        object: &ObjectMetadata,
        target: &RecordTarget,
        selection: &Selection,
    ) -> Vec<Json> {
        match self.try_change_many(change, object, target, selection).await {
            Ok(records) => records,
            Err(e) => panic!("{change:?} {} {target:?}: {e:?}", object.name_singular),
        }
    }

    /// Applies `change` to the record `id` of `object`, which must succeed; the record as `selection` reads it.
    pub async fn change(&self, change: LifeCycle, object: &ObjectMetadata, id: Uuid, selection: &Selection) -> Json {
        match self.try_change(change, object, id, selection).await {
            Ok(record) => record,
            Err(e) => panic!("{change:?} {} {id}: {e:?}", object.name_singular),
        }
    }

    /// Creates records of `object` (selecting their `id`) and returns the service's answer, failures included.
    pub async fn try_create(&self, object: &str, inputs: &[Json]) -> DomainResult<Vec<Json>> {
        let object = self.object(object);
        let selection = fields(object, &["id"]);
        self.db
            .records()
            .create_many(&self.meta, object, inputs, false, &selection)
            .await
    }

    /// What the connection query `q` reads, as the API's JSON.
    pub async fn find(&self, q: &ConnectionQuery) -> Json {
        match self.db.records().find_many(&self.meta, q).await {
            Ok(connection) => connection.into_json(),
            Err(e) => panic!("find {q:?}: {e:?}"),
        }
    }

    /// The `name`s of the records of `object` matching `filter`, sorted.
    pub async fn names_matching(&self, object: &str, filter: Json) -> Vec<String> {
        names_matching(&self.db, &self.meta, object, filter).await
    }
}

pub fn object<'m>(meta: &'m WorkspaceMetadata, name: &str) -> &'m ObjectMetadata {
    match meta.object_by_singular(name) {
        Some(o) => o,
        None => panic!("no object {name}"),
    }
}

/// A selection of scalar / composite / relation-id fields by name.
pub fn fields(object: &ObjectMetadata, names: &[&str]) -> Selection {
    let mut selection = Selection::new();
    for name in names {
        if let Err(e) = selection.select_field(object, name) {
            panic!("select {name}: {e:?}");
        }
    }
    selection
}

/// A connection query from the API's JSON arguments.
pub fn query(
    meta: &WorkspaceMetadata,
    object: &ObjectMetadata,
    filter: Option<Json>,
    order_by: Option<Json>,
    page: PageArgs,
) -> Result<ConnectionQuery, twenty_domain::DomainError> {
    let filter = filter.as_ref().map(InputValue::from);
    let order_by = order_by.as_ref().map(InputValue::from);
    ConnectionQuery::from_input(
        meta,
        object,
        filter.as_ref(),
        order_by.as_ref(),
        &page,
        ReadLimits::default(),
    )
}

/// The code of a result that must be an error.
pub fn error_code<T: std::fmt::Debug>(result: DomainResult<T>) -> twenty_domain::ErrorCode {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(err) => err.code(),
    }
}

/// The first `n` records of `object` in the default order, each read as the `names` fields.
pub fn first_page(meta: &WorkspaceMetadata, object: &ObjectMetadata, n: i64, names: &[&str]) -> ConnectionQuery {
    match query(meta, object, None, None, first(n)) {
        Ok(q) => q.with_node(fields(object, names)),
        Err(e) => panic!("first {n} of {}: {e:?}", object.name_singular),
    }
}

pub fn first(n: i64) -> PageArgs {
    PageArgs {
        first: Some(n),
        ..PageArgs::default()
    }
}

/// The `id`s of a connection's nodes, in order.
pub fn ids(connection: &Json) -> Vec<String> {
    connection["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Creates records of `object` from JSON inputs; returns their ids.
pub async fn create_all(db: &TestDb, meta: &WorkspaceMetadata, object: &str, inputs: Vec<Json>) -> Vec<String> {
    let object = self::object(meta, object);
    let selection = fields(object, &["id"]);
    match db.records().create_many(meta, object, &inputs, false, &selection).await {
        Ok(rows) => rows
            .iter()
            .filter_map(|r| r["id"].as_str().map(str::to_string))
            .collect(),
        Err(e) => panic!("create {}: {e:?}", object.name_singular),
    }
}

/// Runs a filter over `object` and returns the matching records' `name`s, sorted.
pub async fn names_matching(db: &TestDb, meta: &WorkspaceMetadata, object: &str, filter: Json) -> Vec<String> {
    let object = self::object(meta, object);
    let q = match query(meta, object, Some(filter.clone()), None, first(200)) {
        Ok(q) => q.with_node(fields(object, &["id", "name"])),
        Err(e) => panic!("filter {filter}: {e:?}"),
    };
    let conn = match db.records().find_many(meta, &q).await {
        Ok(c) => c,
        Err(e) => panic!("find with {filter}: {e:?}"),
    };
    let mut names: Vec<String> = conn
        .nodes()
        .map(|node| match &node["name"] {
            Json::String(s) => s.clone(),
            Json::Null => "<null>".into(),
            other => other.to_string(),
        })
        .collect();
    names.sort();
    names
}
