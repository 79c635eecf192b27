//! `madoguchi chat`: a conversation at the terminal. Each line is one turn; a
//! clarifying question is answered by typing an option's number or your situation,
//! and follow-ups (「それはいつまで？」) are read in the context of the last answer.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use madoguchi::converse::Context;
use madoguchi::Config;

use super::open_engine;

pub fn run(config: &Config, tenant: &str, quiet: bool) -> Result<ExitCode> {
    let engine = open_engine(config, quiet)?;
    let mut ctx = Context::default();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    if !quiet {
        writeln!(out, "ご質問をどうぞ（空行か Ctrl-D で終了）。")?;
    }
    for line in stdin.lock().lines() {
        let line = line.context("reading standard input")?;
        let question = line.trim();
        if question.is_empty() {
            break;
        }
        match engine.converse(question, tenant, &ctx) {
            Ok((response, next)) => {
                write!(out, "{}", response.to_text())?;
                ctx = next;
            }
            Err(e) => writeln!(out, "error: {e}")?,
        }
        writeln!(out)?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}
