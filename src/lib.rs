//! patchcycle: the monthly patch cycle of a server fleet in one binary.
//!
//! The binary (`src/main.rs`) only parses arguments and maps errors to exit codes; all
//! behaviour lives in this library, one module per concern.

// No unwrap() in the library: input-derived data gets an error, an invariant an expect()
// that says why it holds. (Tests and examples may unwrap; clippy.toml allows it in tests.)
#![deny(clippy::unwrap_used)]

pub mod account;
pub mod audit;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod cycle;
pub mod db;
pub mod digest;
pub mod error;
pub mod exec;
pub mod family;
pub mod image;
pub mod input;
pub mod inventory;
pub mod output;
pub mod report;
pub mod scan;
pub mod text;
pub mod verdict;
pub mod version;
pub mod vex;
