//! The commands that list what the registries hold: metrics, model families, tools and gates.

use anyhow::Result;

use autokaggle_toolkit::models::family::Family;
use autokaggle_toolkit::registry;

/// `metrics`: the registry's table.
pub fn metrics() -> String {
    crate::inspect::metrics_table()
}

/// Train rows the `families` listing shows default settings for (they depend on the data's size).
const SHOWN_ROWS: usize = 10_000;

/// `families`: each family's name and note, and its default settings as a plan would try them;
/// with `json`, also the JSON schema of its settings.
pub fn families(json: bool) -> Result<String> {
    if json {
        let all: Vec<serde_json::Value> = Family::all()
            .map(|f| {
                let defaults = f.defaults(SHOWN_ROWS, 1);
                serde_json::json!({
                    "name": f.name(),
                    "note": f.note(),
                    "defaults": &defaults,
                    "schema": defaults.schema(),
                })
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&all)?);
    }
    let mut lines = Vec::new();
    for f in Family::all() {
        let defaults = serde_json::to_string(&f.defaults(SHOWN_ROWS, 1))?;
        lines.push(format!(
            "{:<12} {}
{:<12} {defaults}",
            f.name(),
            f.note(),
            ""
        ));
    }
    lines.push(format!(
        "\n{} families; the settings shown are the defaults at {SHOWN_ROWS} train rows and one output",
        Family::all().count()
    ));
    Ok(lines.join("\n"))
}

/// `tools`: a line per tool, or every tool's spec and schema as JSON.
pub fn tools(json: bool) -> Result<String> {
    if json {
        let specs: Vec<_> = registry::TOOLS.iter().map(|t| t.spec()).collect();
        return Ok(serde_json::to_string_pretty(&specs)?);
    }
    let mut lines: Vec<String> = registry::TOOLS
        .iter()
        .map(|t| {
            let s = t.spec();
            let first = s.description.split(". ").next().unwrap_or("");
            let category = format!("{:?}", s.category).to_lowercase();
            format!("{:<22} {category:<9} {first}", s.name)
        })
        .collect();
    lines.push(format!(
        "\n{} tools; `autokaggle tools --json` prints their argument schemas",
        registry::TOOLS.len()
    ));
    Ok(lines.join("\n"))
}

/// `gates`: each gate, what it checks and the phases it judges.
pub fn gates() -> String {
    crate::gates::GATES
        .iter()
        .map(|g| {
            let phases: Vec<&str> = g.phases().iter().map(|p| p.slug()).collect();
            format!(
                "{:<28} {}\n{:<28} phases: {}",
                g.name,
                g.doc,
                "",
                phases.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
