//! The monthly cycle: patch set, ring results, approvals, maintenance windows, and the
//! test/deploy/rollback engine.

pub mod ansible;
pub mod approval;
pub mod deploy;
pub mod deployment;
pub mod health;
pub mod judge;
pub mod patch_set;
pub mod plan;
pub mod rollback;
pub mod snapshot;
pub mod state;
pub mod win_updates;
pub mod window;
