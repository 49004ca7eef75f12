//! The analysis pipeline: files → extract → resolve → graph, on one thread pool. It reads
//! the repository and builds the graph every command works on; what is reported, where, and
//! how the run ends is the commands' business ([`super`]).
//!
//! Layer `entry`.

use rayon::prelude::*;

use super::extract;
use crate::cache::Cache;
use crate::config::{Config, ConfigError};
use crate::diagnostic::FileWarning;
use crate::graph::{ImportGraph, Site};
use crate::lang::{Manifest, RawImport};
use crate::resolve::{self, FileTable, Resolution, ResolveContext};
use crate::source::Region;

/// A repository read and resolved: the input of every rule.
pub struct Analysis {
    pub config: Config,
    pub graph: ImportGraph,
    pub warnings: Vec<FileWarning>,
}

/// Reads, parses and resolves every file under the config's root, reusing `cache`'s
/// extraction results for files whose content it has seen. The walk runs on `jobs` threads;
/// the rest runs on a pool of `jobs` threads but never more than there are files, since
/// more would only wait.
pub fn analyze(config: Config, jobs: usize, cache: Cache) -> Result<Analysis, Vec<ConfigError>> {
    analyze_planned(config, jobs, cache, None)
}

/// [`analyze`], with `planned` (a repo-relative path that need not exist yet, SPEC §10
/// `where`) among the files: a source file not on disk joins the run with no imports, so that
/// its layer, module and selectors are what they will be once it is written.
pub fn analyze_planned(
    config: Config,
    jobs: usize,
    cache: Cache,
    planned: Option<&str>,
) -> Result<Analysis, Vec<ConfigError>> {
    let mut walked = extract::walk(&config, jobs, &cache);
    let others = walked.take_others();
    let threads = jobs.min(walked.len()).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    let run = || analyze_walked(config, walked, cache, planned, &others);
    match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

fn analyze_walked(
    config: Config,
    walked: extract::Walked,
    cache: Cache,
    planned: Option<&str>,
    others: &[String],
) -> Result<Analysis, Vec<ConfigError>> {
    let (mut parsed, mut warnings) = extract::extract_all(walked, cache);
    if let Some(path) = planned {
        extract::plan(&config, &mut parsed, path);
    }
    // Each file's parts move to where they are used: nothing of the extraction is copied.
    let mut table = Vec::with_capacity(parsed.len());
    let mut imports: Vec<Vec<RawImport>> = Vec::with_capacity(parsed.len());
    let mut regions: Vec<Vec<Region>> = Vec::with_capacity(parsed.len());
    let mut manifests: Vec<Option<Manifest>> = Vec::with_capacity(parsed.len());
    let mut suppressions = Vec::with_capacity(parsed.len());
    for p in parsed {
        table.push((p.file.path, p.lang));
        imports.push(p.entry.imports);
        regions.push(p.entry.regions);
        manifests.push(p.entry.manifest);
        suppressions.push(p.entry.suppressions);
    }
    let files = FileTable::new(table);
    let mut model = config.assign(&files.paths)?;
    if !config.risk.is_empty() {
        let risk = crate::harness::risk::unmatched(&config, &model, &files.paths, others);
        model.unmatched.extend(risk);
        model.unmatched.sort_unstable();
    }
    let cx = ResolveContext {
        config: &config,
        files: &files,
        imports: &imports,
        manifests: &manifests,
    };
    let (resolved, resolver_warnings) = resolve_all(&cx);
    warnings.extend(resolver_warnings);
    warnings.sort();
    let resolved = sites(imports, regions, resolved);

    let mut graph = ImportGraph::new(files, model);
    graph.suppressions = suppressions;
    for (site, resolution) in resolved.into_iter().flatten() {
        graph.add(site, resolution);
    }
    Ok(Analysis {
        config,
        graph,
        warnings,
    })
}

/// What every import site of every file names, by file, and what the resolvers found wrong
/// while building their models. One resolver per language present, shared by all threads; a
/// file of a language without one gets no resolutions.
fn resolve_all(cx: &ResolveContext<'_>) -> (Vec<Vec<Resolution>>, Vec<FileWarning>) {
    let files = cx.files;
    let resolvers = resolve::resolvers(cx);
    let resolved: Vec<Vec<Resolution>> = cx
        .imports
        .par_iter()
        .enumerate()
        .map(|(id, raw_imports)| {
            let lang = files.langs.get(id);
            let Some((_, resolver)) = resolvers.iter().find(|(l, _)| Some(l) == lang) else {
                return Vec::new();
            };
            raw_imports
                .iter()
                .map(|raw| resolver.resolve(id, raw))
                .collect()
        })
        .collect();
    let warnings = resolvers.iter().flat_map(|(_, r)| r.warnings()).collect();
    (resolved, warnings)
}

/// Every import site with what it names: each site takes its file's specifier and region,
/// moved, not copied.
fn sites(
    imports: Vec<Vec<RawImport>>,
    regions: Vec<Vec<Region>>,
    resolved: Vec<Vec<Resolution>>,
) -> Vec<Vec<(Site, Resolution)>> {
    imports
        .into_par_iter()
        .zip(regions)
        .zip(resolved)
        .enumerate()
        .map(|(id, ((raw_imports, regions), resolutions))| {
            raw_imports
                .into_iter()
                .zip(regions)
                .zip(resolutions)
                .map(|((raw, region), resolution)| {
                    let site = Site {
                        file: id,
                        specifier: raw.specifier,
                        kind: raw.kind,
                        region,
                    };
                    (site, resolution)
                })
                .collect()
        })
        .collect()
}
