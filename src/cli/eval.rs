//! `madoguchi eval`: run the golden sets and write the report.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use madoguchi::Config;

use super::open_engine;

pub fn run_eval(
    config: &Config,
    golden: &Path,
    conversations: &Path,
    out: &Path,
    thresholds: &Path,
    quiet: bool,
) -> Result<ExitCode> {
    use madoguchi::eval;
    let thresholds = eval::Thresholds::load(thresholds)?;
    let engine = open_engine(config, quiet)?;
    let cases = eval::golden::load(golden, engine.knowledge())?;
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(cases.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} golden questions [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let outcomes = eval::run(&engine, &cases, &|done, _| bar.set_position(done as u64));
    bar.finish_and_clear();
    let conversations = if conversations.is_file() {
        let cases = eval::conversation::load(conversations, engine.knowledge())?;
        eval::conversation::run(&engine, &cases)
    } else {
        eprintln!(
            "note: no conversation set at {}; conversation metrics are left out",
            conversations.display()
        );
        Vec::new()
    };
    let previous: Option<serde_json::Value> = std::fs::read_to_string(out.join("report.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let mut report = eval::build_report(
        &outcomes,
        &conversations,
        engine.knowledge().len(),
        &thresholds,
        previous.as_ref(),
    );
    report.dense_model = engine.dense_status().model.clone();
    report.retrievers = eval::retrievers::compare(&engine, &cases);
    report.dense_calibration = eval::retrievers::calibrate(&engine, &cases);
    eval::write(&report, out)?;
    println!(
        "{:<20} {:>9} {:>9} {:>9}",
        "metric", "all", "tune", "heldout"
    );
    for (metric, label, _) in eval::metrics::HEADLINE {
        let cell = |split: &str| {
            report
                .splits
                .get(split)
                .and_then(|m| m.get(metric))
                .map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0))
        };
        println!(
            "{label:<20} {:>9} {:>9} {:>9}",
            cell("all"),
            cell("tune"),
            cell("heldout")
        );
    }
    let l = &report.latency_ms;
    println!(
        "latency ms: p50 {:.3}  p90 {:.3}  p99 {:.3}",
        l.p50, l.p90, l.p99
    );
    let worse: Vec<String> = report
        .comparison
        .iter()
        .filter(|d| d.verdict == "worse")
        .map(|d| format!("{} {} {:+.1} pt", d.split, d.metric, d.delta * 100.0))
        .collect();
    if !worse.is_empty() {
        println!("worse than the previous report: {}", worse.join(", "));
    }
    for (retriever, splits) in &report.retrievers {
        let m = |metric: &str| {
            splits
                .get("heldout")
                .and_then(|m| m.get(metric))
                .map_or("-".to_string(), |v| format!("{:.1}%", v * 100.0))
        };
        println!(
            "heldout {retriever:<8} hit@1 {}  hit@3 {}  abstain recall {}",
            m("hit_at_1"),
            m("hit_at_3"),
            m("abstain_recall")
        );
    }
    if let Some(k) = &report.dense_calibration {
        println!(
            "dense calibration suggested by the tune split: similarity_floor = {}, similarity_full = {} (model now: {}, {})",
            k.similarity_floor, k.similarity_full, k.current_floor, k.current_full
        );
    }
    println!("report: {}", out.join("index.html").display());
    let failed: Vec<String> = report
        .thresholds
        .iter()
        .filter(|c| !c.pass)
        .map(|c| {
            let actual = c
                .actual
                .map_or("undefined".to_string(), |a| format!("{:.1}%", a * 100.0));
            format!(
                "{} {} = {actual} (needs {} {:.1}%)",
                c.split,
                c.metric,
                c.bound,
                c.limit * 100.0
            )
        })
        .collect();
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: metrics below thresholds: {}", failed.join("; "));
        Ok(ExitCode::from(1))
    }
}
