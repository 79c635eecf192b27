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
    let logging = config.curation.enabled;
    let state = Arc::new(AppState::new(engine, tenants, config)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(server::serve(state, addr, |bound| {
            println!("madoguchi is serving on http://{bound}");
            if has_demo {
                println!("demo page (窓口市, fictional): http://{bound}/");
            }
            println!("API: POST http://{bound}/v1/ask · docs: http://{bound}/openapi.json · Ctrl-C or SIGTERM stops");
            if logging {
                println!("unanswered questions are logged (redacted) to {}", db.display());
            }
            if has_admin {
                println!("curator dashboard: http://{bound}/admin/");
            } else {
                println!("curator dashboard: off (set MADOGUCHI_ADMIN_TOKEN to 16+ characters to turn on /admin/)");
            }
        }))
        .with_context(|| format!("serving on {addr}"))?;
    println!("stopped");
    Ok(ExitCode::SUCCESS)
}
