//! Account locks after failed logins (a fixed 15 minutes, whatever is tried meanwhile), their
//! early end by an admin or a password reset, and the account events log.

use axum::http::StatusCode;
use legalmap::db::ACCOUNT_LOCK;
use legalmap::db::AccountEventsError;
use legalmap::domain::account_event::{AccountAction, AccountEventFilter};
use legalmap::domain::staff::Role;

use crate::support::{PASSWORD, TestApp};

const OFFICE: [u8; 4] = [10, 0, 0, 2];

/// A failed login at `now_unix` as the login handler makes it: the attempt noted, then the lock
/// checked. Returns when the account's lock ends, if it is locked.
async fn fail_at(app: &TestApp, name: &str, now_unix: i64) -> Option<i64> {
    let db = &app.state.db;
    let attempt = db.record_login_attempt(name, "10.0.0.9", now_unix, ACCOUNT_LOCK).await.unwrap();
    if attempt.locked_until_unix.is_some() {
        return attempt.locked_until_unix;
    }
    db.lock_after_failure(name, &attempt, now_unix, ACCOUNT_LOCK).await.unwrap()
}

#[tokio::test]
async fn a_lock_ends_fifteen_minutes_after_it_began_whatever_is_tried_meanwhile() {
    let app = TestApp::new().await;
    app.create_staff("chen", Role::Editor).await;
    let t0 = 1_800_000_000;
    for i in 0..4 {
        assert_eq!(fail_at(&app, "chen", t0 + i).await, None, "failure {}", i + 1);
    }
    // The fifth failure locks, from its own time.
    let began = t0 + 4;
    assert_eq!(fail_at(&app, "chen", began).await, Some(began + 15 * 60));
    // Tries during the lock, up to its last second, do not move its end.
    for now in [began + 1, began + 60, began + 600, began + 899] {
        assert_eq!(fail_at(&app, "chen", now).await, Some(began + 900), "at +{}", now - began);
    }
    // At its end the account is open again, and the tries made during the lock do not count:
    // a wrong password then is one failure, not a new lock.
    let after =
        app.state.db.record_login_attempt("chen", "10.0.0.9", began + 900, ACCOUNT_LOCK).await.unwrap();
    assert_eq!((after.locked_until_unix, after.for_username), (None, 1));
    assert_eq!(
        app.state.db.lock_after_failure("chen", &after, began + 900, ACCOUNT_LOCK).await.unwrap(),
        None
    );

    let events = app
        .state
        .db
        .account_events(&AccountEventFilter { username: Some("chen".into()), ..Default::default() })
        .await
        .unwrap();
    let locks: Vec<_> = events.iter().filter(|e| e.action == AccountAction::Locked).collect();
    assert_eq!(locks.len(), 1, "{events:?}");
    assert_eq!(locks[0].actor, "login throttle");
}

/// Five wrong passwords through the login form.
async fn lock_by_failed_logins(app: &TestApp, name: &str) {
    for _ in 0..5 {
        app.log_in_from(name, "not the password", OFFICE).await.unwrap_err();
    }
    let locked = app.log_in_from(name, PASSWORD, [10, 0, 0, 3]).await.unwrap_err();
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("账号已锁定 15 分钟"), "{}", locked.body);
}

#[tokio::test]
async fn an_admin_sees_a_lock_and_clears_it() {
    let app = TestApp::new().await;
    let admin = app.staff("wang", Role::Admin).await;
    let editor = app.staff("li", Role::Editor).await;
    app.create_staff("chen", Role::Editor).await;
    lock_by_failed_logins(&app, "chen").await;

    let users = app.get_as(&admin, "/admin/users").await;
    assert!(users.body.contains("已锁定，至 "), "{}", users.body);
    let chen = app.state.db.user_for_login("chen").await.unwrap().unwrap().0;
    let unlock = format!("/admin/users/{}/unlock", chen.id);
    assert!(users.body.contains(&format!("action=\"{unlock}\"")));
    assert!(users.body.contains("解除锁定"));

    assert_eq!(app.post_as(Some(&editor), &unlock, &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post_as(Some(&admin), &unlock, &[("csrf", "forged")]).await.status, StatusCode::FORBIDDEN);
    assert!(app.log_in_from("chen", PASSWORD, [10, 0, 0, 3]).await.is_err(), "still locked");

    let cleared = app.post_as(Some(&admin), &unlock, &[]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    assert!(!app.get_as(&admin, "/admin/users").await.body.contains("已锁定"));
    assert!(app.log_in_from("chen", PASSWORD, [10, 0, 0, 3]).await.is_ok());
    let events = app
        .state
        .db
        .account_events(&AccountEventFilter { username: Some("chen".into()), ..Default::default() })
        .await
        .unwrap();
    let actions: Vec<(AccountAction, &str)> = events.iter().map(|e| (e.action, e.actor.as_str())).collect();
    assert_eq!(
        actions,
        [
            (AccountAction::Unlock, "wang"),
            (AccountAction::Locked, "login throttle"),
            (AccountAction::Created, "test")
        ]
    );
}

#[tokio::test]
async fn a_password_reset_clears_the_lock() {
    let app = TestApp::new().await;
    let admin = app.staff("wang", Role::Admin).await;
    app.create_staff("chen", Role::Editor).await;
    lock_by_failed_logins(&app, "chen").await;
    let chen = app.state.db.user_for_login("chen").await.unwrap().unwrap().0;
    let new_password = "a brand new passphrase";
    let reset = app
        .post_as(Some(&admin), &format!("/admin/users/{}/password", chen.id), &[("password", new_password)])
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert!(app.log_in_from("chen", new_password, [10, 0, 0, 3]).await.is_ok());
    let events = app.state.db.account_events(&AccountEventFilter::default()).await.unwrap();
    let reset = events.iter().find(|e| e.action == AccountAction::PasswordReset).unwrap();
    assert_eq!((reset.username.as_str(), reset.actor.as_str()), ("chen", "wang"));
    assert_eq!(reset.detail.as_deref(), Some("锁定已解除（lock cleared）"));
}

#[tokio::test]
async fn account_changes_are_logged_and_read_by_name_and_time() {
    let app = TestApp::new().await;
    let admin = app.staff("wang", Role::Admin).await;
    let added = app
        .post_as(
            Some(&admin),
            "/admin/users",
            &[("username", "zhao"), ("role", "editor"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let zhao = app.state.db.user_for_login("zhao").await.unwrap().unwrap().0;
    for disabled in ["1", "0"] {
        let uri = format!("/admin/users/{}/disabled", zhao.id);
        assert_eq!(
            app.post_as(Some(&admin), &uri, &[("disabled", disabled)]).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let db = &app.state.db;
    let zhaos = db
        .account_events(&AccountEventFilter { username: Some("zhao".into()), ..Default::default() })
        .await
        .unwrap();
    let actions: Vec<AccountAction> = zhaos.iter().map(|e| e.action).collect();
    assert_eq!(actions, [AccountAction::Enabled, AccountAction::Disabled, AccountAction::Created]);
    assert!(zhaos.iter().all(|e| e.actor == "wang" && e.username == "zhao"));
    assert_eq!(zhaos[2].detail.as_deref(), Some("editor"));

    // Time bounds in any offset: since is inclusive, until exclusive.
    let at = &zhaos[2].at;
    let filter = |since: Option<&str>, until: Option<&str>| AccountEventFilter {
        username: Some("zhao".into()),
        since: since.map(str::to_owned),
        until: until.map(str::to_owned),
    };
    assert_eq!(db.account_events(&filter(Some(at), None)).await.unwrap().len(), 3);
    assert_eq!(db.account_events(&filter(None, Some(at))).await.unwrap().len(), 0);
    assert_eq!(db.account_events(&filter(Some("2000-01-01T08:00:00+08:00"), None)).await.unwrap().len(), 3);
    assert_eq!(db.account_events(&filter(Some("2999-01-01T00:00:00Z"), None)).await.unwrap().len(), 0);
    assert_eq!(db.account_events(&filter(None, Some("2999-01-01T07:59:59+08:00"))).await.unwrap().len(), 3);
    for bad in ["yesterday", "2026-11-28", "2026-11-28T10:00:00"] {
        let refused = db.account_events(&filter(Some(bad), None)).await;
        assert!(matches!(refused, Err(AccountEventsError::BadTime(_))), "{bad}: {refused:?}");
    }
}
