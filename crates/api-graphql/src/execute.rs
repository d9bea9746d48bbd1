//! Executing one GraphQL request: limits, juniper, and the contract's error and response format.

use crate::context::{CoreContext, Spliced};
use crate::cost::{CostInputs, CostPlan};
use crate::error::{OBJECT_LITERAL, document_error, rewrite_validation_message};
use crate::limits::{self, OperationInfo};
use crate::literals::{self, Encoded, Positions};
use crate::schema::{PrepareError, SchemaEntry};
use crate::tunnel;
use juniper::parser::{Lexer, ParseError, ScalarToken, SourcePosition, Spanning, Token};
use juniper::{
    DefaultScalarValue as S, EmptySubscription, ExecutionError, GraphQLError, GraphQLTypeAsync, InputValue, RootNode,
    SchemaType, Value, Variables,
};
use serde::Deserialize;
use serde_json::{Value as Json, json};
use std::collections::HashMap;
use twenty_domain::ErrorCode;

/// The body of `POST /graphql`.
#[derive(Debug, Clone, Deserialize)]
pub struct GraphQLRequest {
    pub query: String,
    #[serde(default)]
    pub variables: Option<Json>,
    #[serde(default, rename = "operationName")]
    pub operation_name: Option<String>,
}

impl GraphQLRequest {
    /// Parses a request body; `Err` when it is not a GraphQL request at all (the caller answers 400).
    pub fn parse(body: &[u8]) -> Result<GraphQLRequest, String> {
        let request: GraphQLRequest =
            serde_json::from_slice(body).map_err(|e| format!("Not a GraphQL request: {e}"))?;
        if !matches!(request.variables, None | Some(Json::Null) | Some(Json::Object(_))) {
            return Err("`variables` must be an object".into());
        }
        Ok(request)
    }
}

/// The body of a GraphQL response: `errors` (when there are any) then `data`. Serialised straight from juniper's
/// value, with no intermediate JSON tree.
#[derive(Debug)]
pub struct GraphQLResponse {
    errors: Vec<Json>,
    data: Option<Value<S>>,
    /// Root-field results written as JSON text, standing in `data` as placeholders.
    spliced: Spliced,
    /// The operation that ran (or was asked for), for the access log.
    operation: OperationInfo,
}

/// What the access log and the metrics need of one GraphQL answer, handed to the HTTP layer beside its body (a 200
/// answer that carries errors must be told from a success without reading the body again).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub operation: OperationInfo,
    /// The code of each error of the answer, in order; empty when it has none.
    pub error_codes: Vec<ErrorCode>,
}

impl GraphQLResponse {
    fn failed(errors: Vec<Json>, operation: OperationInfo) -> Self {
        GraphQLResponse {
            errors,
            data: None,
            spliced: Spliced::default(),
            operation,
        }
    }

    /// The operation and the error codes of this answer.
    pub fn outcome(&self) -> Outcome {
        Outcome {
            operation: self.operation.clone(),
            error_codes: self
                .errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .and_then(ErrorCode::parse)
                        .unwrap_or(ErrorCode::InternalError)
                })
                .collect(),
        }
    }

    /// As a JSON value (tests, logs).
    pub fn to_json(&self) -> Json {
        serde_json::from_slice(&self.to_bytes()).unwrap_or(Json::Null)
    }

    /// The response body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.spliced_len());
        out.push(b'{');
        if !self.errors.is_empty() {
            out.extend_from_slice(b"\"errors\":");
            let _ = serde_json::to_writer(&mut out, &self.errors);
            out.push(b',');
        }
        out.extend_from_slice(b"\"data\":");
        match &self.data {
            Some(data) => write_data(data, &self.spliced, &mut out),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
        out
    }

    fn spliced_len(&self) -> usize {
        self.spliced.total_len()
    }
}

/// Juniper's value as JSON text, with placeholders replaced by the text they stand for.
fn write_data(value: &Value<S>, spliced: &Spliced, out: &mut Vec<u8>) {
    match value {
        Value::Scalar(S::String(s)) if let Some(text) = spliced.lookup(s) => out.extend_from_slice(text),
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_data(item, spliced, out);
            }
            out.push(b']');
        }
        Value::Object(object) => {
            out.push(b'{');
            for (i, (key, item)) in object.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let _ = serde_json::to_writer(&mut *out, key.as_str());
                out.push(b':');
                write_data(item, spliced, out);
            }
            out.push(b'}');
        }
        leaf => {
            let _ = serde_json::to_writer(&mut *out, &Output(leaf));
        }
    }
}

impl serde::Serialize for GraphQLResponse {
    fn serialize<Z: serde::Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        use serde::ser::SerializeMap;
        if !self.spliced.is_empty() {
            return self.to_json().serialize(serializer);
        }
        let mut map = serializer.serialize_map(None)?;
        if !self.errors.is_empty() {
            map.serialize_entry("errors", &self.errors)?;
        }
        map.serialize_entry("data", &self.data.as_ref().map(Output))?;
        map.end()
    }
}

/// Juniper's value in the response's JSON form (see [`to_json`]).
pub(crate) struct Output<'a>(pub(crate) &'a Value<S>);

impl serde::Serialize for Output<'_> {
    fn serialize<Z: serde::Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Null => serializer.serialize_unit(),
            Value::Scalar(s) => match s {
                S::Int(i) => serializer.serialize_i32(*i),
                S::Float(f) if is_integral(*f) => serializer.serialize_i64(*f as i64),
                S::Float(f) if f.is_finite() => serializer.serialize_f64(*f),
                S::Float(_) => serializer.serialize_unit(),
                S::String(s) => serializer.serialize_str(s),
                S::Boolean(b) => serializer.serialize_bool(*b),
            },
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Output(item))?;
                }
                seq.end()
            }
            Value::Object(object) => {
                let mut map = serializer.serialize_map(Some(object.field_count()))?;
                for (key, value) in object.iter() {
                    map.serialize_entry(key.as_str(), &Output(value))?;
                }
                map.end()
            }
        }
    }
}

/// Integral floats print as integers (`50000000000`, not `50000000000.0`), as JavaScript servers print them.
fn is_integral(f: f64) -> bool {
    f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0
}

/// Runs the request against a schema (the core one or the metadata one) and returns the response body (always
/// HTTP 200 for GraphQL-level errors).
pub async fn execute<Q, M, C>(
    schema: &RootNode<Q, M, EmptySubscription<C>>,
    ctx: &C,
    request: &GraphQLRequest,
) -> GraphQLResponse
where
    Q: GraphQLTypeAsync<S, Context = C>,
    Q::TypeInfo: Sync,
    M: GraphQLTypeAsync<S, Context = C>,
    M::TypeInfo: Sync,
    C: juniper::Context + Sync + Send,
{
    let operation = request.operation_name.as_deref().filter(|n| !n.is_empty());
    let encoded = literals::encode_literals(&request.query, &schema.schema);
    let read = Read::of(&encoded, &request.query);
    let query = &encoded.text;
    let mut variable_types = Vec::new();
    let mut info = OperationInfo::requested(operation);
    if let Ok(document) = juniper::parser::parse_document_source::<S>(query, &schema.schema) {
        info = OperationInfo::of(&document, operation);
        if let Err(message) = limits::check(&document, operation) {
            let error = document_error(message, ErrorCode::ValidationError, Vec::new());
            return GraphQLResponse::failed(vec![error], info);
        }
        variable_types = tunnel::variable_types(&document, operation);
    }
    let variables = to_variables(request, &variable_types, &schema.schema);
    match juniper::execute(query, operation, schema, &variables, ctx).await {
        Ok((data, errors)) => GraphQLResponse {
            errors: errors.iter().map(|e| execution_error(e, &read)).collect(),
            data: Some(data),
            spliced: Spliced::default(),
            operation: info,
        },
        Err(err) => GraphQLResponse::failed(graphql_errors(err, &read, &schema.schema), info),
    }
}

/// Runs the request against a workspace's core schema, through its document cache.
pub async fn execute_prepared(entry: &SchemaEntry, ctx: &CoreContext, request: &GraphQLRequest) -> GraphQLResponse {
    let operation = request.operation_name.as_deref().filter(|n| !n.is_empty());
    let prepared = match entry.prepare(&request.query, operation) {
        Ok(prepared) => prepared,
        Err(PrepareError::Limit(message, info)) => {
            let error = document_error(message, ErrorCode::ValidationError, Vec::new());
            return GraphQLResponse::failed(vec![error], info);
        }
        Err(PrepareError::Invalid(err, info)) => {
            // Positions are in the text juniper read.
            let encoded = literals::encode_literals(&request.query, &entry.schema.schema);
            let read = Read::of(&encoded, &request.query);
            return GraphQLResponse::failed(graphql_errors(err, &read, &entry.schema.schema), info);
        }
    };
    let info = prepared.operation.clone();
    let read = Read {
        text: &prepared.document.borrow_owner().text,
        client: &request.query,
        positions: &prepared.positions,
    };
    let variables = to_variables(request, &prepared.variable_types, &entry.schema.schema);
    if let Err(error) = check_cost(entry, &prepared.cost, &variables, ctx).await {
        return GraphQLResponse::failed(vec![error], info);
    }
    match prepared.document.borrow_dependent().execute(&variables, ctx).await {
        Ok((data, errors)) => GraphQLResponse {
            errors: errors.iter().map(|e| execution_error(e, &read)).collect(),
            data: Some(data),
            spliced: ctx.raw.take(),
            operation: info,
        },
        Err(err) => GraphQLResponse::failed(graphql_errors(err, &read, &entry.schema.schema), info),
    }
}

/// Refuses a document that costs more than the limit, before anything of it runs (contract §10).
async fn check_cost(
    entry: &SchemaEntry,
    plan: &CostPlan,
    variables: &Variables<S>,
    ctx: &CoreContext,
) -> Result<(), Json> {
    let mut rows = HashMap::new();
    for index in plan.counted_objects() {
        // The plan's indices are into the (possibly shared) schema's types; estimates are of this workspace.
        let Some(types) = entry.types().objects.get(index) else {
            continue;
        };
        if let Some(object) = ctx.meta.object_by_singular(&types.object.name_singular) {
            let estimate = ctx.records.estimated_rows(&ctx.meta, object).await;
            rows.insert(index, estimate.unwrap_or(0));
        }
    }
    let limits = ctx.records.limits();
    let cost = plan.evaluate(&CostInputs {
        variables,
        default_page_size: u64::from(limits.default_size),
        max_page_size: u64::from(limits.max_size),
        rows: &rows,
    });
    if cost > ctx.max_query_cost {
        let message = format!(
            "Query too expensive: cost {cost} exceeds the limit {}",
            ctx.max_query_cost
        );
        return Err(document_error(message, ErrorCode::ValidationError, Vec::new()));
    }
    Ok(())
}

/// The request's variables as juniper takes them, with `JSON` objects and lists encoded ([`tunnel`]) according to
/// `types`, the declared types of the operation's variables.
fn to_variables(request: &GraphQLRequest, types: &[(String, String)], schema: &SchemaType<S>) -> Variables<S> {
    let Some(Json::Object(map)) = &request.variables else {
        return Variables::new();
    };
    let mut map = map.clone();
    tunnel::encode_variables(&mut map, types, schema);
    map.into_iter()
        .map(|(k, v)| {
            (
                k,
                serde_json::from_value::<InputValue<S>>(v).unwrap_or(InputValue::Null),
            )
        })
        .collect()
}

/// A document as juniper read it (its `JSON` literals encoded) beside the client's: errors are located in the
/// client's text.
struct Read<'a> {
    text: &'a str,
    client: &'a str,
    positions: &'a Positions,
}

impl<'a> Read<'a> {
    fn of(encoded: &'a Encoded<'_>, client: &'a str) -> Self {
        Read {
            text: &encoded.text,
            client,
            positions: &encoded.positions,
        }
    }

    /// The 1-based line and column in the client's document.
    fn locate(&self, at: &SourcePosition) -> (usize, usize) {
        self.positions.locate(self.client, at)
    }
}

/// The errors of a document that could not run. `read.text` and `schema` are what it was parsed with (see
/// [`integer_beyond_32_bits`]).
fn graphql_errors(err: GraphQLError, read: &Read<'_>, schema: &SchemaType<S>) -> Vec<Json> {
    let query = read.text;
    match err {
        GraphQLError::ParseError(spanning) => {
            let (message, code, start) = match integer_beyond_32_bits(query, schema, spanning) {
                Classified::Validation { literal, at } => (
                    format!("Int cannot represent non 32-bit signed integer value: {literal}"),
                    ErrorCode::GraphqlValidationFailed,
                    at,
                ),
                Classified::Syntax(error) => match object_literal_at_a_scalar(query, schema, &error) {
                    Some(at) => (OBJECT_LITERAL.to_string(), ErrorCode::GraphqlValidationFailed, at),
                    None => (
                        format!("Syntax error: {}", error.item),
                        ErrorCode::GraphqlParseFailed,
                        error.span.start,
                    ),
                },
            };
            vec![document_error(message, code, vec![read.locate(&start)])]
        }
        GraphQLError::ValidationError(rules) => rules
            .iter()
            .map(|rule| {
                document_error(
                    rewrite_validation_message(rule.message()),
                    ErrorCode::GraphqlValidationFailed,
                    rule.locations().iter().map(|l| read.locate(l)).collect(),
                )
            })
            .collect(),
        other => vec![document_error(
            other.to_string(),
            ErrorCode::GraphqlValidationFailed,
            Vec::new(),
        )],
    }
}

/// What a parse error really is.
enum Classified {
    /// An integer literal beyond 32 bits in a document that is otherwise valid syntax.
    Validation { literal: String, at: SourcePosition },
    /// A syntax error.
    Syntax(Spanning<ParseError>),
}

/// The one place juniper's parse errors are told apart. An integer literal of any size is valid GraphQL syntax, and
/// graphql-js refuses one beyond 32 bits in validation (`Int cannot represent non 32-bit signed integer value`).
/// Juniper's parser reads integer tokens as `i32` where the schema expects `Int` (or `Float`, or any scalar whose
/// tokens it reads so), and fails the whole document at the literal instead. Rather than reading juniper's
/// message, this re-lexes the document: when the token where parsing failed is an integer literal beyond 32 bits,
/// the document is parsed again with every such literal replaced by `0` padded with spaces (so positions hold).
/// If that parses — or fails only further on — the literal's size, not the syntax, was the problem; a later
/// failure is reported as the syntax error it is.
fn integer_beyond_32_bits(query: &str, schema: &SchemaType<S>, error: Spanning<ParseError>) -> Classified {
    // Integer literals beyond 32 bits: (character index where each starts, its text).
    let mut wide = Vec::new();
    for token in Lexer::new(query) {
        match token {
            Ok(Spanning {
                item: Token::Scalar(ScalarToken::Int(text)),
                span,
            }) if text.parse::<i32>().is_err() => wide.push((span.start.index(), text)),
            Ok(Spanning {
                item: Token::EndOfFile, ..
            })
            | Err(_) => break,
            Ok(_) => {}
        }
    }
    let failed_at = error.span.start.index();
    let Some(&(_, literal)) = wide.iter().find(|(start, _)| *start == failed_at) else {
        return Classified::Syntax(error);
    };
    if !matches!(error.item, ParseError::UnexpectedToken(_)) {
        return Classified::Syntax(error);
    }
    // Integer literals are ASCII: their length in characters is their length in bytes.
    let stand_ins: Vec<(usize, usize)> = wide.iter().map(|&(start, text)| (start, start + text.len())).collect();
    match parse_with_stand_ins(query, schema, &stand_ins) {
        Ok(()) => Classified::Validation {
            literal: literal.to_string(),
            at: error.span.start,
        },
        Err(later) if later.span.start.index() > failed_at => {
            // A syntax error further on, perhaps at another wide literal: name that literal, not its stand-in.
            let original = wide.iter().find(|(start, _)| *start == later.span.start.index());
            match (original, &later.item) {
                (Some(&(_, text)), ParseError::UnexpectedToken(_)) => Classified::Syntax(Spanning::new(
                    later.span,
                    ParseError::unexpected_token(Token::Scalar(ScalarToken::Int(text))),
                )),
                _ => Classified::Syntax(later),
            }
        }
        Err(_) => Classified::Syntax(error),
    }
}

/// Where an object literal stands in place of a scalar or an enum, when that is what `error` is. Juniper's parser
/// reads object literals only where the schema expects an input object and fails the whole document at the `{`
/// otherwise; graphql-js refuses such a (well-formed) literal in validation. As for [`integer_beyond_32_bits`], the
/// document is parsed again with the literal stood in for ([`parse_with_stand_ins`]): if that parses — or fails only further on — the literal, not the syntax, was the problem.
fn object_literal_at_a_scalar(
    query: &str,
    schema: &SchemaType<S>,
    error: &Spanning<ParseError>,
) -> Option<SourcePosition> {
    if !matches!(error.item, ParseError::UnexpectedToken(_)) {
        return None;
    }
    let failed_at = error.span.start.index();
    let mut tokens = Lexer::new(query)
        .map_while(Result::ok)
        .skip_while(|t| t.span.start.index() < failed_at);
    let opening = tokens
        .next()
        .filter(|t| t.item == Token::CurlyOpen && t.span.start.index() == failed_at)?;
    // The character index just after the matching `}`.
    let mut depth = 1usize;
    let mut end = None;
    for token in tokens {
        match token.item {
            Token::CurlyOpen => depth += 1,
            Token::CurlyClose => {
                depth -= 1;
                if depth == 0 {
                    end = Some(token.span.end.index());
                    break;
                }
            }
            Token::EndOfFile => break,
            _ => {}
        }
    }
    let end = end?;
    // The literal itself must be well-formed: it is parsed where no type is expected, as an argument of a field
    // the parser does not know.
    let literal: String = query.chars().skip(failed_at).take(end - failed_at).collect();
    juniper::parser::parse_document_source::<S>(&format!("{{ __typename(literal: {literal}) }}"), schema).ok()?;
    match parse_with_stand_ins(query, schema, &[(failed_at, end)]) {
        Ok(()) => Some(opening.span.start),
        Err(later) if later.span.start.index() > failed_at => Some(opening.span.start),
        Err(_) => None,
    }
}

/// Parses `query` again with each character range `[start, end)` of `stand_ins` replaced by `0` padded with spaces
/// (line breaks kept, so every position holds): how the two checks above tell a literal juniper's parser cannot
/// read from a syntax error.
fn parse_with_stand_ins(
    query: &str,
    schema: &SchemaType<S>,
    stand_ins: &[(usize, usize)],
) -> Result<(), Spanning<ParseError>> {
    let patched: String = query
        .chars()
        .enumerate()
        .map(
            |(index, ch)| match stand_ins.iter().find(|(start, end)| (*start..*end).contains(&index)) {
                Some((start, _)) if *start == index => '0',
                Some(_) if ch != '\n' && ch != '\r' => ' ',
                _ => ch,
            },
        )
        .collect();
    juniper::parser::parse_document_source::<S>(&patched, schema).map(|_| ())
}

fn execution_error(error: &ExecutionError<S>, read: &Read<'_>) -> Json {
    let (line, column) = read.locate(error.location());
    let mut out = json!({
        "message": error.error().message(),
        "locations": [{"line": line, "column": column}],
        "path": error.path(),
    });
    let extensions = to_json(error.error().extensions());
    out["extensions"] = if extensions.is_null() {
        json!({"code": ErrorCode::InternalError.as_str()})
    } else {
        extensions
    };
    out
}

/// Juniper's value as JSON. Integral floats print as integers (`50000000000`, not `50000000000.0`), as
/// JavaScript servers print them.
pub fn to_json(value: &Value<S>) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Scalar(s) => match s {
            S::Int(i) => json!(i),
            S::Float(f) if is_integral(*f) => json!(*f as i64),
            S::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
            S::String(s) => Json::String(s.clone()),
            S::Boolean(b) => Json::Bool(*b),
        },
        Value::List(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Object(object) => Json::Object(object.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests;
