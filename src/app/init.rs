//! `archgate init` (SPEC §9): a first `layers.toml` inferred from the import graph of a
//! repository that has none.
//!
//! 1. Candidate groups, per language: a Python top-level package's subpackages (and its own
//!    modules as one group), the workspace packages of a TypeScript repository or else the
//!    folders under `src/`, the crates of a Cargo workspace or else a single crate's top-level
//!    modules. Files in no candidate (tests, scripts) stay unlayered.
//! 2. The graph between the groups; groups that import each other in a cycle are merged.
//! 3. Layers by depth in that graph (a group is placed below every group that imports it: the
//!    longest chain of imports from the top), so every import goes downwards and `archgate
//!    check` on the result is clean. Groups at the same depth share a layer.
//!
//! Every decision is written as a comment, for the maintainer who edits the file next.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::graph::ImportGraph;
use crate::source::RelPath;

/// One candidate group: a name and the glob of its files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    name: String,
    globs: Vec<String>,
    /// Which rule made it, for the comment.
    why: &'static str,
}

/// The text of the inferred `layers.toml`, and how many layers and groups it has.
pub(super) struct Proposal {
    pub text: String,
    pub layers: usize,
    pub groups: usize,
}

/// Infers a `layers.toml` from `graph` (built without a configuration).
pub(super) fn propose(graph: &ImportGraph, root: &Path) -> Proposal {
    let files = &graph.files;
    let mut candidate_of: Vec<Option<usize>> = vec![None; files.len()];
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let python = python_bases(graph);
    let typescript = typescript_bases(graph, root);
    let rust = rust_bases(graph);
    for file in 0..files.len() {
        let path = files.path(file);
        let Some(candidate) = candidate(path, &python, &typescript, &rust) else {
            continue;
        };
        let key = candidate.globs.join(",");
        let id = *index.entry(key).or_insert_with(|| {
            candidates.push(candidate);
            candidates.len() - 1
        });
        if let Some(slot) = candidate_of.get_mut(file) {
            *slot = Some(id);
        }
    }
    unique_names(&mut candidates);

    // The graph between candidates, weighted by import sites.
    let mut weight: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for edge in graph.internal_edges() {
        let (Some(a), Some(b)) = (
            candidate_of.get(edge.from).copied().flatten(),
            candidate_of.get(edge.to).copied().flatten(),
        ) else {
            continue;
        };
        if a != b {
            *weight.entry((a, b)).or_default() += 1;
        }
    }
    let (unit_of, units) = merge_mutual(candidates.len(), &weight);
    let order = order_units(&units, &unit_of, &weight);
    let (levels, mut against) = levels(&order, &unit_of, &weight);
    let cycles: BTreeMap<usize, String> = units
        .iter()
        .enumerate()
        .filter(|(_, members)| members.len() > 1)
        .map(|(u, members)| {
            let names: Vec<&str> = members
                .iter()
                .filter_map(|&c| candidates.get(c).map(|c| c.name.as_str()))
                .collect();
            (u, names.join(" ⇄ "))
        })
        .collect();
    let mut text = render(
        &candidates,
        &units,
        &levels,
        &cycles,
        files.len(),
        &candidate_of,
    );
    if !against.is_empty() {
        against.sort_by_key(|&(a, b, w)| (std::cmp::Reverse(w), a, b));
        text.push_str(
            "\n# Imports against this order (the lighter direction of a cycle between groups);\n\
             # `archgate check` reports them: fix them, or freeze them with `archgate baseline`.\n",
        );
        for (a, b, w) in &against {
            let name = |c: &usize| candidates.get(*c).map_or("", |c| c.name.as_str());
            text.push_str(&format!(
                "#   {} → {}: {w} import{}\n",
                name(a),
                name(b),
                if *w == 1 { "" } else { "s" }
            ));
        }
    }
    Proposal {
        text,
        layers: levels.len(),
        groups: candidates.len(),
    }
}

/// The layers, by depth: the longest chain of downward imports from the top (an import
/// against the order, from a unit to one above it, is left for `check` to report), and the
/// imports that climb to a shallower layer.
#[expect(
    clippy::type_complexity,
    reason = "two results of one walk, named at the call"
)]
fn levels(
    order: &[usize],
    unit_of: &[usize],
    weight: &BTreeMap<(usize, usize), usize>,
) -> (BTreeMap<usize, Vec<usize>>, Vec<(usize, usize, usize)>) {
    let rank: BTreeMap<usize, usize> = order.iter().enumerate().map(|(i, &u)| (u, i)).collect();
    // The units each unit imports, so that the walk visits each import once.
    let mut succ: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(a, b) in weight.keys() {
        let (ua, ub) = (
            unit_of.get(a).copied().unwrap_or(a),
            unit_of.get(b).copied().unwrap_or(b),
        );
        if ua != ub {
            succ.entry(ua).or_default().push(ub);
        }
    }
    let mut depth: BTreeMap<usize, usize> = BTreeMap::new();
    let mut against: Vec<(usize, usize, usize)> = Vec::new();
    for &u in order {
        let du = depth.get(&u).copied().unwrap_or(0);
        depth.entry(u).or_insert(du);
        for &ub in succ.get(&u).into_iter().flatten() {
            if rank.get(&ub) > rank.get(&u) {
                let dv = depth.entry(ub).or_insert(0);
                *dv = (*dv).max(du + 1);
            }
        }
    }
    for (&(a, b), &w) in weight {
        let (ua, ub) = (
            unit_of.get(a).copied().unwrap_or(a),
            unit_of.get(b).copied().unwrap_or(b),
        );
        // Reported only when it climbs to a shallower layer (within one it is allowed).
        if ua != ub && depth.get(&ub) < depth.get(&ua) {
            against.push((a, b, w));
        }
    }
    // Units at the same depth share a layer; an import against the order must point to a
    // strictly lower depth, so it is reported, and no import within a layer is against it.
    // A unit that imports nothing and that nothing imports (a package's bare `__init__.py`)
    // constrains nothing: it goes to the bottom layer, which anyone may import.
    let connected: BTreeSet<usize> = weight
        .keys()
        .flat_map(|&(a, b)| [a, b])
        .filter_map(|c| unit_of.get(c).copied())
        .collect();
    let bottom = order
        .iter()
        .filter(|u| connected.contains(u))
        .filter_map(|u| depth.get(u).copied())
        .max()
        .unwrap_or(0);
    let mut levels: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &u in order {
        let d = if connected.contains(&u) {
            depth.get(&u).copied().unwrap_or(0)
        } else {
            bottom
        };
        levels.entry(d).or_default().push(u);
    }
    (levels, against)
}

/// Merges the groups that depend on each other heavily both ways (the lighter direction has
/// at least half the other's imports): a cycle no single edit breaks. The lighter
/// direction of a lopsided cycle is left as imports against the order. Returns each group's
/// unit and each unit's groups.
fn merge_mutual(
    count: usize,
    weight: &BTreeMap<(usize, usize), usize>,
) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut unit_of: Vec<usize> = (0..count).collect();
    let find = |unit_of: &Vec<usize>, mut x: usize| {
        while let Some(&p) = unit_of.get(x) {
            if p == x {
                break;
            }
            x = p;
        }
        x
    };
    for (&(a, b), &w) in weight {
        let back = weight.get(&(b, a)).copied().unwrap_or(0);
        if a < b && back > 0 && 2 * w.min(back) >= w.max(back) {
            let (ra, rb) = (find(&unit_of, a), find(&unit_of, b));
            if ra != rb
                && let Some(slot) = unit_of.get_mut(ra.max(rb))
            {
                *slot = ra.min(rb);
            }
        }
    }
    let unit_of: Vec<usize> = (0..count).map(|c| find(&unit_of, c)).collect();
    let mut units: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (c, &u) in unit_of.iter().enumerate() {
        if let Some(list) = units.get_mut(u) {
            list.push(c);
        }
    }
    (unit_of, units)
}

/// The units top first: repeatedly the unit whose imports outweigh its importers most among
/// those left (Eades, Lin and Smyth's ordering for a small set of imports against it), ties
/// by index.
fn order_units(
    units: &[Vec<usize>],
    unit_of: &[usize],
    weight: &BTreeMap<(usize, usize), usize>,
) -> Vec<usize> {
    let mut left: BTreeSet<usize> = (0..units.len())
        .filter(|&u| units.get(u).is_some_and(|m| !m.is_empty()))
        .collect();
    let mut unit_weight: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (&(a, b), &w) in weight {
        let (ua, ub) = (
            unit_of.get(a).copied().unwrap_or(a),
            unit_of.get(b).copied().unwrap_or(b),
        );
        if ua != ub {
            *unit_weight.entry((ua, ub)).or_default() += w;
        }
    }
    // The weight each unit imports from, and is imported by, the units left.
    let mut out: BTreeMap<usize, i64> = BTreeMap::new();
    let mut inn: BTreeMap<usize, i64> = BTreeMap::new();
    let mut succ: BTreeMap<usize, Vec<(usize, i64)>> = BTreeMap::new();
    let mut pred: BTreeMap<usize, Vec<(usize, i64)>> = BTreeMap::new();
    for (&(a, b), &w) in &unit_weight {
        let w = i64::try_from(w).unwrap_or(i64::MAX / 4);
        *out.entry(a).or_default() += w;
        *inn.entry(b).or_default() += w;
        succ.entry(a).or_default().push((b, w));
        pred.entry(b).or_default().push((a, w));
    }
    // Units nobody left imports first; else the best balance of imports over importers; ties
    // by the lowest index. The units left, ordered by that score (the best last), so that
    // each step and each update of a score costs a logarithm, not a pass over the units left.
    let score = |inn: &BTreeMap<usize, i64>, out: &BTreeMap<usize, i64>, u: usize| {
        let i = inn.get(&u).copied().unwrap_or(0);
        ((i == 0, out.get(&u).copied().unwrap_or(0) - i), Reverse(u))
    };
    let mut queue: BTreeSet<((bool, i64), Reverse<usize>)> =
        left.iter().map(|&u| score(&inn, &out, u)).collect();
    let mut order = Vec::with_capacity(left.len());
    while let Some((_, Reverse(next))) = queue.pop_last() {
        left.remove(&next);
        order.push(next);
        for &(b, w) in succ.get(&next).into_iter().flatten() {
            let live = left.contains(&b) && queue.remove(&score(&inn, &out, b));
            *inn.entry(b).or_default() -= w;
            if live {
                queue.insert(score(&inn, &out, b));
            }
        }
        for &(a, w) in pred.get(&next).into_iter().flatten() {
            let live = left.contains(&a) && queue.remove(&score(&inn, &out, a));
            *out.entry(a).or_default() -= w;
            if live {
                queue.insert(score(&inn, &out, a));
            }
        }
    }
    order
}

/// Python: every top-level package (the highest folder of a chain of `__init__.py` folders).
fn python_bases(graph: &ImportGraph) -> BTreeSet<String> {
    let packages: BTreeSet<&str> = graph
        .files
        .paths
        .iter()
        .filter(|p| RelPath::new(p).file_name() == "__init__.py")
        .map(|p| RelPath::new(p).parent().as_str())
        .collect();
    packages
        .iter()
        .filter(|dir| !dir.is_empty() && !packages.contains(RelPath::new(dir).parent().as_str()))
        .map(|d| (*d).to_owned())
        .collect()
}

/// TypeScript: the folders of `package.json` files below the root (workspace packages), or
/// else `src` when it holds TypeScript.
fn typescript_bases(graph: &ImportGraph, root: &Path) -> Vec<String> {
    let is_ts = |p: &str| {
        matches!(
            RelPath::new(p).extension(),
            "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs"
        )
    };
    if !graph.files.paths.iter().any(|p| is_ts(p)) {
        return Vec::new();
    }
    let mut packages: Vec<String> = Vec::new();
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for p in graph.files.paths.iter().filter(|p| is_ts(p)) {
        let mut dir = RelPath::new(p).parent();
        while !dir.as_str().is_empty() && dirs.insert(dir.as_str()) {
            dir = dir.parent();
        }
    }
    for dir in dirs {
        if root.join(dir).join("package.json").is_file() {
            packages.push(dir.to_owned());
        }
    }
    if packages.is_empty()
        && graph
            .files
            .paths
            .iter()
            .any(|p| p.starts_with("src/") && is_ts(p))
    {
        packages.push("src".to_owned());
    }
    packages
}

/// Rust: the folder of each crate when there are several, else the single crate's `src`.
fn rust_bases(graph: &ImportGraph) -> (Vec<String>, bool) {
    let crates: Vec<String> = graph
        .files
        .paths
        .iter()
        .filter(|p| RelPath::new(p).file_name() == "Cargo.toml")
        .map(|p| RelPath::new(p).parent().as_str().to_owned())
        .filter(|dir| {
            graph.files.paths.iter().any(|p| {
                RelPath::new(p)
                    .strip_dir(dir)
                    .is_some_and(|r| r.starts_with("src/"))
            })
        })
        .collect();
    if crates.len() == 1 {
        let src = RelPath::new(crates.first().map_or("", String::as_str))
            .join("src")
            .unwrap_or_default();
        (vec![src], false)
    } else {
        (crates, true)
    }
}

/// The candidate group of a file, if any.
fn candidate(
    path: &str,
    python: &BTreeSet<String>,
    typescript: &[String],
    (rust, whole_crates): &(Vec<String>, bool),
) -> Option<Candidate> {
    let rel = RelPath::new(path);
    let ext = rel.extension();
    if matches!(ext, "py" | "pyi") {
        let base = python.iter().find(|b| rel.strip_dir(b).is_some())?;
        return Some(below(
            base,
            rel.strip_dir(base)?,
            "a subpackage of a top-level Python package",
        ));
    }
    if ext == "rs" || rel.file_name() == "Cargo.toml" {
        let base = rust
            .iter()
            .filter(|b| rel.strip_dir(b).is_some())
            .max_by_key(|b| b.len())?;
        if *whole_crates {
            return Some(Candidate {
                name: name_of(base),
                globs: vec![format!("{base}/**")],
                why: "a crate of the workspace",
            });
        }
        // A module is `x.rs` with its folder `x/`, or `x/mod.rs`; the crate root alone.
        let in_base = rel.strip_dir(base)?;
        let module = match in_base.split_once('/') {
            Some((first, _)) => first,
            None => in_base.trim_end_matches(".rs"),
        };
        if matches!(module, "lib" | "main") && !in_base.contains('/') {
            return Some(Candidate {
                name: "crate-root".to_owned(),
                globs: vec![format!("{base}/lib.rs"), format!("{base}/main.rs")],
                why: "the crate root",
            });
        }
        return Some(Candidate {
            name: name_of(module),
            globs: vec![format!("{base}/{module}.rs"), format!("{base}/{module}/**")],
            why: "a top-level module of the crate",
        });
    }
    if matches!(
        ext,
        "ts" | "tsx" | "mts" | "cts" | "js" | "jsx" | "mjs" | "cjs"
    ) {
        let base = typescript
            .iter()
            .filter(|b| rel.strip_dir(b).is_some())
            .max_by_key(|b| b.len())?;
        if base != "src" {
            return Some(Candidate {
                name: name_of(base),
                globs: vec![format!("{base}/**")],
                why: "a package of the workspace",
            });
        }
        return Some(below(base, rel.strip_dir(base)?, "a folder under src/"));
    }
    None
}

/// The group of `rest`, a path below `base`: its first folder, or the files directly in
/// `base` as one group.
fn below(base: &str, rest: &str, why: &'static str) -> Candidate {
    match rest.split_once('/') {
        Some((first, _)) => Candidate {
            name: name_of(first),
            globs: vec![format!("{base}/{first}/**")],
            why,
        },
        None => Candidate {
            name: format!("{}-root", name_of(base)),
            globs: vec![format!("{base}/*")],
            why: "the files directly in the package or folder",
        },
    }
}

/// A group name from a folder: letters, digits, `-` and `_`.
fn name_of(dir: &str) -> String {
    let last = RelPath::new(dir).file_name();
    let name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if name.is_empty() {
        "root".to_owned()
    } else {
        name
    }
}

/// Makes names unique: a repeated name takes its parent folder's name in front.
fn unique_names(candidates: &mut [Candidate]) {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for c in candidates.iter() {
        *count.entry(c.name.clone()).or_default() += 1;
    }
    for c in candidates.iter_mut() {
        if count.get(&c.name).copied().unwrap_or(0) > 1 {
            let first = c.globs.first().map_or("", String::as_str);
            let dir = first.trim_end_matches("/**").trim_end_matches("/*");
            let parent = name_of(RelPath::new(dir).parent().as_str());
            c.name = format!("{parent}-{}", c.name);
        }
    }
}

fn render(
    candidates: &[Candidate],
    units: &[Vec<usize>],
    levels: &BTreeMap<usize, Vec<usize>>,
    cycles: &BTreeMap<usize, String>,
    file_count: usize,
    candidate_of: &[Option<usize>],
) -> String {
    let grouped = candidate_of.iter().filter(|c| c.is_some()).count();
    let mut text = format!(
        "# layers.toml written by `archgate init` from the import graph of {file_count} files.\n\
         #\n\
         # Candidate groups: a top-level Python package's subpackages, a TypeScript workspace's\n\
         # packages (or the folders under src/), a Cargo workspace's crates (or a crate's top-level\n\
         # modules). {grouped} files are in one; the {} others stay unlayered (tests, scripts).\n\
         # Layers are ordered by the imports between the groups: a group sits below every group\n\
         # that imports it, groups at the same depth share a layer, and groups that import each\n\
         # other heavily, both ways, share one (named below); the lighter direction of any other\n\
         # cycle is left against the order (listed at the end). Tighten it from here: split a\n\
         # layer, add [[forbid]] and [[independent]].\n",
        file_count - grouped
    );
    let mut used_names: BTreeSet<String> = BTreeSet::new();
    for (depth, members) in levels {
        let mut groups: Vec<usize> = members
            .iter()
            .flat_map(|&u| units.get(u).cloned().unwrap_or_default())
            .collect();
        groups.sort_by(|a, b| candidates.get(*a).cmp(&candidates.get(*b)));
        let names: Vec<&str> = groups
            .iter()
            .filter_map(|&g| candidates.get(g).map(|c| c.name.as_str()))
            .collect();
        // A layer is named after its groups, a package's own files aside.
        let titled: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !n.ends_with("-root"))
            .collect();
        let names_for_layer = if titled.is_empty() {
            names.clone()
        } else {
            titled
        };
        let mut name = match names_for_layer.as_slice() {
            [one] => (*one).to_owned(),
            [a, b] => format!("{a}-{b}"),
            [a, b, ..] => format!("{a}-{b}-and-{}-more", names_for_layer.len() - 2),
            [] => format!("layer-{depth}"),
        };
        while !used_names.insert(name.clone()) {
            name.push('_');
        }
        text.push('\n');
        if names.len() > 1 {
            text.push_str(&format!("# Depth {depth}: {}.\n", names.join(", ")));
        }
        for &u in members {
            if let Some(cycle) = cycles.get(&u) {
                text.push_str(&format!(
                    "# These import each other heavily, both ways, in a cycle: {cycle}.\n"
                ));
            }
        }
        for &g in &groups {
            if let Some(c) = candidates.get(g) {
                text.push_str(&format!("# {}: {}.\n", c.name, c.why));
            }
        }
        text.push_str("[[layers]]\n");
        text.push_str(&format!("name = \"{name}\"\n"));
        let globs: Vec<String> = groups
            .iter()
            .filter_map(|&g| candidates.get(g))
            .flat_map(|c| c.globs.iter().map(|g| format!("\"{g}\"")))
            .collect();
        text.push_str(&format!("paths = [{}]\n", globs.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_and_files_at_the_base_form_one_group() {
        assert_eq!(name_of("pkg/my.mod"), "my-mod");
        let c = below("django", "db/models/base.py", "x");
        assert_eq!(
            (c.name.as_str(), c.globs.as_slice()),
            ("db", &["django/db/**".to_owned()][..])
        );
        let c = below("django", "shortcuts.py", "x");
        assert_eq!(
            (c.name.as_str(), c.globs.as_slice()),
            ("django-root", &["django/*".to_owned()][..])
        );
    }
}
