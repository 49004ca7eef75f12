//! `[[layers]]` and `[[modules]]`: names unique among all groups and well-formed, `paths`
//! checked (a module's may hold one `{placeholder}` that makes it a template), and the keys
//! that give a group's files their contracts: `may_import`, `imported_by`, `public`,
//! `externals`, `type_only`, `independent`.

use std::ops::Range;

use toml::Spanned;

use super::selectors::{self, Braces, Context, Names};
use super::{Errors, compile_check, external_list, type_only};
use crate::config::error::{ConfigError, Problem};
use crate::config::schema::RawGroup;
use crate::config::selector::{AtomSpec, EntrySpec, SelectorSpec, placeholder};
use crate::config::{GroupDecl, GroupSpans};
use crate::source::LineIndex;

/// Layers or modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Layers,
    Modules,
}

impl Table {
    fn one(self) -> &'static str {
        match self {
            Table::Layers => "layer",
            Table::Modules => "module",
        }
    }
}

/// The names (with each module's placeholder) of every group, checked: the first pass, so
/// that selectors anywhere can name groups declared further down.
pub(super) fn names(
    layers: &[Spanned<RawGroup>],
    modules: &[Spanned<RawGroup>],
    errors: &mut Errors,
) -> Names {
    let mut seen: Vec<(String, Range<usize>)> = Vec::new();
    let mut check = |raw: &Spanned<RawGroup>, table: Table, errors: &mut Errors| {
        let name = raw.get_ref().name.get_ref();
        let span = raw.get_ref().name.span();
        check_name(name, span.clone(), table, errors);
        if let Some((_, first)) = seen.iter().find(|(n, _)| n == name) {
            let help = format!(
                "Give each layer and module a unique name: rename this one, or merge its \
                 `paths` into the first `{name}`."
            );
            errors.list.push(
                ConfigError::at(
                    Problem::DuplicateGroup,
                    &errors.source,
                    span,
                    "declared again here",
                    format!("duplicate {} `{name}`", table.one()),
                    help,
                )
                .also(first.clone(), "first declared here"),
            );
        } else {
            seen.push((name.clone(), span));
        }
    };
    for raw in layers {
        check(raw, Table::Layers, errors);
    }
    for raw in modules {
        check(raw, Table::Modules, errors);
    }
    Names {
        layers: layers
            .iter()
            .map(|l| l.get_ref().name.get_ref().clone())
            .collect(),
        modules: modules
            .iter()
            .map(|m| {
                let raw = m.get_ref();
                let own = raw
                    .paths
                    .get_ref()
                    .iter()
                    .find_map(|p| placeholder(p.get_ref()).map(|(n, _)| n.to_owned()));
                (raw.name.get_ref().clone(), own)
            })
            .collect(),
    }
}

pub(super) fn validate(
    raw: &[Spanned<RawGroup>],
    table: Table,
    names: &Names,
    index: &LineIndex<'_>,
    errors: &mut Errors,
) -> Vec<GroupDecl> {
    let mut out = Vec::new();
    for (rank, entry) in raw.iter().enumerate() {
        let group = entry.get_ref();
        let name = group.name.get_ref();
        let own = match table {
            Table::Layers => None,
            Table::Modules => names.modules.get(rank).and_then(|(_, p)| p.clone()),
        };
        let Some(paths) = paths(group, table, own.as_deref(), errors) else {
            continue;
        };
        let place = |key: &str| format!("`{key}` of {} `{name}`", table.one());
        let key_selector = |value: &Option<Spanned<crate::config::schema::OneOrMany>>,
                            key: &'static str,
                            errors: &mut Errors| {
            value.as_ref().and_then(|v| {
                let place = place(key);
                let cx = Context {
                    place: &place,
                    key,
                    externals: false,
                    globs: true,
                    braces: match table {
                        Table::Layers => Braces::Alternation,
                        Table::Modules => Braces::Module(own.as_deref()),
                    },
                    empty: true,
                };
                selectors::selector(v, names, cx, errors)
            })
        };
        let may_import = key_selector(&group.may_import, "may_import", errors);
        let imported_by = key_selector(&group.imported_by, "imported_by", errors);
        let public = key_selector(&group.public, "public", errors);
        if table == Table::Layers
            && let Some(spec) = &may_import
        {
            layers_above(spec, rank, name, names, errors);
        }
        let externals = group
            .externals
            .as_ref()
            .map(|list| external_list(list, &place("externals"), errors));
        let type_only = group
            .type_only
            .as_ref()
            .and_then(|v| type_only(v, &place("type_only"), errors));
        let independent = group.independent.as_ref().is_some_and(|v| *v.get_ref());
        if independent && own.is_none() {
            let span = group.independent.as_ref().map_or(0..0, Spanned::span);
            errors.push(
                Problem::Placeholder,
                span,
                "only templates have instances",
                format!(
                    "`independent` of {} `{name}` needs a template: its `paths` have no \
                     `{{name}}` placeholder",
                    table.one()
                ),
                "Write the folder of each instance as `{name}` in `paths` (e.g. `paths = \
                 [\"src/features/{slice}/**\"]`), or list the groups that must not import each \
                 other in an `[[independent]]` entry."
                    .to_owned(),
            );
        }
        let region = |v: Option<Range<usize>>| v.map(|span| index.region(span));
        out.push(GroupDecl {
            name: name.clone(),
            rank,
            patterns: group
                .paths
                .get_ref()
                .iter()
                .map(|p| p.get_ref().clone())
                .collect(),
            paths,
            placeholder: own,
            description: group.description.clone(),
            decl: index.region(group.name.span()),
            may_import,
            imported_by,
            public,
            externals,
            type_only,
            independent,
            indirect: group.indirect.as_ref().map(|v| *v.get_ref()),
            spans: GroupSpans {
                may_import: region(group.may_import.as_ref().map(Spanned::span)),
                imported_by: region(group.imported_by.as_ref().map(Spanned::span)),
                public: region(group.public.as_ref().map(Spanned::span)),
                externals: region(group.externals.as_ref().map(Spanned::span)),
                independent: region(group.independent.as_ref().map(Spanned::span)),
            },
        });
    }
    out
}

/// The `paths` of a group: globs only; in a template, every entry that names the
/// placeholder puts it at a fixed depth, as a whole segment or within literal text.
fn paths(
    group: &RawGroup,
    table: Table,
    own: Option<&str>,
    errors: &mut Errors,
) -> Option<SelectorSpec> {
    let name = group.name.get_ref();
    let list = group.paths.get_ref();
    if list.iter().all(|p| p.get_ref().starts_with('!')) {
        errors.push(
            Problem::NoIncludingPath,
            group.paths.span(),
            &format!("no path selects files for this {}", table.one()),
            format!("{} `{name}` has no including path", table.one()),
            format!(
                "List the folders of {} `{name}`, e.g. `paths = [\"src/{name}/**\"]`.",
                table.one()
            ),
        );
    }
    let place = format!("{} `{name}`", table.one());
    let mut entries = Vec::with_capacity(list.len());
    let mut ok = true;
    for p in list {
        let text = p.get_ref();
        let negated = text.starts_with('!');
        let body = text.strip_prefix('!').unwrap_or(text);
        if table == Table::Modules
            && let Some((used, braces)) = placeholder(body)
            && !template_pattern(body, used, braces, own, p.span(), &place, errors)
        {
            ok = false;
            continue;
        }
        // The placeholder stands for one folder name when the globs are built.
        let glob = match (table, own) {
            (Table::Modules, Some(own)) => crate::config::selector::substitute(body, own, "x"),
            _ => body.to_owned(),
        };
        if compile_check(&glob, p.span(), &place, errors).is_none() {
            ok = false;
            continue;
        }
        entries.push(EntrySpec {
            negated,
            atom: AtomSpec::Glob(body.to_owned()),
            text: text.clone(),
            span: p.span(),
        });
    }
    ok.then(|| SelectorSpec {
        entries,
        text: selectors::bracketed(list.iter().map(|p| p.get_ref().as_str())),
    })
}

/// Checks a template's `paths` pattern: one placeholder, the module's own, at a fixed depth
/// (no `**` before it) and in a segment with no other wildcard.
fn template_pattern(
    pattern: &str,
    used: &str,
    braces: Range<usize>,
    own: Option<&str>,
    span: Range<usize>,
    place: &str,
    errors: &mut Errors,
) -> bool {
    let before = pattern.get(..braces.start).unwrap_or("");
    let segment_start = before.rfind('/').map_or(0, |i| i + 1);
    let after = pattern.get(braces.end..).unwrap_or("");
    let segment_end = after.find('/').map_or(after.len(), |i| i);
    let segment_rest = format!(
        "{}{}",
        before.get(segment_start..).unwrap_or(""),
        after.get(..segment_end).unwrap_or("")
    );
    let problem = if own != Some(used) {
        Some(format!(
            "`{pattern}` in {place} uses `{{{used}}}`, but the template's placeholder is `{{{}}}`",
            own.unwrap_or("")
        ))
    } else if before.contains("**") || before.contains(['*', '?']) {
        Some(format!(
            "`{pattern}` in {place} has a wildcard before `{{{used}}}`: the placeholder must sit at a fixed depth"
        ))
    } else if segment_rest.contains(['*', '?', '[', '{']) {
        Some(format!(
            "`{pattern}` in {place} has a wildcard in the folder name of `{{{used}}}`"
        ))
    } else {
        None
    };
    let Some(message) = problem else {
        return true;
    };
    errors.push(
        Problem::Placeholder,
        span,
        "one folder name per instance",
        message,
        format!(
            "Write the placeholder as a whole folder name at a fixed depth, with one name per \
             template, e.g. `\"src/features/{{{}}}/**\"`.",
            own.unwrap_or(used)
        ),
    );
    false
}

/// A layer's `may_import` may name only layers at or below it: upward imports are the layer
/// order's to report.
fn layers_above(spec: &SelectorSpec, rank: usize, name: &str, names: &Names, errors: &mut Errors) {
    for entry in &spec.entries {
        if let AtomSpec::Layer(other) = entry.atom
            && other < rank
            && !entry.negated
        {
            let above = names.layers.get(other).map_or("", String::as_str);
            errors.push(
                Problem::LayerAbove,
                entry.span.clone(),
                "a layer above this one",
                format!("`may_import` of layer `{name}` names `{above}`, a layer above it"),
                format!(
                    "Remove `{above}` from `may_import`: a layer may never import the layers \
                     above it. If `{name}` must use `{above}`, move `{name}` above `{above}` in \
                     the layer order (a change of architecture that needs a review)."
                ),
            );
        }
    }
}

/// Group names are letters, digits, `-` and `_`: they appear bare in selectors.
fn check_name(name: &str, span: Range<usize>, table: Table, errors: &mut Errors) {
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
        &format!("not a valid {} name", table.one()),
        format!("invalid {} name `{name}`", table.one()),
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
