//! What only PostgreSQL does, on the server `scripts/ensure-postgres` makes sure of (each test
//! makes and drops its own database): several instances on one database, `migrate-store`, and
//! the messages for a database that cannot be used. (The API tests run on PostgreSQL too, with
//! `LEGALMAP_TEST_STORE=postgres`.)

#[allow(dead_code)]
#[path = "../api/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "../api/live.rs"]
mod live;

mod connect;
mod instances;
mod migrate_store;
