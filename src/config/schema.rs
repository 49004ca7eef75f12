//! The serde shape of `layers.toml` (SPEC §2, §8), exactly as written, with spans for errors.
//! Nothing here is validated; `validate/` turns each table into its part of a
//! [`super::Config`]. A new table is one struct here and one file in `validate/`.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    pub languages: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub check: Option<Spanned<RawCheck>>,
    #[serde(default)]
    pub layers: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    pub modules: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    pub independent: Vec<Spanned<RawIndependent>>,
    #[serde(default)]
    pub forbid: Vec<Spanned<RawEdgeRule>>,
    #[serde(default)]
    pub cycles: Vec<Spanned<RawCycles>>,
    #[serde(default)]
    pub allow: Vec<Spanned<RawEdgeRule>>,
    #[serde(default)]
    pub risk: Vec<Spanned<RawRisk>>,
    #[serde(default)]
    pub python: Option<RawPython>,
}

/// `[check]`: defaults for every rule.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCheck {
    pub type_only: Option<Spanned<String>>,
    pub indirect: Option<Spanned<bool>>,
    pub unused_allow: Option<Spanned<String>>,
    pub unmatched: Option<Spanned<String>>,
    pub unlayered: Option<Spanned<String>>,
    pub externals: Option<Spanned<Vec<Spanned<String>>>>,
    pub inline_allow: Option<Spanned<bool>>,
    pub baseline: Option<Spanned<String>>,
}

/// A `[[layers]]` or `[[modules]]` entry: a group of files and the contracts of its files.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGroup {
    pub name: Spanned<String>,
    pub paths: Spanned<Vec<Spanned<String>>>,
    pub description: Option<String>,
    pub may_import: Option<Spanned<OneOrMany>>,
    pub imported_by: Option<Spanned<OneOrMany>>,
    pub public: Option<Spanned<OneOrMany>>,
    pub externals: Option<Spanned<Vec<Spanned<String>>>>,
    pub type_only: Option<Spanned<String>>,
    /// Templates only: instances never import each other.
    pub independent: Option<Spanned<bool>>,
    /// Templates with `independent`: also not through other files.
    pub indirect: Option<Spanned<bool>>,
}

/// `[[independent]]`: groups that never import each other.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIndependent {
    pub groups: Spanned<OneOrMany>,
    pub reason: Option<Spanned<String>>,
    pub type_only: Option<Spanned<String>>,
    pub indirect: Option<Spanned<bool>>,
}

/// A `[[forbid]]` or `[[allow]]` entry. `reason` is optional here so that its absence is
/// reported by validation with a precise span and a suggestion, not by serde.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEdgeRule {
    pub from: Spanned<OneOrMany>,
    pub to: Spanned<OneOrMany>,
    pub reason: Option<Spanned<String>>,
    pub fix: Option<Spanned<String>>,
    /// `[[forbid]]` only: whether type-only imports break it.
    pub type_only: Option<Spanned<String>>,
    /// `[[forbid]]` only: also through other files.
    pub indirect: Option<Spanned<bool>>,
    /// `[[allow]]` only: the rules it waives (all when absent).
    pub rules: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `[[cycles]]`: a scope in which import cycles are reported.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCycles {
    pub paths: Option<Spanned<OneOrMany>>,
    pub between: Option<Spanned<String>>,
    pub type_only: Option<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
}

/// `[[risk]]`: a review tier, highest first (SPEC §10).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRisk {
    pub tier: Spanned<String>,
    pub paths: Spanned<OneOrMany>,
    /// Whether files of this tier lend it to the files they import (default `true`).
    pub blast_radius: Option<Spanned<bool>>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPython {
    #[serde(default)]
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
