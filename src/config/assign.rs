//! Assigning the files of a run to their layer and selectors: one pass of the compiled globs
//! per file. A file claimed by two layers is a configuration error, one per pair of layers
//! (the first file shows the overlap).

use super::error::{ConfigError, ConfigSource, Problem};
use super::{Config, Decl, Model};

impl Config {
    /// The layer, module and selectors of every file of `paths` (repo-relative, in the run's
    /// order).
    pub fn assign(&self, paths: &[impl AsRef<str>]) -> Result<Model, Vec<ConfigError>> {
        let refs: Vec<&str> = paths.iter().map(AsRef::as_ref).collect();
        let overlaps = match self.model(&refs) {
            Ok(model) => return Ok(model),
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
                self.decl(overlap.first),
                self.decl(overlap.second),
                refs.get(overlap.file),
            ) else {
                continue;
            };
            let (what, one, problem) = match overlap.first {
                Decl::Layer(_) => ("layers", "layer", Problem::OverlappingLayers),
                Decl::Module(_) => ("modules", "module", Problem::OverlappingModules),
            };
            errors.push(
                ConfigError::at(
                    problem,
                    &source,
                    first.decl.bytes.clone(),
                    format!("`{}` matches `{file}`", first.name),
                    format!(
                        "`{file}` is in two {what}: `{}` and `{}`",
                        first.name, second.name
                    ),
                    format!(
                        "Make the `paths` of `{}` and `{}` disjoint: add `\"!{file}\"` (or a `!` \
                         glob for its folder) to the {one} it does not belong to.",
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
