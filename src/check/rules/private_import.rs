//! `private-import` (AG007): an import, from outside a group, of one of its files that its
//! `public` list does not name (Nx's deep-import rule, Sheriff's barrels, tach interfaces).

use std::collections::HashMap;

use crate::check::{
    CheckContext, Import, Rule, RuleMeta, Target, file_name, import_facts, removal,
};
use crate::config::{Decl, GroupId};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::resolve::FileId;
use crate::source::RelPath;

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG007",
        name: "private-import",
    },
    summary: "an import, from outside a group, of a file its `public` list does not name",
    doc: include_str!("../../../rules/private-import.md"),
    default_severity: Severity::Error,
};

pub(crate) struct PrivateImport;

impl Rule for PrivateImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.model.groups.iter().any(|g| g.public.is_some()) {
            return;
        }
        // The public files of each group, for fixes.
        let mut public_files: Vec<Vec<FileId>> = vec![Vec::new(); cx.model.groups.len()];
        for file in 0..cx.graph.files.len() {
            for g in cx.model.groups_of(file) {
                if let Some(list) = cx.model.group(g).and_then(|g| g.public)
                    && cx.model.contains(file, list)
                    && let Some(files) = public_files.get_mut(g)
                {
                    files.push(file);
                }
            }
        }
        // Which public files already import a file, found once per (group, file) from the
        // sites into it: a finding must not look at every public file's imports.
        let mut positions: HashMap<GroupId, HashMap<FileId, usize>> = HashMap::new();
        let mut exports: HashMap<(GroupId, FileId), Exports> = HashMap::new();
        for import in cx.imports(&META) {
            let Target::File(to) = import.to else {
                continue;
            };
            if cx.skips_type_only(import.from, import.site, None) {
                continue;
            }
            for g in cx.model.groups_of(to) {
                let Some(list) = cx.model.group(g).and_then(|g| g.public) else {
                    continue;
                };
                if cx.model.is_in(import.from, g) || cx.model.contains(to, list) {
                    continue;
                }
                let public = public_files.get(g).map_or(&[][..], Vec::as_slice);
                let found = exports.entry((g, to)).or_insert_with(|| {
                    let position = positions.entry(g).or_insert_with(|| {
                        public.iter().enumerate().map(|(i, &f)| (f, i)).collect()
                    });
                    Exports::of(cx, position, to)
                });
                out.push(private_import(cx, &import, to, g, (public, found)));
            }
        }
    }
}

/// Which of a group's public files import one file, by their position in the group's list of
/// public files: the first that imports it at all, and the first for each name imported.
struct Exports {
    any: Option<usize>,
    by_name: HashMap<String, usize>,
}

impl Exports {
    fn of(cx: &CheckContext<'_>, position: &HashMap<FileId, usize>, to: FileId) -> Self {
        let mut found = Self {
            any: None,
            by_name: HashMap::new(),
        };
        for (from, site) in cx.graph.sites_into(to) {
            let Some(&i) = position.get(&from) else {
                continue;
            };
            found.any = Some(found.any.map_or(i, |a| a.min(i)));
            if let Some(name) = imported_name(&site.specifier) {
                let first = found.by_name.entry(name.to_owned()).or_insert(i);
                *first = (*first).min(i);
            }
        }
        found
    }

    /// The first public file that imports `wanted` (or `*`) from the file; any import of it
    /// for `None` (TypeScript specifiers name files, not bindings).
    fn exporting(&self, wanted: Option<&str>) -> Option<usize> {
        match wanted {
            None => self.any,
            Some(name) => {
                let named = self.by_name.get(name).copied();
                let star = self.by_name.get("*").copied();
                named.into_iter().chain(star).min()
            }
        }
    }
}

fn private_import(
    cx: &CheckContext<'_>,
    import: &Import<'_>,
    to: FileId,
    g: GroupId,
    (public, exports): (&[FileId], &Exports),
) -> Diagnostic {
    let path = cx.path(import.from);
    let target = cx.path(to);
    let (name, kind) = cx.model.group(g).map_or(("", "group"), |group| {
        let kind = match group.decl {
            Decl::Layer(_) => "layer",
            Decl::Module(_) => "module",
        };
        (group.name.as_str(), kind)
    });
    let help = match public {
        [] => format!(
            "{}: {kind} `{name}` has no public file yet. Import from the file its `public` list \
             names once it exists, or move what `{}` needs out of `{name}`.",
            removal(import.site, path),
            file_name(path),
        ),
        files => {
            // A public file that already imports the name from the target exports it.
            let wanted = imported_name(&import.site.specifier);
            let exporting = exports.exporting(wanted).and_then(|i| files.get(i));
            let what = wanted.map_or_else(|| "what it needs".to_owned(), |n| format!("`{n}`"));
            if let Some(&p) = exporting {
                format!(
                    "{}: import {what} from `{}`, the public API of {kind} `{name}`, which \
                     already exports it, instead of from `{target}`.",
                    removal(import.site, path),
                    cx.path(p),
                )
            } else {
                let first = cx.path(files.first().copied().unwrap_or(to));
                // The next ten public files, then how many more.
                let mut others: Vec<String> = files
                    .iter()
                    .skip(1)
                    .take(10)
                    .map(|&f| format!("`{}`", cx.path(f)))
                    .collect();
                let more = files.len().saturating_sub(11);
                if more > 0 {
                    others.push(format!("{more} more"));
                }
                let also = if others.is_empty() {
                    String::new()
                } else {
                    format!(" (or from {})", others.join(", "))
                };
                format!(
                    "{}: {what} is not exported by the public API of {kind} `{name}` yet. \
                     Re-export it from `{first}`{also} first ({}), then import it from there \
                     instead of from `{target}`.",
                    removal(import.site, path),
                    reexport(first, target, &import.site.specifier, wanted),
                )
            }
        }
    };
    let mut facts = import_facts(cx, import);
    facts.to_group = Some(name.to_owned());
    let mut diagnostic = Diagnostic::new(
        META.id,
        META.default_severity,
        path,
        import.site.region.clone(),
    )
    .message(format!(
        "`{path}` imports `{target}`, a private file of {kind} `{name}`"
    ))
    .label(format!("`{target}` is not in the public API of `{name}`"))
    .help(format!(
        "{help} Making `{}` public in layers.toml needs a human review.",
        file_name(target)
    ))
    .related(cx.target_location(to));
    if let Some(region) = cx.group(g).and_then(|(_, d)| d.spans.public.clone()) {
        diagnostic =
            diagnostic.contract(cx.config_location(&region, format!("`public` of `{name}`")));
    }
    diagnostic.import(facts)
}

/// The name an import takes from its module, where the specifier carries one: the last
/// segment of a Python dotted name or a Rust path; `None` for a path-like specifier
/// (TypeScript), which names a file.
fn imported_name(specifier: &str) -> Option<&str> {
    if specifier.contains("::") {
        return specifier.rsplit("::").next();
    }
    if specifier.contains('/') {
        return None;
    }
    specifier.rsplit('.').next().filter(|n| !n.is_empty())
}

/// The re-export to write in the public file `public` for `name` of `target`, in its
/// language.
fn reexport(public: &str, target: &str, specifier: &str, name: Option<&str>) -> String {
    let ext = RelPath::new(public).extension();
    let dir = RelPath::new(public).parent();
    let below = RelPath::new(target).strip_dir(dir.as_str());
    match ext {
        "py" | "pyi" => {
            // `from pkg.billing import tax` imports the module itself: re-export the module.
            let stem = RelPath::new(target)
                .file_name()
                .trim_end_matches(".pyi")
                .trim_end_matches(".py");
            if name.is_some_and(|n| n == stem) {
                let package = below
                    .and_then(|rest| rest.rsplit_once('/'))
                    .map_or(String::new(), |(dir, _)| dir.replace('/', "."));
                return format!("`from .{package} import {stem}`");
            }
            let module = match below {
                Some(rest) => format!(
                    ".{}",
                    rest.trim_end_matches(".pyi")
                        .trim_end_matches(".py")
                        .trim_end_matches("/__init__")
                        .replace('/', ".")
                ),
                None => specifier
                    .rsplit_once('.')
                    .map_or(specifier, |(m, _)| m)
                    .to_owned(),
            };
            format!("`from {module} import {}`", name.unwrap_or("…"))
        }
        "rs" => format!("`pub use {specifier};`"),
        _ => {
            let rel = below.map_or_else(
                || target.to_owned(),
                |rest| {
                    let stem = rest
                        .rsplit_once('.')
                        .map_or(rest, |(s, _)| s)
                        .trim_end_matches(".d");
                    format!("./{stem}")
                },
            );
            format!("`export {{ … }} from \"{rel}\"`")
        }
    }
}
