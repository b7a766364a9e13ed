//! The `legalmap` binary: parses the command line and hands over to the library.

use clap::Parser;
use legalmap::cli;
use legalmap::config::Cli;
use legalmap::observe::logging;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let _log = logging::init(cli.log_format);
    cli::run(cli.into_command()).await
}
