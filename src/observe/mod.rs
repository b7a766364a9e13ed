//! What an operator sees of a running server: the log set-up, the request log, the Prometheus
//! metrics and their own small listener (see docs/deploying.md, "Logs and metrics").

pub mod exporter;
pub mod http;
pub mod logging;
pub mod metrics;
