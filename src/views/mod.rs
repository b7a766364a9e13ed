//! HTML views: pure functions from data to `Markup`, no database, no extractors. Public pages
//! are in Simplified Chinese.

pub mod admin;
mod coverage_page;
pub mod format;
pub mod hours;
mod layout;
pub mod locator_page;
pub mod navigation;
pub mod point_page;
pub mod report_page;
pub mod sign;

pub use coverage_page::coverage_page;
pub use layout::{
    BRAND_COLOUR, MANIFEST_PATH, PageContext, Side, error_page, head, layout, layout_described,
};
