//! The cost of a document (contract §10), checked before anything executes. Each connection costs its page size
//! (`first` / `last`, else the default) times what is selected under each node (1 per node, plus the nested
//! connections' costs); `totalCount` adds the rows it counts, as PostgreSQL estimates them and at least
//! [`MIN_COUNTED_ROWS`]; a single record (a to-one relation, `findOne`, a mutation's record) costs 1 plus its
//! nested connections. Aliases and fragments count every time they appear; a document costs the sum of its root
//! fields.
//!
//! The [`CostPlan`] is built once per validated document (from its syntax tree and the workspace's types) and
//! evaluated per request, with the request's variables and row estimates.

use crate::limits::{Fragments, chosen_operation};
use crate::types::{FieldShape, RootOperation, WorkspaceTypes};
use juniper::{DefaultScalarValue as S, Definition, InputValue, Selection, Spanning, Variables};
use std::collections::{BTreeSet, HashMap};

/// What `totalCount` costs at least, whatever the statistics say (a table may have grown since).
pub const MIN_COUNTED_ROWS: u64 = 1_000;

/// A page's size as the document gives it.
#[derive(Debug, Clone, PartialEq)]
enum PageSize {
    Literal(i64),
    Variable(String),
    Default,
}

/// One connection read: `object` (an index into [`WorkspaceTypes::objects`]).
#[derive(Debug, Clone, PartialEq)]
struct ConnectionCost {
    object: usize,
    page: PageSize,
    /// How many times `totalCount` is selected.
    counts: u64,
    /// Each selection of the connection's nodes (`edges { node { … } }`, counted every time it appears).
    nodes: Vec<NodeCost>,
}

/// One record: 1, plus the connections and single records nested under it.
#[derive(Debug, Clone, PartialEq, Default)]
struct NodeCost {
    connections: Vec<ConnectionCost>,
    records: Vec<NodeCost>,
}

/// The cost of one validated document, waiting for the request's variables and row estimates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CostPlan {
    roots: NodeCost,
}

/// What a plan is evaluated with.
pub struct CostInputs<'a> {
    pub variables: &'a Variables<S>,
    pub default_page_size: u64,
    pub max_page_size: u64,
    /// Estimated rows per object index (objects absent here count [`MIN_COUNTED_ROWS`]).
    pub rows: &'a HashMap<usize, u64>,
}

impl CostPlan {
    /// The plan of the operation `operation_name` of `document` (an empty plan when it cannot be chosen: the
    /// document is refused by validation then).
    pub fn new(document: &[Definition<'_, S>], operation_name: Option<&str>, types: &WorkspaceTypes) -> CostPlan {
        let Some((selections, fragments)) = chosen_operation(document, operation_name) else {
            return CostPlan::default();
        };
        let planner = Planner { types, fragments };
        let mut roots = NodeCost::default();
        planner.each_field(selections, &mut Vec::new(), &mut |field, seen| {
            let name = field.name;
            let root = types
                .queries
                .iter()
                .chain(&types.mutations)
                .find(|(root_name, _, _)| root_name == name);
            let Some((_, op, object)) = root else { return };
            let selections = field.nested();
            if *op == RootOperation::FindMany {
                let connection = planner.connection(*object, page_size(&field), selections, seen);
                roots.connections.push(connection);
            } else {
                roots.records.push(planner.node(*object, selections, seen));
            }
        });
        CostPlan { roots }
    }

    /// The objects whose rows the document counts (for their estimates).
    pub fn counted_objects(&self) -> BTreeSet<usize> {
        let mut objects = BTreeSet::new();
        self.roots.counted(&mut objects);
        objects
    }

    /// The document's cost for one request. The roots are summed, not multiplied: the root "node" costs nothing.
    pub fn evaluate(&self, inputs: &CostInputs<'_>) -> u64 {
        let connections = self.roots.connections.iter().map(|c| c.cost(inputs));
        let records = self.roots.records.iter().map(|r| r.cost(inputs));
        connections.chain(records).fold(0, u64::saturating_add)
    }
}

impl NodeCost {
    fn cost(&self, inputs: &CostInputs<'_>) -> u64 {
        let nested = self.connections.iter().map(|c| c.cost(inputs));
        let records = self.records.iter().map(|r| r.cost(inputs));
        nested.chain(records).fold(1, u64::saturating_add)
    }

    fn counted(&self, objects: &mut BTreeSet<usize>) {
        for connection in &self.connections {
            if connection.counts > 0 {
                objects.insert(connection.object);
            }
            for node in &connection.nodes {
                node.counted(objects);
            }
        }
        for record in &self.records {
            record.counted(objects);
        }
    }
}

impl ConnectionCost {
    fn cost(&self, inputs: &CostInputs<'_>) -> u64 {
        let page = match &self.page {
            PageSize::Literal(n) => u64::try_from(*n).unwrap_or(0),
            PageSize::Variable(name) => match inputs.variables.get(name) {
                Some(InputValue::Scalar(S::Int(n))) => u64::try_from(*n).unwrap_or(0),
                _ => inputs.default_page_size,
            },
            PageSize::Default => inputs.default_page_size,
        }
        .min(inputs.max_page_size);
        let per_node = self.nodes.iter().map(|n| n.cost(inputs)).fold(0, u64::saturating_add);
        let rows = inputs
            .rows
            .get(&self.object)
            .copied()
            .unwrap_or(0)
            .max(MIN_COUNTED_ROWS);
        page.saturating_mul(per_node)
            .saturating_add(self.counts.saturating_mul(rows))
    }
}

/// What the plan needs of one field of the document.
struct FieldRef<'d, 'a> {
    name: &'a str,
    arguments: &'d [(Spanning<&'a str>, Spanning<InputValue<S>>)],
    /// `None` for a leaf.
    selections: Option<&'d [Selection<'a, S>]>,
}

impl<'d, 'a> FieldRef<'d, 'a> {
    fn nested(&self) -> &'d [Selection<'a, S>] {
        self.selections.unwrap_or_default()
    }
}

/// `first`, else `last`, as the field gives it.
fn page_size(field: &FieldRef<'_, '_>) -> PageSize {
    let given = |name: &str| {
        field
            .arguments
            .iter()
            .find(|(key, _)| key.item == name)
            .map(|(_, value)| &value.item)
    };
    match given("first").or_else(|| given("last")) {
        Some(InputValue::Scalar(S::Int(n))) => PageSize::Literal(i64::from(*n)),
        Some(InputValue::Variable(name)) => PageSize::Variable(name.clone()),
        _ => PageSize::Default,
    }
}

struct Planner<'t, 'd, 'a> {
    types: &'t WorkspaceTypes,
    fragments: Fragments<'d, 'a>,
}

impl<'d, 'a> Planner<'_, 'd, 'a> {
    /// Calls `visit` for every field of `selections`, fragments expanded (each time they are spread; a fragment
    /// already being expanded on this path is a cycle, which validation refuses, and is skipped).
    fn each_field(
        &self,
        selections: &'d [Selection<'a, S>],
        seen: &mut Vec<&'a str>,
        visit: &mut dyn FnMut(FieldRef<'d, 'a>, &mut Vec<&'a str>),
    ) {
        for selection in selections {
            match selection {
                Selection::Field(field) => {
                    let field = &field.item;
                    let arguments = field.arguments.as_ref().map(|a| a.item.items.as_slice());
                    let reference = FieldRef {
                        name: field.name.item,
                        arguments: arguments.unwrap_or_default(),
                        selections: field.selection_set.as_deref(),
                    };
                    visit(reference, seen);
                }
                Selection::InlineFragment(inline) => self.each_field(&inline.item.selection_set, seen, visit),
                Selection::FragmentSpread(spread) => {
                    let name = spread.item.name.item;
                    if let Some(set) = self.fragments.get(name).copied()
                        && !seen.contains(&name)
                    {
                        seen.push(name);
                        self.each_field(set, seen, visit);
                        seen.pop();
                    }
                }
            }
        }
    }

    /// A connection of `object`: `totalCount`, and the nodes under `edges { node }`.
    fn connection(
        &self,
        object: usize,
        page: PageSize,
        selections: &'d [Selection<'a, S>],
        seen: &mut Vec<&'a str>,
    ) -> ConnectionCost {
        let mut connection = ConnectionCost {
            object,
            page,
            counts: 0,
            nodes: Vec::new(),
        };
        self.each_field(selections, seen, &mut |field, seen| match field.name {
            "totalCount" => connection.counts += 1,
            "edges" => {
                self.each_field(field.nested(), seen, &mut |edge, seen| {
                    if edge.name == "node" {
                        connection.nodes.push(self.node(object, edge.nested(), seen));
                    }
                });
            }
            _ => {}
        });
        connection
    }

    /// One record of `object` and the relations selected under it.
    fn node(&self, object: usize, selections: &'d [Selection<'a, S>], seen: &mut Vec<&'a str>) -> NodeCost {
        let mut node = NodeCost::default();
        let Some(types) = self.types.objects.get(object) else {
            return node;
        };
        self.each_field(selections, seen, &mut |field, seen| {
            let shape = types.by_name.get(field.name).map(|i| &types.fields[*i].shape);
            match shape {
                Some(FieldShape::ToMany { target, .. }) => {
                    let connection = self.connection(*target, page_size(&field), field.nested(), seen);
                    node.connections.push(connection);
                }
                Some(FieldShape::ToOne { target, .. }) if field.selections.is_some() => {
                    node.records.push(self.node(*target, field.nested(), seen));
                }
                _ => {}
            }
        });
        node
    }
}
