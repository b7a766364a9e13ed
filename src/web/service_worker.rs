//! `/sw.js`: the residents' service worker (static/sw.js) with the list of files it saves
//! filled in. The list is the content-hashed names of the residents' page's files, so the
//! script's bytes (and with them its cache's name) change with every release that changes a
//! file: browsers then install the new worker, which drops the old cache.

use std::sync::LazyLock;

use crate::web::assets;
use crate::web::hex::hex;

const TEMPLATE: &str = include_str!("../../static/sw.js");

/// What the worker saves on install besides the page shell and the points: the residents'
/// styles, scripts and icons.
fn precached_files() -> Vec<String> {
    assets::PUBLIC_STYLESHEETS
        .iter()
        .chain(assets::PUBLIC_SCRIPTS)
        .chain(["icon.svg", "icon-192.png", "icon-512.png"].iter())
        .map(|name| assets::url(name))
        .collect()
}

static SCRIPT: LazyLock<String> = LazyLock::new(|| {
    let files = precached_files();
    let list = serde_json::to_string(&files).expect("a list of strings serializes");
    let version = hex(&assets::fnv1a64(format!("{TEMPLATE}{list}").as_bytes()).to_be_bytes());
    TEMPLATE.replacen("'__VERSION__'", &format!("'{version}'"), 1).replacen("__PRECACHE__", &list, 1)
});

/// The service worker's source, ready to serve.
pub fn script() -> &'static str {
    &SCRIPT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_lists_every_public_file_and_has_a_version() {
        let script = script();
        assert!(!script.contains("__PRECACHE__") && !script.contains("__VERSION__"));
        for file in precached_files() {
            assert!(script.contains(&format!("\"{file}\"")), "{file} missing");
        }
        assert!(script.contains(&assets::url("offline.js")));
    }
}
