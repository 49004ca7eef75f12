//! `external-import` (AG005): an import of an external package that no applicable `externals`
//! allowlist names: the module's list if it has one, else the layer's, else `[check]`'s. The
//! language's standard library is always allowed.

use std::collections::{HashMap, HashSet};

use crate::check::{CheckContext, Import, Rule, RuleMeta, Target, import_facts, removal};
use crate::config::{Decl, ExternalPattern, GroupId};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::source::Region;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG005",
        name: "external-import",
    },
    summary: "an import of an external package that no `externals` allowlist names",
    doc: include_str!("../../../rules/external-import.md"),
    default_severity: Severity::Error,
};

pub(crate) struct ExternalImport;

impl Rule for ExternalImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        let any_list = cx.config.check.externals.is_some()
            || cx
                .config
                .layers
                .iter()
                .chain(&cx.config.modules)
                .any(|g| g.externals.is_some());
        if !any_list {
            return;
        }
        // Where each package could go instead, worked out once per package; each list
        // compiled once.
        let mut elsewhere_of = HashMap::new();
        let mut compiled: HashMap<Option<GroupId>, Compiled<'_>> = HashMap::new();
        for import in cx.imports(&META) {
            let Target::External(package) = import.to else {
                continue;
            };
            if cx.skips_type_only(import.from, import.site, None) {
                continue;
            }
            let path = cx.path(import.from);
            let is_stdlib =
                crate::resolve::language_for(path).is_some_and(|l| l.frontend.is_stdlib(package));
            if is_stdlib {
                continue;
            }
            let Some(list) = applicable(cx, import.from) else {
                continue;
            };
            let allows = compiled
                .entry(list.group)
                .or_insert_with(|| Compiled::new(list.patterns))
                .matches(package);
            if !allows {
                let elsewhere = elsewhere_of
                    .entry(package)
                    .or_insert_with(|| elsewhere(cx, package));
                out.push(external_import(cx, &import, (package, elsewhere), &list));
            }
        }
    }
}

/// An `externals` list compiled for matching: exact names in one set, prefixes in another
/// with their distinct lengths, so that an import costs those lengths, not the list's length
/// (4,000 imports against a list of 4,000 names compared every pair).
struct Compiled<'a> {
    exact: HashSet<&'a str>,
    prefixes: HashSet<&'a str>,
    lengths: Vec<usize>,
}

impl<'a> Compiled<'a> {
    fn new(patterns: &'a [ExternalPattern]) -> Self {
        let mut compiled = Self {
            exact: HashSet::new(),
            prefixes: HashSet::new(),
            lengths: Vec::new(),
        };
        for p in patterns {
            if p.prefix {
                compiled.prefixes.insert(p.name.as_str());
                compiled.lengths.push(p.name.len());
            } else {
                compiled.exact.insert(p.name.as_str());
            }
        }
        compiled.lengths.sort_unstable();
        compiled.lengths.dedup();
        compiled
    }

    /// Whether a pattern of the list matches `package` ([`ExternalPattern::matches`]).
    fn matches(&self, package: &str) -> bool {
        self.exact.contains(package)
            || self.lengths.iter().any(|&n| {
                package
                    .get(..n)
                    .is_some_and(|start| self.prefixes.contains(start))
            })
    }
}

/// The `externals` list that governs a file, and where it is written.
struct List<'a> {
    patterns: &'a [ExternalPattern],
    /// The group that owns it, `None` for `[check]`.
    group: Option<GroupId>,
    span: Option<&'a Region>,
}

/// The narrowest list: the module's, else the layer's, else `[check]`'s.
fn applicable<'a>(cx: &CheckContext<'a>, file: usize) -> Option<List<'a>> {
    for g in [cx.model.module(file), cx.model.layer(file)]
        .into_iter()
        .flatten()
    {
        if let Some((_, decl)) = cx.group(g)
            && let Some(patterns) = &decl.externals
        {
            return Some(List {
                patterns,
                group: Some(g),
                span: decl.spans.externals.as_ref(),
            });
        }
    }
    cx.config.check.externals.as_deref().map(|patterns| List {
        patterns,
        group: None,
        span: None,
    })
}

fn external_import(
    cx: &CheckContext<'_>,
    import: &Import<'_>,
    (package, elsewhere): (&str, &str),
    list: &List<'_>,
) -> Diagnostic {
    let path = cx.path(import.from);
    let own_group = cx
        .model
        .module(import.from)
        .or_else(|| cx.model.layer(import.from));
    let owner = list
        .group
        .or(own_group)
        .and_then(|g| cx.group(g))
        .map(|(g, _)| {
            let kind = match g.decl {
                Decl::Layer(_) => "layer",
                Decl::Module(_) => "module",
            };
            format!("{kind} `{}`", g.name)
        });
    let whose = owner.clone().map_or_else(
        || "files of this repository".to_owned(),
        |o| format!("files of {o}"),
    );
    // The first ten packages: a help stays short however long the list.
    let allowed: Vec<String> = list
        .patterns
        .iter()
        .take(10)
        .map(|p| format!("`{p}`"))
        .collect();
    let allowed = if allowed.is_empty() {
        "no package".to_owned()
    } else {
        allowed.join(", ")
            + &match list.patterns.len().saturating_sub(10) {
                0 => String::new(),
                more => format!(", {more} more"),
            }
    };
    let mut facts = import_facts(cx, import);
    if let Some(name) = list.group.and_then(|g| cx.model.group(g)) {
        facts.from_group = Some(name.name.clone());
    }
    let mut diagnostic = Diagnostic::new(
        META.id,
        META.default_severity,
        path,
        import.site.region.clone(),
    )
    .message(format!(
        "`{path}`{} imports package `{package}`, which its `externals` list does not name",
        owner.map(|o| format!(" ({o})")).unwrap_or_default()
    ))
    .label(format!("`{package}` is not an allowed package"))
    .help(format!(
        "{}: {whose} may import only the standard library and {allowed}. Use one of those \
         instead of `{package}`, {elsewhere}. Adding a package to `externals` in layers.toml needs a \
         human review.",
        removal(import.site, path),
    ));
    if let Some(region) = list.span.or(cx.config.check.externals_span.as_ref()) {
        diagnostic = diagnostic.contract(cx.config_location(region, "the `externals` list"));
    }
    diagnostic.import(facts)
}

/// Where the code that needs `package` could go: the groups whose `externals` list it (with
/// their folders), or, when none does, that no group may use it.
fn elsewhere(cx: &CheckContext<'_>, package: &str) -> String {
    let groups: Vec<String> = cx
        .config
        .layers
        .iter()
        .chain(&cx.config.modules)
        .filter(|g| {
            g.externals
                .as_ref()
                .is_some_and(|list| list.iter().any(|p| p.matches(package)))
        })
        .map(|g| match g.folder() {
            Some(folder) => format!("`{}` in `{folder}`", g.name),
            None => format!("`{}`", g.name),
        })
        .collect();
    if groups.is_empty() {
        format!("or drop what needs it: no group of layers.toml may import `{package}`")
    } else {
        format!(
            "or move the code that needs `{package}` into a group whose `externals` lists it ({})",
            crate::check::join_capped(groups, 10)
        )
    }
}
