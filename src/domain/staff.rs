//! Staff accounts: names, roles and passwords, checked at the edge.

use super::point::named_enum;

named_enum! {
    /// What a staff member may do.
    Role ("role") {
        /// Edits points.
        Editor => "editor",
        /// Edits points and manages accounts.
        Admin => "admin",
    }
}

impl Role {
    /// Whether this role includes `needed`.
    pub fn allows(self, needed: Role) -> bool {
        self == Role::Admin || needed == Role::Editor
    }
}

/// A login name: 1-32 letters, digits, `.`, `_` or `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
        if (1..=32).contains(&name.len()) && name.chars().all(allowed) {
            Ok(Self(name.to_owned()))
        } else {
            Err("用户名须为 1-32 个字母、数字或 . _ -".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 12 characters, at most 256.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            Err(format!("密码至少需要 {} 个字符", Self::MIN_CHARS))
        } else if chars > 256 {
            Err("密码不能超过 256 个字符".into())
        } else {
            Ok(Self(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

/// A staff account as the application sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
    /// While the account is locked after failed logins: when the lock ends (Unix seconds).
    pub locked_until_unix: Option<i64>,
}

/// A staff member with a live session, and that session's CSRF token (put into every form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub user: StaffUser,
    pub csrf_token: String,
}
