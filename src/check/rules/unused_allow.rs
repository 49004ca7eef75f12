//! `unused-allow` (AG003): an `[[allow]]` entry that matched no import, so exceptions cannot
//! outlive the code they excused.

use crate::check::{CheckContext, Rule, RuleMeta};
use crate::config::EdgeRule;
use crate::diagnostic::{Diagnostic, RuleId, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    id: RuleId {
        code: "AG003",
        name: "unused-allow",
    },
    summary: "an `[[allow]]` entry of layers.toml matches no import",
    doc: include_str!("../../../rules/unused-allow.md"),
    default_severity: Severity::Warning,
};

pub(crate) struct UnusedAllow;

impl Rule for UnusedAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CheckContext<'_>, out: &mut Vec<Diagnostic>) {
        for (index, rule) in cx.config.allow.iter().enumerate() {
            if !cx.is_allow_used(index) {
                out.push(unused_allow(cx, rule));
            }
        }
    }
}

fn unused_allow(cx: &CheckContext<'_>, rule: &EdgeRule) -> Diagnostic {
    // `[check] unused_allow` sets the severity (import-linter and tach `exact` users want
    // an error).
    Diagnostic::new(
        META.id,
        cx.config.check.unused_allow,
        cx.config.path.clone(),
        rule.decl.clone(),
    )
    .message(format!(
        "[[allow]] from `{}` to `{}` matches no import",
        rule.from_text, rule.to_text
    ))
    .label("no import matches this exception")
    .help(format!(
        "Delete this [[allow]] entry (from `{}` to `{}`) from {}: the import it excused is \
             gone. If it should still match, correct its `from` or `to` to the importing and the \
             imported file.",
        rule.from_text, rule.to_text, cx.config.path,
    ))
    .note(Some(rule.reason.clone()))
}
