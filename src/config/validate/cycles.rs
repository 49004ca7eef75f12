//! `[[cycles]]`: a scope (`paths`, default every source file) in which import cycles are
//! reported, among files or among groups (`between`); type-only imports close no cycle unless
//! `type_only = "check"`.

use toml::Spanned;

use super::selectors::{self, Braces, Context, Names};
use super::{Errors, type_only};
use crate::config::error::Problem;
use crate::config::schema::RawCycles;
use crate::config::{Between, CyclesRule, TypeOnly};
use crate::source::LineIndex;

pub(super) fn validate(
    raw: &[Spanned<RawCycles>],
    names: &Names,
    index: &LineIndex<'_>,
    errors: &mut Errors,
) -> Vec<CyclesRule> {
    let mut out = Vec::new();
    for entry in raw {
        let rule = entry.get_ref();
        let paths = match &rule.paths {
            Some(value) => {
                let cx = Context {
                    place: "`paths` of [[cycles]]",
                    key: "paths",
                    externals: false,
                    globs: true,
                    braces: Braces::Alternation,
                    empty: false,
                };
                match selectors::selector(value, names, cx, errors) {
                    Some(spec) => Some(spec),
                    None => continue,
                }
            }
            None => None,
        };
        let between = match rule
            .between
            .as_ref()
            .map(|b| (b.get_ref().as_str(), b.span()))
        {
            None | Some(("files", _)) => Between::Files,
            Some(("groups", _)) => Between::Groups,
            Some((other, span)) => {
                errors.push(
                    Problem::InvalidValue,
                    span,
                    "not a choice",
                    format!(
                        "`between` of [[cycles]] must be \"files\" or \"groups\", not `{other}`"
                    ),
                    "Write `between = \"files\"` (cycles among files, the default) or `between = \
                     \"groups\"` (cycles among layers and modules)."
                        .to_owned(),
                );
                continue;
            }
        };
        let type_only = rule
            .type_only
            .as_ref()
            .and_then(|v| type_only(v, "`type_only` of [[cycles]]", errors))
            .unwrap_or(TypeOnly::Ignore);
        out.push(CyclesRule {
            paths,
            between,
            type_only,
            reason: rule.reason.as_ref().map(|r| r.get_ref().clone()),
            decl: index.region(entry.span()),
        });
    }
    out
}
