//! The `docspace-people` command line, built on the library: argument parsing and help,
//! configuration, input files, output, exit codes, and one file a command. Nothing here
//! is part of the library's API.

pub mod cli;
pub mod commands;
pub mod completions;
pub mod config;
pub mod env;
pub mod exit;
pub mod format;
pub mod help;
pub mod input;
pub mod journal;
pub mod lock;
pub mod output;
pub mod plan;
pub mod profile;
pub mod report;
pub mod retention;
pub mod select;
pub mod sequence;
pub mod show;
pub mod unicode;
