//! Staff accounts: names, roles and passwords, checked at the edge.

use crate::named_enum;

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
    /// The towns (9-digit codes) an editor is limited to, loaded with the session; empty: every
    /// town. A village clerk edits their own town's points only.
    pub towns: Vec<String>,
}

impl Staff {
    /// Whether this staff member may change points in `town_code`: the one rule every point
    /// write (edit, verify, retire, restore, add, import) asks. Admins are never limited.
    pub fn may_edit_town(&self, town_code: &str) -> bool {
        self.user.role == Role::Admin
            || self.towns.is_empty()
            || self.towns.iter().any(|town| town == town_code)
    }

    /// The towns this staff member's lists are limited to (what [`Self::may_edit_town`] lets
    /// through); `None`: every town.
    pub fn town_limit(&self) -> Option<&[String]> {
        (self.user.role != Role::Admin && !self.towns.is_empty()).then_some(self.towns.as_slice())
    }

    /// Refuses (as the message staff read) a change to a point in `town_code` outside this
    /// staff member's towns.
    pub fn check_town(&self, town_code: &str) -> Result<(), String> {
        if self.may_edit_town(town_code) {
            Ok(())
        } else {
            Err(format!(
                "您的账号只能修改以下镇（街道）的服务点：{}。这个服务点所在的镇（街道）代码为 {town_code}，如需修改请联系管理员。",
                self.towns.join("、")
            ))
        }
    }
}

/// A town's code as an admin assigns it: the 9-digit NBS code of a town or street.
pub fn parse_town_code(raw: &str) -> Result<String, String> {
    let code = raw.trim();
    if code.len() == 9 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(format!("镇（街道）代码“{code}”无效：须为 9 位数字。"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, towns: &[&str]) -> Staff {
        let user = StaffUser {
            id: 1,
            username: "li".into(),
            role,
            disabled: false,
            created_at: String::new(),
            locked_until_unix: None,
        };
        Staff { user, csrf_token: String::new(), towns: towns.iter().map(|t| (*t).to_owned()).collect() }
    }

    #[test]
    fn editors_are_limited_to_their_towns_and_admins_never() {
        assert!(staff(Role::Editor, &[]).may_edit_town("331003107"));
        let clerk = staff(Role::Editor, &["331003107"]);
        assert!(clerk.may_edit_town("331003107"));
        assert!(!clerk.may_edit_town("331003001"));
        assert!(clerk.check_town("331003001").unwrap_err().contains("331003107"));
        assert!(staff(Role::Admin, &["331003107"]).may_edit_town("331003001"));
        assert_eq!(clerk.town_limit(), Some(&["331003107".to_owned()][..]));
        assert_eq!(staff(Role::Admin, &["331003107"]).town_limit(), None);
        assert_eq!(staff(Role::Editor, &[]).town_limit(), None);
        assert!(parse_town_code("331003107").is_ok());
        assert!(parse_town_code("33100310").is_err() && parse_town_code("33100310x").is_err());
    }
}
