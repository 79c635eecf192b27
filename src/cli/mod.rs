//! Subcommands with more than a few lines of their own.

pub mod chat;
pub mod csv;
pub mod curate;
pub mod eval;
pub mod model;
pub mod serve;

pub(crate) use crate::open_engine;
