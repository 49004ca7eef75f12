//! `[[forbid]]` and `[[allow]]`: an edge between two selectors, with its `reason` (required),
//! for a ban the `fix` shown first in every finding and its `type_only`, and for a waiver the
//! `rules` it waives.

use toml::Spanned;

use super::selectors::{self, Braces, Context, Names, written};
use super::{Errors, type_only};
use crate::config::EdgeRule;
use crate::config::error::Problem;
use crate::config::schema::RawEdgeRule;
use crate::source::LineIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Forbid,
    Allow,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Forbid => "forbid",
            Table::Allow => "allow",
        }
    }
}

pub(super) fn validate(
    raw: &[Spanned<RawEdgeRule>],
    table: Table,
    names: &Names,
    index: &LineIndex<'_>,
    errors: &mut Errors,
) -> Vec<EdgeRule> {
    let mut out = Vec::new();
    for entry in raw {
        let rule = entry.get_ref();
        let from_place = format!("`from` of [[{}]]", table.name());
        let to_place = format!("`to` of [[{}]]", table.name());
        let from = selectors::selector(
            &rule.from,
            names,
            Context {
                place: &from_place,
                key: "from",
                externals: false,
                globs: true,
                braces: Braces::Alternation,
                empty: false,
            },
            errors,
        );
        let to = selectors::selector(
            &rule.to,
            names,
            Context {
                place: &to_place,
                key: "to",
                externals: true,
                globs: true,
                braces: Braces::Alternation,
                empty: false,
            },
            errors,
        );
        misplaced_keys(rule, table, errors);
        let type_only = rule
            .type_only
            .as_ref()
            .filter(|_| table == Table::Forbid)
            .and_then(|v| type_only(v, "`type_only` of [[forbid]]", errors));
        let reason = match &rule.reason {
            Some(r) if !r.get_ref().trim().is_empty() => r.get_ref().clone(),
            Some(r) => {
                errors.push(
                    Problem::EmptyReason,
                    r.span(),
                    "empty reason",
                    format!("empty `reason` in [[{}]]", table.name()),
                    reason_help(table),
                );
                continue;
            }
            None => {
                errors.push(
                    Problem::MissingReason,
                    entry.span(),
                    "this entry needs a `reason`",
                    format!(
                        "[[{}]] from `{}` to `{}` has no `reason`",
                        table.name(),
                        written(&rule.from),
                        written(&rule.to)
                    ),
                    reason_help(table),
                );
                continue;
            }
        };
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        out.push(EdgeRule {
            from_text: from.text.clone(),
            to_text: to.text.clone(),
            from,
            to,
            reason,
            fix: rule.fix.as_ref().map(|f| f.get_ref().clone()),
            type_only,
            indirect: rule
                .indirect
                .as_ref()
                .filter(|_| table == Table::Forbid)
                .map(|v| *v.get_ref()),
            rules: rule.rules.as_ref().map(|list| {
                list.get_ref()
                    .iter()
                    .map(|r| (r.get_ref().clone(), r.span()))
                    .collect()
            }),
            decl: index.region(entry.span()),
        });
    }
    out
}

/// Keys that only one of the two tables has (serde reads both into one struct).
fn misplaced_keys(rule: &RawEdgeRule, table: Table, errors: &mut Errors) {
    let misplaced = match table {
        Table::Forbid => rule.rules.as_ref().map(|r| ("rules", r.span())),
        Table::Allow => rule
            .type_only
            .as_ref()
            .map(|t| ("type_only", t.span()))
            .or_else(|| rule.fix.as_ref().map(|f| ("fix", f.span())))
            .or_else(|| rule.indirect.as_ref().map(|i| ("indirect", i.span()))),
    };
    let Some((key, span)) = misplaced else {
        return;
    };
    let help = match table {
        Table::Forbid => "Remove `rules`: it scopes an [[allow]] waiver to named rules; a \
                          [[forbid]] entry is one rule of its own."
            .to_owned(),
        Table::Allow => {
            format!("Remove `{key}`: the keys of [[allow]] are `from`, `to`, `rules`, `reason`.")
        }
    };
    errors.push(
        Problem::UnknownKey,
        span,
        "unknown key",
        format!("unknown key `{key}` in [[{}]]", table.name()),
        help,
    );
}

fn reason_help(table: Table) -> String {
    match table {
        Table::Allow => "Add `reason = \"…\"` saying why this exception is acceptable and when it \
                         will go, e.g. `reason = \"typing only; tracked in #123\"`."
            .to_owned(),
        Table::Forbid => "Add `reason = \"…\"` saying why this edge is forbidden, e.g. \
                          `reason = \"the UI reaches storage only through services\"`; it is \
                          shown with every violation."
            .to_owned(),
    }
}
