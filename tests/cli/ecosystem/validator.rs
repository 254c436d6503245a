//! A JSON Schema (draft-07) validator for the keywords schemars emits, so the tests can
//! check COE files against `coe schema` without a validator crate and its dependency tree.
//!
//! A keyword it does not know makes it panic instead of passing silently: if schemars
//! starts emitting something new, the test says so.

use serde_json::Value;

/// Every violation of `schema` in `doc`, as `/json/pointer: what is wrong`.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, doc, "", &mut errors);
    errors
}

/// Keywords that only describe (or hold definitions) and never fail a value.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "title",
    "description",
    "default",
    "definitions",
    "examples",
];

fn check(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => return errors.push(format!("{at}: no value is allowed here")),
        Value::Object(map) => map,
        other => panic!("a schema must be an object or a boolean, got {other}"),
    };
    for (keyword, arg) in schema {
        match keyword.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => {
                let target = arg
                    .as_str()
                    .and_then(|r| r.strip_prefix("#"))
                    .and_then(|pointer| root.pointer(pointer))
                    .unwrap_or_else(|| panic!("unresolvable $ref {arg}"));
                check(root, target, value, at, errors);
            }
            "type" => {
                let types: Vec<&str> = match arg {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    other => panic!("bad type {other}"),
                };
                if !types.iter().any(|t| has_type(value, t)) {
                    errors.push(format!(
                        "{at}: expected {}, got {value}",
                        types.join(" or ")
                    ));
                }
            }
            "enum" => {
                let allowed = arg.as_array().expect("enum is an array");
                if !allowed.contains(value) {
                    errors.push(format!("{at}: {value} is not one of {arg}"));
                }
            }
            "const" => {
                if value != arg {
                    errors.push(format!("{at}: expected {arg}, got {value}"));
                }
            }
            "properties" => {
                if let (Value::Object(props), Value::Object(object)) = (arg, value) {
                    for (name, sub) in props {
                        if let Some(v) = object.get(name) {
                            check(root, sub, v, &format!("{at}/{name}"), errors);
                        }
                    }
                }
            }
            "required" => {
                if let Value::Object(object) = value {
                    for name in arg.as_array().expect("required is an array") {
                        let name = name.as_str().expect("required names are strings");
                        if !object.contains_key(name) {
                            errors.push(format!("{at}: `{name}` is required"));
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Value::Object(object) = value {
                    let known = schema.get("properties").and_then(Value::as_object);
                    for (name, v) in object {
                        if known.is_some_and(|k| k.contains_key(name)) {
                            continue;
                        }
                        match arg {
                            Value::Bool(false) => {
                                errors.push(format!("{at}: unknown key `{name}`"));
                            }
                            sub => check(root, sub, v, &format!("{at}/{name}"), errors),
                        }
                    }
                }
            }
            "items" => {
                if let Value::Array(items) = value {
                    assert!(arg.is_object() || arg.is_boolean(), "tuple items: {arg}");
                    for (i, item) in items.iter().enumerate() {
                        check(root, arg, item, &format!("{at}/{i}"), errors);
                    }
                }
            }
            "minimum" | "maximum" => {
                if let (Some(n), Some(limit)) = (value.as_f64(), arg.as_f64()) {
                    let ok = if keyword == "minimum" {
                        n >= limit
                    } else {
                        n <= limit
                    };
                    if !ok {
                        errors.push(format!("{at}: {n} is outside the {keyword} {limit}"));
                    }
                }
            }
            "pattern" => {
                if let Value::String(s) = value {
                    let re = regex::Regex::new(arg.as_str().expect("pattern is a string"))
                        .expect("pattern compiles");
                    if !re.is_match(s) {
                        errors.push(format!("{at}: `{s}` does not match {arg}"));
                    }
                }
            }
            "format" => {
                if let Value::String(s) = value {
                    if !has_format(s, arg.as_str().unwrap_or_default()) {
                        errors.push(format!("{at}: `{s}` is not a valid {arg}"));
                    }
                }
            }
            "allOf" | "anyOf" | "oneOf" => {
                let subs = arg.as_array().expect("a list of schemas");
                let results: Vec<Vec<String>> = subs
                    .iter()
                    .map(|sub| {
                        let mut errs = Vec::new();
                        check(root, sub, value, at, &mut errs);
                        errs
                    })
                    .collect();
                let passing = results.iter().filter(|r| r.is_empty()).count();
                match keyword.as_str() {
                    "allOf" => errors.extend(results.into_iter().flatten()),
                    "anyOf" if passing == 0 => {
                        errors.push(format!("{at}: matches none of the allowed forms"));
                        errors.extend(results.into_iter().flatten());
                    }
                    "oneOf" if passing != 1 => {
                        errors.push(format!("{at}: {value} matches {passing} forms, not one"));
                    }
                    _ => {}
                }
            }
            other => panic!("the test validator does not know the keyword `{other}`"),
        }
    }
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        other => panic!("unknown type {other}"),
    }
}

/// The formats coe's schema uses; others (schemars' `uint32` and such) are annotations, as
/// draft-07 allows.
fn has_format(s: &str, format: &str) -> bool {
    match format {
        // RFC 3339: full date, `T`, time, offset; real calendar dates only.
        "date-time" => {
            s.len() >= 20
                && matches!(s.as_bytes()[10], b'T' | b't')
                && s.parse::<jiff::Timestamp>().is_ok()
        }
        "date" => s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_validator_itself_rejects_what_it_should() {
        let schema = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "required": ["a"],
            "additionalProperties": false,
            "properties": {
                "a": { "$ref": "#/definitions/A" },
                "b": { "type": ["string", "null"], "pattern": "^x" },
                "c": { "anyOf": [{ "type": "integer", "minimum": 0 }, { "type": "null" }] },
                "d": { "type": "array", "items": { "type": "string", "format": "date" } },
                "e": { "oneOf": [{ "enum": ["p"] }, { "enum": ["q"] }] },
                "f": { "const": 1 },
            },
            "definitions": { "A": { "type": "string", "format": "date-time" } }
        });
        let ok = json!({"a": "2026-11-22T09:58:00Z", "b": null, "c": 3, "d": ["2026-02-28"], "e": "q", "f": 1});
        assert_eq!(validate(&schema, &ok), Vec::<String>::new());
        for (bad, expected) in [
            (json!({}), "`a` is required"),
            (
                json!({"a": "2026-11-22T09:58:00Z", "z": 1}),
                "unknown key `z`",
            ),
            (json!({"a": "2026-02-30T09:58:00Z"}), "not a valid"),
            (json!({"a": "2026-11-22"}), "not a valid"),
            (
                json!({"a": "2026-11-22T09:58:00Z", "b": "y"}),
                "does not match",
            ),
            (
                json!({"a": "2026-11-22T09:58:00Z", "c": -1}),
                "none of the allowed",
            ),
            (
                json!({"a": "2026-11-22T09:58:00Z", "d": ["2026-02-30"]}),
                "/d/0",
            ),
            (
                json!({"a": "2026-11-22T09:58:00Z", "e": "r"}),
                "matches 0 forms",
            ),
            (json!({"a": "2026-11-22T09:58:00Z", "f": 2}), "expected 1"),
            (json!({"a": 5}), "expected string"),
        ] {
            let errors = validate(&schema, &bad);
            assert!(
                errors.iter().any(|e| e.contains(expected)),
                "{bad}: {errors:?} lacks {expected:?}"
            );
        }
    }
}
