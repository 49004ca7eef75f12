//! `[[risk]]`: review tiers, highest first (SPEC §10). Each names the files of its tier
//! (`paths`, any file of the repository, not only source) and whether those files lend their
//! tier to the files they import (`blast_radius`, default `true`). Every file no tier names is
//! tier `low`.

use toml::Spanned;

use super::Errors;
use super::selectors::{self, Braces, Context, Names};
use crate::config::error::Problem;
use crate::config::schema::RawRisk;
use crate::config::{LOW_TIER, RiskTier};
use crate::source::LineIndex;

pub(super) fn validate(
    raw: &[Spanned<RawRisk>],
    names: &Names,
    index: &LineIndex<'_>,
    errors: &mut Errors,
) -> Vec<RiskTier> {
    let mut out: Vec<RiskTier> = Vec::new();
    for (i, entry) in raw.iter().enumerate() {
        let risk = entry.get_ref();
        let tier = risk.tier.get_ref();
        let valid = !tier.is_empty()
            && tier
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            errors.push(
                Problem::InvalidName,
                risk.tier.span(),
                "not a tier name",
                format!("the tier name `{tier}` of [[risk]] is not a plain word"),
                "Name the tier with letters, digits, `-` and `_`, e.g. `tier = \"critical\"`."
                    .to_owned(),
            );
            continue;
        }
        if out.iter().any(|t| &t.name == tier) {
            errors.push(
                Problem::DuplicateGroup,
                risk.tier.span(),
                "declared twice",
                format!("the tier `{tier}` is declared by two [[risk]] entries"),
                format!(
                    "Give each tier one [[risk]] entry: put the paths of both into the first \
                     `tier = \"{tier}\"` and remove this one."
                ),
            );
            continue;
        }
        if tier == LOW_TIER && i + 1 != raw.len() {
            errors.push(
                Problem::InvalidValue,
                risk.tier.span(),
                "not the last tier",
                format!(
                    "the tier `{LOW_TIER}` is the lowest (every file no tier names is `{LOW_TIER}`), \
                     but [[risk]] entries follow it"
                ),
                format!(
                    "Move the `tier = \"{LOW_TIER}\"` entry to the end: [[risk]] entries go \
                     from the highest tier to the lowest."
                ),
            );
            continue;
        }
        let cx = Context {
            place: "`paths` of [[risk]]",
            key: "paths",
            externals: false,
            globs: true,
            braces: Braces::Alternation,
            empty: false,
        };
        let Some(paths) = selectors::selector(&risk.paths, names, cx, errors) else {
            continue;
        };
        out.push(RiskTier {
            name: tier.clone(),
            paths,
            blast_radius: risk.blast_radius.as_ref().is_none_or(|b| *b.get_ref()),
            description: risk.description.clone(),
            decl: index.region(entry.span()),
        });
    }
    out
}
