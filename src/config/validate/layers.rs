//! `[[layers]]`: names unique and well-formed, `paths` compiled into selectors whose id is the
//! layer's rank (top first).

use std::ops::Range;

use toml::Spanned;

use super::{Errors, SelectorBuilder, glob_entry};
use crate::config::Layer;
use crate::config::error::Problem;
use crate::config::schema::RawLayer;
use crate::config::selector::Owner;
use crate::source::LineIndex;

pub(super) fn validate(
    raw: &[Spanned<RawLayer>],
    index: &LineIndex<'_>,
    selectors: &mut SelectorBuilder,
    errors: &mut Errors,
) -> Vec<Layer> {
    let mut layers: Vec<Layer> = Vec::new();
    let mut first_decl: Vec<(String, Range<usize>)> = Vec::new();
    for raw_layer in raw {
        let layer = raw_layer.get_ref();
        let name = layer.name.get_ref();
        let name_span = layer.name.span();
        check_name(name, name_span.clone(), errors);
        if let Some((_, first)) = first_decl.iter().find(|(n, _)| n == name) {
            let help = format!(
                "Give each layer a unique name: rename this one, or merge its `paths` into the \
                 first `{name}` layer."
            );
            errors.list.push(
                crate::config::ConfigError::at(
                    Problem::DuplicateGroup,
                    &errors.source,
                    name_span.clone(),
                    "declared again here",
                    format!("duplicate layer `{name}`"),
                    help,
                )
                .also(first.clone(), "first declared here"),
            );
            continue;
        }
        first_decl.push((name.clone(), name_span.clone()));
        let patterns: Vec<String> = layer
            .paths
            .get_ref()
            .iter()
            .map(|p| p.get_ref().clone())
            .collect();
        if patterns.iter().all(|p| p.starts_with('!')) {
            errors.push(
                Problem::NoIncludingPath,
                layer.paths.span(),
                "no path selects files for this layer",
                format!("layer `{name}` has no including path"),
                format!("List the folders of layer `{name}`, e.g. `paths = [\"src/{name}/**\"]`."),
            );
        }
        let place = format!("layer `{name}`");
        let entries: Option<Vec<_>> = layer
            .paths
            .get_ref()
            .iter()
            .map(|p| glob_entry(p.get_ref(), p.span(), &place, errors))
            .collect();
        let Some(entries) = entries else {
            continue;
        };
        let rank = layers.len();
        let paths = selectors.add(Owner::LayerPaths(rank), entries);
        layers.push(Layer {
            name: name.clone(),
            rank,
            paths,
            patterns,
            description: layer.description.clone(),
            decl: index.region(name_span),
        });
    }
    layers
}

/// Group names are letters, digits, `-` and `_`: they appear bare in selectors.
fn check_name(name: &str, span: Range<usize>, errors: &mut Errors) {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        return;
    }
    let suggestion: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    errors.push(
        Problem::InvalidName,
        span,
        "not a valid layer name",
        format!("invalid layer name `{name}`"),
        format!(
            "Use only letters, digits, `-` and `_`, e.g. `name = \"{}\"`.",
            if suggestion.is_empty() {
                "domain"
            } else {
                &suggestion
            }
        ),
    );
}
