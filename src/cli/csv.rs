//! `madoguchi csv export|import`: FAQ exchange with spreadsheets (see
//! `madoguchi::knowledge::csv` for the columns).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use madoguchi::knowledge::csv::{self, Encoding};
use madoguchi::knowledge::{KnowledgeBase, NATIONAL};

/// Municipality names from `knowledge/tenants/<code>/tenant.toml` (`name = "…"`).
fn tenant_names(knowledge: &Path) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let Ok(dirs) = std::fs::read_dir(knowledge.join("tenants")) else {
        return names;
    };
    for dir in dirs.flatten() {
        let code = dir.file_name().to_string_lossy().into_owned();
        let name = std::fs::read_to_string(dir.path().join("tenant.toml"))
            .ok()
            .and_then(|t| t.parse::<toml::Table>().ok())
            .and_then(|t| t.get("name").and_then(|v| v.as_str()).map(str::to_string));
        if let Some(name) = name {
            names.insert(code, name);
        }
    }
    names
}

pub fn export(knowledge: &Path, tenant: &str, encoding: &str, out: &Path) -> Result<ExitCode> {
    let kb = KnowledgeBase::load(knowledge)?;
    let encoding = match encoding {
        "utf8-bom" => Encoding::Utf8Bom,
        "utf8" => Encoding::Utf8,
        "sjis" | "shift_jis" | "cp932" => Encoding::ShiftJis,
        other => {
            bail!("unknown encoding `{other}`: use utf8-bom (default, for Excel), utf8 or sjis")
        }
    };
    let entries: Vec<_> = kb
        .entries()
        .iter()
        .filter(|e| tenant == "all" || e.tenant == tenant)
        .cloned()
        .collect();
    if entries.is_empty() {
        bail!("no entries for tenant `{tenant}` (use `national`, a municipality code, or `all`)");
    }
    let names = tenant_names(knowledge);
    let bytes = csv::export(&entries, encoding, &|code| {
        names.get(code).cloned().unwrap_or_default()
    })?;
    if out == Path::new("-") {
        std::io::stdout().write_all(&bytes)?;
    } else {
        std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("exported {} entries to {}", entries.len(), out.display());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn import(knowledge: &Path, file: &Path, out: &Path, force: bool) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let existing = KnowledgeBase::load(knowledge).ok();
    let imported = csv::import(&bytes, existing.as_ref())?;
    const SHOWN: usize = 20;
    for p in imported.problems.iter().take(SHOWN) {
        eprintln!(
            "{}: row {}: {} (row skipped)",
            file.display(),
            p.row,
            p.message
        );
    }
    if imported.problems.len() > SHOWN {
        eprintln!(
            "… and {} more rows skipped",
            imported.problems.len() - SHOWN
        );
    }
    if imported.entries.is_empty() {
        bail!("no valid rows in {}: nothing written", file.display());
    }
    if out.exists() && !force {
        bail!(
            "{} already exists; choose another --out or pass --force to replace it",
            out.display()
        );
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(out, csv::to_toml(&imported.entries, file))
        .with_context(|| format!("writing {}", out.display()))?;
    let tenants: std::collections::BTreeSet<&str> =
        imported.entries.iter().map(|e| e.tenant.as_str()).collect();
    println!(
        "imported {} entries ({}) into {}; {} row(s) skipped",
        imported.entries.len(),
        tenants
            .into_iter()
            .map(|t| if t == NATIONAL { "national" } else { t })
            .collect::<Vec<_>>()
            .join(", "),
        out.display(),
        imported.problems.len()
    );
    Ok(if imported.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}
