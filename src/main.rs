//! `madoguchi` command line: dictionary build, index, ask, serve, eval, csv, curate, model.

mod cli;

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use madoguchi::analysis::{dictionary, Analyzer};
use madoguchi::engine::{OpenProgress, OpenReport};
use madoguchi::knowledge::{KnowledgeBase, NATIONAL};
use madoguchi::retrieve::keyword::IndexState;
use madoguchi::{AskError, Config, Engine};

#[derive(Parser, Debug)]
#[command(
    name = "madoguchi",
    version,
    about = "窓口: offline FAQ answering for Japanese residents"
)]
struct Cli {
    /// Config file (default: ./madoguchi.toml if present; env MADOGUCHI_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// FAQ folder (env MADOGUCHI_KNOWLEDGE_DIR; default knowledge).
    #[arg(long, global = true)]
    knowledge_dir: Option<PathBuf>,
    /// Data folder for the index and the curation database (env MADOGUCHI_DATA_DIR;
    /// default data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Suppress progress output.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Ask a question (or `-` to read one question per line from stdin).
    Ask {
        /// The question; `-` reads questions from standard input, one per line.
        question: String,
        /// Print exactly one JSON object per question.
        #[arg(long)]
        json: bool,
        /// Municipality code (national FAQs plus its local ones).
        #[arg(long, default_value = NATIONAL)]
        tenant: String,
        /// Also print the evidence (terms, candidates and their scores) to stderr.
        #[arg(long)]
        explain: bool,
    },
    /// Talk with the FAQ: it may ask back, and follow-ups are answered in context.
    Chat {
        /// Municipality code (national FAQs plus its local ones).
        #[arg(long, default_value = NATIONAL)]
        tenant: String,
    },
    /// Serve the HTTP API, the widget and the demo page.
    Serve {
        /// Address to listen on (env MADOGUCHI_ADDR; default 127.0.0.1:8080).
        #[arg(long)]
        addr: Option<String>,
    },
    /// Validate the knowledge files and (re)build the search index.
    Index,
    /// Validate the knowledge files only.
    Check,
    /// Run the golden question sets and write the evaluation report.
    Eval {
        /// Folder of golden sets (*.tsv).
        #[arg(long, default_value = "eval/golden")]
        golden: PathBuf,
        /// Two-turn conversation cases (skipped when the file does not exist).
        #[arg(long, default_value = "eval/conversations.tsv")]
        conversations: PathBuf,
        /// Where to write index.html and report.json (the previous report.json there
        /// is compared against).
        #[arg(long, default_value = "eval/report")]
        out: PathBuf,
        /// Minimum metrics; below them the command exits with status 1.
        #[arg(long, default_value = "eval/thresholds.toml")]
        thresholds: PathBuf,
    },
    /// Exchange FAQs with spreadsheets as CSV (columns: see README).
    Csv {
        #[command(subcommand)]
        command: CsvCommand,
    },
    /// The curation loop: unanswered questions, grouped; add, draft, dismiss; trends.
    Curate {
        #[command(subcommand)]
        command: cli::curate::CurateCommand,
    },
    /// Dense retrieval models: check what loads here, fetch one where a network exists.
    Model {
        #[command(subcommand)]
        command: cli::model::ModelCommand,
    },
    /// The Japanese dictionary.
    Dict {
        #[command(subcommand)]
        command: DictCommand,
    },
}

#[derive(Subcommand, Debug)]
enum CsvCommand {
    /// Write entries as CSV.
    Export {
        /// `national`, a municipality code, or `all`.
        #[arg(long, default_value = "all")]
        tenant: String,
        /// utf8-bom (Excel), utf8 or sjis (Shift_JIS/CP932).
        #[arg(long, default_value = "utf8-bom")]
        encoding: String,
        /// Output file, or `-` for standard output.
        #[arg(long, default_value = "-")]
        out: PathBuf,
    },
    /// Convert a CSV (UTF-8 or Shift_JIS) into a knowledge TOML file; bad rows are
    /// reported with their row numbers and skipped.
    Import {
        file: PathBuf,
        /// The TOML file to write (under knowledge/ to take effect).
        #[arg(long, default_value = "knowledge/imported.toml")]
        out: PathBuf,
        /// Replace `--out` if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
enum DictCommand {
    /// Build the IPADIC dictionary from Debian's mecab-ipadic sources (idempotent).
    Build {
        /// Rebuild even if up to date.
        #[arg(long)]
        force: bool,
    },
    /// Show how a text is normalized, tokenized and turned into index terms.
    Tokenize { text: String },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MADOGUCHI_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn load_config(cli: &Cli) -> Result<Config> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(d) = &cli.knowledge_dir {
        config.paths.knowledge_dir = d.clone();
    }
    if let Some(d) = &cli.data_dir {
        config.paths.data_dir = d.clone();
    }
    Ok(config)
}

fn run(cli: Cli) -> Result<ExitCode> {
    let config = load_config(&cli)?;
    match &cli.command {
        Command::Ask {
            question,
            json,
            tenant,
            explain,
        } => {
            let engine = open_engine(&config, cli.quiet)?;
            if engine
                .knowledge()
                .entries()
                .iter()
                .all(|e| e.tenant != *tenant)
                && tenant != NATIONAL
            {
                anyhow::bail!(
                    "unknown tenant `{tenant}`: no FAQ files have `tenant = \"{tenant}\"`"
                );
            }
            if *explain && question != "-" {
                eprint!("{}", engine.explain(question, tenant)?);
            }
            if question == "-" {
                ask_stdin(&engine, tenant, *json)
            } else {
                ask_one(&engine, question, tenant, *json)
            }
        }
        Command::Serve { addr } => cli::serve::run(config, addr.clone(), cli.quiet),
        Command::Curate { command } => cli::curate::run(&config, command),
        Command::Model { command } => cli::model::run(&config, command, cli.quiet),
        Command::Index => {
            let (_, report) = open_with_progress(&config, cli.quiet)?;
            let what = match report.index_state {
                IndexState::Rebuilt => "built",
                IndexState::Opened => "already up to date",
            };
            println!(
                "index {what}: {} entries in {} ({} ms)",
                report.entries,
                config.paths.index_dir().display(),
                report.elapsed_ms
            );
            println!("{}", report.dense.reason);
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            golden,
            conversations,
            out,
            thresholds,
        } => cli::eval::run_eval(&config, golden, conversations, out, thresholds, cli.quiet),
        Command::Chat { tenant } => cli::chat::run(&config, tenant, cli.quiet),
        Command::Csv {
            command:
                CsvCommand::Export {
                    tenant,
                    encoding,
                    out,
                },
        } => cli::csv::export(&config.paths.knowledge_dir, tenant, encoding, out),
        Command::Csv {
            command: CsvCommand::Import { file, out, force },
        } => cli::csv::import(&config.paths.knowledge_dir, file, out, *force),
        Command::Check => {
            let kb = KnowledgeBase::load(&config.paths.knowledge_dir)?;
            let tenants: std::collections::BTreeSet<&str> =
                kb.entries().iter().map(|e| e.tenant.as_str()).collect();
            println!(
                "ok: {} entries, tenants: {}",
                kb.len(),
                tenants.into_iter().collect::<Vec<_>>().join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Dict {
            command: DictCommand::Build { force },
        } => {
            let out = config.paths.dictionary_dir();
            if *force && out.exists() {
                std::fs::remove_dir_all(&out)
                    .with_context(|| format!("removing {}", out.display()))?;
            }
            let bar = spinner(cli.quiet);
            let outcome = dictionary::build_dictionary(&config.paths.ipadic_source, &out, &|m| {
                bar.set_message(m.to_string())
            })?;
            bar.finish_and_clear();
            if outcome.built {
                println!(
                    "dictionary built in {:.1} s: {} ({:.1} MB)",
                    outcome.elapsed.as_secs_f32(),
                    out.display(),
                    outcome.size_bytes as f64 / 1e6
                );
            } else {
                println!("dictionary already up to date: {}", out.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Dict {
            command: DictCommand::Tokenize { text },
        } => {
            let p = &config.paths;
            if !dictionary::is_up_to_date(&p.ipadic_source, &p.dictionary_dir())
                && p.ipadic_source.exists()
            {
                dictionary::build_dictionary(&p.ipadic_source, &p.dictionary_dir(), &|_| {})?;
            }
            let analyzer = Analyzer::load(&p.dictionary_dir(), &p.analyzer_files())?;
            println!("normalized: {}", analyzer.prepare(text));
            for t in analyzer.tokens(text)? {
                println!("  {}\t{}\t{}\t{}", t.surface, t.pos, t.base, t.reading);
            }
            let a = analyzer.analyze(text)?;
            println!("words: {}", a.words.join(" | "));
            println!("kana:  {}", a.kana.join(" "));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn spinner(quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn open_with_progress(config: &Config, quiet: bool) -> Result<(Engine, OpenReport)> {
    let bar = spinner(quiet);
    let stage = std::cell::Cell::new("");
    let counted = |label: &'static str, done: usize, total: usize| {
        if stage.get() != label || bar.length() != Some(total as u64) {
            stage.set(label);
            bar.set_length(total as u64);
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{bar:30}} {{pos}}/{{len}} {label} [{{elapsed}}]"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
        bar.set_position(done as u64);
    };
    let result = Engine::open(config, &|p| match p {
        OpenProgress::Message(m) => bar.set_message(m.to_string()),
        OpenProgress::Indexing { done, total } => counted("件を索引中", done, total),
        OpenProgress::Embedding { done, total } => counted("文を埋め込み中", done, total),
    });
    bar.finish_and_clear();
    Ok(result?)
}

pub(crate) fn open_engine(config: &Config, quiet: bool) -> Result<Engine> {
    Ok(open_with_progress(config, quiet)?.0)
}

fn ask_one(engine: &Engine, question: &str, tenant: &str, json: bool) -> Result<ExitCode> {
    match engine.ask_for(question, tenant) {
        Ok(response) => {
            if json {
                println!("{}", serde_json::to_string(&response)?);
            } else {
                print!("{}", response.to_text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ (AskError::Empty | AskError::TooLong { .. })) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&engine.ask_or_explain(question, tenant))?
                );
            } else {
                eprintln!("error: {e}");
            }
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(anyhow::anyhow!(e)),
    }
}

fn ask_stdin(engine: &Engine, tenant: &str, json: bool) -> Result<ExitCode> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (i, line) in stdin.lock().split(b'\n').enumerate() {
        let bytes = line.context("reading standard input")?;
        // Invalid UTF-8 must not stop the batch: replace bad bytes and go on.
        let text = String::from_utf8_lossy(&bytes);
        let question = text.trim_end_matches('\r');
        let response = engine.ask_or_explain(question, tenant);
        if json {
            writeln!(out, "{}", serde_json::to_string(&response)?)?;
        } else {
            writeln!(out, "--- {} ---\n{}", i + 1, response.to_text())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
