//! `[[independent]]`: groups that never import each other (import-linter's independence
//! contract, Nx's and Sheriff's sibling bans). `groups` names groups only.

use toml::Spanned;

use super::selectors::{self, Braces, Context, Names};
use super::{Errors, type_only};
use crate::config::IndependentRule;
use crate::config::error::Problem;
use crate::config::schema::RawIndependent;
use crate::source::LineIndex;

pub(super) fn validate(
    raw: &[Spanned<RawIndependent>],
    names: &Names,
    index: &LineIndex<'_>,
    errors: &mut Errors,
) -> Vec<IndependentRule> {
    let mut out = Vec::new();
    for entry in raw {
        let rule = entry.get_ref();
        let cx = Context {
            place: "`groups` of [[independent]]",
            key: "groups",
            externals: false,
            globs: false,
            braces: Braces::Alternation,
            empty: false,
        };
        let groups = selectors::selector(&rule.groups, names, cx, errors);
        let count = groups.as_ref().map_or(0, |g| g.entries.len());
        if groups.is_some() && count < 2 && !names_a_template(groups.as_ref(), names) {
            errors.push(
                Problem::InvalidSelector,
                rule.groups.span(),
                "one group is independent of nothing",
                "`groups` of [[independent]] names one group".to_owned(),
                "List two or more groups that must not import each other, e.g. `groups = \
                 [\"billing\", \"shipping\"]`, or name a template to keep its instances apart."
                    .to_owned(),
            );
            continue;
        }
        let type_only = rule
            .type_only
            .as_ref()
            .and_then(|v| type_only(v, "`type_only` of [[independent]]", errors));
        if let Some(groups) = groups {
            out.push(IndependentRule {
                groups,
                reason: rule.reason.as_ref().map(|r| r.get_ref().clone()),
                type_only,
                indirect: rule.indirect.as_ref().map(|v| *v.get_ref()),
                decl: index.region(entry.span()),
            });
        }
    }
    out
}

/// Whether the one entry names a template, whose instances are kept apart.
fn names_a_template(spec: Option<&crate::config::SelectorSpec>, names: &Names) -> bool {
    spec.and_then(|s| s.entries.first())
        .is_some_and(|e| match e.atom {
            crate::config::AtomSpec::Module(m) => {
                names.modules.get(m).is_some_and(|(_, p)| p.is_some())
            }
            _ => false,
        })
}
