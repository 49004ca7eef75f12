//! Layer assignment: which layer each file of the run is in, and the configuration error
//! when two layers claim the same file.
//!
//! Layer `input`: imports only `core`.

use super::{Config, ConfigError};

/// The layer of every path, by index into `paths`; a file in two layers is a configuration
/// error, reported once per pair of layers.
pub fn assign_layers(
    config: &Config,
    paths: &[String],
) -> Result<Vec<Option<usize>>, Vec<ConfigError>> {
    let mut layers = Vec::with_capacity(paths.len());
    let mut errors = Vec::new();
    let mut pairs_seen = Vec::new();
    for path in paths {
        match config.layer_of(path) {
            Ok(layer) => layers.push(layer),
            Err((a, b)) => {
                layers.push(None);
                // One error per pair of layers: the first file shows the overlap.
                if pairs_seen.contains(&(a, b)) {
                    continue;
                }
                pairs_seen.push((a, b));
                let (Some(first), Some(second)) = (config.layers.get(a), config.layers.get(b))
                else {
                    continue;
                };
                errors.push(ConfigError::OverlappingLayers {
                    file: path.clone(),
                    first: first.name.clone(),
                    second: second.name.clone(),
                    src: miette::NamedSource::new(&config.path, config.text.clone()),
                    first_span: first.decl.bytes.clone().into(),
                    second_span: second.decl.bytes.clone().into(),
                    help: format!(
                        "Make the `paths` of `{}` and `{}` disjoint: add `\"!{path}\"` (or a `!` glob \
                         for its folder) to the layer it does not belong to.",
                        first.name, second.name
                    ),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(layers)
    } else {
        Err(errors)
    }
}
