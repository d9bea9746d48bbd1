//! JSON object and list *literals* (`createGadget(data: {fjson: {a: [1, 2]}})`). Juniper refuses an object literal
//! wherever a scalar is expected, and a list literal at a scalar (upstream issue graphql-rust/juniper#280), while
//! `JSON` must take any JSON value (contract §11).
//!
//! Before juniper sees a document, [`encode_literals`] reads it with juniper's own lexer, follows each argument
//! value along its declared type (the schema's), and replaces every value that stands at a `JSON` position and is
//! an object or a list — or a string that begins with the tunnel's mark — by a string literal carrying the value
//! in the tunnel's encoding ([`crate::tunnel`]), exactly as the variables are encoded. The code that turns
//! arguments into domain values decodes both the same way. A document it cannot follow (a syntax error, an unknown
//! field) is left as it is, for juniper to report.

use crate::tunnel::{JSON_SCALAR, tunnelled};
use juniper::ParseScalarValue;
use juniper::meta::{Argument, Field, MetaType};
use juniper::parser::{Lexer, ScalarToken, SourcePosition, Spanning, Token};
use juniper::{DefaultScalarValue as S, SchemaType};
use serde_json::{Map, Value as Json};
use std::borrow::Cow;

/// A document as juniper reads it, and where its encoded literals moved the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded<'q> {
    /// The document with its `JSON` literals encoded, or the document itself when it has none (or cannot be read).
    pub text: Cow<'q, str>,
    pub positions: Positions,
}

/// Where the encoding replaced text: `(start, end, length of the replacement)` of each literal, in characters of
/// the client's document, in document order. An encoded literal is longer or shorter than the client's, so a
/// position juniper reports in the encoded text is moved back with [`Positions::locate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Positions(Vec<(usize, usize, usize)>);

impl Positions {
    /// The 1-based line and column, in the client's document `query`, of a position juniper reports in the
    /// encoded text (a position inside an encoded literal is the literal's start).
    pub fn locate(&self, query: &str, at: &SourcePosition) -> (usize, usize) {
        if self.0.is_empty() {
            return (at.line() + 1, at.column() + 1);
        }
        let index = self.original_index(at.index());
        let (mut line, mut column, mut previous) = (1, 1, None);
        for ch in query.chars().take(index) {
            match ch {
                '\n' if previous == Some('\r') => {}
                '\n' | '\r' => {
                    line += 1;
                    column = 1;
                }
                _ => column += 1,
            }
            previous = Some(ch);
        }
        (line, column)
    }

    fn original_index(&self, encoded: usize) -> usize {
        let mut shift = 0isize;
        for &(start, end, replaced) in &self.0 {
            let encoded_start = start.saturating_add_signed(shift);
            if encoded < encoded_start {
                break;
            }
            if encoded < encoded_start + replaced {
                return start;
            }
            shift += replaced as isize - (end - start) as isize;
        }
        encoded.saturating_add_signed(-shift)
    }
}

/// The document with its `JSON` literals encoded (see the module's documentation).
pub fn encode_literals<'q>(query: &'q str, schema: &SchemaType<S>) -> Encoded<'q> {
    let unchanged = || Encoded {
        text: Cow::Borrowed(query),
        positions: Positions::default(),
    };
    let mut tokens = Vec::new();
    for token in Lexer::new(query) {
        match token {
            Ok(token) if token.item == Token::EndOfFile => break,
            Ok(token) => tokens.push(token),
            Err(_) => return unchanged(),
        }
    }
    let mut walk = Walk {
        tokens,
        at: 0,
        schema,
        edits: Vec::new(),
    };
    if walk.document().is_none() || walk.edits.is_empty() {
        return unchanged();
    }
    // The lexer counts characters; edits are made on bytes.
    let bytes: Vec<usize> = query
        .char_indices()
        .map(|(byte, _)| byte)
        .chain([query.len()])
        .collect();
    let positions = Positions(
        walk.edits
            .iter()
            .map(|(start, end, replacement)| (*start, *end, replacement.chars().count()))
            .collect(),
    );
    let mut text = query.to_string();
    for (start, end, replacement) in walk.edits.into_iter().rev() {
        text.replace_range(bytes[start]..bytes[end], &replacement);
    }
    Encoded {
        text: Cow::Owned(text),
        positions,
    }
}

/// A recursive descent over the tokens of a document, with the schema's types at hand. Each step returns `None`
/// when the document is not what GraphQL's grammar allows there.
struct Walk<'q, 's> {
    tokens: Vec<Spanning<Token<'q>>>,
    at: usize,
    schema: &'s SchemaType<S>,
    /// `(start, end, replacement)`, character indices, in document order.
    edits: Vec<(usize, usize, String)>,
}

impl<'q, 's> Walk<'q, 's> {
    fn peek(&self) -> Option<&Token<'q>> {
        self.tokens.get(self.at).map(|t| &t.item)
    }

    fn next(&mut self) -> Option<Token<'q>> {
        let token = self.tokens.get(self.at)?.item;
        self.at += 1;
        Some(token)
    }

    fn expect(&mut self, expected: Token<'q>) -> Option<()> {
        (self.next()? == expected).then_some(())
    }

    fn name(&mut self) -> Option<&'q str> {
        match self.next()? {
            Token::Name(name) => Some(name),
            _ => None,
        }
    }

    fn document(&mut self) -> Option<()> {
        while self.at < self.tokens.len() {
            self.definition()?;
        }
        Some(())
    }

    fn definition(&mut self) -> Option<()> {
        let root = |schema: &'s SchemaType<S>, operation: &str| -> Option<&'s str> {
            let root = match operation {
                "query" => Some(schema.concrete_query_type()),
                "mutation" => schema.concrete_mutation_type(),
                _ => schema.concrete_subscription_type(),
            };
            root.and_then(|t| t.name()).map(|name| name.as_str())
        };
        match *self.peek()? {
            Token::CurlyOpen => self.selection_set(root(self.schema, "query")),
            Token::Name("fragment") => {
                self.next();
                self.name()?;
                (self.name()? == "on").then_some(())?;
                let on = self.name()?;
                self.directives()?;
                self.selection_set(Some(on))
            }
            Token::Name(operation @ ("query" | "mutation" | "subscription")) => {
                self.next();
                if let Some(Token::Name(_)) = self.peek() {
                    self.next();
                }
                if self.peek() == Some(&Token::ParenOpen) {
                    self.variable_definitions()?;
                }
                self.directives()?;
                self.selection_set(root(self.schema, operation))
            }
            _ => None,
        }
    }

    fn variable_definitions(&mut self) -> Option<()> {
        self.expect(Token::ParenOpen)?;
        while self.peek()? != &Token::ParenClose {
            self.expect(Token::Dollar)?;
            self.name()?;
            self.expect(Token::Colon)?;
            let declared = self.type_reference()?;
            if self.peek() == Some(&Token::Equals) {
                self.next();
                self.value(Some(&declared))?;
            }
            self.directives()?;
        }
        self.next();
        Some(())
    }

    /// A type as GraphQL prints it (`[Input!]!`).
    fn type_reference(&mut self) -> Option<String> {
        let mut printed = match self.next()? {
            Token::BracketOpen => {
                let inner = self.type_reference()?;
                self.expect(Token::BracketClose)?;
                format!("[{inner}]")
            }
            Token::Name(name) => name.to_string(),
            _ => return None,
        };
        if self.peek() == Some(&Token::ExclamationMark) {
            self.next();
            printed.push('!');
        }
        Some(printed)
    }

    fn directives(&mut self) -> Option<()> {
        while self.peek() == Some(&Token::At) {
            self.next();
            self.name()?;
            if self.peek() == Some(&Token::ParenOpen) {
                self.arguments(None)?;
            }
        }
        Some(())
    }

    /// A selection set on the type named `parent` (`None`: a type this walk does not know; its values are only
    /// read over).
    fn selection_set(&mut self, parent: Option<&str>) -> Option<()> {
        self.expect(Token::CurlyOpen)?;
        while self.peek()? != &Token::CurlyClose {
            self.selection(parent)?;
        }
        self.next();
        Some(())
    }

    fn selection(&mut self, parent: Option<&str>) -> Option<()> {
        if self.peek()? == &Token::Ellipsis {
            self.next();
            return match *self.peek()? {
                Token::Name("on") => {
                    self.next();
                    let on = self.name()?;
                    self.directives()?;
                    self.selection_set(Some(on))
                }
                Token::Name(_) => {
                    self.next();
                    self.directives()
                }
                _ => {
                    self.directives()?;
                    self.selection_set(parent)
                }
            };
        }
        let mut name = self.name()?;
        if self.peek() == Some(&Token::Colon) {
            self.next();
            name = self.name()?;
        }
        let field = parent.and_then(|parent| self.field(parent, name));
        if self.peek() == Some(&Token::ParenOpen) {
            self.arguments(field.and_then(|f| f.arguments.as_ref()))?;
        }
        self.directives()?;
        if self.peek() == Some(&Token::CurlyOpen) {
            let child = field.map(|f| f.field_type.innermost_name());
            self.selection_set(child)?;
        }
        Some(())
    }

    fn field(&self, parent: &str, name: &str) -> Option<&'s Field<S>> {
        let fields = match self.schema.concrete_type_by_name(parent)? {
            MetaType::Object(object) => &object.fields,
            MetaType::Interface(interface) => &interface.fields,
            _ => return None,
        };
        fields.iter().find(|f| f.name == name)
    }

    fn arguments(&mut self, declared: Option<&'s Vec<Argument<S>>>) -> Option<()> {
        self.expect(Token::ParenOpen)?;
        while self.peek()? != &Token::ParenClose {
            let name = self.name()?;
            self.expect(Token::Colon)?;
            let argument = declared.and_then(|arguments| arguments.iter().find(|a| a.name == name));
            let type_name = argument.map(|a| a.arg_type.to_string());
            self.value(type_name.as_deref())?;
        }
        self.next();
        Some(())
    }

    /// A value of the type `declared` (as GraphQL prints it; `None`: unknown, read over).
    fn value(&mut self, declared: Option<&str>) -> Option<()> {
        let Some(declared) = declared else {
            return self.skip_value();
        };
        if let Some(inner) = declared.strip_suffix('!') {
            return self.value(Some(inner));
        }
        if let Some(inner) = declared.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            if self.peek()? != &Token::BracketOpen {
                // A single value where a list is expected stands for a list of one (input coercion).
                return self.value(Some(inner));
            }
            self.next();
            while self.peek()? != &Token::BracketClose {
                self.value(Some(inner))?;
            }
            self.next();
            return Some(());
        }
        match self.schema.concrete_type_by_name(declared) {
            Some(MetaType::Scalar(scalar)) if scalar.name == JSON_SCALAR => self.json_position(),
            Some(MetaType::InputObject(input)) if self.peek()? == &Token::CurlyOpen => {
                self.next();
                while self.peek()? != &Token::CurlyClose {
                    let name = self.name()?;
                    self.expect(Token::Colon)?;
                    let field = input.input_fields.iter().find(|f| f.name == name);
                    let type_name = field.map(|f| f.arg_type.to_string());
                    self.value(type_name.as_deref())?;
                }
                self.next();
                Some(())
            }
            _ => self.skip_value(),
        }
    }

    /// A value at a `JSON` position: encoded when it must be (see the module's documentation).
    fn json_position(&mut self) -> Option<()> {
        let start = self.tokens.get(self.at)?.span.start.index();
        let before = self.at;
        match self.json() {
            Some(mut value) => {
                let end = self.tokens.get(self.at - 1)?.span.end.index();
                if tunnelled(&value) {
                    crate::tunnel::encode(&mut value);
                    // A JSON string is a GraphQL string literal.
                    self.edits.push((start, end, value.to_string()));
                }
                Some(())
            }
            // A variable inside: left for juniper to refuse.
            None => {
                self.at = before;
                self.skip_value()
            }
        }
    }

    /// A literal value as JSON; `None` for a variable anywhere in it (or what is not a value).
    fn json(&mut self) -> Option<Json> {
        Some(match self.next()? {
            Token::Scalar(ScalarToken::Int(text)) => match text.parse::<i64>() {
                Ok(n) => Json::from(n),
                Err(_) => Json::from(text.parse::<f64>().ok()?),
            },
            Token::Scalar(ScalarToken::Float(text)) => Json::from(text.parse::<f64>().ok()?),
            Token::Scalar(token @ ScalarToken::String(_)) => match <String as ParseScalarValue<S>>::from_str(token) {
                Ok(S::String(s)) => Json::String(s),
                _ => return None,
            },
            Token::Name("true") => Json::Bool(true),
            Token::Name("false") => Json::Bool(false),
            Token::Name("null") => Json::Null,
            Token::Name(enum_value) => Json::String(enum_value.to_string()),
            Token::BracketOpen => {
                let mut items = Vec::new();
                while self.peek()? != &Token::BracketClose {
                    items.push(self.json()?);
                }
                self.next();
                Json::Array(items)
            }
            Token::CurlyOpen => {
                let mut fields = Map::new();
                while self.peek()? != &Token::CurlyClose {
                    let name = self.name()?;
                    self.expect(Token::Colon)?;
                    fields.insert(name.to_string(), self.json()?);
                }
                self.next();
                Json::Object(fields)
            }
            _ => return None,
        })
    }

    /// Reads over one value, variables included.
    fn skip_value(&mut self) -> Option<()> {
        match self.next()? {
            Token::Dollar => self.name().map(|_| ()),
            Token::Scalar(_) | Token::Name(_) => Some(()),
            Token::BracketOpen => {
                while self.peek()? != &Token::BracketClose {
                    self.skip_value()?;
                }
                self.next();
                Some(())
            }
            Token::CurlyOpen => {
                while self.peek()? != &Token::CurlyClose {
                    self.name()?;
                    self.expect(Token::Colon)?;
                    self.skip_value()?;
                }
                self.next();
                Some(())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tunnel::MARK;

    fn encoded(value: &str) -> String {
        Json::String(format!("{MARK}{value}")).to_string()
    }

    #[test]
    fn only_json_positions_are_encoded_wherever_they_stand() {
        let schema = crate::metadata::metadata_schema();
        let schema = &schema.schema;
        // An argument of a root field, a variable's default value, a field of a fragment.
        let document = "mutation($input: CreateFieldInput = {name: \"n\", defaultValue: [1]}) {
              a: createOneField(data: {name: \"é😀\", label: \"{x}\", defaultValue: {a: [1, {b: \"c\"}]}, options: $o}) { ...F }
              b: createOneField(data: {defaultValue: \"\u{FDD0}json:1\", settings: 2}) { id }
            }
            fragment F on Field { id }";
        let text = encode_literals(document, schema).text;
        let expected = document
            .replace("defaultValue: [1]", &format!("defaultValue: {}", encoded("[1]")))
            .replace(
                "defaultValue: {a: [1, {b: \"c\"}]}",
                &format!("defaultValue: {}", encoded("{\"a\":[1,{\"b\":\"c\"}]}")),
            )
            .replace(
                "defaultValue: \"\u{FDD0}json:1\"",
                &format!("defaultValue: {}", encoded("\"\u{FDD0}json:1\"")),
            );
        assert_eq!(text, expected);
        // Nothing to encode, or a document that cannot be followed: the same text, not a copy.
        for unchanged in [
            "{ objects { totalCount } }",
            "mutation { createOneField(data: {defaultValue: {a: }}) { id } }",
            "mutation { createOneField(data: {defaultValue: {a: $v}}) { id } }",
        ] {
            assert!(
                matches!(encode_literals(unchanged, schema).text, Cow::Borrowed(_)),
                "{unchanged}"
            );
        }
    }

    /// A position juniper reports in the encoded text is given back in the client's document: after an encoded
    /// literal on its line, on a later line after a literal spanning lines, and inside one (its start).
    #[test]
    fn positions_in_the_encoded_text_are_located_in_the_clients_document() {
        let schema = crate::metadata::metadata_schema();
        let document =
            "mutation {\n  createOneField(data: {name: \"n\", defaultValue: {a: [1,\n 2], b: \"c\"}}) { id nope }\n}";
        let encoded = encode_literals(document, &schema.schema);
        assert_ne!(encoded.text, document);
        let at = |text: &str, needle: &str| {
            let index = text[..text.find(needle).unwrap()].chars().count();
            let before: Vec<&str> = text[..text.find(needle).unwrap()].split('\n').collect();
            let column = before.last().unwrap().chars().count();
            SourcePosition::new(index, before.len() - 1, column)
        };
        let original = |needle: &str| {
            let at = at(document, needle);
            (at.line() + 1, at.column() + 1)
        };
        let locate = |needle: &str| encoded.positions.locate(document, &at(&encoded.text, needle));
        assert_eq!(locate("nope"), original("nope"));
        assert_eq!(locate("createOneField"), original("createOneField"));
        assert_eq!(locate("\"\u{FDD0}"), original("{a: [1"));
        assert_eq!(locate("}\n}"), original("}\n}"));
    }
}
