//! The rule registry and `rules/*.md` agree (STYLE §3): every rule has a document, every
//! document has a rule, each document has the title `# <name> (<code>)` and the sections in
//! order, and the text compiled into the binary (`explain`, SARIF) is the file's.

#![allow(clippy::unwrap_used, clippy::panic, reason = "a failing test panics")]

use std::collections::BTreeSet;
use std::path::PathBuf;

use archgate::check::RULES;

const SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## How to fix",
    "## Configuration",
];

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")
}

#[test]
fn every_rule_has_its_document_and_every_document_a_rule() {
    let registered: BTreeSet<String> = RULES
        .iter()
        .map(|r| format!("{}.md", r.meta().id.name))
        .collect();
    let documents: BTreeSet<String> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            std::path::Path::new(name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        })
        .collect();
    let missing: Vec<&String> = registered.difference(&documents).collect();
    let orphans: Vec<&String> = documents.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "rules without a document in rules/: {missing:?}"
    );
    assert!(
        orphans.is_empty(),
        "documents in rules/ without a rule: {orphans:?}"
    );
}

#[test]
fn rule_codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in RULES {
        let id = rule.meta().id;
        assert!(codes.insert(id.code), "code {} used twice", id.code);
        assert!(names.insert(id.name), "name {} used twice", id.name);
        let digits = id.code.strip_prefix("AG").unwrap_or("");
        assert!(
            digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{}: codes are AG and three digits",
            id.code
        );
        assert!(
            id.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{}: names are kebab-case",
            id.name
        );
    }
}

#[test]
fn every_document_has_its_title_and_sections_in_order() {
    for rule in RULES {
        let meta = rule.meta();
        let path = rules_dir().join(format!("{}.md", meta.id.name));
        let Ok(text) = std::fs::read_to_string(&path) else {
            panic!("{} has no document", meta.id.name);
        };
        assert_eq!(
            text, meta.doc,
            "{}: the compiled document is the file",
            meta.id.name
        );

        let title = text.lines().next().unwrap_or("");
        assert_eq!(
            title,
            format!("# {} ({})", meta.id.name, meta.id.code),
            "{}: title",
            path.display()
        );
        let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(headings, SECTIONS, "{}: sections", path.display());

        // No section is left empty.
        for (i, heading) in SECTIONS.iter().enumerate() {
            let start = text.find(&format!("{heading}\n")).unwrap() + heading.len();
            let end = SECTIONS
                .get(i + 1)
                .and_then(|next| text.find(&format!("{next}\n")))
                .unwrap_or(text.len());
            assert!(
                !text[start..end].trim().is_empty(),
                "{}: `{heading}` is empty",
                path.display()
            );
        }
    }
}
