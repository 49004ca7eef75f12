//! The rule registry: one line per rule.

mod forbidden_import;
mod unmatched_selector;
mod unused_allow;
mod upward_import;

use super::Rule;

/// Every rule archgate runs, in code order.
pub static RULES: &[&dyn Rule] = &[
    &upward_import::UpwardImport,
    &forbidden_import::ForbiddenImport,
    &unused_allow::UnusedAllow,
    &unmatched_selector::UnmatchedSelector,
];
