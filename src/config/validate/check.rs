//! `[check]`: the defaults every rule reads (SPEC §8). Each key is the setting of one rule (or
//! of every rule); the rule's file says what it does with it.

use toml::Spanned;

use super::{Errors, external_list, type_only};
use crate::config::CheckSettings;
use crate::config::error::Problem;
use crate::config::schema::RawCheck;
use crate::diagnostic::Severity;
use crate::source::LineIndex;

pub(super) fn validate(
    raw: Option<&Spanned<RawCheck>>,
    index: &LineIndex<'_>,
    errors: &mut Errors,
) -> CheckSettings {
    let mut settings = CheckSettings::default();
    let Some(raw) = raw.map(Spanned::get_ref) else {
        return settings;
    };
    if let Some(value) = &raw.type_only
        && let Some(t) = type_only(value, "`type_only` in [check]", errors)
    {
        settings.type_only = t;
    }
    if let Some(value) = &raw.indirect {
        settings.indirect = *value.get_ref();
    }
    if let Some(value) = &raw.unused_allow {
        settings.unused_allow = severity(value, "unused_allow", errors);
    }
    if let Some(value) = &raw.unmatched {
        settings.unmatched = severity(value, "unmatched", errors);
    }
    if let Some(value) = &raw.unlayered {
        settings.unlayered = match value.get_ref().as_str() {
            "allow" => false,
            "error" => true,
            other => {
                errors.push(
                    Problem::InvalidValue,
                    value.span(),
                    "not a choice",
                    format!("`unlayered` in [check] must be \"allow\" or \"error\", not `{other}`"),
                    "Write `unlayered = \"error\"` (a source file in no layer and no module fails \
                     the check) or `unlayered = \"allow\"` (the default)."
                        .to_owned(),
                );
                false
            }
        };
    }
    if let Some(value) = &raw.inline_allow {
        settings.inline_allow = *value.get_ref();
    }
    if let Some(value) = &raw.baseline {
        let path = value.get_ref().trim_start_matches("./");
        if path.is_empty() || path.starts_with('/') || path.split('/').any(|s| s == "..") {
            errors.push(
                Problem::InvalidValue,
                value.span(),
                "not a file inside the root",
                format!("`baseline` in [check] must name a file inside the root, not `{path}`"),
                "Write a path relative to layers.toml, e.g. `baseline = \"archgate-baseline.json\"`."
                    .to_owned(),
            );
        } else {
            path.clone_into(&mut settings.baseline);
        }
    }
    if let Some(list) = &raw.externals {
        settings.externals = Some(external_list(list, "`externals` in [check]", errors));
        settings.externals_span = Some(index.region(list.span()));
    }
    settings
}

/// A rule's severity: `"warning"` or `"error"`.
fn severity(value: &Spanned<String>, key: &str, errors: &mut Errors) -> Severity {
    match value.get_ref().as_str() {
        "warning" => Severity::Warning,
        "error" => Severity::Error,
        other => {
            errors.push(
                Problem::InvalidValue,
                value.span(),
                "not a severity",
                format!("`{key}` in [check] must be \"warning\" or \"error\", not `{other}`"),
                format!(
                    "Write `{key} = \"warning\"` (reported, exit 0) or `{key} = \"error\"` (fails \
                     the check)."
                ),
            );
            Severity::Warning
        }
    }
}
