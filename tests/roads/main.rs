//! The road network on a real OpenStreetMap extract (Andorra, ODbL; tests/fixtures/README.md):
//! routes against an independent Dijkstra, one-way streets, snapping, unreachable places, and the
//! import's refusals of bad files.

mod cli;
mod reference;
mod routes;
mod support;
