//! `archgate where PATH` (SPEC §10): what a file may and may not import, before an agent edits
//! or creates it. The answer is worked out from the same model the rules check: the file's
//! layer and module (a file that does not exist yet is placed as if it did), the layer order,
//! the allowlists, `[[forbid]]`, independence, `imported_by` and `public`.

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::CheckContext;
use crate::config::{Decl, GroupId, GroupKind, Key, SelectorId};
use crate::diagnostic::Diagnostic;
use crate::resolve::FileId;

/// A group a file may import, with its files' patterns (`group` is `null` for a glob of an
/// allowlist).
#[derive(Debug, Serialize)]
pub struct Allowed {
    pub group: Option<String>,
    pub paths: Vec<String>,
}

/// Something the file must not import, and why.
#[derive(Debug, Serialize)]
pub struct Forbidden {
    /// A group name, or a selector as written in `layers.toml`.
    pub to: String,
    pub reason: String,
    pub fix: Option<String>,
    /// The rule an import of it breaks.
    pub rule: &'static str,
}

/// A group that the file's groups are independent of.
#[derive(Debug, Serialize)]
pub struct Independent {
    pub group: String,
    pub reason: Option<String>,
}

/// A group's public files (`public`): the only files of it other groups may import.
#[derive(Debug, Serialize)]
pub struct Public {
    pub group: String,
    pub files: Vec<String>,
}

/// The answer of `archgate where`.
#[derive(Debug, Serialize)]
pub struct Guidance {
    pub path: String,
    pub exists: bool,
    /// Whether the path is a source file of the run's languages (else no import rule applies).
    pub source: bool,
    pub layer: Option<String>,
    pub modules: Vec<String>,
    /// `None`: the file may import any file.
    pub may_import: Option<Vec<Allowed>>,
    /// The packages it may import besides the standard library (`None`: any).
    pub externals: Option<Vec<String>>,
    pub forbidden: Vec<Forbidden>,
    pub independent_of: Vec<Independent>,
    pub public: Vec<Public>,
    /// Who may import it (`None`: any file).
    pub imported_by: Option<Vec<String>>,
    pub findings: serde_json::Value,
    #[serde(skip)]
    pub finding_lines: Vec<String>,
}

/// The guidance for `path` (repo-relative). `file` is its id in the graph when it is a
/// source file of the run (planned files included); `findings` are the run's final findings.
pub fn guidance(
    cx: &CheckContext<'_>,
    path: &str,
    file: Option<FileId>,
    exists: bool,
    findings: &[Diagnostic],
) -> Guidance {
    let mine: Vec<Diagnostic> = findings
        .iter()
        .filter(|d| d.path == path)
        .cloned()
        .collect();
    let mut guidance = Guidance {
        path: path.to_owned(),
        exists,
        source: file.is_some(),
        layer: None,
        modules: Vec::new(),
        may_import: None,
        externals: None,
        forbidden: Vec::new(),
        independent_of: Vec::new(),
        public: Vec::new(),
        imported_by: None,
        findings: crate::report::json::violations(&mine),
        finding_lines: mine.iter().map(crate::report::agent::line).collect(),
    };
    let Some(file) = file else {
        return guidance;
    };
    let model = cx.model;
    let name = |g: GroupId| model.group(g).map_or_else(String::new, |g| g.name.clone());
    guidance.layer = model.layer(file).map(name);
    guidance.modules = model.module(file).map(name).into_iter().collect();

    let contracts = Contracts::new(cx, file);
    let own = &contracts.own;
    guidance.may_import = may_import(&contracts);

    // Packages: the module's list, else the layer's, else `[check]`'s.
    let lists = model
        .module(file)
        .into_iter()
        .chain(model.layer(file))
        .filter_map(|g| cx.group(g).and_then(|(_, d)| d.externals.as_ref()));
    guidance.externals = lists
        .chain(cx.config.check.externals.as_ref())
        .next()
        .map(|list| list.iter().map(ToString::to_string).collect());

    guidance.forbidden = forbidden(cx, file, own, &contracts.forbids);
    guidance.independent_of = contracts
        .independent
        .iter()
        .map(|(g, reason)| Independent {
            group: name(*g),
            reason: reason.clone(),
        })
        .collect();

    // Public files of the groups it may import from.
    for (g, group) in model.groups.iter().enumerate() {
        let Some(public) = group.public else { continue };
        if own.contains(&g) || !contracts.may_reach(g) {
            continue;
        }
        let files = contracts
            .members
            .get(g)
            .into_iter()
            .flatten()
            .filter(|&&f| model.contains(f, public))
            .map(|&f| cx.path(f).to_owned())
            .collect();
        guidance.public.push(Public {
            group: group.name.clone(),
            files,
        });
    }

    guidance.imported_by = imported_by(cx, file, own);
    guidance
}

/// What `file` must not import: the layers above its own, the `[[forbid]]` entries whose
/// `from` holds it, and the groups whose `imported_by` leaves it out.
fn forbidden(
    cx: &CheckContext<'_>,
    file: FileId,
    own: &[GroupId],
    forbids: &[Forbid],
) -> Vec<Forbidden> {
    let model = cx.model;
    let name = |g: GroupId| model.group(g).map_or_else(String::new, |g| g.name.clone());
    let layer_rank = model.layer(file);
    let mut out = Vec::new();
    if let Some(rank) = layer_rank {
        for higher in cx.config.layers.iter().take(rank) {
            out.push(Forbidden {
                to: higher.name.clone(),
                reason: format!(
                    "layer `{}` is above layer `{}` in the layer order",
                    higher.name,
                    name(rank)
                ),
                fix: None,
                rule: "upward-import",
            });
        }
    }
    for f in forbids {
        out.push(Forbidden {
            to: f.to.clone(),
            reason: f.reason.clone(),
            fix: f.fix.clone(),
            rule: "forbidden-import",
        });
    }
    for (g, group) in model.groups.iter().enumerate() {
        if own.contains(&g) || admits(cx, g, file, own) {
            continue;
        }
        let Some((_, decl)) = cx.group(g) else {
            continue;
        };
        let Some(spec) = &decl.imported_by else {
            continue;
        };
        out.push(Forbidden {
            to: group.name.clone(),
            reason: format!(
                "may be imported only by its own files and {}",
                spec.entries
                    .iter()
                    .map(|e| format!("`{}`", e.text))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            fix: None,
            rule: "disallowed-import",
        });
    }
    out
}

/// Who may import `file`: the layers at or above its own, or, when one of its groups has
/// `imported_by`, only its own groups and that list; `None` when anyone may.
fn imported_by(cx: &CheckContext<'_>, file: FileId, own: &[GroupId]) -> Option<Vec<String>> {
    let model = cx.model;
    let name = |g: GroupId| model.group(g).map_or_else(String::new, |g| g.name.clone());
    let layer_rank = model.layer(file);
    // Who may import it: the layers at or above its own, narrowed by its groups'
    // `imported_by`.
    let mut importers: Option<Vec<String>> = layer_rank.map(|rank| {
        cx.config
            .layers
            .iter()
            .take(rank + 1)
            .map(|l| l.name.clone())
            .collect()
    });
    // A group's `imported_by` replaces the order's answer: only its own files and the list.
    let restricted: Vec<&crate::config::SelectorSpec> = own
        .iter()
        .filter_map(|&g| cx.group(g).and_then(|(_, d)| d.imported_by.as_ref()))
        .collect();
    if !restricted.is_empty() {
        let mut list: Vec<String> = own.iter().map(|&g| name(g)).collect();
        for entry in restricted.iter().flat_map(|s| &s.entries) {
            if !entry.negated && !list.contains(&entry.text) {
                list.push(entry.text.clone());
            }
        }
        importers = Some(list);
    }
    importers
}

/// What the file's groups say about the groups it may import, gathered once.
struct Contracts<'a> {
    cx: &'a CheckContext<'a>,
    file: FileId,
    /// Its layer, then its module.
    own: Vec<GroupId>,
    /// The `may_import` selectors of its groups.
    allowlists: Vec<SelectorId>,
    independent: Vec<(GroupId, Option<String>)>,
    forbids: Vec<Forbid>,
    /// The files of each group.
    members: Vec<Vec<FileId>>,
}

impl<'a> Contracts<'a> {
    fn new(cx: &'a CheckContext<'a>, file: FileId) -> Self {
        let model = cx.model;
        let own: Vec<GroupId> = model.groups_of(file).collect();
        let allowlists = own
            .iter()
            .filter_map(|&g| model.group(g).and_then(|g| g.may_import))
            .collect();
        Self {
            cx,
            file,
            own,
            allowlists,
            independent: independent_of(cx, file),
            forbids: forbids(cx, file),
            members: members(cx),
        }
    }

    /// Whether an import from the file into group `g` breaks none of its contracts: the layer
    /// order, the allowlists (some file of `g` is on each), `g`'s `imported_by`, independence
    /// and a `[[forbid]]` naming `g`.
    fn may_reach(&self, g: GroupId) -> bool {
        let model = self.cx.model;
        let files = self.members.get(g).map_or(&[][..], Vec::as_slice);
        let by_order = match (model.group(g).map(|g| g.kind), model.layer(self.file)) {
            (Some(GroupKind::Layer), Some(rank)) => g >= rank,
            _ => true,
        };
        by_order
            && self
                .allowlists
                .iter()
                .all(|&s| files.iter().any(|&f| model.contains(f, s)))
            && admits(self.cx, g, self.file, &self.own)
            && !self.independent.iter().any(|(i, _)| *i == g)
            && !self.forbids.iter().any(|f| f.group == Some(g))
    }
}

/// The groups (and allowlist globs) the file may import: its own, the layers the order
/// leaves, and modules when an allowlist names them; `None` when no layer or allowlist
/// constrains it.
fn may_import(contracts: &Contracts<'_>) -> Option<Vec<Allowed>> {
    let cx = contracts.cx;
    if cx.model.layer(contracts.file).is_none() && contracts.allowlists.is_empty() {
        return None;
    }
    let mut allowed = Vec::new();
    for (g, group) in cx.model.groups.iter().enumerate() {
        let named = group.kind == GroupKind::Layer || !contracts.allowlists.is_empty();
        if contracts.own.contains(&g) || (named && contracts.may_reach(g)) {
            allowed.push(Allowed {
                group: Some(group.name.clone()),
                paths: cx.folders(g),
            });
        }
    }
    // Globs of the allowlists, as written.
    for &g in &contracts.own {
        let Some((_, decl)) = cx.group(g) else {
            continue;
        };
        for entry in decl.may_import.iter().flat_map(|s| &s.entries) {
            if let crate::config::AtomSpec::Glob(pattern) = &entry.atom
                && !entry.negated
            {
                allowed.push(Allowed {
                    group: None,
                    paths: vec![pattern.clone()],
                });
            }
        }
    }
    Some(allowed)
}

/// The files of each group.
fn members(cx: &CheckContext<'_>) -> Vec<Vec<FileId>> {
    let mut members = vec![Vec::new(); cx.model.groups.len()];
    for file in 0..cx.graph.files.len() {
        for g in cx.model.groups_of(file) {
            if let Some(list) = members.get_mut(g) {
                list.push(file);
            }
        }
    }
    members
}

/// Whether group `g`'s `imported_by` (if any) lets `file` import it.
fn admits(cx: &CheckContext<'_>, g: GroupId, file: FileId, own: &[GroupId]) -> bool {
    own.contains(&g)
        || cx
            .model
            .group(g)
            .and_then(|g| g.imported_by)
            .is_none_or(|s| cx.model.contains(file, s))
}

/// The groups `file`'s groups are independent of, with the reason: `[[independent]]` entries
/// naming one of its groups, and the other instances of an `independent = true` template.
fn independent_of(cx: &CheckContext<'_>, file: FileId) -> Vec<(GroupId, Option<String>)> {
    let model = cx.model;
    let own: Vec<GroupId> = model.groups_of(file).collect();
    let mut out: Vec<(GroupId, Option<String>)> = Vec::new();
    for (rule, groups) in cx.config.independent.iter().zip(&model.independent) {
        if !groups.iter().any(|g| own.contains(g)) {
            continue;
        }
        for &g in groups {
            if !own.contains(&g) && !out.iter().any(|(o, _)| *o == g) {
                out.push((g, rule.reason.clone()));
            }
        }
    }
    if let Some(m) = model.module(file)
        && let Some(group) = model.group(m)
        && let Decl::Module(decl) = group.decl
        && group.value.is_some()
        && cx.config.modules.get(decl).is_some_and(|d| d.independent)
    {
        for (g, other) in model.groups.iter().enumerate() {
            if g != m && other.decl == group.decl && !out.iter().any(|(o, _)| *o == g) {
                out.push((
                    g,
                    Some(format!(
                        "instances of `{}` are independent",
                        decl_name(cx, decl)
                    )),
                ));
            }
        }
    }
    out
}

fn decl_name(cx: &CheckContext<'_>, module: usize) -> String {
    cx.config
        .modules
        .get(module)
        .map_or_else(String::new, |d| d.name.clone())
}

/// A `[[forbid]]` entry whose `from` holds the file.
struct Forbid {
    to: String,
    reason: String,
    fix: Option<String>,
    /// The group `to` names, when it is exactly one.
    group: Option<GroupId>,
}

fn forbids(cx: &CheckContext<'_>, file: FileId) -> Vec<Forbid> {
    let model = cx.model;
    model
        .selectors_of(file)
        .iter()
        .filter_map(|&s| match model.key(s) {
            Some(Key::ForbidFrom(i)) => Some(i),
            _ => None,
        })
        .filter_map(|i| {
            let rule = cx.config.forbid.get(i)?;
            let group = match rule.to.as_layer() {
                Some(rank) => Some(rank),
                None => match rule.to.as_group() {
                    Some(crate::config::AtomSpec::Module(m)) => model
                        .groups
                        .iter()
                        .position(|g| g.decl == Decl::Module(*m) && g.value.is_none()),
                    _ => None,
                },
            };
            Some(Forbid {
                to: rule.to_text.clone(),
                reason: rule.reason.clone(),
                fix: rule.fix.clone(),
                group,
            })
        })
        .collect()
}

/// The guidance as short text for a person or an agent's context.
pub fn render(g: &Guidance) -> String {
    let mut out = String::new();
    let state = if g.exists { "" } else { " (new file)" };
    let place = super::place_text(g.layer.as_deref(), &g.modules)
        .unwrap_or_else(|| "no layer or module".to_owned());
    let _ = writeln!(out, "{}{state}: {place}", g.path);
    if !g.source {
        let _ = writeln!(
            out,
            "Not a source file of the checked languages: no import rule applies to it."
        );
        return out;
    }
    match &g.may_import {
        None => {
            let _ = writeln!(
                out,
                "May import: any file (no layer or allowlist constrains it)."
            );
        }
        Some(list) => {
            let parts: Vec<String> = list
                .iter()
                .map(|a| match &a.group {
                    Some(name) if a.paths.is_empty() => format!("`{name}`"),
                    Some(name) => format!("`{name}` ({})", a.paths.join(", ")),
                    None => format!("files matching {}", a.paths.join(", ")),
                })
                .collect();
            let rest = if g.layer.is_some() && !parts.is_empty() {
                "; files in no layer"
            } else {
                ""
            };
            let _ = writeln!(out, "May import: {}{rest}.", parts.join(", "));
        }
    }
    match &g.externals {
        None => {}
        Some(list) if list.is_empty() => {
            let _ = writeln!(out, "Packages: the standard library only.");
        }
        Some(list) => {
            let _ = writeln!(
                out,
                "Packages: `{}` and the standard library only.",
                list.join("`, `")
            );
        }
    }
    must_not(g, &mut out);
    for p in &g.public {
        let _ = writeln!(
            out,
            "Import `{}` only through its public files: {}.",
            p.group,
            crate::check::short_list(&p.files, 5)
        );
    }
    if let Some(list) = &g.imported_by {
        let _ = writeln!(out, "May be imported by: `{}`.", list.join("`, `"));
    }
    if g.finding_lines.is_empty() {
        let _ = writeln!(out, "Findings in it today: none.");
    } else {
        let _ = writeln!(out, "Findings in it today:");
        for line in &g.finding_lines {
            let _ = writeln!(out, "- {line}");
        }
    }
    out
}

/// The "Must not import" part of [`render`].
fn must_not(g: &Guidance, out: &mut String) {
    let higher: Vec<&str> = g
        .forbidden
        .iter()
        .filter(|f| f.rule == "upward-import")
        .map(|f| f.to.as_str())
        .collect();
    let others: Vec<&Forbidden> = g
        .forbidden
        .iter()
        .filter(|f| f.rule != "upward-import")
        .collect();
    if !higher.is_empty() || !others.is_empty() || !g.independent_of.is_empty() {
        let _ = writeln!(out, "Must not import:");
        if !higher.is_empty() {
            let _ = writeln!(out, "- the layers above it: `{}`", higher.join("`, `"));
        }
        for f in others {
            let mut line = format!("- `{}`: {}", f.to, f.reason.trim_end_matches('.'));
            if let Some(fix) = &f.fix {
                line.push_str(&format!(". Instead: {fix}"));
            }
            let _ = writeln!(out, "{line}");
        }
        for i in &g.independent_of {
            let reason = i
                .reason
                .as_deref()
                .unwrap_or("independent of this file's group");
            let _ = writeln!(out, "- `{}`: {reason}", i.group);
        }
    }
}
