//! The monthly cycle: patch set, ring results, approvals.

pub mod state;
