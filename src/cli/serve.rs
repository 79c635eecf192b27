//! `madoguchi serve`: load everything, then serve until SIGTERM / Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use madoguchi::server::tenants::Tenants;
use madoguchi::server::{self, AppState};
use madoguchi::Config;

use super::open_engine;

/// The fictional municipality the demo page (`assets/demo.html`) embeds.
const DEMO_TENANT: &str = "990001";

pub fn run(mut config: Config, addr: Option<String>, quiet: bool) -> Result<ExitCode> {
    if let Some(addr) = addr {
        config.server.addr = addr;
        config.validate()?;
    }
    let addr: SocketAddr = config.server.addr.parse().context("server.addr")?;
    let engine = Arc::new(open_engine(&config, quiet)?);
    let tenants = Tenants::load(&config.paths.knowledge_dir)?;
    let has_demo = tenants.get(DEMO_TENANT).is_some();
    let has_admin = config.curation.admin_token.is_some();
    let db = config.paths.curation_db();

    // Answering matters more than logging: when the curation database cannot be
    // opened (read-only or full disk, a newer schema), serve without it, loudly.
    let state = match AppState::new(Arc::clone(&engine), tenants.clone(), config.clone()) {
        Ok(state) => state,
        Err(e) => {
            tracing::error!(
                error = %e,
                "curation logging is OFF: questions are answered but not logged (/readyz shows curation: false)"
            );
            AppState::with_store(engine, tenants, config, None)
        }
    };
    let logging = state.curation().is_some();
    let dense = engine_dense_line(&state);
    let state = Arc::new(state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(server::serve(state, addr, |bound| {
            let mut banner = format!("madoguchi is serving on http://{bound}\n");
            if has_demo {
                banner += &format!("demo page (窓口市, fictional): http://{bound}/\n");
            }
            banner += &format!("API: POST http://{bound}/v1/ask · docs: http://{bound}/openapi.json · Ctrl-C or SIGTERM stops\n");
            banner += &dense;
            if logging {
                banner += &format!("unanswered questions are logged (redacted) to {}\n", db.display());
            }
            if has_admin {
                banner += &format!("curator dashboard: http://{bound}/admin/\n");
            } else {
                banner += "curator dashboard: off (set MADOGUCHI_ADMIN_TOKEN to 16+ characters to turn on /admin/)\n";
            }
            say(&banner);
        }))
        .with_context(|| format!("serving on {addr}"))?;
    say("stopped\n");
    Ok(ExitCode::SUCCESS)
}

/// One banner line on dense retrieval: the model in use, or why keyword alone.
fn engine_dense_line(state: &AppState) -> String {
    let status = state.live().engine.dense_status().clone();
    if status.enabled {
        format!("{}\n", status.reason)
    } else {
        format!("{} (`madoguchi model check` explains)\n", status.reason)
    }
}

/// Prints to standard output, ignoring a closed output (`madoguchi serve | head -1`,
/// a supervisor that stopped reading): the server must keep serving.
fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        tracing::debug!("standard output is closed; banner not shown");
    }
}
