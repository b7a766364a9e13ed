//! The subcommands: each opens the store, does its job, and reports to the terminal.

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use crate::app::{self, AppState, Settings};
use crate::config::{Command, ExportArgs, ImportArgs, ServeArgs, SynthArgs, check_cell_m};
use crate::db::Backend;
use crate::db::Change;
use crate::db::Db;
use crate::db::sqlite::DatabaseUrl;
use crate::observe::exporter;
use crate::points::import_plan::Plan;
use crate::points::{csv_file, seed, synth};
use crate::web::client_address::TrustedProxies;
use crate::web::links::PublicUrl;
use crate::web::throttle::ThrottleLimits;
use crate::web::upload::decode_csv;

mod backup;
mod campaign;
mod coverage;
mod migrate_store;
mod roads;
mod users;

pub async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Import(args) => import(args).await,
        Command::Export(args) => export(args).await,
        Command::User(command) => users::run(command).await,
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Coverage(args) => coverage::run(args).await,
        Command::Campaign(args) => campaign::run(args).await,
        Command::Roads(command) => roads::run(command).await,
        Command::MigrateStore(args) => migrate_store::run(args).await,
        Command::Synth(args) => synth(args),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    // What the command line says is checked before anything is created: a database URL that
    // cannot be used, then the listening addresses (bound now, served once the index is loaded).
    if Backend::of_url(&args.database.database_url)? == Backend::Sqlite {
        DatabaseUrl::parse(&args.database.database_url)?.check_creatable()?;
    }
    let mut settings = Settings {
        travel: args.travel.model().map_err(anyhow::Error::msg)?,
        tiles: args.tiles.source().map_err(anyhow::Error::msg)?,
        staff: args.staff.settings().map_err(anyhow::Error::msg)?,
        coverage_cell_m: check_cell_m(args.coverage_cell_m).map_err(anyhow::Error::msg)?,
        public_url: args
            .public_url
            .as_deref()
            .map(PublicUrl::parse)
            .transpose()
            .map_err(anyhow::Error::msg)?,
        trusted_proxies: TrustedProxies::new(args.trusted_proxies.iter().copied()),
        report_limits: ThrottleLimits::REPORTS,
        request_metrics: false,
    };
    if !settings.trusted_proxies.is_empty() {
        tracing::info!(proxies = ?args.trusted_proxies, "client addresses from X-Forwarded-For of trusted proxies");
    }
    let listener =
        TcpListener::bind(&args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    let metrics_listener = match &args.metrics_listen {
        Some(address) => Some(
            TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen on {address} (--metrics-listen)"))?,
        ),
        None => None,
    };
    settings.request_metrics = metrics_listener.is_some();
    let db = Db::connect(&args.database.database_url).await?;
    if let Some(loaded) = seed::seed_if_empty(&db).await? {
        tracing::info!(added = loaded.added, "empty database: loaded the bundled data/points.csv");
    }
    let state = AppState::load(db.clone(), settings).await?;
    tracing::info!(points = state.index().len(), store = db.backend(), "index loaded");
    crate::instances::follow(&state);
    // The road network lives beside a database file; an in-memory database has none.
    match crate::roads::file::path_for_database(&args.database.database_url) {
        Ok(path) => {
            if !path.exists() {
                tracing::info!(path = %path.display(), "no road network: travel times are estimates (docs/roads.md)");
            }
            crate::roads::watch::start(state.clone(), path).await;
        }
        Err(reason) => tracing::info!(%reason, "no road network: travel times are estimates"),
    }
    // The metrics listener lives as long as the server; scrapes need no graceful ending.
    let metrics_server = match metrics_listener {
        Some(metrics_listener) => {
            tracing::info!("metrics on http://{}/metrics", metrics_listener.local_addr()?);
            let server = exporter::serve(metrics_listener, state.clone(), std::future::pending());
            Some(tokio::spawn(async move {
                if let Err(error) = server.await {
                    tracing::error!(%error, "the metrics listener stopped");
                }
            }))
        }
        None => None,
    };
    let limits = args.connections.limits();
    let shutdown = shutdown_signal();
    tracing::info!(
        max_connections = limits.max_connections,
        "listening on http://{}",
        listener.local_addr()?
    );
    app::serve_with_limits(listener, state, limits, shutdown).await?;
    if let Some(metrics_server) = metrics_server {
        metrics_server.abort();
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// `legalmap import [--dry-run] FILE`: the file read by the web upload's decoder and rules; every
/// bad row is reported (Chinese first), and a valid file is applied as one undoable batch.
async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let shown = args.file.display();
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot open {shown}"))?;
    let text = decode_csv(&bytes).map_err(|message| anyhow::anyhow!("{shown}: {message}"))?;
    let rows = csv_file::read_rows(&text.text);
    for error in &rows.errors {
        eprintln!("{shown}: {error}");
    }
    let db = Db::connect(&args.database.database_url).await?;
    if args.dry_run {
        let current = db.all_points().await?;
        db.close().await;
        let plan = Plan::new(&current, &rows.records, args.retire_missing);
        let (added, changed, retired) = (plan.added.len(), plan.changed.len(), plan.retired.len());
        println!(
            "试运行，没有做任何修改：{shown}（{}）{} 行有效，{} 行有问题；新增 {added}，修改 {changed}，不变 {}，撤销 {retired}",
            text.encoding,
            rows.records.len(),
            rows.errors.len(),
            plan.unchanged
        );
        println!(
            "dry run, nothing changed: {} valid row(s), {} bad; {added} new, {changed} changed, {} unchanged, {retired} retired",
            rows.records.len(),
            rows.errors.len(),
            plan.unchanged
        );
        if !rows.errors.is_empty() {
            bail!("{} 行有问题（{} bad row(s) in {shown}）", rows.errors.len(), rows.errors.len());
        }
        return Ok(());
    }
    let records = match rows.into_result() {
        Ok(records) => records,
        Err(errors) => {
            db.close().await;
            bail!(
                "{} 行有问题，没有导入任何内容（{} bad row(s) in {shown}; nothing was imported）",
                errors.len(),
                errors.len()
            );
        }
    };
    let actor = format!("import: {shown}");
    let file_name = args.file.to_string_lossy();
    let change = Change { actor: &actor, reason: None };
    let summary = db.import_points(&records, change, args.retire_missing, &file_name).await?;
    db.close().await;
    println!(
        "imported {} rows from {shown}: {} added, {} changed, {} unchanged, {} retired (import #{}; undo at /admin/imports)",
        records.len(),
        summary.added,
        summary.changed,
        summary.unchanged,
        summary.retired,
        summary.batch_id.unwrap_or_default()
    );
    Ok(())
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let db = Db::open_existing(&args.database.database_url).await?;
    let points = db.active_points().await?;
    db.close().await;
    let records = points.iter().map(|point| &point.record);
    match &args.output {
        Some(path) => {
            let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::new(file);
            csv_file::write_points(&mut out, records)?;
            out.flush()?;
            eprintln!("exported {} points to {}", points.len(), path.display());
        }
        None => csv_file::write_points(std::io::stdout().lock(), records)?,
    }
    Ok(())
}

fn synth(args: SynthArgs) -> anyhow::Result<()> {
    let records = synth::points(args.count as usize, args.seed).map_err(anyhow::Error::msg)?;
    match &args.output {
        Some(path) => {
            let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::new(file);
            csv_file::write_points(&mut out, &records)?;
            out.flush()?;
            eprintln!("wrote {} synthetic points to {}", records.len(), path.display());
        }
        None => csv_file::write_points(std::io::stdout().lock(), &records)?,
    }
    if let Some(path) = &args.origins {
        let origins = synth::origins(&records, args.origin_count as usize, args.seed);
        let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        synth::write_origins(BufWriter::new(file), &origins)?;
        eprintln!("wrote {} query origins to {}", origins.len(), path.display());
    }
    Ok(())
}

/// Registers for Ctrl-C (SIGINT) and SIGTERM at once, and returns what completes on the first.
/// Called before the server says it listens: a supervisor (or a test) may signal as soon as it
/// does, before the accept loop first polls the returned future.
#[cfg(unix)]
fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{Signal, SignalKind, signal};
    let wait = |registered: std::io::Result<Signal>, name: &'static str| async move {
        match registered {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for {name}");
                std::future::pending::<()>().await;
            }
        }
    };
    let interrupt = wait(signal(SignalKind::interrupt()), "Ctrl-C");
    let terminate = wait(signal(SignalKind::terminate()), "SIGTERM");
    async move {
        tokio::select! {
            () = interrupt => {},
            () = terminate => {},
        }
        tracing::info!("shutting down");
    }
}

/// Completes on Ctrl-C (elsewhere than Unix, registered when first polled).
#[cfg(not(unix))]
fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    }
}
