//! Extraction of every file of the run: walk the root, take what the cache knows by size,
//! times and inode, read the rest (largest first), take what the cache knows by content,
//! parse the rest, and save the cache. Trouble with one file becomes a warning, never an
//! abort (ripgrep's haystack/search split: this module decides what is read and how; the
//! front-ends only see bytes).
//!
//! Layer `entry`.

use rayon::prelude::*;

use crate::cache::{self, Cache, Entry, Seen, Stat};
use crate::config::Config;
use crate::diagnostic::{FileWarning, WarningKind};
use crate::lang::{self, Lang};
use crate::resolve;
use crate::source::LineIndex;
use crate::walk::{self, WalkedFile};

/// Files larger than this are skipped with a warning; generated modules of 8 MB pass.
const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// One file after extraction.
pub(super) struct Parsed {
    pub file: WalkedFile,
    pub lang: Lang,
    /// The cache key of the file's content.
    pub key: u64,
    pub entry: Entry,
}

/// The source files under the root, each with what the cache knows of it by size and
/// modification time.
pub(super) struct Walked(walk::Walk<Probe>);

impl Walked {
    /// How many source files the walk found.
    pub fn len(&self) -> usize {
        self.0.files.len()
    }

    /// The files that are not source, which only `[[risk]] paths` look at.
    pub fn take_others(&mut self) -> Vec<String> {
        std::mem::take(&mut self.0.others)
    }
}

/// Walks the root on `threads` threads, looking each source file up in the cache as it is
/// found.
pub(super) fn walk(config: &Config, threads: usize, cache: &Cache) -> Walked {
    Walked(walk::walk(
        config,
        threads,
        &|name| resolve::language_for(name).is_some_and(|l| config.runs_language(l.name)),
        &|file| probe(file, cache),
    ))
}

/// Extracts the imports of every file walked, from the cache where it knows the content,
/// else by parsing, on the current thread pool, then saves the cache. Files come back sorted
/// by path; each file's own warnings (syntax errors, bytes that are not UTF-8) are among the
/// warnings. The cache is dropped once saved: what the run took from it is the run's own.
pub(super) fn extract_all(walked: Walked, cache: Cache) -> (Vec<Parsed>, Vec<FileWarning>) {
    let Walked(walked) = walked;
    let mut warnings = walked.warnings;

    // Read (and parse, where the cache does not know the content) what the walk could not
    // take from the cache, largest files first, so that one big file does not leave a thread
    // alone at the end.

    let mut results: Vec<(usize, Option<Parsed>, Vec<FileWarning>)> = Vec::new();
    let mut known = Vec::new();
    let mut order: Vec<(usize, WalkedFile)> = Vec::new();
    for (i, (file, probed)) in walked.files.into_iter().enumerate() {
        match probed {
            Probe::Known(lang, key) => known.push((i, file, lang, key)),
            Probe::Read => order.push((i, file)),
        }
    }
    super::progress::files(known.len() + order.len(), known.len());
    // Entries are decoded here, on the pool, each straight into the run's own copy; one that
    // does not decode sends its file to be read.
    results.par_extend(known.into_par_iter().map(|(i, file, lang, key)| {
        if let Some(entry) = cache.get(key) {
            let parsed = Parsed {
                file,
                lang,
                key,
                entry,
            };
            return (i, Some(parsed), Vec::new());
        }
        let (parsed, warnings) = read_and_extract(file, &cache);
        (i, parsed, warnings)
    }));
    order.sort_by_key(|(_, file)| std::cmp::Reverse(file.size));
    results.par_extend(
        order
            .into_par_iter()
            // One file per task: rayon splits an indexed iterator into a few long chunks, and
            // the largest files, which come first, would all land in one of them.
            .with_max_len(1)
            .map(|(i, file)| {
                let (parsed, warnings) = read_and_extract(file, &cache);
                super::progress::file_done();
                (i, parsed, warnings)
            }),
    );
    results.sort_by_key(|(i, _, _)| *i);
    let mut parsed = Vec::with_capacity(results.len());
    for (_, p, w) in results {
        parsed.extend(p);
        warnings.extend(w);
    }
    for p in &parsed {
        warnings.extend(p.entry.warnings.iter().map(|(kind, message)| FileWarning {
            path: p.file.path.clone(),
            kind: *kind,
            message: message.clone(),
        }));
    }
    warnings.sort();
    save_cache(&cache, &parsed, &mut warnings);
    drop(cache);
    (parsed, warnings)
}

/// Adds the planned file `path` (repo-relative, not on disk) to `parsed`, in path order, with
/// no imports: when it is a source file of the run's languages that the walk did not find
/// and `exclude` leaves.
pub(super) fn plan(config: &Config, parsed: &mut Vec<Parsed>, path: &str) {
    let Some(language) = resolve::language_for(path).filter(|l| config.runs_language(l.name))
    else {
        return;
    };
    if config.is_excluded(path) {
        return;
    }
    let Err(at) = parsed.binary_search_by(|p| p.file.path.as_str().cmp(path)) else {
        return;
    };
    parsed.insert(
        at,
        Parsed {
            file: WalkedFile {
                path: path.to_owned(),
                abs: config.absolute(std::path::Path::new(path)),
                size: 0,
                modified: None,
                changed: 0,
                inode: 0,
            },
            lang: language.lang(),
            key: 0,
            entry: Entry {
                imports: Vec::new(),
                regions: Vec::new(),
                warnings: Vec::new(),
                manifest: None,
                suppressions: Vec::new(),
            },
        },
    );
}

/// Writes this run's entries when they differ from what the cache held. A cache that cannot
/// be written costs only speed: it becomes a warning.
fn save_cache(cache: &Cache, parsed: &[Parsed], warnings: &mut Vec<FileWarning>) {
    if !cache.is_enabled() {
        return;
    }
    // Files with the same content share an entry (think of empty `__init__.py` files).
    let keys: std::collections::HashSet<u64> = parsed.iter().map(|p| p.key).collect();
    let unchanged = keys.len() == cache.len()
        && keys.iter().all(|&k| cache.contains(k))
        && cache.seen_len() == parsed.len()
        && parsed
            .iter()
            .all(|p| cache.known_key(&p.file.path, stat(&p.file)) == Some(p.key));
    if unchanged {
        return;
    }
    let seen = parsed.iter().filter_map(|p| {
        let stat = stat(&p.file)?;
        Some((p.file.path.as_str(), Seen { stat, key: p.key }))
    });
    if let Err(e) = cache.save(parsed.iter().map(|p| (p.key, &p.entry)), seen) {
        warnings.push(FileWarning {
            path: cache::DEFAULT_DIR.to_owned(),
            kind: WarningKind::UnreadableFile,
            message: format!("cannot write the cache: {e}"),
        });
    }
}

/// A file's bytes, or the warning that says why it is not read as source.
fn read_source(file: &WalkedFile) -> Result<Vec<u8>, FileWarning> {
    let warn = |kind, message: String| FileWarning {
        path: file.path.clone(),
        kind,
        message,
    };
    if file.size > MAX_FILE_SIZE {
        let message = format!(
            "skipped: {} bytes is over the {MAX_FILE_SIZE}-byte limit",
            file.size
        );
        return Err(warn(WarningKind::TooLarge, message));
    }
    let bytes = std::fs::read(&file.abs)
        .map_err(|e| warn(WarningKind::UnreadableFile, format!("cannot read: {e}")))?;
    if memchr::memchr(0, bytes.get(..8192).unwrap_or(&bytes)).is_some() {
        return Err(warn(
            WarningKind::BinaryFile,
            "skipped: binary file (NUL bytes)".to_owned(),
        ));
    }
    Ok(bytes)
}

/// What the walk saw of a file, as the cache compares it; `None` without a modification time.
fn stat(file: &WalkedFile) -> Option<Stat> {
    Some(Stat {
        size: file.size,
        modified: file.modified?,
        changed: file.changed,
        inode: file.inode,
    })
}

/// What the walk learns of a file without reading it.
pub(super) enum Probe {
    /// Its metadata is what the cache last saw, and the cache holds the entry of its content:
    /// its language and content key.
    Known(Lang, u64),
    /// It must be read (and parsed, unless the cache knows its content).
    Read,
}

/// Looks a file up in the cache by its metadata. Runs on the walker's threads; the entry is
/// decoded later, on the pool ([`extract_all`]).
fn probe(file: &WalkedFile, cache: &Cache) -> Probe {
    let known = resolve::language_for(&file.path).and_then(|language| {
        let key = cache.known_key(&file.path, stat(file))?;
        cache
            .contains(key)
            .then(|| Probe::Known(language.lang(), key))
    });
    known.unwrap_or(Probe::Read)
}

/// Reads one file and extracts its imports, or takes them from the cache when it knows the
/// file's content. Trouble becomes warnings, never an abort.
fn read_and_extract(file: WalkedFile, cache: &Cache) -> (Option<Parsed>, Vec<FileWarning>) {
    let Some(language) = resolve::language_for(&file.path) else {
        return (None, Vec::new());
    };
    let frontend = language.frontend;
    let bytes = match read_source(&file) {
        Ok(bytes) => bytes,
        Err(warning) => return (None, vec![warning]),
    };
    let key = Cache::key(&file.path, &bytes);
    let entry = match cache.get(key) {
        Some(entry) => entry,
        None => match extract_entry(frontend, &file, &bytes) {
            Ok(entry) => entry,
            Err(message) => {
                let warning = FileWarning {
                    path: file.path.clone(),
                    kind: WarningKind::UnreadableFile,
                    message,
                };
                return (None, vec![warning]);
            }
        },
    };
    (
        Some(Parsed {
            file,
            lang: language.lang(),
            key,
            entry,
        }),
        Vec::new(),
    )
}

/// Parses `bytes` and places each import site; what the cache stores for the content.
fn extract_entry(
    frontend: &dyn lang::Frontend,
    file: &WalkedFile,
    bytes: &[u8],
) -> Result<Entry, String> {
    let extracted = lang::extract(frontend, &file.abs, bytes)?;
    let index = LineIndex::new(bytes);
    let mut warnings = Vec::new();
    if std::str::from_utf8(bytes).is_err() {
        warnings.push((
            WarningKind::NotUtf8,
            "holds bytes that are not UTF-8; imports were still read".to_owned(),
        ));
    }
    if let Some(offset) = extracted.first_error {
        let pos = index.position(offset);
        warnings.push((
            WarningKind::SyntaxError,
            format!(
                "syntax error at line {}, column {}; imports were still read",
                pos.line, pos.column
            ),
        ));
    }
    let regions = extracted
        .imports
        .iter()
        .map(|raw| index.region(raw.span.clone()))
        .collect();
    Ok(Entry {
        imports: extracted.imports,
        regions,
        warnings,
        manifest: extracted.manifest,
        suppressions: lang::suppressions(bytes),
    })
}
