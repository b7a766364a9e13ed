//! How a database's applied migrations measure against the ones a binary knows: checked before
//! a backup is restored and before a server migrates a shared database, so a database made by
//! a newer legalmap is refused with a message instead of being half-understood.

use sqlx::migrate::Migrator;

/// How a database measures against a binary's migrations.
#[derive(Debug, PartialEq, Eq)]
pub enum SchemaCheck {
    /// Every applied migration is known (some may still be pending: they run at the next start).
    Known { applied: usize, pending: usize },
    /// No migration table: not a legalmap database.
    NotLegalmap,
    /// Migrations this binary does not know: made by a newer legalmap.
    Newer { unknown: Vec<i64> },
    /// A known migration whose recorded checksum differs: changed outside legalmap.
    Altered { version: i64 },
}

/// `applied` (version, checksum) against `migrator`'s migrations.
pub fn compare_migrations(migrator: &Migrator, applied: &[(i64, Vec<u8>)]) -> SchemaCheck {
    let unknown: Vec<i64> = applied
        .iter()
        .map(|(version, _)| *version)
        .filter(|version| !migrator.iter().any(|known| known.version == *version))
        .collect();
    if !unknown.is_empty() {
        return SchemaCheck::Newer { unknown };
    }
    if let Some((version, _)) = applied.iter().find(|(version, checksum)| {
        migrator
            .iter()
            .any(|known| known.version == *version && known.checksum.as_ref() != checksum.as_slice())
    }) {
        return SchemaCheck::Altered { version: *version };
    }
    let known = migrator.iter().filter(|known| !known.migration_type.is_down_migration()).count();
    SchemaCheck::Known { applied: applied.len(), pending: known.saturating_sub(applied.len()) }
}
