//! Assigning the files of a run to their layer and selectors: one pass of the compiled globs
//! per file. A file claimed by two layers is a configuration error, one per pair of layers
//! (the first file shows the overlap).

use super::error::{ConfigError, ConfigSource, Problem};
use super::{Config, Membership};

impl Config {
    /// The layer and selectors of every file of `paths` (repo-relative, in the run's order).
    pub fn assign(&self, paths: &[impl AsRef<str>]) -> Result<Membership, Vec<ConfigError>> {
        let overlaps = match self
            .selectors
            .assign(paths.iter().map(AsRef::as_ref), self.layers.len())
        {
            Ok(membership) => return Ok(membership),
            Err(overlaps) => overlaps,
        };
        let source = ConfigSource::new(&self.path, &self.text);
        let mut errors = Vec::new();
        let mut pairs_seen = Vec::new();
        for overlap in overlaps {
            let pair = (overlap.first, overlap.second);
            if pairs_seen.contains(&pair) {
                continue;
            }
            pairs_seen.push(pair);
            let (Some(first), Some(second), Some(file)) = (
                self.layers.get(overlap.first),
                self.layers.get(overlap.second),
                paths.get(overlap.file),
            ) else {
                continue;
            };
            let file = file.as_ref();
            errors.push(
                ConfigError::at(
                    Problem::OverlappingLayers,
                    &source,
                    first.decl.bytes.clone(),
                    format!("`{}` matches `{file}`", first.name),
                    format!(
                        "`{file}` is in two layers: `{}` and `{}`",
                        first.name, second.name
                    ),
                    format!(
                        "Make the `paths` of `{}` and `{}` disjoint: add `\"!{file}\"` (or a `!` \
                         glob for its folder) to the layer it does not belong to.",
                        first.name, second.name
                    ),
                )
                .also(
                    second.decl.bytes.clone(),
                    format!("`{}` matches it too", second.name),
                ),
            );
        }
        Err(errors)
    }
}
