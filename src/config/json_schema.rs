//! The JSON Schema of `layers.toml`, derived from the serde types of `schema.rs` (only in
//! unit tests: the binary prints the committed `layers.schema.json`, which
//! `committed_file_is_current` keeps equal to what the types give). Editors read it through
//! a `#:schema ./layers.schema.json` line (Taplo, Even Better TOML) for completion, hover
//! docs and validation while typing.
//!
//! It describes what archgate accepts, never less: each `Spanned<T>` is the plain `T`, a
//! selector key is a string or a list of strings, and values that validation checks against
//! a fixed set (`type_only`, `between`, `languages`, names, reasons) carry the same
//! constraint. Unknown keys are rejected (`additionalProperties: false`), as archgate rejects
//! them. What needs the repository (unknown group names, globs matching nothing) is left to
//! archgate.
//!
//! Layer `input`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::schema::{JSON_SCHEMA, OneOrMany, RawConfig};

/// The values of keys that validation checks against a fixed set, as schemas.
pub(crate) mod values {
    use schemars::JsonSchema;

    /// How type-only imports count.
    #[derive(JsonSchema)]
    #[schemars(rename_all = "lowercase", inline)]
    #[expect(dead_code, reason = "only its schema is used")]
    pub(crate) enum TypeOnly {
        /// Type-only imports break rules like any other import.
        Check,
        /// Type-only imports break no rule.
        Ignore,
    }

    /// The severity of a rule's findings.
    #[derive(JsonSchema)]
    #[schemars(rename_all = "lowercase", inline)]
    #[expect(dead_code, reason = "only its schema is used")]
    pub(crate) enum Severity {
        /// Reported; does not fail the check.
        Warning,
        /// Reported and fails the check (exit 1).
        Error,
    }

    /// Whether files in no group are findings.
    #[derive(JsonSchema)]
    #[schemars(rename_all = "lowercase", inline)]
    #[expect(dead_code, reason = "only its schema is used")]
    pub(crate) enum Unlayered {
        /// A file in no layer and no module is unconstrained.
        Allow,
        /// A source file in no layer and no module is `unlayered-file` (AG009).
        Error,
    }

    /// What a `[[cycles]]` scope looks for cycles among.
    #[derive(JsonSchema)]
    #[schemars(rename_all = "lowercase", inline)]
    #[expect(dead_code, reason = "only its schema is used")]
    pub(crate) enum Between {
        /// Cycles among files.
        Files,
        /// Cycles among layers and modules (a file stands for its module, else its layer).
        Groups,
    }

    /// A language archgate reads.
    #[derive(JsonSchema)]
    #[schemars(rename_all = "lowercase", inline)]
    #[expect(dead_code, reason = "only its schema is used")]
    pub(crate) enum Language {
        /// `.py`, `.pyi`.
        Python,
        /// `.rs` and `Cargo.toml`.
        Rust,
        /// `.ts .tsx .mts .cts .js .jsx .mjs .cjs`.
        Typescript,
    }
}

impl JsonSchema for OneOrMany {
    fn schema_name() -> Cow<'static, str> {
        "Selectors".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}}
            ]
        })
    }
}

/// Shapes one schema of schemars' output for TOML and for editors:
/// - TOML has no null: an optional key is absent, never `null`, so the `null` that schemars
///   adds to every `Option` is taken out again (`anyOf: [T, null]` becomes `T`), with the
///   `default: null` of optional keys;
/// - descriptions are the doc comments with their line breaks joined (paragraphs kept);
/// - a `$ref` with a description beside it goes into an `allOf`, since draft-07 ignores
///   every keyword beside a `$ref` and editors would lose the key's description.
fn for_toml(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object
        .get("default")
        .is_some_and(serde_json::Value::is_null)
    {
        object.remove("default");
    }
    if let Some(serde_json::Value::String(text)) = object.get_mut("description") {
        *text = text
            .split("\n\n")
            .map(|paragraph| paragraph.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    if let Some(serde_json::Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [single] = types.as_slice() {
            let single = single.clone();
            object.insert("type".to_owned(), single);
        }
    }
    if let Some(serde_json::Value::Array(any_of)) = object.get_mut("anyOf") {
        any_of.retain(|s| s.get("type").is_none_or(|t| t != "null"));
        if let [serde_json::Value::Object(single)] = any_of.as_slice() {
            let single = single.clone();
            object.remove("anyOf");
            for (key, value) in single {
                object.entry(key).or_insert(value);
            }
        }
    }
    if object.len() > 1
        && let Some(reference) = object.remove("$ref")
    {
        object.insert(
            "allOf".to_owned(),
            serde_json::json!([{ "$ref": reference }]),
        );
    }
}

/// The schema as `layers.schema.json` holds it: pretty-printed, with a final newline.
fn generate() -> String {
    let generator = schemars::generate::SchemaSettings::draft07()
        .with_transform(schemars::transform::RecursiveTransform(for_toml))
        .into_generator();
    let schema = generator.into_root_schema_for::<RawConfig>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap();
    text.push('\n');
    text
}

#[test]
fn committed_file_is_current() {
    let generated = generate();
    if generated == JSON_SCHEMA {
        return;
    }
    if std::env::var_os("ARCHGATE_UPDATE_SCHEMA").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/layers.schema.json");
        std::fs::write(path, &generated).unwrap();
        return;
    }
    panic!(
        "layers.schema.json differs from the schema of the config types in \
         src/config/schema.rs; regenerate it with `ARCHGATE_UPDATE_SCHEMA=1 cargo test --lib \
         committed_file_is_current`, then review the diff"
    );
}
