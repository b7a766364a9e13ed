//! HTTP handlers, thin: parse the request, ask the index or the store, hand data to a view.

pub mod admin;
pub mod api;
pub mod coverage;
pub mod extract;
pub mod health;
pub mod openapi;
pub mod pages;
pub mod params;
pub mod reports;
pub mod signs;
pub mod static_files;
