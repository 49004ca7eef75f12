//! `private-import` (AG007): an import, from outside a group, of one of its files that its
//! `public` list does not name (Nx's deep-import rule, Sheriff's barrels, tach interfaces).

use crate::check::{
    CheckContext, Import, Rule, RuleMeta, Target, file_name, import_facts, removal,
};
use crate::config::{Decl, GroupId};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::resolve::FileId;

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
                out.push(private_import(cx, &import, to, g, public));
            }
        }
    }
}

fn private_import(
    cx: &CheckContext<'_>,
    import: &Import<'_>,
    to: FileId,
    g: GroupId,
    public: &[FileId],
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
            // A public file that already imports the target likely exports what is needed.
            let exporting = files
                .iter()
                .find(|&&p| cx.graph.imports_of(p).any(|t| t == to));
            let shown: Vec<String> = files.iter().map(|&f| format!("`{}`", cx.path(f))).collect();
            if let Some(&p) = exporting {
                format!(
                    "Import `{}` from the public API of `{name}` instead: `{}` (which imports \
                     `{}`) rather than `{target}` directly.",
                    import.site.specifier,
                    cx.path(p),
                    file_name(target),
                )
            } else {
                let first = cx.path(files.first().copied().unwrap_or(to));
                format!(
                    "Import it from the public API of `{name}` ({}) instead of `{target}`; it is \
                     not exported there yet: first re-export it from `{first}` ({}).",
                    shown.join(", "),
                    reexport_syntax(first),
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

/// How a re-export is written in the language of `path`.
fn reexport_syntax(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "py" | "pyi" => "`from .module import name`",
        "rs" => "`pub use self::module::Name;`",
        _ => "`export { name } from \"./module\"`",
    }
}
