//! An applied import, as staff see it in the list of imports, and what undoing one did.

/// One applied import (web or command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBatch {
    pub id: i64,
    /// RFC 3339, UTC.
    pub applied_at: String,
    /// The staff member's username, or `import: FILE` from the command line.
    pub applied_by: String,
    pub file_name: String,
    pub added: i64,
    pub changed: i64,
    pub unchanged: i64,
    pub retired: i64,
    /// When and by whom it was undone (at most once).
    pub undone: Option<Undone>,
}

/// When and by whom an import was undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// RFC 3339, UTC.
    pub at: String,
    pub by: String,
}

/// A point an undo touched or left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoPoint {
    pub code: String,
    pub name: String,
}

/// A point changed again after the import, so its undo was skipped: who changed it last, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedPoint {
    pub point: UndoPoint,
    pub changed_by: String,
    /// RFC 3339, UTC.
    pub changed_at: String,
}

/// What undoing an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoOutcome {
    pub batch: ImportBatch,
    /// Points put back to their values before the import, each as a new version.
    pub restored: Vec<UndoPoint>,
    /// Points left as they are: changed again after the import.
    pub skipped: Vec<SkippedPoint>,
}
