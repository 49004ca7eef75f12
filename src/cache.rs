//! The per-file cache of extraction results, so that a warm run parses only the files that
//! changed. An entry is keyed by a hash of the file's name extension and bytes, so a renamed
//! or reverted file still hits; the whole cache is tied to archgate's version, to the format
//! of its entries ([`FORMAT`]) and to every grammar's version, ABI and node-kind count, so an
//! upgrade never reuses stale results.
//!
//! Reading every file to hash it costs more than the walk itself on a warm run, so the cache
//! also remembers each path's size, modification time and key, as git's index does: a file
//! whose size and time are unchanged is taken by its remembered key without being read. A
//! file modified less than [`RACY_NS`] before the cache was written is always read, since a
//! second change within the filesystem's time granularity would keep both unchanged.
//!
//! The cache must never change a result. A file that is missing, truncated, corrupt or written
//! by another version is ignored and rewritten: its stamp is checked before anything else in
//! it is decoded, so an entry of another format is never mis-read. Writes go to a temporary file that is then
//! renamed over the old one, so concurrent runs each see a whole cache.
//!
//! Layer `cache`: imports `lang` and `core`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::WarningKind;
use crate::lang::{Frontend, Manifest, RawImport};
use crate::source::Region;

/// The folder name archgate uses under the root unless `--cache-dir` says otherwise.
pub const DEFAULT_DIR: &str = ".archgate_cache";
const FILE_NAME: &str = "imports.bin";

/// The version of [`Entry`]'s layout and of what extraction puts in it, part of the stamp:
/// bump it whenever a stored type or an extraction rule changes (3: imports in stubs are
/// type-only; 4: suppression comments), so that a cache written before is ignored rather than trusted.
pub const FORMAT: u32 = 4;

/// What extraction found in one file, everything needed to skip parsing it next time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub imports: Vec<RawImport>,
    pub regions: Vec<Region>,
    pub warnings: Vec<(WarningKind, String)>,
    /// The facts of a manifest (`Cargo.toml`); `None` for source files.
    pub manifest: Option<Manifest>,
    /// The inline `archgate: allow(…)` comments.
    pub suppressions: Vec<crate::lang::Suppression>,
}

/// How long before the cache's writing a file's modification must lie for its size and time
/// to be trusted without reading it.
pub const RACY_NS: u128 = 2_000_000_000;

/// A file as last seen: its size and modification time, and the key of its content then.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Seen {
    pub size: u64,
    pub modified: u128,
    pub key: u64,
}

/// What `save` writes: [`Stored`] with borrowed entries.
#[derive(Serialize)]
struct StoredRef<'a> {
    stamp: String,
    written: u128,
    entries: HashMap<u64, &'a Entry>,
    seen: HashMap<&'a str, Seen>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    stamp: String,
    /// When the cache was written, in nanoseconds since the Unix epoch.
    written: u128,
    entries: HashMap<u64, Entry>,
    seen: HashMap<String, Seen>,
}

/// The cache of one run: the entries read at the start, looked up by content key.
pub struct Cache {
    dir: Option<PathBuf>,
    /// What a stored cache must match to be used, and what `save` writes.
    stamp: String,
    entries: HashMap<u64, Entry>,
    seen: HashMap<String, Seen>,
    written: u128,
}

impl Cache {
    /// A cache that stores nothing (`--no-cache`).
    pub fn disabled() -> Self {
        Self {
            dir: None,
            stamp: String::new(),
            entries: HashMap::new(),
            seen: HashMap::new(),
            written: 0,
        }
    }

    /// Reads the cache in `dir` for a run with `frontends`; anything unreadable or foreign
    /// counts as empty.
    pub fn open(dir: PathBuf, frontends: &[&dyn Frontend]) -> Self {
        let stamp = stamp(frontends);
        // The stamp is the first field: a cache of another version or format is rejected
        // on it alone, before its entries could be decoded as this version's.
        let stored = std::fs::read(dir.join(FILE_NAME))
            .ok()
            .filter(|bytes| {
                postcard::take_from_bytes::<String>(bytes).is_ok_and(|(found, _)| found == stamp)
            })
            .and_then(|bytes| postcard::from_bytes::<Stored>(&bytes).ok());
        match stored {
            Some(stored) => Self {
                dir: Some(dir),
                stamp,
                entries: stored.entries,
                seen: stored.seen,
                written: stored.written,
            },
            None => Self {
                dir: Some(dir),
                stamp,
                ..Self::disabled()
            },
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.dir.is_some()
    }

    /// The key of a file: its extension (which picks the grammar) and its bytes.
    pub fn key(path: &str, bytes: &[u8]) -> u64 {
        let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
        xxhash_rust::xxh3::xxh3_64_with_seed(bytes, xxhash_rust::xxh3::xxh3_64(ext.as_bytes()))
    }

    /// How many entries the stored cache held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: u64) -> Option<&Entry> {
        self.entries.get(&key)
    }

    /// The key of `path`'s content when its size and modification time are those last seen,
    /// and old enough to be trusted (see [`RACY_NS`]).
    pub fn known_key(&self, path: &str, size: u64, modified: Option<u128>) -> Option<u64> {
        let modified = modified?;
        let seen = self.seen.get(path)?;
        let trusted = seen.size == size
            && seen.modified == modified
            && modified.saturating_add(RACY_NS) < self.written;
        trusted.then_some(seen.key)
    }

    /// How many files the stored cache had seen.
    pub fn seen_len(&self) -> usize {
        self.seen.len()
    }

    /// Replaces the stored cache with `entries` and `seen` (the files of this run only, so
    /// it never grows past the repository). Errors are returned for the caller to report as a
    /// warning; a cache that cannot be written only costs speed.
    pub fn save<'a>(
        &self,
        entries: impl Iterator<Item = (u64, &'a Entry)>,
        seen: impl Iterator<Item = (&'a str, Seen)>,
    ) -> std::io::Result<()> {
        let Some(dir) = &self.dir else { return Ok(()) };
        std::fs::create_dir_all(dir)?;
        let ignore = dir.join(".gitignore");
        // It names the cache's own files only: a `--cache-dir` inside a source folder must not
        // hide that folder's sources from git, nor from archgate's walk.
        if !ignore.exists() {
            std::fs::write(
                &ignore,
                format!(
                    "# Written by archgate: the cache is never committed.\n/{FILE_NAME}\n\
                     /.{FILE_NAME}.*.tmp\n/.gitignore\n"
                ),
            )?;
        }
        let written = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let stored = StoredRef {
            stamp: self.stamp.clone(),
            written,
            entries: entries.collect(),
            seen: seen.collect(),
        };
        let bytes = postcard::to_stdvec(&stored).map_err(std::io::Error::other)?;
        remove_stale_temporaries(dir);
        let mut tmp = tempfile_in(dir)?;
        let written = tmp
            .1
            .write_all(&bytes)
            .and_then(|()| tmp.1.sync_all())
            .and_then(|()| {
                drop(tmp.1);
                std::fs::rename(&tmp.0, dir.join(FILE_NAME))
            });
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp.0);
        }
        written
    }
}

/// How old a temporary cache file must be before a run takes it for a killed run's leftover:
/// writing one takes seconds, so a concurrent run's file is never this old.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_mins(15);

/// Removes the temporary files that runs killed while saving left in `dir` (best effort).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{FILE_NAME}.");
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // The names are archgate's own, written in lowercase.
        if !(name.starts_with(&prefix) && name.rsplit('.').next() == Some("tmp")) {
            continue;
        }
        let is_stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMPORARY);
        if is_stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A new file in `dir` with a name no other process uses.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let path = dir.join(format!(".{FILE_NAME}.{pid}.{attempt}.tmp"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(
        "no free temporary file name in the cache folder",
    ))
}

/// What a stored cache must match: archgate's version, the entries' format and each
/// grammar's identity.
fn stamp(frontends: &[&dyn Frontend]) -> String {
    let mut stamp = format!("archgate {} format {FORMAT}", env!("CARGO_PKG_VERSION"));
    for frontend in frontends {
        for ext in frontend.extensions() {
            let grammar = frontend.grammar(Path::new(&format!("x.{ext}")));
            let version = grammar
                .metadata()
                .map(|m| {
                    format!(
                        "{}.{}.{}",
                        m.major_version, m.minor_version, m.patch_version
                    )
                })
                .unwrap_or_default();
            stamp.push_str(&format!(
                ";{ext}:{}:{version}:abi{}:{}",
                grammar.name().unwrap_or(""),
                grammar.abi_version(),
                grammar.node_kind_count()
            ));
        }
    }
    stamp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{ImportKind, python::PyFrontend, rust::RustFrontend};

    /// The tests' front-ends (the registry of languages sits above this layer).
    const FRONTENDS: &[&dyn Frontend] = &[&PyFrontend, &RustFrontend];

    fn entry() -> Entry {
        Entry {
            suppressions: Vec::new(),
            imports: vec![RawImport {
                specifier: "a.b".into(),
                kind: ImportKind::Import,
                span: 7..10,
                context: crate::lang::SiteContext::default(),
            }],
            regions: vec![Region::default()],
            warnings: vec![(WarningKind::SyntaxError, "syntax error".into())],
            manifest: None,
        }
    }

    #[test]
    fn entries_survive_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path().join("c"), FRONTENDS);
        let e = entry();
        cache
            .save([(42, &e)].into_iter(), std::iter::empty())
            .unwrap();
        let reopened = Cache::open(dir.path().join("c"), FRONTENDS);
        assert_eq!(reopened.get(42), Some(&e));
        assert!(dir.path().join("c/.gitignore").exists());
    }

    #[test]
    fn corrupt_or_foreign_files_count_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("c");
        std::fs::create_dir_all(&c).unwrap();
        for junk in [
            &b""[..],
            b"\x00\x01garbage",
            b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
        ] {
            std::fs::write(c.join(FILE_NAME), junk).unwrap();
            assert!(Cache::open(c.clone(), FRONTENDS).entries.is_empty());
        }
        let foreign = postcard::to_stdvec(&Stored {
            stamp: "archgate 0.0.0".into(),
            written: 0,
            entries: HashMap::from([(1, entry())]),
            seen: HashMap::new(),
        })
        .unwrap();
        std::fs::write(c.join(FILE_NAME), foreign).unwrap();
        assert!(Cache::open(c, FRONTENDS).entries.is_empty());
    }

    #[test]
    fn a_cache_of_the_previous_format_is_ignored() {
        // Entries as format 1 stored them, before manifests had facts.
        #[derive(Serialize)]
        struct OldEntry {
            imports: Vec<RawImport>,
            regions: Vec<Region>,
            warnings: Vec<(WarningKind, String)>,
        }
        #[derive(Serialize)]
        struct OldStored {
            stamp: String,
            written: u128,
            entries: HashMap<u64, OldEntry>,
            seen: HashMap<String, Seen>,
        }
        let dir = tempfile::tempdir().unwrap();
        let e = entry();
        let old = OldStored {
            stamp: stamp(FRONTENDS).replace(&format!(" format {FORMAT}"), ""),
            written: 0,
            entries: HashMap::from([(
                1,
                OldEntry {
                    imports: e.imports,
                    regions: e.regions,
                    warnings: e.warnings,
                },
            )]),
            seen: HashMap::new(),
        };
        assert!(old.stamp.starts_with("archgate ") && !old.stamp.contains("format"));
        std::fs::write(
            dir.path().join(FILE_NAME),
            postcard::to_stdvec(&old).unwrap(),
        )
        .unwrap();
        assert!(
            Cache::open(dir.path().to_path_buf(), FRONTENDS)
                .entries
                .is_empty()
        );
    }

    #[test]
    fn sizes_and_times_are_trusted_only_when_old_enough() {
        let dir = tempfile::tempdir().unwrap();
        let e = entry();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let old = now - 10 * RACY_NS;
        let fresh = now - RACY_NS / 2;
        let seen = [
            (
                "old.py",
                Seen {
                    size: 8,
                    modified: old,
                    key: 42,
                },
            ),
            (
                "fresh.py",
                Seen {
                    size: 8,
                    modified: fresh,
                    key: 42,
                },
            ),
        ];
        Cache::open(dir.path().to_path_buf(), FRONTENDS)
            .save([(42, &e)].into_iter(), seen.into_iter())
            .unwrap();
        let cache = Cache::open(dir.path().to_path_buf(), FRONTENDS);
        assert_eq!(cache.known_key("old.py", 8, Some(old)), Some(42));
        assert_eq!(
            cache.known_key("old.py", 9, Some(old)),
            None,
            "size changed"
        );
        assert_eq!(
            cache.known_key("old.py", 8, Some(old + 1)),
            None,
            "time changed"
        );
        assert_eq!(cache.known_key("old.py", 8, None), None, "no time");
        assert_eq!(
            cache.known_key("fresh.py", 8, Some(fresh)),
            None,
            "racy: too close to the write"
        );
        assert_eq!(cache.known_key("new.py", 8, Some(old)), None);
    }

    #[test]
    fn keys_depend_on_extension_and_bytes() {
        assert_eq!(
            Cache::key("a/x.py", b"import a"),
            Cache::key("b/y.py", b"import a")
        );
        assert_ne!(
            Cache::key("x.py", b"import a"),
            Cache::key("x.pyi", b"import a")
        );
        assert_ne!(
            Cache::key("x.py", b"import a"),
            Cache::key("x.py", b"import b")
        );
    }
}
