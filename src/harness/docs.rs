//! `archgate docs` (SPEC §10): the architecture of `layers.toml` as Markdown — the layer table,
//! the modules, every rule with its reason, and a Mermaid picture of what may import what.
//! It is drawn from the declarations alone (no file counts, import counts, dates or timings),
//! so it changes only when the architecture does and is byte-identical across runs; `--check`
//! in CI then keeps a copy in the README or AGENTS.md from drifting.

use std::fmt::Write as _;

use crate::config::{AtomSpec, Between, Config, GroupDecl, SelectorSpec};

/// Where the generated part of a file begins and ends, when the file has them.
pub const BEGIN: &str = "<!-- archgate:begin -->";
pub const END: &str = "<!-- archgate:end -->";

/// The Markdown of the architecture.
pub fn render(config: &Config) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- Generated from {} by `archgate docs`; edit {0}, not this section. -->",
        config.path
    );
    out.push('\n');
    layers(config, &mut out);
    modules(config, &mut out);
    rules(config, &mut out);
    picture(config, &mut out);
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        out,
        "Contracts: {}, {}, {}, {}, {}, {}.",
        count(config.layers.len(), "layer", "layers"),
        count(config.modules.len(), "module", "modules"),
        count(
            config.forbid.len(),
            "`[[forbid]]` rule",
            "`[[forbid]]` rules"
        ),
        count(
            config.independent.len(),
            "`[[independent]]` rule",
            "`[[independent]]` rules"
        ),
        count(
            config.cycles.len(),
            "`[[cycles]]` rule",
            "`[[cycles]]` rules"
        ),
        count(
            config.allow.len(),
            "`[[allow]]` waiver",
            "`[[allow]]` waivers"
        ),
    );
    out
}

fn layers(config: &Config, out: &mut String) {
    if config.layers.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Layers\n");
    let _ = writeln!(
        out,
        "From the top: a file may import its own layer and the layers below it, never one above."
    );
    out.push('\n');
    let _ = writeln!(out, "| # | layer | paths | description | may import |");
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    for (i, layer) in config.layers.iter().enumerate() {
        let may = match &layer.may_import {
            Some(spec) => selector(spec),
            None if i + 1 == config.layers.len() => "its own files".to_owned(),
            None => "every layer below".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            i + 1,
            layer.name,
            patterns(layer),
            cell(layer.description.as_deref().unwrap_or("")),
            cell(&may),
        );
    }
    out.push('\n');
}

fn modules(config: &Config, out: &mut String) {
    if config.modules.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Modules\n");
    let _ = writeln!(
        out,
        "Modules cut across the layers; a file obeys its layer's and its module's contracts."
    );
    out.push('\n');
    let _ = writeln!(
        out,
        "| module | paths | description | may import | imported by | public |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
    for module in &config.modules {
        let mut description = module.description.clone().unwrap_or_default();
        if module.independent {
            if !description.is_empty() {
                description.push(' ');
            }
            description.push_str("(instances never import each other)");
        }
        let opt =
            |spec: &Option<SelectorSpec>| spec.as_ref().map_or_else(|| "any".to_owned(), selector);
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            module.name,
            patterns(module),
            cell(&description),
            cell(&opt(&module.may_import)),
            cell(&opt(&module.imported_by)),
            cell(
                &module
                    .public
                    .as_ref()
                    .map_or_else(|| "every file".to_owned(), selector)
            ),
        );
    }
    out.push('\n');
}

fn rules(config: &Config, out: &mut String) {
    let mut lines: Vec<String> = Vec::new();
    for rule in &config.forbid {
        let mut line = format!(
            "- **Forbidden:** {} must not import {}{}: {}",
            code(&rule.from_text),
            code(&rule.to_text),
            if rule.indirect.unwrap_or(config.check.indirect) {
                " (not even through other files)"
            } else {
                ""
            },
            sentence(&rule.reason)
        );
        if let Some(fix) = &rule.fix {
            line.push_str(&format!(" Instead: {}", sentence(fix)));
        }
        lines.push(line);
    }
    for rule in &config.independent {
        let mut line = format!(
            "- **Independent:** {} never import each other{}",
            selector(&rule.groups),
            if rule.indirect.unwrap_or(config.check.indirect) {
                ", not even through other files"
            } else {
                ""
            }
        );
        if let Some(reason) = &rule.reason {
            line.push_str(&format!(": {}", sentence(reason)));
        }
        lines.push(line);
    }
    for rule in &config.cycles {
        let scope = rule
            .paths
            .as_ref()
            .map_or_else(|| "the whole repository".to_owned(), selector);
        let between = match rule.between {
            Between::Files => "files",
            Between::Groups => "layers and modules",
        };
        let mut line = format!("- **No cycles** among {between} in {scope}");
        if let Some(reason) = &rule.reason {
            line.push_str(&format!(": {}", sentence(reason)));
        }
        lines.push(line);
    }
    lines.extend(other_rules(config));
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Rules\n");
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
}

/// The rules besides `[[forbid]]`, independence and cycles, one line each.
fn other_rules(config: &Config) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    if let Some(list) = &config.check.externals {
        let names: Vec<String> = list.iter().map(|p| format!("`{p}`")).collect();
        lines.push(format!(
            "- **Packages:** files may import only {} and the standard library, unless their \
             layer or module lists others",
            names.join(", ")
        ));
    }
    for group in config.layers.iter().chain(&config.modules) {
        if let Some(list) = &group.externals {
            let names: Vec<String> = list.iter().map(|p| format!("`{p}`")).collect();
            lines.push(format!(
                "- **Packages of `{}`:** {} and the standard library",
                group.name,
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ));
        }
    }
    if config.check.unlayered {
        lines.push("- **Every source file is in a layer or a module.**".to_owned());
    }
    for rule in &config.allow {
        lines.push(format!(
            "- **Waived:** {} may import {}: {}",
            code(&rule.from_text),
            code(&rule.to_text),
            sentence(&rule.reason)
        ));
    }
    for tier in &config.risk {
        lines.push(format!(
            "- **Review tier `{}`:** {}{}{}",
            tier.name,
            selector(&tier.paths),
            if tier.blast_radius {
                ", and every file they import"
            } else {
                ""
            },
            tier.description
                .as_deref()
                .map(|d| format!(": {}", sentence(d)))
                .unwrap_or_default()
        ));
    }
    lines
}

/// What may import what, as declared: each layer an arrow to the next one below (or to those
/// its `may_import` lists), each module's `may_import`, and every `[[forbid]]` between groups.
fn picture(config: &Config, out: &mut String) {
    if config.layers.is_empty() && config.modules.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Picture\n");
    let _ = writeln!(out, "```mermaid");
    let _ = writeln!(out, "flowchart TD");
    let layer_id = |rank: usize| format!("L{rank}");
    let module_id = |m: usize| format!("M{m}");
    for (rank, layer) in config.layers.iter().enumerate() {
        let _ = writeln!(out, "  {}[\"{}\"]", layer_id(rank), mermaid(&layer.name));
    }
    for (m, module) in config.modules.iter().enumerate() {
        let _ = writeln!(out, "  {}([\"{}\"])", module_id(m), mermaid(&module.name));
    }
    let id_of = |atom: &AtomSpec| match atom {
        AtomSpec::Layer(rank) => Some(layer_id(*rank)),
        AtomSpec::Module(m) | AtomSpec::Instance { module: m, .. } => Some(module_id(*m)),
        AtomSpec::Glob(_) | AtomSpec::External(_) => None,
    };
    let named = |spec: &SelectorSpec| -> Vec<String> {
        spec.entries
            .iter()
            .filter(|e| !e.negated)
            .filter_map(|e| id_of(&e.atom))
            .collect()
    };
    for (rank, layer) in config.layers.iter().enumerate() {
        let targets = match &layer.may_import {
            Some(spec) => named(spec),
            None if rank + 1 < config.layers.len() => vec![layer_id(rank + 1)],
            None => Vec::new(),
        };
        for to in targets {
            let _ = writeln!(out, "  {} --> {to}", layer_id(rank));
        }
    }
    for (m, module) in config.modules.iter().enumerate() {
        for to in module.may_import.as_ref().map(named).unwrap_or_default() {
            let _ = writeln!(out, "  {} --> {to}", module_id(m));
        }
    }
    for rule in &config.forbid {
        for from in named(&rule.from) {
            for to in named(&rule.to) {
                let _ = writeln!(out, "  {from} -. forbidden .-> {to}");
            }
        }
    }
    let _ = writeln!(out, "```\n");
}

/// A group's `paths` as written, for a table cell.
fn patterns(group: &GroupDecl) -> String {
    cell(
        &group
            .patterns
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// A selector as written, each entry in code.
fn selector(spec: &SelectorSpec) -> String {
    spec.entries
        .iter()
        .map(|e| format!("`{}`", e.text))
        .collect::<Vec<_>>()
        .join(", ")
}

fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// Text on one line ending with a full stop, for a list item.
fn sentence(text: &str) -> String {
    let line = one_line(text);
    if line.ends_with(['.', '!', '?']) {
        line
    } else {
        format!("{line}.")
    }
}

/// Text on one line: a table cell or list item must not break.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

fn mermaid(text: &str) -> String {
    text.replace('"', "#quot;")
}

/// What `FILE` holds once the docs are written into it: between the marker lines when it has
/// them (each marker alone on its line, so that prose quoting a marker is left alone), else
/// the docs alone.
pub fn merge(existing: Option<&str>, docs: &str) -> String {
    let Some(text) = existing else {
        return docs.to_owned();
    };
    let mut offset = 0;
    let mut begin = None;
    for line in text.split_inclusive('\n') {
        let end = offset + line.len();
        match (begin, line.trim()) {
            (None, BEGIN) => begin = Some(end),
            (Some(start), END) => {
                let head = text.get(..start).unwrap_or("");
                let tail = text.get(offset..).unwrap_or("");
                let head = if head.ends_with('\n') {
                    head.to_owned()
                } else {
                    format!("{head}\n")
                };
                return format!("{head}{docs}{tail}");
            }
            _ => {}
        }
        offset = end;
    }
    docs.to_owned()
}

/// The first line (1-based) where `a` and `b` differ, if they do.
pub fn first_difference(a: &str, b: &str) -> Option<usize> {
    if a == b {
        return None;
    }
    let mut left = a.split('\n');
    let mut right = b.split('\n');
    let mut line = 1;
    loop {
        match (left.next(), right.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            _ => return Some(line),
        }
    }
}
