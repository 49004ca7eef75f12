//! Configuration errors. Each is one [`Problem`] with its own stable code (`config::unknown-key`,
//! `config::unknown-group`, …), a message quoting the offending key or value, a label on its
//! span in `layers.toml`, and a help that says what to write instead. They all end the run
//! with exit code 2.
//!
//! The config text is shared (`Arc<str>`), never copied per error: a file with thousands of
//! mistakes must not cost thousands of copies of itself.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode, SourceSpan};

/// What is wrong, one variant per problem. The variant decides the diagnostic code; tools
/// (SARIF `toolConfigurationNotifications`, CI logs) can rely on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// No `layers.toml` in the folder or above it.
    NotFound,
    /// The file cannot be read.
    Unreadable,
    /// Not valid TOML (a syntax error the other variants do not name).
    TomlSyntax,
    /// A `[` list is never closed.
    UnclosedList,
    /// A string value without quotes.
    UnquotedValue,
    /// The same key twice in one table.
    DuplicateKey,
    /// A key no table of `layers.toml` has.
    UnknownKey,
    /// A required key is missing.
    MissingKey,
    /// A value of the wrong type (a string where a list is expected, …).
    WrongType,
    /// A value outside the key's choices (`unmatched = "loud"`).
    InvalidValue,
    /// A group name with characters other than letters, digits, `-` and `_`.
    InvalidName,
    /// Two groups with one name.
    DuplicateGroup,
    /// A `paths` list of `!` entries only.
    NoIncludingPath,
    /// A glob that does not compile.
    InvalidGlob,
    /// A bare word that names no group.
    UnknownGroup,
    /// A selector that can match nothing by construction (`!` entries only, `external:` in
    /// `from`, an empty `external:` name).
    InvalidSelector,
    /// A `{name}` placeholder where it means nothing (a module that is no template, or a
    /// different name than the template's), or a template placeholder out of place.
    Placeholder,
    /// A `may_import` that names a layer above its own (the layer order says that already).
    LayerAbove,
    /// A rule name in `[[allow]] rules` that no rule has.
    UnknownRule,
    /// A name in `languages` that no front-end has.
    UnknownLanguage,
    /// A `[[forbid]]` or `[[allow]]` without `reason`.
    MissingReason,
    /// A `reason` that is empty.
    EmptyReason,
    /// A `[python] roots` entry that is not a folder.
    MissingRoot,
    /// A file claimed by two layers.
    OverlappingLayers,
    /// A file claimed by two modules.
    OverlappingModules,
}

impl Problem {
    /// The diagnostic code, `config::<kebab-name>`.
    pub fn code(self) -> &'static str {
        match self {
            Problem::NotFound => "config::not-found",
            Problem::Unreadable => "config::unreadable",
            Problem::TomlSyntax => "config::toml-syntax",
            Problem::UnclosedList => "config::unclosed-list",
            Problem::UnquotedValue => "config::unquoted-value",
            Problem::DuplicateKey => "config::duplicate-key",
            Problem::UnknownKey => "config::unknown-key",
            Problem::MissingKey => "config::missing-key",
            Problem::WrongType => "config::wrong-type",
            Problem::InvalidValue => "config::invalid-value",
            Problem::InvalidName => "config::invalid-name",
            Problem::DuplicateGroup => "config::duplicate-group",
            Problem::NoIncludingPath => "config::no-including-path",
            Problem::InvalidGlob => "config::invalid-glob",
            Problem::UnknownGroup => "config::unknown-group",
            Problem::InvalidSelector => "config::invalid-selector",
            Problem::Placeholder => "config::placeholder",
            Problem::LayerAbove => "config::layer-above",
            Problem::UnknownRule => "config::unknown-rule",
            Problem::UnknownLanguage => "config::unknown-language",
            Problem::MissingReason => "config::missing-reason",
            Problem::EmptyReason => "config::empty-reason",
            Problem::MissingRoot => "config::missing-root",
            Problem::OverlappingLayers => "config::overlapping-layers",
            Problem::OverlappingModules => "config::overlapping-modules",
        }
    }
}

/// The text of `layers.toml` and its name, shared by every error that points into it.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    pub name: Arc<str>,
    pub text: Arc<str>,
}

impl ConfigSource {
    pub fn new(name: &str, text: &str) -> Self {
        Self {
            name: Arc::from(name),
            text: Arc::from(text),
        }
    }
}

/// One configuration error.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub problem: Problem,
    pub message: String,
    pub help: String,
    /// The file and the labelled spans in it, primary first; `None` for errors about no
    /// particular place (no config found).
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<(Range<usize>, String)>,
}

impl ConfigError {
    /// An error about no place in `layers.toml`.
    pub fn general(problem: Problem, message: String, help: String) -> Self {
        Self {
            problem,
            message,
            help,
            source: None,
            labels: Vec::new(),
        }
    }

    /// An error at `span` of `source`, labelled `label`.
    pub fn at(
        problem: Problem,
        source: &ConfigSource,
        span: Range<usize>,
        label: impl Into<String>,
        message: String,
        help: String,
    ) -> Self {
        Self {
            problem,
            message,
            help,
            source: Some(NamedSource::new(&*source.name, Arc::clone(&source.text))),
            labels: vec![(span, label.into())],
        }
    }

    /// Adds a second labelled place (where a duplicated name was first declared).
    #[must_use]
    pub fn also(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.labels.push((span, label.into()));
        self
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.problem.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (span, label))| {
                let span = SourceSpan::from(span.clone());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(label.clone()), span)
                } else {
                    LabeledSpan::new_with_span(Some(label.clone()), span)
                }
            },
        )))
    }
}
