//! Reading a JSON request body of the metadata routes: typed getters that take each property out of the object and
//! report what is wrong with it, then [`Body::finish`], which reports every property nobody took (unknown ones) —
//! every problem of the body at once, as one `VALIDATION_ERROR`.

use crate::error::ApiError;
use serde_json::{Map, Value as Json};
use twenty_domain::error::{Problems, join_path};
use twenty_domain::{DomainError, DomainResult};
use uuid::Uuid;

pub(super) struct Body {
    map: Map<String, Json>,
    /// The path of this object in the request body (`""` at the top, `relationCreationPayload`, `options[1]`).
    path: String,
    problems: Problems,
}

impl Body {
    /// The request body, which must be a JSON object.
    pub(super) fn parse(bytes: &[u8]) -> Result<Body, ApiError> {
        let value: Json = serde_json::from_slice(bytes)
            .map_err(|e| ApiError(DomainError::validation(format!("Invalid JSON body: {e}"))))?;
        match value {
            Json::Object(map) => Ok(Body::at(map, String::new())),
            _ => Err(ApiError(DomainError::validation("The body must be a JSON object"))),
        }
    }

    fn at(map: Map<String, Json>, path: String) -> Body {
        Body {
            map,
            path,
            problems: Problems::new(),
        }
    }

    fn path_of(&self, key: &str) -> String {
        join_path(&self.path, key)
    }

    /// Reports a problem with `key` of this object.
    pub(super) fn problem(&mut self, key: &str, message: impl Into<String>) {
        let path = self.path_of(key);
        self.problems.push(path, message);
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Whether `key` holds a string (before it is taken).
    pub(super) fn is_text(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(Json::is_string)
    }

    /// The value of `key`, taken out: `None` when absent, `Some(Null)` when null.
    pub(super) fn json(&mut self, key: &str) -> Option<Json> {
        self.map.remove(key)
    }

    /// The value of `key` as `read` takes it; absent or null is `None`, a value `read` refuses is the problem
    /// `expected`.
    fn typed<T>(&mut self, key: &str, expected: &str, read: impl FnOnce(Json) -> Option<T>) -> Option<T> {
        match self.json(key)? {
            Json::Null => None,
            value => read(value).or_else(|| {
                self.problem(key, expected);
                None
            }),
        }
    }

    /// A string; absent or null is `None`.
    pub(super) fn text(&mut self, key: &str) -> Option<String> {
        self.typed(key, "must be a string", |value| match value {
            Json::String(s) => Some(s),
            _ => None,
        })
    }

    /// A string that must be there (the empty string when it is not, with the problem reported).
    pub(super) fn required_text(&mut self, key: &str) -> String {
        let present = self.map.get(key).is_some_and(|v| !v.is_null());
        match self.text(key) {
            Some(text) => text,
            None => {
                if !present {
                    self.problem(key, "is required");
                }
                String::new()
            }
        }
    }

    /// A string that may be cleared: absent is `None`, null is `Some(None)`.
    pub(super) fn clearable_text(&mut self, key: &str) -> Option<Option<String>> {
        match self.map.get(key)? {
            Json::Null => {
                self.map.remove(key);
                Some(None)
            }
            _ => self.text(key).map(Some),
        }
    }

    /// A boolean; absent or null is `None`.
    pub(super) fn boolean(&mut self, key: &str) -> Option<bool> {
        self.typed(key, "must be true or false", |value| value.as_bool())
    }

    /// A UUID given as a string; absent or null is `None`.
    pub(super) fn uuid(&mut self, key: &str) -> Option<Uuid> {
        let text = self.text(key)?;
        let id = Uuid::parse_str(&text).ok();
        if id.is_none() {
            self.problem(key, "must be a UUID");
        }
        id
    }

    /// A UUID that must be there.
    pub(super) fn required_uuid(&mut self, key: &str) -> Option<Uuid> {
        if self.map.get(key).is_none_or(Json::is_null) {
            self.map.remove(key);
            self.problem(key, "is required");
            return None;
        }
        self.uuid(key)
    }

    /// A nested object, read with its own getters; its problems join this body's with [`Body::absorb`].
    pub(super) fn object(&mut self, key: &str) -> Option<Body> {
        let path = self.path_of(key);
        self.typed(key, "must be an object", |value| match value {
            Json::Object(map) => Some(Body::at(map, path)),
            _ => None,
        })
    }

    /// A list of objects, each read with its own getters.
    pub(super) fn objects(&mut self, key: &str) -> Option<Vec<Body>> {
        let path = self.path_of(key);
        let items = self.typed(key, "must be a list", |value| match value {
            Json::Array(items) => Some(items),
            _ => None,
        })?;
        let mut bodies = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Json::Object(map) => bodies.push(Body::at(map, format!("{path}[{i}]"))),
                _ => self.problems.push(format!("{path}[{i}]"), "must be an object"),
            }
        }
        Some(bodies)
    }

    /// A property that is accepted and has no effect here, for the values `accepted` allows; any other value is
    /// reported with `refusal`.
    pub(super) fn accept_only(&mut self, key: &str, accepted: impl Fn(&Json) -> bool, refusal: &str) {
        if let Some(value) = self.json(key)
            && !value.is_null()
            && !accepted(&value)
        {
            self.problem(key, refusal);
        }
    }

    /// Takes the problems of a nested object (its unknown properties included) into this one's.
    pub(super) fn absorb(&mut self, nested: Body) {
        self.problems.extend(nested.into_problems());
    }

    fn into_problems(mut self) -> Problems {
        for key in self.map.keys() {
            self.problems
                .push(join_path(&self.path, key), "is not a known property here");
        }
        self.problems
    }

    /// `value` when the body had no problem and no unknown property; else one `VALIDATION_ERROR` listing them all.
    pub(super) fn finish<T>(self, value: T) -> DomainResult<T> {
        self.into_problems().finish(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> Body {
        Body::parse(json.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn fields_of<T: std::fmt::Debug>(result: DomainResult<T>) -> Vec<String> {
        match result {
            Err(err) => err.details().iter().map(|d| d.field.clone()).collect(),
            Ok(value) => panic!("accepted: {value:?}"),
        }
    }

    #[test]
    fn every_problem_and_every_unknown_property_is_reported_at_once() {
        let mut b = body(r#"{"name": 5, "id": "nope", "extra": 1, "nested": {"deep": true, "flag": "x"}}"#);
        assert_eq!(b.text("name"), None);
        assert_eq!(b.uuid("id"), None);
        assert_eq!(b.required_text("label"), "");
        let mut nested = b.object("nested").unwrap_or_else(|| panic!("nested"));
        assert_eq!(nested.boolean("flag"), None);
        b.absorb(nested);
        assert_eq!(
            fields_of(b.finish(())),
            ["name", "id", "label", "nested.flag", "nested.deep", "extra"]
        );
    }

    #[test]
    fn null_clears_what_can_be_cleared_and_is_absent_elsewhere() {
        let mut b = body(r#"{"description": null, "icon": "IconStar", "label": null, "isActive": null}"#);
        assert_eq!(b.clearable_text("description"), Some(None));
        assert_eq!(b.clearable_text("icon"), Some(Some("IconStar".into())));
        assert_eq!(b.clearable_text("missing"), None);
        assert_eq!(b.text("label"), None);
        assert_eq!(b.boolean("isActive"), None);
        assert!(b.finish(()).is_ok());
    }

    #[test]
    fn only_json_objects_are_bodies() {
        for bad in ["[]", "3", "\"x\"", "{", ""] {
            assert!(Body::parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
