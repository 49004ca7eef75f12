//! The serde shape of `layers.toml` (SPEC §2), exactly as written, with spans for errors.
//! Nothing here is validated; `validate.rs` turns it into a [`super::Config`].

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub layers: Vec<Spanned<RawLayer>>,
    #[serde(default)]
    pub forbid: Vec<Spanned<RawEdgeRule>>,
    #[serde(default)]
    pub allow: Vec<Spanned<RawEdgeRule>>,
    #[serde(default)]
    pub python: Option<RawPython>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLayer {
    pub name: Spanned<String>,
    pub paths: Spanned<Vec<Spanned<String>>>,
    pub description: Option<String>,
}

/// A `[[forbid]]` or `[[allow]]` entry. `reason` is optional here so that its absence is
/// reported by validation with a precise span and a suggestion, not by serde.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEdgeRule {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub reason: Option<Spanned<String>>,
    pub fix: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPython {
    #[serde(default)]
    pub roots: Vec<Spanned<String>>,
}
