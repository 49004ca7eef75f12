//! `unlayered-file` (AG009), only with `[check] unlayered = "error"`: a source file in no
//! layer and no module, so that new code cannot escape the architecture by landing in a fresh
//! folder.

use crate::check::{CheckContext, Rule, RuleMeta, file_name};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::source::{Position, Region};

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG009",
        name: "unlayered-file",
    },
    summary: "a source file in no layer and no module",
    doc: include_str!("../../../rules/unlayered-file.md"),
    default_severity: Severity::Error,
};

pub(crate) struct UnlayeredFile;

impl Rule for UnlayeredFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        if !cx.config.check.unlayered {
            return;
        }
        for file in 0..cx.graph.files.len() {
            let path = cx.path(file);
            let is_manifest = crate::resolve::language_for(path)
                .is_some_and(|l| l.manifests.contains(&file_name(path)));
            if is_manifest || cx.model.groups_of(file).next().is_some() {
                continue;
            }
            out.push(unlayered_file(cx, path));
        }
    }
}

fn unlayered_file(cx: &CheckContext<'_>, path: &str) -> Diagnostic {
    // The groups with a folder, nearest first: the most leading folders shared with the file.
    let shared = |folder: &str| {
        folder
            .split('/')
            .zip(path.split('/'))
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut groups: Vec<(usize, String)> = cx
        .config
        .layers
        .iter()
        .map(|g| ("layer", g))
        .chain(
            cx.config
                .modules
                .iter()
                .filter(|g| g.placeholder.is_none())
                .map(|g| ("module", g)),
        )
        .filter_map(|(kind, g)| {
            let folder = g.folder()?;
            Some((
                shared(&folder),
                format!("{kind} `{}` in `{folder}`", g.name),
            ))
        })
        .collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.0));
    let listed: Vec<&str> = groups.iter().map(|(_, text)| text.as_str()).collect();
    let help = if listed.is_empty() {
        format!(
            "Move `{path}` into the folder of a layer or module declared in layers.toml, so that \
             the architecture's rules apply to it. Adding a folder to a group's `paths` needs a \
             human review."
        )
    } else {
        format!(
            "Move `{path}` into the folder of the group it belongs to, nearest first: {}; so \
             that the architecture's rules apply to it. Adding a folder to a group's `paths` in \
             layers.toml needs a human review.",
            listed.join(", ")
        )
    };
    let start = Position { line: 1, column: 1 };
    Diagnostic::new(
        META.id,
        META.default_severity,
        path,
        Region {
            start,
            end: start,
            bytes: 0..0,
        },
    )
    .message(format!("`{path}` is in no layer and no module"))
    .label("this file is outside the architecture")
    .help(help)
}
