//! The road network on a real OpenStreetMap extract (Andorra, ODbL; tests/fixtures/README.md):
//! routes against an independent Dijkstra, one-way streets, snapping, unreachable places, and the
//! import's refusals of bad files; the locator's answers on the network against point-to-point routes.

mod answers;
mod cli;
mod reference;
mod routes;
mod support;
