//! `stale-baseline` (AG012): a baseline entry that matches no finding any more. It depends on
//! the findings of every other rule and on the baseline file, so the baseline step
//! ([`crate::check::baseline::apply`]) reports it; the rule's own pass adds nothing.

use crate::check::baseline::Entry;
use crate::check::{CheckContext, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::source::{Position, Region};

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG012",
        name: "stale-baseline",
    },
    summary: "a baseline entry that matches no finding any more",
    doc: include_str!("../../../rules/stale-baseline.md"),
    default_severity: Severity::Warning,
};

pub(crate) struct StaleBaseline;

impl Rule for StaleBaseline {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &CheckContext<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// The finding for the entry on `line` of the baseline file `file`.
pub(crate) fn stale_baseline(file: &str, line: u32, entry: &Entry) -> Diagnostic {
    let at = Position { line, column: 1 };
    let what = if entry.import.is_empty() {
        format!("`{}` in `{}`", entry.rule, entry.path)
    } else {
        format!("`{}` of `{}` in `{}`", entry.rule, entry.import, entry.path)
    };
    Diagnostic::new(
        META.id,
        META.default_severity,
        file,
        Region {
            start: at,
            end: at,
            bytes: 0..0,
        },
    )
    .message(format!(
        "the baseline entry for {what} matches no finding any more"
    ))
    .label("fixed, or moved to another file")
    .help(format!(
        "Run `archgate baseline` to remove the entries of fixed findings from `{file}` (it only \
         ever shrinks the baseline): the finding it froze is gone."
    ))
}
