//! The `legalmap` binary: parses the command line and hands over to the library.

use clap::Parser;
use legalmap::cli;
use legalmap::config::Cli;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    cli::run(Cli::parse().into_command()).await
}
