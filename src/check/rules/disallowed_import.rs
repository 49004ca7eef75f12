//! `disallowed-import` (AG004): an import that a group's `may_import` allowlist does not allow,
//! or that the imported group's `imported_by` does not allow (tach `depends_on`, Nx
//! `onlyDependOnLibsWithTags`, dependency-cruiser allowlists).

use std::collections::HashMap;

use crate::check::{
    CheckContext, Import, Rule, RuleMeta, Target, describe_selector, group_label, import_facts,
    removal,
};
use crate::config::{Decl, GroupId, SelectorSpec};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::resolve::FileId;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG004",
        name: "disallowed-import",
    },
    summary: "an import that a `may_import` or `imported_by` allowlist does not allow",
    doc: include_str!("../../../rules/disallowed-import.md"),
    default_severity: Severity::Error,
};

pub(crate) struct DisallowedImport;

impl Rule for DisallowedImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        // What each group's list allows, described once: 4,000 findings against a list of
        // 4,000 modules took 48 s when each described it again.
        let mut described = HashMap::new();
        for import in cx.imports(&META) {
            let Target::File(to) = import.to else {
                continue;
            };
            if cx.skips_type_only(import.from, import.site, None) {
                continue;
            }
            // The importing file's allowlists: its layer's and its module's.
            for g in cx.model.groups_of(import.from) {
                let Some(list) = cx.model.group(g).and_then(|g| g.may_import) else {
                    continue;
                };
                if cx.model.is_in(to, g) || cx.model.contains(to, list) {
                    continue;
                }
                // An upward import is the layer order's finding, never also this list's.
                if let (Some(Decl::Layer(own)), Some(target)) =
                    (cx.model.group(g).map(|g| g.decl), cx.model.layer(to))
                    && target < own
                {
                    continue;
                }
                out.push(disallowed_import(
                    cx,
                    &import,
                    to,
                    Side::MayImport(g),
                    &mut described,
                ));
            }
            // The imported file's: who may import its groups.
            for g in cx.model.groups_of(to) {
                let Some(list) = cx.model.group(g).and_then(|g| g.imported_by) else {
                    continue;
                };
                if cx.model.is_in(import.from, g) || cx.model.contains(import.from, list) {
                    continue;
                }
                out.push(disallowed_import(
                    cx,
                    &import,
                    to,
                    Side::ImportedBy(g),
                    &mut described,
                ));
            }
        }
    }
}

/// Which allowlist rejects the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Side {
    /// The importing group's `may_import`.
    MayImport(GroupId),
    /// The imported group's `imported_by`.
    ImportedBy(GroupId),
}

fn disallowed_import(
    cx: &CheckContext<'_>,
    import: &Import<'_>,
    to: FileId,
    side: Side,
    described: &mut HashMap<Side, String>,
) -> Diagnostic {
    let path = cx.path(import.from);
    let target = cx.path(to);
    let (g, key) = match side {
        Side::MayImport(g) | Side::ImportedBy(g) => (g, side),
    };
    let Some((group, decl)) = cx.group(g) else {
        return Diagnostic::new(
            META.id,
            META.default_severity,
            path,
            import.site.region.clone(),
        );
    };
    let kind = match group.decl {
        Decl::Layer(_) => "layer",
        Decl::Module(_) => "module",
    };
    let subst = decl.placeholder.as_deref().zip(group.value.as_deref());
    let mut describe = |spec: Option<&SelectorSpec>| {
        described
            .entry(side)
            .or_insert_with(|| {
                spec.map(|s| describe_selector(cx, s, subst))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "nothing else".to_owned())
            })
            .clone()
    };
    let mut facts = import_facts(cx, import);
    let group_of = |file: FileId| group_label(cx, file);
    let (message, label, help, span, which) = match key {
        Side::MayImport(_) => {
            let allowed = describe(decl.may_import.as_ref());
            facts.from_group = Some(group.name.clone());
            (
                format!(
                    "`{path}` ({kind} `{}`) imports `{target}`{}, which `may_import` of `{}` does \
                     not allow",
                    group.name,
                    group_of(to),
                    group.name
                ),
                format!("`{target}` is outside what `{}` may import", group.name),
                format!(
                    "{}: files of {kind} `{}` may import only their own {kind} and {allowed}. \
                     Import what it needs from one of those, or move the code that needs \
                     `{target}` out of `{}`. Widening `may_import` in layers.toml needs a human \
                     review.",
                    removal(import.site, path),
                    group.name,
                    group.name,
                ),
                decl.spans.may_import.clone(),
                "may_import",
            )
        }
        Side::ImportedBy(_) => {
            let allowed = describe(decl.imported_by.as_ref());
            facts.to_group = Some(group.name.clone());
            (
                format!(
                    "`{path}`{} imports `{target}` ({kind} `{}`), which `imported_by` of `{}` \
                     does not allow",
                    group_of(import.from),
                    group.name,
                    group.name
                ),
                format!("only {allowed} may import `{}`", group.name),
                format!(
                    "{}: {kind} `{}` may be imported only by its own files and {allowed}. Move \
                     the code of `{path}` that needs it into one of those, or have one of them \
                     pass in what it needs. Widening `imported_by` in layers.toml needs a human \
                     review.",
                    removal(import.site, path),
                    group.name,
                ),
                decl.spans.imported_by.clone(),
                "imported_by",
            )
        }
    };
    let mut diagnostic = Diagnostic::new(
        META.id,
        META.default_severity,
        path,
        import.site.region.clone(),
    )
    .message(message)
    .label(label)
    .help(help)
    .related(cx.target_location(to));
    if let Some(region) = span {
        diagnostic = diagnostic
            .contract(cx.config_location(&region, format!("`{which}` of `{}`", decl.name)));
    }
    diagnostic.import(facts)
}
