//! Windows hosts.

pub mod matching;
