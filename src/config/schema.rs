//! The serde shape of `layers.toml` (SPEC §2, §8), exactly as written, with spans for errors.
//! Nothing here is validated; `validate/` turns each table into its part of a
//! [`super::Config`]. A new table is one struct here and one file in `validate/`.
//!
//! The doc comments of the keys are also the descriptions of the JSON Schema of
//! `layers.toml` (`archgate schema`, `layers.schema.json`): in unit tests the types derive
//! `schemars::JsonSchema`, each `Spanned` value described as the plain value it wraps and each
//! value archgate checks later (names, enumerations, reasons) with the same constraint, and a
//! test compares the result with the committed file ([`JSON_SCHEMA`]).

use serde::Deserialize;
use toml::Spanned;

#[cfg(test)]
use super::json_schema::values;

/// The text of `layers.schema.json`, the JSON Schema of `layers.toml` that `archgate schema`
/// prints; generated from the types below by `json_schema::committed_file_is_current`.
pub const JSON_SCHEMA: &str = include_str!("../../layers.schema.json");

/// `layers.toml`: the architecture archgate checks, at the root of the repository. Every key
/// is optional; an unknown key is a configuration error.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(title = "layers.toml"))]
pub(crate) struct RawConfig {
    /// The front-ends that run (default: all three). A Python project's check then does not
    /// read Rust crates.
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Option<Vec<values::Language>>"))]
    pub languages: Option<Spanned<Vec<Spanned<String>>>>,
    /// Globs relative to the root, skipped on top of `.gitignore`/`.ignore`; `!` takes files
    /// back.
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    pub exclude: Vec<Spanned<String>>,
    /// `[check]`: the defaults of every rule.
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Option<RawCheck>"))]
    pub check: Option<Spanned<RawCheck>>,
    /// `[[layers]]`, from the top (may import every layer below it) to the bottom. A file
    /// may import files of its own layer and of every layer listed below it; importing a
    /// file of a layer above is `upward-import` (AG001).
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawGroup>"))]
    pub layers: Vec<Spanned<RawGroup>>,
    /// `[[modules]]`: named parts of the code outside the layer order (cut vertically where
    /// layers cut horizontally); a module and a layer may share files.
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawGroup>"))]
    pub modules: Vec<Spanned<RawGroup>>,
    /// `[[independent]]`: groups that never import each other (`sibling-import`, AG006).
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawIndependent>"))]
    pub independent: Vec<Spanned<RawIndependent>>,
    /// `[[forbid]]`: an edge that the layer order alone allows; every import from a file
    /// matching `from` to one matching `to` is `forbidden-import` (AG002).
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawEdgeRule>"))]
    pub forbid: Vec<Spanned<RawEdgeRule>>,
    /// `[[cycles]]`: a scope in which import cycles are `import-cycle` (AG008).
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawCycles>"))]
    pub cycles: Vec<Spanned<RawCycles>>,
    /// `[[allow]]`: a reviewed exception to the rules; one that matches no import is
    /// `unused-allow` (AG003), so exceptions cannot outlive the code they excused.
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawEdgeRule>"))]
    pub allow: Vec<Spanned<RawEdgeRule>>,
    /// `[[risk]]`: review tiers, highest first (`archgate risk`); every file no tier names is
    /// tier `low`.
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<RawRisk>"))]
    pub risk: Vec<Spanned<RawRisk>>,
    /// `[python]`: settings of the Python front-end.
    #[serde(default)]
    pub python: Option<RawPython>,
}

/// `[check]`: defaults for every rule.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Check"))]
pub(crate) struct RawCheck {
    /// `ignore`: type-only imports (Python `TYPE_CHECKING`, imports in `.pyi` stubs, TS
    /// `import type`/`export type`, `.d.ts` files) break no rule, unless a group or rule says
    /// otherwise (default `check`).
    #[cfg_attr(test, schemars(with = "Option<values::TypeOnly>"))]
    pub type_only: Option<Spanned<String>>,
    /// The default of `indirect` for the layer order, `[[forbid]]` and `[[independent]]`:
    /// whether they also hold through chains of imports (default `false`).
    #[cfg_attr(test, schemars(with = "Option<bool>"))]
    pub indirect: Option<Spanned<bool>>,
    /// The severity of `unused-allow` (AG003), an `[[allow]]` that matches no import
    /// (default `warning`).
    #[cfg_attr(test, schemars(with = "Option<values::Severity>"))]
    pub unused_allow: Option<Spanned<String>>,
    /// The severity of `unmatched-selector` (AG010), a glob or selector that matches nothing
    /// (default `warning`).
    #[cfg_attr(test, schemars(with = "Option<values::Severity>"))]
    pub unmatched: Option<Spanned<String>>,
    /// `error`: a source file in no layer and no module is `unlayered-file` (AG009)
    /// (default `allow`).
    #[cfg_attr(test, schemars(with = "Option<values::Unlayered>"))]
    pub unlayered: Option<Spanned<String>>,
    /// The packages a file may import when neither its module nor its layer has an
    /// `externals` list (`external-import`, AG005); a trailing `*` matches any rest. The
    /// standard library is always allowed.
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    pub externals: Option<Spanned<Vec<Spanned<String>>>>,
    /// `true`: honour `archgate: allow(RULE) reason` comments on or above an import
    /// (default `false`).
    #[cfg_attr(test, schemars(with = "Option<bool>"))]
    pub inline_allow: Option<Spanned<bool>>,
    /// The baseline file, relative to the root (default `archgate-baseline.json`).
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    pub baseline: Option<Spanned<String>>,
}

/// A `[[layers]]` or `[[modules]]` entry: a group of files and the contracts of its files.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Group"))]
pub(crate) struct RawGroup {
    /// Unique among layers and modules; letters, digits, `-` and `_`.
    #[cfg_attr(test, schemars(with = "String", regex(pattern = r"^[A-Za-z0-9_-]+$")))]
    pub name: Spanned<String>,
    /// Globs relative to the root; `!` excludes what the entries before it matched. A
    /// pattern whose last segment has no `*` or `?` also matches everything inside the
    /// folders it names. In a module, `{name}` matches one folder name: each value makes one
    /// module instance, `<module>/<value>`.
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    pub paths: Spanned<Vec<Spanned<String>>>,
    /// What the group is, shown in help and in `archgate docs`.
    pub description: Option<String>,
    /// An allowlist: the group's files may import their own group and what these selectors
    /// match, nothing else (`disallowed-import`, AG004). For a layer it replaces "every layer
    /// below" and may not name a layer above.
    #[cfg_attr(test, schemars(with = "Option<OneOrMany>"))]
    pub may_import: Option<Spanned<OneOrMany>>,
    /// The only groups (selectors) whose files may import this group's files
    /// (`disallowed-import`, AG004).
    #[cfg_attr(test, schemars(with = "Option<OneOrMany>"))]
    pub imported_by: Option<Spanned<OneOrMany>>,
    /// The files other groups may import; any other file of the group imported from outside
    /// it is `private-import` (AG007).
    #[cfg_attr(test, schemars(with = "Option<OneOrMany>"))]
    pub public: Option<Spanned<OneOrMany>>,
    /// The packages this group's files may import (`external-import`, AG005); a module's
    /// list wins over its layer's, which wins over `[check] externals`.
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    pub externals: Option<Spanned<Vec<Spanned<String>>>>,
    /// The group's override of `[check] type_only` for the imports its files make.
    #[cfg_attr(test, schemars(with = "Option<values::TypeOnly>"))]
    pub type_only: Option<Spanned<String>>,
    /// Templates only: instances never import each other.
    #[cfg_attr(test, schemars(with = "Option<bool>"))]
    pub independent: Option<Spanned<bool>>,
    /// Templates with `independent`: also not through other files.
    #[cfg_attr(test, schemars(with = "Option<bool>"))]
    pub indirect: Option<Spanned<bool>>,
}

/// `[[independent]]`: groups that never import each other.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Independent"))]
pub(crate) struct RawIndependent {
    /// The groups (selectors) that never import each other (`sibling-import`, AG006).
    #[cfg_attr(test, schemars(with = "OneOrMany"))]
    pub groups: Spanned<OneOrMany>,
    /// Why, shown as a note word for word.
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    pub reason: Option<Spanned<String>>,
    /// This rule's own `type_only`, over the groups' and `[check]`'s.
    #[cfg_attr(test, schemars(with = "Option<values::TypeOnly>"))]
    pub type_only: Option<Spanned<String>>,
    /// Also through chains of imports via files of no member (default `[check] indirect`).
    #[cfg_attr(test, schemars(with = "Option<bool>"))]
    pub indirect: Option<Spanned<bool>>,
}

/// A `[[forbid]]` or `[[allow]]` entry. `reason` is optional here so that its absence is
/// reported by validation with a precise span and a suggestion, not by serde.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "ForbidOrAllow"))]
pub(crate) struct RawEdgeRule {
    /// The importing files: a selector (a group name, `feature/billing` for one template
    /// instance, or a path glob) or a list of them, `!` excluding what came before.
    #[cfg_attr(test, schemars(with = "OneOrMany"))]
    pub from: Spanned<OneOrMany>,
    /// The imported files or packages: a selector (a group name, a path glob, or
    /// `external:NAME`, a trailing `*` matching any rest) or a list of them.
    #[cfg_attr(test, schemars(with = "OneOrMany"))]
    pub to: Spanned<OneOrMany>,
    /// Required: why the edge is forbidden or excused, shown as a note word for word.
    #[cfg_attr(test, schemars(with = "String", required, regex(pattern = r"\S")))]
    pub reason: Option<Spanned<String>>,
    /// `[[forbid]]`: the fix instruction, put first in the finding's help.
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    pub fix: Option<Spanned<String>>,
    /// `[[forbid]]` only: whether type-only imports break it.
    #[cfg_attr(test, schemars(with = "Option<values::TypeOnly>"))]
    pub type_only: Option<Spanned<String>>,
    /// `[[forbid]]` only: also through other files.
    #[cfg_attr(test, schemars(with = "Option<bool>"))]
    pub indirect: Option<Spanned<bool>>,
    /// `[[allow]]` only: the rules it waives (all when absent).
    #[cfg_attr(test, schemars(with = "Option<Vec<String>>"))]
    pub rules: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[[cycles]]`: a scope in which import cycles are reported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Cycles"))]
pub(crate) struct RawCycles {
    /// The files of the scope (default: every source file).
    #[cfg_attr(test, schemars(with = "Option<OneOrMany>"))]
    pub paths: Option<Spanned<OneOrMany>>,
    /// Cycles among `files` (default) or among `groups` (layers and modules).
    #[cfg_attr(test, schemars(with = "Option<values::Between>"))]
    pub between: Option<Spanned<String>>,
    /// `check`: type-only imports close cycles too (default `ignore`).
    #[cfg_attr(test, schemars(with = "Option<values::TypeOnly>"))]
    pub type_only: Option<Spanned<String>>,
    /// Why the scope must stay free of cycles, shown as a note.
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    pub reason: Option<Spanned<String>>,
}

/// `[[risk]]`: a review tier, highest first (SPEC §10).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Risk"))]
pub(crate) struct RawRisk {
    /// The tier's name: letters, digits, `-` and `_`; `low` is the tier of every file no
    /// entry names.
    #[cfg_attr(test, schemars(with = "String", regex(pattern = r"^[A-Za-z0-9_-]+$")))]
    pub tier: Spanned<String>,
    /// The files of the tier: any file of the repository not ignored, not only source
    /// (migrations, CI configs), as globs or group names.
    #[cfg_attr(test, schemars(with = "OneOrMany"))]
    pub paths: Spanned<OneOrMany>,
    /// Whether files of this tier lend it to the files they import (default `true`).
    #[cfg_attr(test, schemars(with = "Option<bool>"))]
    pub blast_radius: Option<Spanned<bool>>,
    /// What the tier means for a review.
    pub description: Option<String>,
}

/// `[python]`: settings of the Python front-end.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Python"))]
pub(crate) struct RawPython {
    /// Extra import roots, relative to the root, for namespace packages or `src/` layouts
    /// without `__init__.py`.
    #[serde(default)]
    #[cfg_attr(test, schemars(with = "Vec<String>"))]
    pub roots: Vec<Spanned<String>>,
}

/// A selector key: one string or a list of strings (SPEC §8 "Selectors").
#[derive(Debug, Clone)]
pub(crate) enum OneOrMany {
    /// A bare string; its span is that of the key's value.
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `untagged` would hide which type was wrong behind "did not match any variant".
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    out.push(item);
                }
                Ok(OneOrMany::Many(out))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
