//! The per-file cache of extraction results, so that a warm run parses only the files that
//! changed. An entry is keyed by a hash of the file's name extension and bytes, so a renamed
//! or reverted file still hits; the whole cache is tied to archgate's version, to the format
//! of its entries ([`FORMAT`]) and to every grammar's version, ABI and node-kind count, so an
//! upgrade never reuses stale results.
//!
//! Reading every file to hash it costs more than the walk itself on a warm run, so the cache
//! also remembers each path's size, modification and status change times, inode and key, as
//! git's index does: a file whose metadata is unchanged is taken by its remembered key without
//! being read. A file modified less than [`RACY_NS`] before the cache was written is always
//! read, since a second change within the filesystem's time granularity would keep both
//! unchanged.
//!
//! Entries are decoded only when a run asks for one (on the walker's threads), from the file
//! read at the start; the run owns what it takes, and drops the cache once it is saved, so a
//! warm run holds each file's imports once.
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
/// type-only; 4: suppression comments; 5: entries decoded on demand,
/// files seen keyed by path hash; 6: Rust paths in code know whether they end at an item; 7:
/// `{self}` leaves know that they name a module), so that a cache written before is ignored
/// rather than trusted.
pub const FORMAT: u32 = 7;

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

/// What a file's metadata says of it: size, modification and status change times (nanoseconds
/// since the Unix epoch; `changed` 0 where the platform has none) and inode number (0 likewise).
/// A rename keeps the size and the modification time, but not the status change time, and two
/// files that swapped names keep their inodes: either tells them apart.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub modified: u128,
    pub changed: u128,
    pub inode: u64,
}

/// A file as last seen: its metadata, and the key of its content then.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Seen {
    pub stat: Stat,
    pub key: u64,
}

/// The head of the stored file, which the entries' encodings follow back to back: the stamp
/// first (checked before anything else is decoded), then what is needed to find an entry
/// without decoding the others, so that a run decodes only the entries it takes, on the
/// walker's threads, and holds each in one copy: its own.
#[derive(Serialize, Deserialize)]
struct Head {
    stamp: String,
    /// When the cache was written, in nanoseconds since the Unix epoch.
    written: u128,
    /// Every file seen, by the hash of its repo-relative path ([`path_key`]).
    seen: Vec<(u64, Seen)>,
    /// Every entry's key and the length of its encoding, in the order they follow the head.
    lengths: Vec<(u64, u32)>,
}

/// The cache of one run: the stored file read at the start, its entries decoded on demand.
pub struct Cache {
    dir: Option<PathBuf>,
    /// What a stored cache must match to be used, and what `save` writes.
    stamp: String,
    /// The stored file; entries are decoded from it when asked for.
    bytes: Vec<u8>,
    /// Where each entry's encoding lies in `bytes`, by content key.
    entries: HashMap<u64, std::ops::Range<usize>>,
    /// Files as last seen, by [`path_key`].
    seen: HashMap<u64, Seen>,
    written: u128,
}

/// The key of a repo-relative path in [`Cache`]'s table of files seen. A 64-bit hash, as
/// content keys are: a collision would also need equal sizes and modification times.
fn path_key(path: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path.as_bytes())
}

impl Cache {
    /// A cache that stores nothing (`--no-cache`).
    pub fn disabled() -> Self {
        Self {
            dir: None,
            stamp: String::new(),
            bytes: Vec::new(),
            entries: HashMap::new(),
            seen: HashMap::new(),
            written: 0,
        }
    }

    /// Reads the cache in `dir` for a run with `frontends`; anything unreadable or foreign
    /// counts as empty.
    pub fn open(dir: PathBuf, frontends: &[&dyn Frontend]) -> Self {
        let stamp = stamp(frontends);
        let empty = |dir, stamp| Self {
            dir: Some(dir),
            stamp,
            ..Self::disabled()
        };
        let Ok(bytes) = std::fs::read(dir.join(FILE_NAME)) else {
            return empty(dir, stamp);
        };
        // The stamp is the first field: a cache of another version or format is rejected
        // on it alone, before its entries could be decoded as this version's.
        let same =
            postcard::take_from_bytes::<String>(&bytes).is_ok_and(|(found, _)| found == stamp);
        let Some((head, rest)) = same
            .then(|| postcard::take_from_bytes::<Head>(&bytes).ok())
            .flatten()
        else {
            return empty(dir, stamp);
        };
        let mut at = bytes.len() - rest.len();
        let mut entries = HashMap::with_capacity(head.lengths.len());
        for (key, len) in head.lengths {
            let end = at.saturating_add(len as usize);
            entries.insert(key, at..end);
            at = end;
        }
        // A truncated file: its entries cannot be trusted to be whole.
        if at != bytes.len() {
            return empty(dir, stamp);
        }
        Self {
            dir: Some(dir),
            stamp,
            bytes,
            entries,
            seen: head.seen.into_iter().collect(),
            written: head.written,
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

    /// Whether the stored cache holds an entry for content `key`.
    pub fn contains(&self, key: u64) -> bool {
        self.entries.contains_key(&key)
    }

    /// The entry of content `key`, decoded: the caller's own copy. An entry that does not
    /// decode counts as absent, so its file is parsed again.
    pub fn get(&self, key: u64) -> Option<Entry> {
        let range = self.entries.get(&key)?;
        postcard::from_bytes(self.bytes.get(range.clone())?).ok()
    }

    /// The key of `path`'s content when its metadata is what was last seen, and old enough to
    /// be trusted (see [`RACY_NS`]); `None` when the metadata is not known.
    pub fn known_key(&self, path: &str, stat: Option<Stat>) -> Option<u64> {
        let stat = stat?;
        let seen = self.seen.get(&path_key(path))?;
        let latest = stat.modified.max(stat.changed);
        let trusted = seen.stat == stat && latest.saturating_add(RACY_NS) < self.written;
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
        // Files with the same content share an entry (think of empty `__init__.py` files).
        let mut stored = std::collections::HashSet::new();
        let mut lengths = Vec::new();
        let mut body = Vec::new();
        for (key, entry) in entries {
            if !stored.insert(key) {
                continue;
            }
            let before = body.len();
            body = postcard::to_extend(entry, body).map_err(std::io::Error::other)?;
            let len = u32::try_from(body.len() - before).map_err(std::io::Error::other)?;
            lengths.push((key, len));
        }
        let head = Head {
            stamp: self.stamp.clone(),
            written,
            seen: seen.map(|(path, s)| (path_key(path), s)).collect(),
            lengths,
        };
        let head = postcard::to_stdvec(&head).map_err(std::io::Error::other)?;
        remove_stale_temporaries(dir);
        let mut tmp = tempfile_in(dir)?;
        let written = tmp
            .1
            .write_all(&head)
            .and_then(|()| tmp.1.write_all(&body))
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
        assert_eq!(reopened.get(42), Some(e));
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
        let mut foreign = postcard::to_stdvec(&Head {
            stamp: "archgate 0.0.0".into(),
            written: 0,
            seen: Vec::new(),
            lengths: vec![(1, 1)],
        })
        .unwrap();
        foreign.push(0);
        std::fs::write(c.join(FILE_NAME), foreign).unwrap();
        assert!(Cache::open(c.clone(), FRONTENDS).entries.is_empty());
    }

    #[test]
    fn a_truncated_cache_or_a_corrupt_entry_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("c");
        let e = entry();
        Cache::open(c.clone(), FRONTENDS)
            .save([(1, &e), (2, &e), (1, &e)].into_iter(), std::iter::empty())
            .unwrap();
        let whole = std::fs::read(c.join(FILE_NAME)).unwrap();
        let cache = Cache::open(c.clone(), FRONTENDS);
        assert_eq!(cache.len(), 2, "a key shared by two files is stored once");
        assert_eq!(cache.get(1), Some(e.clone()));
        assert_eq!(cache.get(2), Some(e.clone()));
        assert_eq!(cache.get(3), None);
        // Cut anywhere after the stamp: nothing is used.
        for cut in [whole.len() - 1, whole.len() - 5, whole.len() / 2] {
            std::fs::write(c.join(FILE_NAME), &whole[..cut]).unwrap();
            let cache = Cache::open(c.clone(), FRONTENDS);
            assert!(cache.is_empty() && cache.seen_len() == 0, "cut at {cut}");
        }
        // One entry's bytes replaced by junk: that entry counts as absent.
        std::fs::write(c.join(FILE_NAME), &whole).unwrap();
        let range = Cache::open(c.clone(), FRONTENDS).entries[&2].clone();
        let mut bad = whole;
        for b in &mut bad[range] {
            *b = 0xff;
        }
        std::fs::write(c.join(FILE_NAME), &bad).unwrap();
        let cache = Cache::open(c, FRONTENDS);
        assert_eq!(cache.get(1), Some(e));
        assert_eq!(cache.get(2), None);
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
    fn metadata_is_trusted_only_when_whole_and_old_enough() {
        let dir = tempfile::tempdir().unwrap();
        let e = entry();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let old = now - 10 * RACY_NS;
        let fresh = now - RACY_NS / 2;
        let stat = |modified, changed| Stat {
            size: 8,
            modified,
            changed,
            inode: 7,
        };
        let seen = [
            ("old.py", stat(old, old)),
            ("fresh.py", stat(fresh, fresh)),
            ("restored.py", stat(old, fresh)),
        ]
        .map(|(path, stat)| (path, Seen { stat, key: 42 }));
        Cache::open(dir.path().to_path_buf(), FRONTENDS)
            .save([(42, &e)].into_iter(), seen.into_iter())
            .unwrap();
        let cache = Cache::open(dir.path().to_path_buf(), FRONTENDS);
        assert_eq!(cache.known_key("old.py", Some(stat(old, old))), Some(42));
        let changed = [
            (
                "size",
                Stat {
                    size: 9,
                    ..stat(old, old)
                },
            ),
            ("time", stat(old + 1, old)),
            ("status change (a rename)", stat(old, old + 1)),
            (
                "inode (names swapped)",
                Stat {
                    inode: 8,
                    ..stat(old, old)
                },
            ),
        ];
        for (what, now) in changed {
            assert_eq!(cache.known_key("old.py", Some(now)), None, "{what} changed");
        }
        assert_eq!(cache.known_key("old.py", None), None, "no time");
        assert_eq!(
            cache.known_key("fresh.py", Some(stat(fresh, fresh))),
            None,
            "racy: too close to the write"
        );
        assert_eq!(
            cache.known_key("restored.py", Some(stat(old, fresh))),
            None,
            "racy: an old time set back just before the write"
        );
        assert_eq!(cache.known_key("new.py", Some(stat(old, old))), None);
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
