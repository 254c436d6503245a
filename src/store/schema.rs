//! The JSON Schema of the COE file format and of `.coe.yaml`, generated from the Rust
//! types (schemars) and tightened where the YAML reader is stricter than serde.

use crate::model::coe::{Coe, FORMAT_VERSION};
use crate::model::policy::Config;
use serde_json::{json, Map, Value};

/// The `$id` of the COE file schema (an identifier, not a download location).
pub const COE_SCHEMA_ID: &str = "urn:coe:schema:coe-file:1";

/// The `$id` of the `.coe.yaml` schema.
pub const CONFIG_SCHEMA_ID: &str = "urn:coe:schema:config:1";

/// Pretty JSON with a final newline, as written to files and stdout.
pub fn to_text(schema: &Value) -> String {
    crate::output::ui::json(schema).unwrap_or_default()
}
/// The JSON Schema (draft-07) of a COE file, format version 1.
pub fn coe_schema() -> Value {
    let mut schema = generate::<Coe>();
    let root = object(&mut schema);
    root.insert("$id".into(), json!(COE_SCHEMA_ID));
    root.insert(
        "title".into(),
        json!(format!("COE file (format version {FORMAT_VERSION})")),
    );
    root.insert(
        "description".into(),
        json!(
            "One Correction-of-Error postmortem: the incident and the answers to the seven \
             COE questions. Written by `coe new`; checked by `coe check`."
        ),
    );
    if let Some(Value::Object(props)) = root.get_mut("properties") {
        props.insert(
            "version".into(),
            json!({
                "description": "File format version; this build reads version 1.",
                "const": FORMAT_VERSION,
            }),
        );
        if let Some(Value::Object(id)) = props.get_mut("id") {
            // The same rule as `coe::id_problem`: a real-looking date, then a slug.
            id.insert(
                "pattern".into(),
                json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9-]{1,64}$"),
            );
        }
    }
    allow_empty_optional_answers(&mut schema);
    schema
}
/// The JSON Schema (draft-07) of `.coe.yaml`.
pub fn config_schema() -> Value {
    let mut schema = generate::<Config>();
    let root = object(&mut schema);
    root.insert("$id".into(), json!(CONFIG_SCHEMA_ID));
    root.insert("title".into(), json!("coe configuration (.coe.yaml)"));
    root.insert(
        "description".into(),
        json!(
            "Configuration of a COE repository. Every key is optional; the defaults are \
             shown. The file marks the repository root."
        ),
    );
    schema
}
pub fn generate<T: schemars::JsonSchema>() -> Value {
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}
/// The root schema as a map; schemars always emits an object at the root.
pub fn object(schema: &mut Value) -> &mut Map<String, Value> {
    if !schema.is_object() {
        *schema = Value::Object(Map::new());
    }
    match schema {
        Value::Object(map) => map,
        _ => unreachable!("made an object above"),
    }
}
/// Optional text and list answers read `key:` (YAML null) as empty, so the schema must
/// accept null there too, or an editor would flag a file coe reads happily. An optional
/// property is one not in `required`; its plain `string`/`array` type gains `null`.
pub fn allow_empty_optional_answers(schema: &mut Value) {
    let mut objects: Vec<&mut Map<String, Value>> = Vec::new();
    let Value::Object(root) = schema else { return };
    let definitions = root.remove("definitions");
    objects.push(root);
    let mut definitions = definitions.unwrap_or(Value::Null);
    if let Value::Object(defs) = &mut definitions {
        objects.extend(defs.values_mut().filter_map(Value::as_object_mut));
    }
    for object in objects {
        let required: Vec<String> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let Some(Value::Object(props)) = object.get_mut("properties") else {
            continue;
        };
        for (name, prop) in props.iter_mut() {
            if required.contains(name) {
                continue;
            }
            if let Some(ty) = prop.get_mut("type") {
                if matches!(ty.as_str(), Some("string" | "array")) {
                    *ty = json!([ty.clone(), "null"]);
                }
            }
        }
    }
    if let (Value::Object(root), Value::Object(_)) = (&mut *schema, &definitions) {
        root.insert("definitions".into(), definitions);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop<'a>(schema: &'a Value, path: &[&str]) -> &'a Value {
        path.iter().fold(schema, |v, key| &v[*key])
    }

    #[test]
    fn every_object_rejects_unknown_keys() {
        for schema in [coe_schema(), config_schema()] {
            assert_eq!(schema["additionalProperties"], json!(false));
            for (name, def) in schema["definitions"].as_object().into_iter().flatten() {
                if def.get("properties").is_some() {
                    assert_eq!(def["additionalProperties"], json!(false), "{name}");
                }
            }
        }
    }

    #[test]
    fn root_has_identity_and_draft() {
        let schema = coe_schema();
        assert_eq!(schema["$id"], COE_SCHEMA_ID);
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert!(schema["title"].as_str().is_some_and(|t| t.contains("COE")));
        assert_eq!(
            prop(&schema, &["properties", "version", "const"]),
            &json!(1)
        );
        assert_eq!(config_schema()["$id"], CONFIG_SCHEMA_ID);
    }

    #[test]
    fn custom_types_have_formats() {
        let schema = coe_schema();
        let defs = &schema["definitions"];
        assert_eq!(defs["Timestamp"]["format"], "date-time");
        assert_eq!(defs["Date"]["format"], "date");
    }

    /// Every property the schema lets be null must really read as empty: set each of them
    /// to null in a COE and parse it.
    #[test]
    fn null_is_allowed_exactly_where_serde_reads_it() {
        let schema = coe_schema();
        let objects = [
            ("", &schema),
            ("/what_happened", &schema["definitions"]["WhatHappened"]),
            (
                "/what_happened/timeline/0",
                &schema["definitions"]["TimelineEntry"],
            ),
            ("/impact", &schema["definitions"]["Impact"]),
            ("/root_cause", &schema["definitions"]["RootCause"]),
            ("/data/0", &schema["definitions"]["DataPoint"]),
            ("/implications", &schema["definitions"]["Implications"]),
            (
                "/corrective_actions/0",
                &schema["definitions"]["CorrectiveAction"],
            ),
            ("/incident", &schema["definitions"]["Incident"]),
        ];
        let base = serde_json::to_value(sample()).unwrap();
        let mut checked = 0;
        for (pointer, object) in objects {
            let props = object["properties"].as_object().unwrap();
            for (name, p) in props {
                let null_ok = p["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("null")))
                    || p["anyOf"]
                        .as_array()
                        .is_some_and(|t| t.contains(&json!({"type": "null"})));
                if !null_ok {
                    continue;
                }
                let mut doc = base.clone();
                doc.pointer_mut(pointer).unwrap()[name.as_str()] = Value::Null;
                let yaml = serde_yaml::to_string(&doc).unwrap();
                let parsed = crate::store::format::parse(&yaml);
                assert!(parsed.is_ok(), "{pointer}/{name}: {:?}", parsed.err());
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} nullable properties");
    }

    fn sample() -> Coe {
        let text = "version: 1\nid: 2026-11-22-x\ntitle: X\nseverity: SEV2\n\
                    incident:\n  started: 2026-11-22T09:58:00Z\n\
                    what_happened:\n  timeline:\n    - at: 2026-11-22T09:58:00Z\n      event: E\n\
                    data:\n  - description: D\n\
                    corrective_actions:\n  - id: CA-1\n    action: A\n";
        crate::store::format::parse(text).unwrap()
    }
}
