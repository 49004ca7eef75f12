//! The `sarif` format: a SARIF 2.1.0 log that GitHub code scanning accepts as it is, written
//! with our own small serde structs (only the properties archgate fills).
//!
//! - `tool.driver.rules[]` comes from the rule registry and the rule documents.
//! - URIs are repo-relative (percent-encoded) with `uriBaseId: "%SRCROOT%"`. There is no
//!   `originalUriBaseIds`: it would carry an absolute path (SPEC §6).
//! - Columns count Unicode code points, as [`crate::source::Position`] does, and the run says
//!   so with `columnKind`.
//! - `partialFingerprints.primaryLocationLineHash` hashes the facts of a finding (rule, file,
//!   layers, imported module, import as written), never its line, so that an alert survives
//!   unrelated edits above it.
//! - Configuration errors become `toolConfigurationNotifications` of an unsuccessful run.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Report, ToolProblem};
use crate::check::{RULES, RuleMeta};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::source::Region;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message<'static>,
    full_description: Message<'static>,
    help: MultiformatMessage,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Message<'a> {
    text: std::borrow::Cow<'a, str>,
}

impl<'a> Message<'a> {
    fn borrowed(text: &'a str) -> Self {
        Self {
            text: std::borrow::Cow::Borrowed(text),
        }
    }

    fn owned(text: String) -> Self {
        Self {
            text: std::borrow::Cow::Owned(text),
        }
    }
}

#[derive(Serialize)]
struct MultiformatMessage {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message<'a>,
    locations: [SarifLocation<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    partial_fingerprints: PartialFingerprints,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PartialFingerprints {
    primary_location_line_hash: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SarifRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_configuration_notifications: Vec<Notification>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message<'static>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation<'static>>,
    descriptor: DescriptorReference,
}

#[derive(Serialize)]
struct DescriptorReference {
    id: String,
}

/// The most results one run holds: GitHub code scanning accepts 25,000 per run and rejects
/// or truncates beyond. A larger report keeps its errors first, then warnings, each in path
/// order, and says in a notification how many it left out and where to find them all.
pub(crate) const MAX_RESULTS: usize = 25_000;

/// The largest log GitHub code scanning accepts: 10 MB once gzipped. A log over it keeps
/// fewer results, chosen as for [`MAX_RESULTS`].
pub(crate) const MAX_GZIPPED_BYTES: usize = 10_000_000;

pub(super) fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    // The findings by priority: errors first, each kind in path order.
    let mut order: Vec<(bool, usize)> = report
        .diagnostics
        .iter()
        .enumerate()
        .map(|(i, d)| (d.severity != Severity::Error, i))
        .collect();
    order.sort_unstable();
    let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    let mut keep = order.len().min(MAX_RESULTS);
    // The gzipped size of the log without results, measured once it is needed.
    let mut without_results = None;
    loop {
        let log = log_keeping(report, &order[..keep])?;
        let size = gzipped_len(&log);
        if size <= MAX_GZIPPED_BYTES || keep == 0 {
            return out.write_all(&log);
        }
        if without_results.is_none() {
            without_results = Some(gzipped_len(&log_keeping(report, &[])?));
        }
        let rest = without_results.unwrap_or(0);
        // The results' share spread evenly over them: keep what fits beside the rest, with
        // a margin, and at least one fewer each round, so that this ends.
        let per_result = size.saturating_sub(rest).div_ceil(keep).max(1);
        let fit = MAX_GZIPPED_BYTES.saturating_sub(rest) / per_result * 9 / 10;
        keep = fit.min(keep - 1);
    }
}

/// The size of `log` gzipped at the default level (the deflate stream and gzip's 18 bytes of
/// header and trailer), or its own size when that is within [`MAX_GZIPPED_BYTES`]: text no
/// larger than the limit is no larger gzipped, and most logs are spared the compression.
fn gzipped_len(log: &[u8]) -> usize {
    if log.len() <= MAX_GZIPPED_BYTES {
        return log.len();
    }
    miniz_oxide::deflate::compress_to_vec(log, 6).len() + 18
}

/// The log of `report` with the results of the findings `kept` (indices into
/// `report.diagnostics`), and a notification of the others when some are left out.
fn log_keeping(report: &Report<'_>, kept: &[usize]) -> io::Result<Vec<u8>> {
    let total = report.diagnostics.len();
    let mut in_log = vec![false; total];
    for &i in kept {
        if let Some(slot) = in_log.get_mut(i) {
            *slot = true;
        }
    }
    // Fingerprints count occurrences over every finding, kept or not, so that a finding's
    // fingerprint does not depend on the cap.
    let mut occurrences: HashMap<u64, usize> = HashMap::new();
    let results = report
        .diagnostics
        .iter()
        .zip(&in_log)
        .filter_map(|(d, &in_log)| {
            // Findings with the same facts in one file (the same import written twice) are
            // told apart by their order, as GitHub's own fingerprints do.
            let hash = fingerprint(d);
            let seen = occurrences.entry(hash).or_insert(0);
            *seen += 1;
            in_log.then(|| result(d, format!("{hash:016x}:{seen}")))
        })
        .collect();
    let mut notifications: Vec<Notification> = report
        .warnings
        .iter()
        .map(|w| Notification {
            level: "warning",
            message: Message::owned(w.message.clone()),
            locations: vec![location(&w.path, None, None)],
            descriptor: DescriptorReference {
                id: w.kind.as_str().to_owned(),
            },
        })
        .collect();
    let left_out = total - kept.len();
    if left_out > 0 {
        notifications.push(Notification {
            level: "warning",
            message: Message::owned(format!(
                "{left_out} of {total} findings are not in this log: GitHub code scanning \
                 accepts at most {MAX_RESULTS} results and 10 MB gzipped per run, so the log \
                 holds the first {} (errors first, in path order). Run `archgate check \
                 --format json` (or `--format agent`) for every finding.",
                kept.len()
            )),
            locations: Vec::new(),
            descriptor: DescriptorReference {
                id: "results-capped".to_owned(),
            },
        });
    }
    let invocation = Invocation {
        execution_successful: true,
        tool_configuration_notifications: Vec::new(),
        tool_execution_notifications: notifications,
    };
    let mut log = Vec::new();
    emit(results, invocation, &mut log)?;
    Ok(log)
}

/// A log with no results whose run failed on the configuration.
pub(super) fn write_config_errors(errors: &[ToolProblem], out: &mut dyn Write) -> io::Result<()> {
    let notifications = errors
        .iter()
        .map(|e| {
            let mut text = e.message.clone();
            if let Some(help) = &e.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            Notification {
                level: "error",
                message: Message::owned(text),
                locations: e
                    .path
                    .as_deref()
                    .map(|p| location(p, e.region.as_ref(), None))
                    .into_iter()
                    .collect(),
                descriptor: DescriptorReference { id: e.code.clone() },
            }
        })
        .collect();
    let invocation = Invocation {
        execution_successful: false,
        tool_configuration_notifications: notifications,
        tool_execution_notifications: Vec::new(),
    };
    emit(Vec::new(), invocation, out)
}

fn emit(
    results: Vec<SarifResult<'_>>,
    invocation: Invocation,
    out: &mut dyn Write,
) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool { driver: driver() },
            invocations: [invocation],
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

fn driver() -> Driver {
    Driver {
        name: "archgate",
        version: env!("CARGO_PKG_VERSION"),
        semantic_version: env!("CARGO_PKG_VERSION"),
        information_uri: env!("CARGO_PKG_REPOSITORY"),
        rules: RULES.iter().map(|r| descriptor(r.meta())).collect(),
    }
}

fn descriptor(meta: &'static RuleMeta) -> ReportingDescriptor {
    ReportingDescriptor {
        id: meta.id.code,
        name: meta.id.name,
        short_description: Message::borrowed(meta.summary),
        full_description: Message::borrowed(
            doc_section(meta.doc, "What it does").unwrap_or(meta.summary),
        ),
        help: MultiformatMessage {
            text: meta.doc,
            markdown: meta.doc,
        },
        default_configuration: Configuration {
            level: level(meta.default_severity),
        },
    }
}

/// The text of the `## {heading}` section of a rule document, without the heading.
fn doc_section(doc: &'static str, heading: &str) -> Option<&'static str> {
    let marker = format!("## {heading}\n");
    let start = doc.find(&marker)? + marker.len();
    let rest = doc.get(start..)?;
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest.get(..end).map(str::trim)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result<'a>(d: &'a Diagnostic, hash: String) -> SarifResult<'a> {
    let text = d.full_text();
    let related = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r): (usize, &'a Location)| {
            let mut related = location(&r.path, r.region.as_ref(), Some(&r.message));
            related.id = Some(i + 1);
            related
        })
        .collect();
    SarifResult {
        rule_id: d.rule.code,
        rule_index: RULES
            .iter()
            .position(|r| r.meta().id == d.rule)
            .unwrap_or_default(),
        level: level(d.severity),
        message: Message::owned(text),
        locations: [location(&d.path, Some(&d.region), None)],
        related_locations: related,
        partial_fingerprints: PartialFingerprints {
            primary_location_line_hash: hash,
        },
    }
}

fn location<'a>(
    path: &str,
    region: Option<&Region>,
    message: Option<&'a str>,
) -> SarifLocation<'a> {
    SarifLocation {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(path),
                uri_base_id: SRCROOT,
            },
            region: region.map(|r| SarifRegion {
                start_line: r.start.line,
                start_column: r.start.column,
                end_line: r.end.line,
                end_column: r.end.column,
            }),
        },
        message: message.map(Message::borrowed),
    }
}

/// A repo-relative path as a relative URI reference: every byte but the unreserved characters
/// of RFC 3986 and `/` is percent-encoded (so `src/my app/modülé.py` becomes
/// `src/my%20app/mod%C3%BCl%C3%A9.py`, and a `:` cannot be read as a scheme).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The stable facts of a finding, hashed with 64-bit FNV-1a (stable across runs, platforms
/// and Rust versions, unlike `DefaultHasher`). The line is deliberately not among them.
fn fingerprint(d: &Diagnostic) -> u64 {
    let mut fields: Vec<&str> = vec![d.rule.code, &d.path];
    match &d.import {
        Some(import) => {
            fields.push(import.from_layer.as_deref().unwrap_or(""));
            fields.push(import.to_layer.as_deref().unwrap_or(""));
            fields.push(import.target.as_deref().unwrap_or(""));
            fields.push(&import.specifier);
        }
        // Findings that are not about an import (an unused `[[allow]]`) are named by their
        // message, which quotes the entry's `from` and `to`.
        None => fields.push(&d.message),
    }
    fnv1a(&fields)
}

/// FNV-1a over the fields, each followed by a NUL so that `("ab", "c")` and `("a", "bc")`
/// differ.
fn fnv1a(fields: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut hash = OFFSET;
    for field in fields {
        for &byte in field.as_bytes().iter().chain(&[0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{ImportFacts, RuleId};
    use crate::source::Position;

    fn finding(line: u32) -> Diagnostic {
        let region = Region {
            start: Position { line, column: 6 },
            end: Position { line, column: 21 },
            bytes: 0..0,
        };
        Diagnostic::new(
            RuleId {
                code: "AG001",
                name: "upward-import",
            },
            Severity::Error,
            "src/a.py",
            region,
        )
        .message("m")
        .import(ImportFacts {
            specifier: "shop.api".to_owned(),
            type_only: false,
            target: Some("src/shop/api.py".to_owned()),
            from_layer: Some("domain".to_owned()),
            to_layer: Some("api".to_owned()),
            ..ImportFacts::default()
        })
    }

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // The published FNV-1a 64 test vectors, for "" and "a" (our NUL separator aside).
        let plain = |s: &str| {
            s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
        };
        assert_eq!(plain(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(plain("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(&["a"]), plain("a\0"));
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn fingerprint_ignores_the_line_but_not_the_facts() {
        assert_eq!(fingerprint(&finding(3)), fingerprint(&finding(40)));
        let mut other = finding(3);
        if let Some(import) = other.import.as_mut() {
            import.specifier = "shop.api.routes".to_owned();
        }
        assert_ne!(fingerprint(&finding(3)), fingerprint(&other));
    }

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(uri("src/a_b-c.d~e.py"), "src/a_b-c.d~e.py");
        assert_eq!(
            uri("src/my app/modülé.py"),
            "src/my%20app/mod%C3%BCl%C3%A9.py"
        );
        assert_eq!(uri("c:50%,#?.py"), "c%3A50%25%2C%23%3F.py");
    }

    #[test]
    fn full_description_is_the_what_it_does_section() {
        let doc =
            "# x (AG9)\n\n## What it does\n\nFinds x.\nReally.\n\n## Why is this bad?\n\nY.\n";
        assert_eq!(doc_section(doc, "What it does"), Some("Finds x.\nReally."));
        assert_eq!(doc_section(doc, "Why is this bad?"), Some("Y."));
        assert_eq!(doc_section(doc, "Example"), None);
    }
}
