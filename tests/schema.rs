//! The JSON Schema of `layers.toml` (`layers.schema.json`, printed by `archgate schema`)
//! against what archgate itself accepts: every fixture `layers.toml` archgate accepts
//! validates; every one the schema rejects, archgate rejects too (the schema must never stop
//! a user from writing what works); and the mistakes a schema can see (unknown keys, wrong
//! types, values outside a fixed set) are rejected by both. That the committed file is what
//! the config types give is the unit test `config::json_schema::committed_file_is_current`.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn committed() -> Value {
    let text = std::fs::read_to_string(root().join("layers.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&committed()).unwrap()
}

/// A `layers.toml` text as the JSON value a schema validator sees (`None`: not TOML).
fn toml_to_json(text: &str) -> Option<Value> {
    let value: toml::Table = toml::from_str(text).ok()?;
    Some(serde_json::to_value(value).unwrap())
}

/// The schema's complaints about a `layers.toml` text (empty: valid).
fn schema_errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    let instance = toml_to_json(text).unwrap_or_else(|| panic!("not TOML: {text}"));
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Whether archgate rejects the configuration (exit 2 with a `config::` problem). Other
/// exit-2 reasons (no source file to check) are about the repository, not the file.
fn archgate_rejects(dir: &Path, config: &Path) -> (bool, String) {
    let output = Command::cargo_bin("archgate")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--no-cache", "--format", "json", "--config"])
        .arg(config)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    (
        output.status.code() == Some(2) && stderr.contains("config::"),
        stderr,
    )
}

/// Every `layers.toml` under `fixtures/`, and archgate's own.
fn fixture_configs() -> Vec<PathBuf> {
    let mut found = vec![root().join("layers.toml")];
    let mut stack = vec![root().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == "layers.toml") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn archgate_schema_prints_the_committed_file_which_is_a_draft_07_schema() {
    let output = Command::cargo_bin("archgate")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let printed = String::from_utf8(output.stdout).unwrap();
    let file = std::fs::read_to_string(root().join("layers.schema.json")).unwrap();
    assert_eq!(printed, file);
    let schema = committed();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::meta::validate(&schema).unwrap();
}

#[test]
fn the_schema_accepts_every_fixture_archgate_accepts_and_only_rejects_what_it_rejects() {
    let validator = validator();
    let mut accepted = 0;
    // The broken configurations of fixtures/config/ that the schema sees without the
    // repository: unknown keys, wrong types, missing or empty required keys, bad names.
    let mut schema_rejected: Vec<String> = Vec::new();
    for config in fixture_configs() {
        let dir = config.parent().unwrap();
        let case = dir.strip_prefix(root()).unwrap();
        let case = case.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&config).unwrap();
        let (rejected, stderr) = archgate_rejects(dir, &config);
        let Some(instance) = toml_to_json(&text) else {
            // Not TOML at all: archgate's own parse error is what the user sees.
            assert!(rejected, "{case}: not TOML, yet archgate accepts it");
            continue;
        };
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if rejected {
            if !errors.is_empty() {
                schema_rejected.push(case);
            }
        } else {
            assert!(
                errors.is_empty(),
                "{case}: archgate accepts it, the schema rejects it: {errors:?}\n{stderr}"
            );
            accepted += 1;
        }
    }
    assert!(accepted >= 80, "only {accepted} fixture configs accepted");
    assert_eq!(
        schema_rejected,
        [
            "fixtures/config/check-invalid-value",
            "fixtures/config/empty-reason",
            "fixtures/config/invalid-layer-name",
            "fixtures/config/missing-paths",
            "fixtures/config/missing-reason",
            "fixtures/config/misspelt-key-paths",
            "fixtures/config/misspelt-key-reason",
            "fixtures/config/misspelt-table",
            "fixtures/config/name-not-a-string",
            "fixtures/config/nested-list-entry",
            "fixtures/config/number-list-entry",
            "fixtures/config/paths-not-a-list",
            "fixtures/config/unknown-language",
            "fixtures/config/unknown-layer-key",
        ]
    );
}

/// The README's example of every key, which archgate accepts as a whole.
const EVERY_KEY: &str = r#"
languages = ["python", "typescript", "rust"]
exclude = ["**/generated/**"]

[check]
type_only = "ignore"
indirect = true
unused_allow = "error"
unmatched = "warning"
unlayered = "error"
inline_allow = true
externals = ["requests", "pydantic*"]
baseline = "archgate-baseline.json"

[[layers]]
name = "ui"
paths = ["src/ui/**", "!src/ui/legacy/**"]
description = "Pages and components"

[[layers]]
name = "service"
paths = ["src/service/**"]
may_import = ["repo"]
externals = ["sqlalchemy"]
public = "src/service/__init__.py"
type_only = "check"

[[layers]]
name = "repo"
paths = ["src/repo/**"]
imported_by = "service"

[[modules]]
name = "feature"
paths = ["src/features/{slice}/**"]
independent = true
indirect = false
public = ["src/features/{slice}/index.ts"]

[[independent]]
groups = ["ui", "repo"]
reason = "apart"
type_only = "ignore"
indirect = true

[[forbid]]
from = "ui"
to = ["repo", "external:sqlalchemy*"]
reason = "the UI reaches storage only through services"
fix = "Call the matching function in src/service/ instead."
type_only = "ignore"
indirect = true

[[cycles]]
paths = ["src/**"]
between = "groups"
type_only = "check"
reason = "no cycles"

[[allow]]
from = "src/service/legacy.py"
to = "src/ui/widgets.py"
rules = ["upward-import"]
reason = "typing only; tracked in #123"

[[risk]]
tier = "critical"
paths = ["src/repo/**"]
blast_radius = false
description = "storage"

[[risk]]
tier = "high"
paths = "src/service"

[python]
roots = ["src"]
"#;

#[test]
fn every_key_validates_and_each_near_miss_is_rejected() {
    let validator = validator();
    assert_eq!(schema_errors(&validator, EVERY_KEY), Vec::<String>::new());
    assert_eq!(schema_errors(&validator, ""), Vec::<String>::new());
    // Each mistake alone, on a valid base: the schema rejects it, and so does archgate.
    let mistakes = [
        ("[check]\ncolour = \"red\"\n", "unknown key in [check]"),
        (
            "[check]\ntype_only = \"maybe\"\n",
            "type_only outside check|ignore",
        ),
        ("[check]\nindirect = \"yes\"\n", "a string for a boolean"),
        (
            "[[layers]]\nname = \"a\"\npaths = \"src/a/**\"\n",
            "paths as a string",
        ),
        (
            "[[layers]]\nname = \"a b\"\npaths = [\"src/a/**\"]\n",
            "a name with a space",
        ),
        (
            "[[layers]]\npaths = [\"src/a/**\"]\n",
            "a layer without a name",
        ),
        (
            "[[forbid]]\nfrom = \"src/a\"\nto = [\"src/b\", 1]\nreason = \"r\"\n",
            "a number",
        ),
        (
            "[[forbid]]\nfrom = \"src/a\"\nto = \"src/b\"\n",
            "no reason",
        ),
        (
            "[[cycles]]\nbetween = \"layers\"\n",
            "between outside files|groups",
        ),
        ("[[risk]]\ntier = \"high\"\n", "a tier without paths"),
        ("languages = [\"go\"]\n", "an unknown language"),
        ("[python]\nroot = [\"src\"]\n", "unknown key in [python]"),
        ("[typescript]\n", "an unknown table"),
    ];
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/a")).unwrap();
    std::fs::write(dir.path().join("src/a/m.py"), "import os\n").unwrap();
    let config = dir.path().join("layers.toml");
    for (text, what) in mistakes {
        assert!(
            !schema_errors(&validator, text).is_empty(),
            "the schema accepts {what}: {text}"
        );
        std::fs::write(&config, text).unwrap();
        let (rejected, stderr) = archgate_rejects(dir.path(), &config);
        assert!(rejected, "archgate accepts {what}: {text}\n{stderr}");
    }
    // Near misses: forms that look unusual but archgate accepts, so the schema must too.
    let accepted = [
        "[[forbid]]\nfrom = \"src/a\"\nto = \"external:os\"\nreason = \"r\"\n",
        "[[forbid]]\nfrom = [\"src/a\", \"!src/a/x.py\"]\nto = \"external:os\"\nreason = \"r\"\n",
        "[[layers]]\nname = \"A_b-1\"\npaths = [\"src/a\"]\n",
        "[[cycles]]\n",
        "[check]\n",
    ];
    for text in accepted {
        assert_eq!(
            schema_errors(&validator, text),
            Vec::<String>::new(),
            "{text}"
        );
        std::fs::write(&config, text).unwrap();
        let (rejected, stderr) = archgate_rejects(dir.path(), &config);
        assert!(!rejected, "archgate rejects {text}\n{stderr}");
    }
}

#[test]
fn the_every_key_example_is_accepted_by_archgate() {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "src/ui/page.py",
        "src/service/__init__.py",
        "src/service/legacy.py",
        "src/repo/db.py",
        "src/features/cart/index.ts",
        "src/ui/widgets.py",
    ] {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }
    let config = dir.path().join("layers.toml");
    std::fs::write(&config, EVERY_KEY).unwrap();
    let (rejected, stderr) = archgate_rejects(dir.path(), &config);
    assert!(!rejected, "{stderr}");
}
