//! Account events: every change to a staff account (created, disabled, enabled, role, password
//! reset, unlocked, locked after failed logins), who made it and when, for the change log.

use crate::named_enum;

named_enum! {
    /// What happened to an account.
    AccountAction ("account action") {
        Created => "created",
        Disabled => "disabled",
        Enabled => "enabled",
        /// Its role changed (the detail names the new role).
        Role => "role",
        PasswordReset => "password_reset",
        /// An admin (or `legalmap user unlock`) ended a lock early.
        Unlock => "unlock",
        /// Too many failed logins: locked until the time in the detail.
        Locked => "locked",
    }
}

impl AccountAction {
    /// The action as staff read it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Created => "新建账号",
            Self::Disabled => "停用",
            Self::Enabled => "启用",
            Self::Role => "更改角色",
            Self::PasswordReset => "重置密码",
            Self::Unlock => "解除锁定",
            Self::Locked => "登录失败过多，已锁定",
        }
    }
}

/// The actor of changes made with `legalmap user ...`.
pub const COMMAND_LINE_ACTOR: &str = "command line";
/// The actor of a lock after failed logins.
pub const LOGIN_THROTTLE_ACTOR: &str = "login throttle";

/// One change to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountEvent {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// An admin's username, [`COMMAND_LINE_ACTOR`] or [`LOGIN_THROTTLE_ACTOR`].
    pub actor: String,
    pub username: String,
    pub action: AccountAction,
    pub detail: Option<String>,
}

/// Which account events to read: all of them by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountEventFilter {
    /// Only this account's events.
    pub username: Option<String>,
    /// Events at or after this time (RFC 3339 with an offset, e.g. `2026-11-28T00:00:00+08:00`).
    pub since: Option<String>,
    /// Events before this time (RFC 3339 with an offset).
    pub until: Option<String>,
}

impl AccountEventFilter {
    /// Whether `text` has the shape of an RFC 3339 date-time with an offset (the store then
    /// converts it to UTC for the comparison).
    pub fn is_rfc3339(text: &str) -> bool {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes.get(range).is_some_and(|b| b.iter().all(u8::is_ascii_digit))
        };
        let offset = text.ends_with(['Z', 'z'])
            || (text.len() >= 25
                && matches!(bytes[text.len() - 6], b'+' | b'-')
                && bytes[text.len() - 3] == b':');
        text.is_ascii()
            && digits(0..4)
            && bytes.get(4) == Some(&b'-')
            && digits(5..7)
            && bytes.get(7) == Some(&b'-')
            && digits(8..10)
            && matches!(bytes.get(10), Some(b'T' | b't' | b' '))
            && digits(11..13)
            && bytes.get(13) == Some(&b':')
            && digits(14..16)
            && offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rfc3339_times_with_an_offset_filter() {
        for good in ["2026-11-28T10:00:00Z", "2026-11-28T10:00:00+08:00", "2026-11-28T10:00:00.5-05:00"] {
            assert!(AccountEventFilter::is_rfc3339(good), "{good}");
        }
        for bad in
            ["2026-11-28", "now", "2026-11-28T10:00:00", "28/11/2026 10:00Z", "2026-11-28T10:00:00+0800"]
        {
            assert!(!AccountEventFilter::is_rfc3339(bad), "{bad}");
        }
    }
}
