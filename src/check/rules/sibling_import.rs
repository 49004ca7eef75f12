//! `sibling-import` (AG006): an import between two groups declared independent, by an
//! `[[independent]]` entry or `independent = true` on a template (import-linter's
//! independence contract, Sheriff's and Nx's sibling bans).

use crate::check::{
    CheckContext, Import, Rule, RuleMeta, Target, file_name, import_facts, removal,
};
use crate::config::{Decl, GroupId, TypeOnly};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::resolve::FileId;
use crate::source::Region;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG006",
        name: "sibling-import",
    },
    summary: "an import between two groups declared independent",
    doc: include_str!("../../../rules/sibling-import.md"),
    default_severity: Severity::Error,
};

pub(crate) struct SiblingImport;

/// One independence contract: its groups, reason, type-only setting and where it is written.
struct Contract<'a> {
    groups: Vec<GroupId>,
    reason: Option<&'a str>,
    type_only: Option<TypeOnly>,
    decl: &'a Region,
}

impl Rule for SiblingImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut contracts: Vec<Contract<'_>> = cx
            .config
            .independent
            .iter()
            .zip(&cx.model.independent)
            .map(|(rule, groups)| Contract {
                groups: groups.clone(),
                reason: rule.reason.as_deref(),
                type_only: rule.type_only,
                decl: &rule.decl,
            })
            .collect();
        // `independent = true` on a template: its instances form one contract.
        for (m, decl) in cx.config.modules.iter().enumerate() {
            if !decl.independent {
                continue;
            }
            let groups: Vec<GroupId> = (0..cx.model.groups.len())
                .filter(|&g| cx.model.group(g).is_some_and(|g| g.decl == Decl::Module(m)))
                .collect();
            // The template's description says why, when it has one.
            contracts.push(Contract {
                groups,
                reason: decl.description.as_deref(),
                type_only: None,
                decl: &decl.decl,
            });
        }
        if contracts.is_empty() {
            return;
        }
        for import in cx.imports(&META) {
            let Target::File(to) = import.to else {
                continue;
            };
            for contract in &contracts {
                let from_group = cx
                    .model
                    .groups_of(import.from)
                    .find(|g| contract.groups.contains(g));
                let to_group = cx.model.groups_of(to).find(|g| contract.groups.contains(g));
                let (Some(a), Some(b)) = (from_group, to_group) else {
                    continue;
                };
                if a == b || cx.skips_type_only(import.from, import.site, contract.type_only) {
                    continue;
                }
                out.push(sibling_import(cx, &import, to, a, b, contract));
            }
        }
    }
}

fn sibling_import(
    cx: &CheckContext<'_>,
    import: &Import<'_>,
    to: FileId,
    a: GroupId,
    b: GroupId,
    contract: &Contract<'_>,
) -> Diagnostic {
    let path = cx.path(import.from);
    let target = cx.path(to);
    let name = |g: GroupId| cx.model.group(g).map_or("", |g| g.name.as_str());
    let (a_name, b_name) = (name(a), name(b));
    // What both may use instead: a layer below both, or a shared module they may import.
    let shared: Vec<String> = cx
        .layer_of(import.from)
        .map(|l| {
            cx.layers_at_or_below(l)
                .filter(|l| l.rank != a && l.rank != b)
                .filter_map(|l| l.folder().map(|f| format!("`{}` in `{f}`", l.name)))
                .collect()
        })
        .unwrap_or_default();
    let instead = if shared.is_empty() {
        "into a module both may import".to_owned()
    } else {
        format!("into a group both may import ({})", shared.join(", "))
    };
    let mut facts = import_facts(cx, import);
    facts.from_group = Some(a_name.to_owned());
    facts.to_group = Some(b_name.to_owned());
    Diagnostic::new(META.id, META.default_severity, path, import.site.region.clone())
        .message(format!(
            "`{path}` (`{a_name}`) imports `{target}` (`{b_name}`): `{a_name}` and `{b_name}` are independent"
        ))
        .label(format!("`{target}` is in `{b_name}`"))
        .help(format!(
            "{}: `{a_name}` must not depend on its sibling `{b_name}`. Move what `{}` uses from \
             `{}` {instead}, or have the code that uses both pass it in. Making the two \
             dependent in layers.toml needs a human review.",
            removal(import.site, path),
            file_name(path),
            file_name(target),
        ))
        .note(contract.reason.map(str::to_owned))
        .related(cx.target_location(to))
        .contract(cx.config_location(contract.decl, "the independence contract"))
        .import(facts)
}
