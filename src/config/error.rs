//! Configuration errors: each points at the offending span of `layers.toml` and says what to
//! write instead. They all end the run with exit code 2.

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum ConfigError {
    #[error("no `layers.toml` found in `{dir}` or any of its parent directories")]
    #[diagnostic(
        code(config::not_found),
        help(
            "Create `layers.toml` at the repository root, listing layers from top to bottom:\n\n\
             [[layers]]\nname = \"api\"\npaths = [\"src/api/**\"]\n\n\
             [[layers]]\nname = \"domain\"\npaths = [\"src/domain/**\"]\n\n\
             or pass `--config FILE`."
        )
    )]
    NotFound { dir: String },

    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(
        code(config::unreadable),
        help(
            "Pass `--config` the path of an existing, readable layers.toml (relative to the \
             current folder), or leave `--config` out to use the nearest layers.toml in this \
             folder or above."
        )
    )]
    Unreadable { path: String, reason: String },

    /// Any error that points into `layers.toml`.
    #[error("{message}")]
    #[diagnostic(code(config::invalid))]
    Invalid {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
        /// A second place, e.g. where a duplicated layer was first declared.
        #[label("{other_label}")]
        other: Option<SourceSpan>,
        other_label: String,
    },

    /// A file matched by the `paths` of two layers.
    #[error("`{file}` is in two layers: `{first}` and `{second}`")]
    #[diagnostic(code(config::overlapping_layers))]
    OverlappingLayers {
        file: String,
        first: String,
        second: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("`{first}` matches `{file}`")]
        first_span: SourceSpan,
        #[label("`{second}` matches it too")]
        second_span: SourceSpan,
        #[help]
        help: String,
    },
}
