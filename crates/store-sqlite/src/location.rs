//! Where the database is: the `--database` URL, checked before anything is opened or created,
//! so a typo gets a message naming the problem instead of an empty database somewhere.

use std::path::{Path, PathBuf};

/// A `sqlite://PATH` (or `sqlite:PATH`) URL naming a database file; query parameters are kept
/// for sqlx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    path: PathBuf,
}

/// Why a database URL cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UrlError {
    #[error(
        "not an SQLite database URL {0:?}: give sqlite://PATH, e.g. sqlite://legalmap.db or \
         sqlite:///var/lib/legalmap/legalmap.db"
    )]
    Scheme(String),
    #[error(
        "the database URL {0:?} names no file: give sqlite://PATH (in-memory databases are not supported)"
    )]
    NoFile(String),
    #[error(
        "the folder {folder} for the database {path} does not exist: create it first, or check --database"
    )]
    MissingFolder { folder: String, path: String },
    #[error(
        "no database at {0}: check --database or LEGALMAP_DATABASE_URL (`legalmap serve`, \
         `legalmap import` and `legalmap user add` create one; this command only opens an existing one)"
    )]
    Missing(String),
}

impl DatabaseUrl {
    /// Parses the URL's form only; the file system is not looked at.
    pub fn parse(url: &str) -> Result<Self, UrlError> {
        let Some(rest) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
            return Err(UrlError::Scheme(url.to_owned()));
        };
        let file = rest.split_once('?').map_or(rest, |(file, _params)| file);
        if file.is_empty() || file == ":memory:" || file.starts_with(":memory:") {
            return Err(UrlError::NoFile(url.to_owned()));
        }
        Ok(Self { url: url.to_owned(), path: PathBuf::from(file) })
    }

    /// The URL as given, for sqlx.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's `-wal` or `-shm` companion (`SUFFIX` is `"-wal"` or `"-shm"`).
    pub fn companion(&self, suffix: &str) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    }

    /// The file may be created: its folder exists.
    pub fn check_creatable(&self) -> Result<(), UrlError> {
        let folder = match self.path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => Path::new("."),
        };
        if folder.is_dir() {
            Ok(())
        } else {
            Err(UrlError::MissingFolder {
                folder: folder.display().to_string(),
                path: self.path.display().to_string(),
            })
        }
    }

    /// The file exists already.
    pub fn check_exists(&self) -> Result<(), UrlError> {
        if self.path.is_file() { Ok(()) } else { Err(UrlError::Missing(self.path.display().to_string())) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_sqlite_urls_with_and_without_slashes_and_keeps_parameters() {
        let url = DatabaseUrl::parse("sqlite:///var/lib/legalmap/legalmap.db?mode=rwc").unwrap();
        assert_eq!(url.path(), Path::new("/var/lib/legalmap/legalmap.db"));
        assert_eq!(url.as_str(), "sqlite:///var/lib/legalmap/legalmap.db?mode=rwc");
        assert_eq!(DatabaseUrl::parse("sqlite:legalmap.db").unwrap().path(), Path::new("legalmap.db"));
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db").unwrap().companion("-wal"),
            PathBuf::from("data/x.db-wal")
        );
    }

    #[test]
    fn refuses_other_schemes_and_urls_without_a_file() {
        for url in ["mysql://db.example/legalmap", "postgres://localhost/x", "legalmap.db", ""] {
            let error = DatabaseUrl::parse(url).unwrap_err();
            assert!(matches!(error, UrlError::Scheme(_)), "{url}: {error}");
            assert!(error.to_string().contains("sqlite://PATH"), "{error}");
        }
        for url in ["sqlite://", "sqlite::memory:", "sqlite://?mode=rwc"] {
            assert!(matches!(DatabaseUrl::parse(url), Err(UrlError::NoFile(_))), "{url}");
        }
    }

    #[test]
    fn a_missing_folder_or_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = format!("sqlite://{}", dir.path().join("nope/x.db").display());
        let error = DatabaseUrl::parse(&missing).unwrap().check_creatable().unwrap_err();
        assert!(error.to_string().contains("nope"), "{error}");
        let fresh = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("x.db").display())).unwrap();
        assert_eq!(fresh.check_creatable(), Ok(()));
        let error = fresh.check_exists().unwrap_err();
        assert!(error.to_string().starts_with("no database at "), "{error}");
        assert_eq!(DatabaseUrl::parse("sqlite://x.db").unwrap().check_creatable(), Ok(()));
    }
}
