//! `madoguchi curate …`: the curation loop from a terminal — list the groups of
//! unanswered questions, add one as an alt question, draft an entry, dismiss, trends.
//! Works on the same database the server writes (`<data_dir>/curation.sqlite3`);
//! SQLite's WAL lets it run while the server is serving.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Subcommand;
use madoguchi::curate::{self, Curator};
use madoguchi::knowledge::KnowledgeBase;
use madoguchi::store::sqlite::SqliteStore;
use madoguchi::store::Store;
use madoguchi::Config;

#[derive(Subcommand, Debug)]
pub enum CurateCommand {
    /// Groups of similar unanswered questions, most frequent first.
    List {
        /// Only this tenant (`national` or a municipality code).
        #[arg(long)]
        tenant: Option<String>,
        /// Groups shown at most.
        #[arg(long, default_value_t = 30)]
        limit: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add a group's question as an alt question of an entry (then reload or let the
    /// server's file watch pick it up).
    AddAlt {
        /// Group id (from `curate list`).
        group: String,
        /// Entry id the question belongs to.
        #[arg(long)]
        entry: String,
        /// The wording to add (default: the group's most frequent wording).
        #[arg(long)]
        text: Option<String>,
    },
    /// Write a draft entry for a group to knowledge/drafts/.
    Draft { group: String },
    /// Hide a group (out of scope, spam, …).
    Dismiss { group: String },
    /// Asks and answer rates per day and tenant.
    Trends {
        /// Days shown.
        #[arg(long, default_value_t = 14)]
        days: i64,
    },
    /// Delete logged questions and feedback older than `curation.retention_days` now.
    Purge,
}

fn open_store(config: &Config) -> Result<Arc<dyn Store>> {
    let path = config.paths.curation_db();
    if !path.is_file() {
        anyhow::bail!(
            "no curation database at {} — it is created by `madoguchi serve`; pass --data-dir DIR of the server",
            path.display()
        );
    }
    Ok(Arc::new(SqliteStore::open(&path)?))
}

pub fn run(config: &Config, command: &CurateCommand) -> Result<ExitCode> {
    let store = open_store(config)?;
    let dir = &config.paths.knowledge_dir;
    let curator = Curator::new(Arc::clone(&store), dir);
    match command {
        CurateCommand::List {
            tenant,
            limit,
            json,
        } => {
            let kb = match KnowledgeBase::load(dir) {
                Ok(kb) => Some(kb),
                Err(e) => {
                    eprintln!("warning: the knowledge does not load, so nearest entries are not named: {e}");
                    None
                }
            };
            let mut groups = curator.groups(tenant.as_deref(), kb.as_ref())?;
            let total = groups.len();
            groups.truncate(*limit);
            if *json {
                println!("{}", serde_json::to_string_pretty(&groups)?);
                return Ok(ExitCode::SUCCESS);
            }
            if groups.is_empty() {
                println!("no open groups: every logged question has been handled");
            }
            for g in &groups {
                let decisions: Vec<String> = g
                    .decisions
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect();
                println!("{}  ×{}  {}", g.id, g.count, g.question);
                println!(
                    "    {} · tenants {} · {} – {}",
                    decisions.join(", "),
                    g.tenants.join(","),
                    g.first_seen.get(..16).unwrap_or(&g.first_seen),
                    g.last_seen.get(..16).unwrap_or(&g.last_seen)
                );
                for v in g.variants.iter().skip(1).take(3) {
                    println!("    also: {} ×{}", v.0, v.1);
                }
                for n in &g.nearest {
                    println!("    nearest: {} ({:.2}) {}", n.id, n.score, n.question);
                }
            }
            if total > groups.len() {
                println!("… {} more (--limit)", total - groups.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        CurateCommand::AddAlt { group, entry, text } => {
            let file = curator.add_alt(group, entry, text.as_deref())?;
            println!("added to {entry} in {}; a running server reloads it within seconds (or POST /admin/reload)", file.display());
            Ok(ExitCode::SUCCESS)
        }
        CurateCommand::Draft { group } => {
            let path = curator.draft(group)?;
            println!(
                "draft written: {} — fill in the answer and sources, then move it out of drafts/",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        CurateCommand::Dismiss { group } => {
            curator.dismiss(group)?;
            println!("dismissed {group}");
            Ok(ExitCode::SUCCESS)
        }
        CurateCommand::Trends { days } => {
            let since = (chrono::Utc::now() - chrono::Duration::days(*days))
                .format("%Y-%m-%d")
                .to_string();
            let rows = curate::trends(store.daily(&since)?);
            println!("day         tenant      asks  answer  suggest  abstain  解決した");
            let pct = |a: u64, b: u64| {
                if b == 0 {
                    "–".to_string()
                } else {
                    format!("{:.0}%", a as f64 * 100.0 / b as f64)
                }
            };
            for r in rows {
                println!(
                    "{:<11} {:<10} {:>5} {:>7} {:>8} {:>8} {:>9}",
                    r.day,
                    r.tenant,
                    r.asks,
                    pct(r.answered, r.asks),
                    pct(r.suggested, r.asks),
                    pct(r.abstained, r.asks),
                    pct(r.helpful, r.helpful + r.unhelpful)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CurateCommand::Purge => {
            let days = config.curation.retention_days;
            if days == 0 {
                println!("curation.retention_days = 0: everything is kept");
                return Ok(ExitCode::SUCCESS);
            }
            let n = store.purge_older_than(days).context("purging")?;
            println!("deleted {n} row(s) older than {days} days");
            Ok(ExitCode::SUCCESS)
        }
    }
}
