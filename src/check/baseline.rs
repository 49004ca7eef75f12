//! The baseline (SPEC §9, `ArchUnit`'s `FreezingArchRule`): today's error findings, frozen so
//! that adoption does not start with a red build, and shrink-only. An entry matches findings
//! by rule, file, target (file or package) and import as written, never by line, with a
//! count, so moving code does not break it; a file with more such findings than the count
//! reports the extra ones (the last in line order). Pure: the caller reads and writes the
//! file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::check::rules::stale_baseline::stale_baseline;
use crate::diagnostic::{Diagnostic, Severity};

/// One entry of the baseline file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    /// The imported file or package; `""` for a finding about no import.
    pub target: String,
    /// The import as written; `""` for a finding about no import.
    pub import: String,
    pub count: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    entries: Vec<Entry>,
}

/// What a finding is matched by.
type Key = (String, String, String, String);

fn key(d: &Diagnostic) -> Key {
    let (target, import) = d.import.as_ref().map_or_else(Default::default, |i| {
        (
            i.target
                .clone()
                .or_else(|| i.external.clone())
                .unwrap_or_default(),
            i.specifier.clone(),
        )
    });
    (d.rule.name.to_owned(), d.path.clone(), target, import)
}

/// Reads a baseline file's text.
pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if file.version != 1 {
        return Err(format!("version {} is not 1", file.version));
    }
    Ok(file.entries)
}

/// The file's text: sorted entries, one per line, so that a review of its diff shows exactly
/// what was fixed or frozen.
pub fn render(entries: &[Entry]) -> String {
    let mut entries = entries.to_vec();
    entries.sort();
    let lines: Vec<String> = entries
        .iter()
        .filter_map(|e| serde_json::to_string(e).ok())
        .map(|line| format!("  {line}"))
        .collect();
    if lines.is_empty() {
        return "{\"version\": 1, \"entries\": [\n]}\n".to_owned();
    }
    format!(
        "{{\"version\": 1, \"entries\": [\n{}\n]}}\n",
        lines.join(",\n")
    )
}

/// The findings a baseline does not absorb, how many it absorbed, and a `stale-baseline`
/// finding for each entry that matches nothing any more. `file` is the baseline's path
/// relative to the root.
pub fn apply(findings: Vec<Diagnostic>, entries: &[Entry], file: &str) -> (Vec<Diagnostic>, usize) {
    let mut left: BTreeMap<Key, usize> = BTreeMap::new();
    for e in entries {
        *left
            .entry((
                e.rule.clone(),
                e.path.clone(),
                e.target.clone(),
                e.import.clone(),
            ))
            .or_default() += e.count;
    }
    let mut matched: BTreeMap<Key, usize> = BTreeMap::new();
    let mut kept = Vec::with_capacity(findings.len());
    let mut absorbed = 0;
    // Findings come sorted by line: the first `count` of a key are absorbed, the rest (the
    // last in line order) reported.
    for d in findings {
        let k = key(&d);
        let budget = left
            .get_mut(&k)
            .filter(|n| **n > 0 && d.severity == Severity::Error);
        match budget {
            Some(n) => {
                *n -= 1;
                *matched.entry(k).or_default() += 1;
                absorbed += 1;
            }
            None => kept.push(d),
        }
    }
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort();
    for (i, e) in sorted.iter().enumerate() {
        let k = (
            e.rule.clone(),
            e.path.clone(),
            e.target.clone(),
            e.import.clone(),
        );
        if matched.get(&k).copied().unwrap_or(0) == 0 {
            // Line 1 is the header; entry `i` is on line `i + 2`.
            kept.push(stale_baseline(
                file,
                u32::try_from(i + 2).unwrap_or(u32::MAX),
                e,
            ));
        }
    }
    (kept, absorbed)
}

/// The baseline `archgate baseline` writes: with no file yet, every error finding; with one,
/// its entries lowered to what still matches (fixed findings leave), and with `add`, today's
/// new findings added too (a human's decision).
pub fn update(findings: &[Diagnostic], existing: Option<&[Entry]>, add: bool) -> Vec<Entry> {
    let mut current: BTreeMap<Key, usize> = BTreeMap::new();
    for d in findings.iter().filter(|d| d.severity == Severity::Error) {
        *current.entry(key(d)).or_default() += 1;
    }
    let mut out: BTreeMap<Key, usize> = BTreeMap::new();
    match existing {
        None => out = current,
        Some(entries) => {
            for e in entries {
                let k = (
                    e.rule.clone(),
                    e.path.clone(),
                    e.target.clone(),
                    e.import.clone(),
                );
                let now = current.get(&k).copied().unwrap_or(0);
                let kept = e.count.min(now);
                if kept > 0 {
                    *out.entry(k).or_default() += kept;
                }
            }
            if add {
                for (k, n) in current {
                    let slot = out.entry(k).or_default();
                    *slot = (*slot).max(n);
                }
            }
        }
    }
    out.into_iter()
        .map(|((rule, path, target, import), count)| Entry {
            rule,
            path,
            target,
            import,
            count,
        })
        .collect()
}
