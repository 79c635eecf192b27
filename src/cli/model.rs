//! `madoguchi model check|fetch`: what dense retrieval can load here and why not;
//! downloading a known model into the models folder where a network exists.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use madoguchi::retrieve::dense::model::{self, FastEmbedder};
use madoguchi::retrieve::dense::Embedder;
use madoguchi::Config;

#[derive(Subcommand, Debug)]
pub enum ModelCommand {
    /// Say whether the ONNX Runtime library and the configured model load, and why not.
    Check,
    /// Download a model into the models folder (needs a network; the folder can then
    /// be copied onto a closed network).
    Fetch {
        /// Model name (default: the configured `dense.model`).
        name: Option<String>,
        /// Download again even if the folder is complete.
        #[arg(long)]
        force: bool,
    },
}

pub fn run(config: &Config, command: &ModelCommand, quiet: bool) -> Result<ExitCode> {
    match command {
        ModelCommand::Check => check(config),
        ModelCommand::Fetch { name, force } => fetch(config, name.as_deref(), *force, quiet),
    }
}

fn check(config: &Config) -> Result<ExitCode> {
    let d = &config.dense;
    let data = &config.paths.data_dir;
    let mut ok = true;
    if !d.enabled {
        println!(
            "dense retrieval: turned off in the configuration (dense.enabled / MADOGUCHI_DENSE)"
        );
    }
    let library = d.runtime_library(data);
    match model::init_runtime(&library) {
        Ok(()) => println!("ONNX Runtime: ok ({})", library.display()),
        Err(e) => {
            ok = false;
            println!("ONNX Runtime: NOT loadable\n  {e}");
        }
    }
    let dir = d.model_dir(data);
    let problems = model::folder_problems(&dir);
    if problems.is_empty() {
        if ok {
            match FastEmbedder::load(&dir) {
                Ok(m) => println!(
                    "model: ok ({}: {}, dimension {}, {} pooling)",
                    dir.display(),
                    m.spec().name,
                    m.spec().dim,
                    format!("{:?}", m.spec().pooling).to_lowercase()
                ),
                Err(e) => {
                    ok = false;
                    println!("model: NOT loadable\n  {e}");
                }
            }
        } else {
            println!(
                "model: folder complete ({}), not loaded without the runtime",
                dir.display()
            );
        }
    } else {
        ok = false;
        println!("model: NOT loadable ({})", dir.display());
        for p in problems {
            println!("  {p}");
        }
        println!(
            "  where a network exists: madoguchi model fetch {}; on a closed network, copy a model folder there",
            d.model
        );
    }
    let others: Vec<String> = std::fs::read_dir(d.models_dir(data))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path() != dir && model::folder_problems(&e.path()).is_empty())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if !others.is_empty() {
        println!(
            "other complete model folders: {} (set dense.model or MADOGUCHI_DENSE_MODEL)",
            others.join(", ")
        );
    }
    if ok && d.enabled {
        println!("dense retrieval: on (fused with keyword retrieval)");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("dense retrieval: off — questions are answered with keyword retrieval alone");
        Ok(ExitCode::from(1))
    }
}

#[cfg(feature = "online")]
fn fetch(config: &Config, name: Option<&str>, force: bool, quiet: bool) -> Result<ExitCode> {
    use madoguchi::retrieve::dense::fetch;
    let name = name.unwrap_or(&config.dense.model);
    let dir = config.dense.models_dir(&config.paths.data_dir).join(name);
    let known = fetch::known();
    if !known.iter().any(|k| k.name == name) {
        anyhow::bail!(
            "unknown model `{name}`; known: {}",
            known.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
        );
    }
    if !quiet {
        eprintln!("downloading {name} into {} …", dir.display());
    }
    let out = fetch::fetch(name, &dir, force, !quiet)?;
    println!(
        "model ready: {} (check it with `madoguchi model check`)",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "online"))]
fn fetch(_: &Config, _: Option<&str>, _: bool, _: bool) -> Result<ExitCode> {
    anyhow::bail!(
        "this build has no download support (cargo feature `online`); copy a model folder into the models folder instead"
    )
}
