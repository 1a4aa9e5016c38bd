//! Helpers shared by the integration tests (`mod common;`).
#![allow(dead_code)]

pub mod cli;
pub mod deploy;
pub mod dpkgdb;
pub mod http;
pub mod image;
pub mod lab;
