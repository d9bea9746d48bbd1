//! Unit tests of `execute`.

use super::*;

/// How `query`'s parse error against the metadata schema is classified: (code, message, line, column).
fn classify(query: &str) -> (String, String, u64, u64) {
    let schema = crate::metadata::metadata_schema();
    let Err(err) = juniper::parser::parse_document_source::<S>(query, &schema.schema) else {
        panic!("{query} parses");
    };
    let read = Read {
        text: query,
        client: query,
        positions: &Positions::default(),
    };
    let errors = graphql_errors(GraphQLError::ParseError(err), &read, &schema.schema);
    let error = &errors[0];
    (
        error["extensions"]["code"].as_str().unwrap_or_default().to_string(),
        error["message"].as_str().unwrap_or_default().to_string(),
        error["locations"][0]["line"].as_u64().unwrap_or_default(),
        error["locations"][0]["column"].as_u64().unwrap_or_default(),
    )
}

const WIDE: &str = "99999999999999999999";

#[test]
fn an_integer_literal_beyond_32_bits_is_a_validation_error_at_the_literal() {
    let message = format!("Int cannot represent non 32-bit signed integer value: {WIDE}");
    let query = format!("{{ objects(paging: {{first: {WIDE}}}) {{ totalCount }} }}");
    assert_eq!(
        classify(&query),
        ("GRAPHQL_VALIDATION_FAILED".into(), message.clone(), 1, 27)
    );
    let negative = format!("{{ objects(paging: {{first: -{WIDE}}}) {{ totalCount }} }}");
    assert_eq!(classify(&negative).1, message.replace(WIDE, &format!("-{WIDE}")));
    // Characters beyond ASCII before it do not shift the literal.
    let accented = format!("# déjà vu\n{{ objects(paging: {{first: {WIDE}}}) {{ totalCount }} }}");
    assert_eq!(
        classify(&accented),
        ("GRAPHQL_VALIDATION_FAILED".into(), message, 2, 27)
    );
}

#[test]
fn an_object_literal_where_a_scalar_is_expected_is_a_validation_error_at_the_literal() {
    let create = |default: &str| {
        format!(
            "mutation {{ createOneField(data: {{objectMetadataId: \"x\", name: \"n\", label: \"l\", type: JSON, description: {default}}}) {{ id }} }}"
        )
    };
    // (At a `JSON` position such literals are values: `crate::literals`; this is a `String` one.)
    for (default, column) in [("{a: [1, {b: 2}]}", 105), ("{}", 105), ("[1, {a: 1}]", 109)] {
        let (code, message, line, at) = classify(&create(default));
        assert_eq!(
            (code.as_str(), line, at),
            ("GRAPHQL_VALIDATION_FAILED", 1, column),
            "{default}"
        );
        assert!(message.ends_with("where a scalar or an enum is expected"), "{message}");
    }
    // Across lines, and followed by a real syntax error: the literal is reported first.
    let (code, _, line, column) = classify(&create("{a:\n 1}").replace("{ id }", "{ id"));
    assert_eq!((code.as_str(), line, column), ("GRAPHQL_VALIDATION_FAILED", 1, 105));
    // Braces where the grammar wants something else stay syntax errors.
    for query in [
        "fragment F { id } { objects { totalCount } }",
        "{ objects { totalCount } { id } }",
        "{ objects(paging: {first: {a: }}) { totalCount } }",
    ] {
        assert_eq!(classify(query).0, "GRAPHQL_PARSE_FAILED", "{query}");
    }
}

#[test]
fn syntax_errors_stay_syntax_errors_with_wide_literals_about() {
    let parse_failed = |query: &str| {
        let (code, message, line, column) = classify(query);
        assert_eq!(code, "GRAPHQL_PARSE_FAILED", "{query}: {message}");
        (message, line, column)
    };
    // Where the grammar wants a name.
    let (message, _, column) = parse_failed(&format!("{{ objects {WIDE} }}"));
    assert_eq!((message, column), (format!("Syntax error: Unexpected \"{WIDE}\""), 11));
    // A wide literal in a valid place, then a syntax error: the syntax error, at its place.
    let (message, _, column) = parse_failed(&format!("{{ objects(paging: {{first: {WIDE}}}) {{ totalCount }}"));
    assert_eq!(message, "Syntax error: Unexpected end of input");
    assert!(column > 27 + WIDE.len() as u64, "{column}");
    let (message, _, column) = parse_failed(&format!(
        "{{ objects(paging: {{first: {WIDE}}}) {{ totalCount {WIDE} }} }}"
    ));
    assert_eq!((message, column), (format!("Syntax error: Unexpected \"{WIDE}\""), 63));
    // A literal within 32 bits where a name belongs.
    parse_failed("{ objects 5 }");
}
