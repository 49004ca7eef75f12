//! `unused-suppression` (AG011): an inline `archgate: allow(RULE) REASON` comment that waived
//! nothing, or that has no reason (and so waives nothing). Only with `[check] inline_allow =
//! true`. It depends on every other rule's findings, so [`crate::check::run`] reports it once
//! they are known; the rule's own pass adds nothing.

use crate::check::{CheckContext, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::lang::Suppression;
use crate::source::{Position, Region};

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG011",
        name: "unused-suppression",
    },
    summary: "an inline `archgate: allow(…)` comment that suppressed nothing",
    doc: include_str!("../../../rules/unused-suppression.md"),
    default_severity: Severity::Warning,
};

pub(crate) struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &CheckContext<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// The finding for a suppression in `path` that waived nothing.
pub(crate) fn unused_suppression(path: &str, s: &Suppression) -> Diagnostic {
    let at = Position {
        line: s.line,
        column: s.column,
    };
    let region = Region {
        start: at,
        end: at,
        bytes: 0..0,
    };
    let rules = s.rules.join(", ");
    let (message, help) = if s.reason.is_empty() {
        (
            format!(
                "`archgate: allow({rules})` at `{path}:{}` has no reason",
                s.line
            ),
            format!(
                "Write why the finding is acceptable after the parenthesis, e.g. `archgate: \
                 allow({rules}) typing only, tracked in #123`: a suppression without a reason \
                 waives nothing."
            ),
        )
    } else {
        (
            format!(
                "`archgate: allow({rules})` at `{path}:{}` suppresses no finding",
                s.line
            ),
            format!(
                "Delete this comment: no finding of {rules} sits on line {} of `{path}` any more. \
                 If it should still waive one, put it on that import's line or alone on the line \
                 above it, and name the rule (`archgate explain` lists them).",
                s.target
            ),
        )
    };
    Diagnostic::new(META.id, META.default_severity, path, region)
        .message(message)
        .label("waives nothing")
        .help(help)
}
