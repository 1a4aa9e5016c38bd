//! The monthly cycle: patch set, ring results, approvals, and maintenance windows.

pub mod state;
pub mod window;
