//! madoguchi (窓口): an offline, self-hostable FAQ answering service for Japanese
//! residents. See `ARCHITECTURE.md` for the bird's-eye view.
//!
//! Pipeline: [`analysis`] (normalize, synonyms, lindera) → [`retrieve`] (tantivy BM25)
//! → [`decide`] (answer / suggest / abstain) → [`respond`] (JSON contract, text).
//! [`engine::Engine`] ties the stages together; [`config::Config`] holds every setting.

pub mod analysis;
pub mod config;
pub mod converse;
pub mod curate;
pub mod decide;
pub mod engine;
pub mod eval;
pub mod fsutil;
pub mod knowledge;
pub mod redact;
pub mod respond;
pub mod retrieve;
pub mod server;
pub mod store;

pub use config::Config;
pub use engine::{AskError, Engine};
