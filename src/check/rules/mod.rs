//! The rule registry: one line per rule.

mod disallowed_import;
mod external_import;
mod forbidden_import;
mod import_cycle;
mod private_import;
mod sibling_import;
pub(crate) mod stale_baseline;
mod unlayered_file;
mod unmatched_selector;
mod unused_allow;
pub(crate) mod unused_suppression;
mod upward_import;

use super::Rule;

/// Every rule archgate runs, in code order.
pub static RULES: &[&dyn Rule] = &[
    &upward_import::UpwardImport,
    &forbidden_import::ForbiddenImport,
    &unused_allow::UnusedAllow,
    &disallowed_import::DisallowedImport,
    &external_import::ExternalImport,
    &sibling_import::SiblingImport,
    &private_import::PrivateImport,
    &import_cycle::ImportCycle,
    &unlayered_file::UnlayeredFile,
    &unmatched_selector::UnmatchedSelector,
    &unused_suppression::UnusedSuppression,
    &stale_baseline::StaleBaseline,
];
