//! Who may do what on the staff side: login, logout, sessions, roles, CSRF, throttling.

use axum::http::StatusCode;
use legalmap::app::Settings;
use legalmap::config::StaffSettings;
use legalmap::domain::staff::Role;

use crate::support::{PASSWORD, ParseCode, Session, TestApp};

/// Every staff route, with a method.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/points"),
    ("GET", "/admin/points/new"),
    ("POST", "/admin/points/new"),
    ("GET", "/admin/points/331003001001"),
    ("POST", "/admin/points/331003001001"),
    ("POST", "/admin/points/331003001001/verify"),
    ("POST", "/admin/points/331003001001/retire"),
    ("GET", "/admin/points/331003001001/history"),
    ("POST", "/admin/points/331003001001/restore"),
    ("GET", "/admin/users"),
    ("POST", "/admin/users"),
    ("POST", "/admin/users/1/disabled"),
    ("POST", "/admin/users/1/password"),
    ("GET", "/admin/import"),
    ("POST", "/admin/import"),
    ("POST", "/admin/import/apply"),
    ("GET", "/admin/export.csv"),
    ("GET", "/admin/export.geojson"),
    ("POST", "/admin/logout"),
];

#[tokio::test]
async fn no_staff_route_answers_without_a_valid_session() {
    let app = TestApp::new().await;
    let forged = Session { cookie: "legalmap_session=0123456789abcdef".into(), csrf: "x".into() };
    for (method, uri) in ROUTES {
        for session in [None, Some(&forged)] {
            let reply = match *method {
                "GET" => match session {
                    Some(session) => app.get_as(session, uri).await,
                    None => app.get_anonymous(uri).await,
                },
                _ => app.post_as(session, uri, &[("version", "1"), ("name", "x")]).await,
            };
            if *method == "POST" && *uri == "/admin/points/331003001001" {
                // An edit is kept: the login page carries it (see edit_safety.rs).
                assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
                assert!(reply.body.contains(r#"name="next" value="/admin/points/331003001001""#));
                continue;
            }
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{method} {uri}");
            assert!(
                reply.location.as_deref().unwrap().starts_with("/admin/login?next=%2Fadmin"),
                "{method} {uri}"
            );
        }
    }
    // Nothing changed.
    assert_eq!(app.state.db.point(&"331003001001".parse_code()).await.unwrap().unwrap().version, 1);
}

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_logout_ends_the_session() {
    let app = TestApp::new().await;
    app.create_staff("chen", Role::Editor).await;
    let refused = app.log_in_from("chen", "wrong password!!", [10, 0, 0, 1]).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.body.contains("用户名或密码不正确"));
    let unknown = app.log_in_from("nobody", PASSWORD, [10, 0, 0, 1]).await.unwrap_err();
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);

    let session = app.log_in("chen").await;
    assert_eq!(session.csrf.len(), 64);
    let page = app.get_as(&session, "/admin/points").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("共 346 个"));

    let logout = app.post_as(Some(&session), "/admin/logout", &[]).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    let cleared = logout.set_cookie("legalmap_session").unwrap();
    assert!(cleared.starts_with("legalmap_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            cleared.contains(attribute),
            "{cleared} lacks {attribute}: the browser would keep the cookie"
        );
    }
    assert_eq!(app.get_as(&session, "/admin/points").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_secure_when_configured() {
    let settings = Settings {
        staff: StaffSettings { secure_cookies: true, ..StaffSettings::default() },
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    app.create_staff("chen", Role::Editor).await;
    let page = app.get_anonymous("/admin/login").await;
    assert_eq!(page.status, StatusCode::OK);
    let session = app.log_in("chen").await;
    assert!(session.cookie.starts_with("legalmap_session="));
    // log_in only keeps name=value; check the attributes on a fresh login.
    let reply = app.log_in_reply("chen").await;
    let cookie = reply.set_cookie("legalmap_session").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let login_csrf = page.set_cookie("legalmap_login_csrf").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/admin"] {
        assert!(login_csrf.contains(attribute), "{login_csrf} lacks {attribute}");
    }
}

#[tokio::test]
async fn state_changing_requests_without_the_csrf_token_are_refused() {
    let app = TestApp::new().await;
    let session = app.staff("chen", Role::Admin).await;
    for (method, uri) in ROUTES.iter().filter(|(method, uri)| *method == "POST" && *uri != "/admin/import") {
        for csrf in ["", "0000000000000000000000000000000000000000000000000000000000000000"] {
            let reply = app
                .post_as(
                    Some(&session),
                    uri,
                    &[("csrf", csrf), ("version", "1"), ("name", "改名"), ("reason", "r")],
                )
                .await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {uri} with csrf {csrf:?}");
            assert!(reply.body.contains("安全令牌不符"));
        }
    }
    let point = app.state.db.point(&"331003001001".parse_code()).await.unwrap().unwrap();
    assert_eq!((point.version, point.record.name.as_str()), (1, "百花社区居委会"));
    // The session survived the refusals.
    assert_eq!(app.get_as(&session, "/admin/points").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_login_form_without_its_token_is_refused() {
    let app = TestApp::new().await;
    app.create_staff("chen", Role::Editor).await;
    let reply = app.post_as(None, "/admin/login", &[("username", "chen"), ("password", PASSWORD)]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.set_cookie("legalmap_session").is_none());
}

#[tokio::test]
async fn repeated_failures_lock_the_account_and_then_the_address() {
    let app = TestApp::new().await;
    app.create_staff("chen", Role::Editor).await;
    app.create_staff("wang", Role::Editor).await;
    for _ in 0..5 {
        let refused = app.log_in_from("chen", "not the password", [10, 0, 0, 2]).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, from any address.
    let locked = app.log_in_from("chen", PASSWORD, [10, 0, 0, 3]).await.unwrap_err();
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("账号已锁定 15 分钟"), "{}", locked.body);
    // Other accounts are not locked...
    assert!(app.log_in_from("wang", PASSWORD, [10, 0, 0, 3]).await.is_ok());

    // ...until one address has failed too often, whatever the names.
    for i in 0..15 {
        let name = format!("guess{i}");
        app.log_in_from(&name, "not the password", [10, 0, 0, 2]).await.unwrap_err();
    }
    let blocked = app.log_in_from("wang", PASSWORD, [10, 0, 0, 2]).await.unwrap_err();
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(app.log_in_from("wang", PASSWORD, [10, 0, 0, 4]).await.is_ok());
}

#[tokio::test]
async fn editors_edit_points_and_only_admins_manage_accounts() {
    let app = TestApp::new().await;
    let admin = app.staff("boss", Role::Admin).await;
    let editor = app.staff("chen", Role::Editor).await;
    assert_eq!(app.get_as(&editor, "/admin/points/331003001001").await.status, StatusCode::OK);
    for uri in ["/admin/users"] {
        assert_eq!(app.get_as(&editor, uri).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get_as(&admin, uri).await.status, StatusCode::OK);
    }
    let add = [("username", "li"), ("role", "admin"), ("password", "a long enough password")];
    assert_eq!(app.post_as(Some(&editor), "/admin/users", &add).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.post_as(Some(&editor), "/admin/users/1/password", &[("password", "hijacked password!")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_as(Some(&editor), "/admin/users/1/disabled", &[("disabled", "1")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(app.state.db.users().await.unwrap().iter().all(|u| u.username != "li" && !u.disabled));

    let short = [("username", "li"), ("role", "editor"), ("password", "short")];
    let reply = app.post_as(Some(&admin), "/admin/users", &short).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("至少需要 12 个字符"));
    assert_eq!(app.post_as(Some(&admin), "/admin/users", &add).await.status, StatusCode::SEE_OTHER);
    assert!(app.log_in_from("li", "a long enough password", [10, 1, 1, 1]).await.is_ok());
}

#[tokio::test]
async fn a_disabled_account_loses_its_session_and_cannot_log_in_until_enabled() {
    let app = TestApp::new().await;
    let admin = app.staff("boss", Role::Admin).await;
    let editor = app.staff("chen", Role::Editor).await;
    let chen = app.state.db.users().await.unwrap().into_iter().find(|u| u.username == "chen").unwrap();
    let uri = format!("/admin/users/{}/disabled", chen.id);
    assert_eq!(app.post_as(Some(&admin), &uri, &[("disabled", "1")]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&editor, "/admin/points").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.log_in_from("chen", PASSWORD, [10, 2, 2, 2]).await.unwrap_err().status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.post_as(Some(&admin), &uri, &[("disabled", "0")]).await.status, StatusCode::SEE_OTHER);
    assert!(app.log_in_from("chen", PASSWORD, [10, 2, 2, 3]).await.is_ok());

    // An admin resets a password: the old one stops working.
    let uri = format!("/admin/users/{}/password", chen.id);
    assert_eq!(
        app.post_as(Some(&admin), &uri, &[("password", "a brand new password")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(app.log_in_from("chen", PASSWORD, [10, 2, 2, 4]).await.is_err());
    assert!(app.log_in_from("chen", "a brand new password", [10, 2, 2, 4]).await.is_ok());
}

#[tokio::test]
async fn an_idle_session_expires() {
    let settings = Settings {
        staff: StaffSettings { session_idle_secs: 1, ..StaffSettings::default() },
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    let session = app.staff("chen", Role::Editor).await;
    assert_eq!(app.get_as(&session, "/admin/points").await.status, StatusCode::OK);
    // Let the idle timeout (1 s) pass: this waits on the clock, not on a server.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let expired = app.get_as(&session, "/admin/points").await;
    assert_eq!(expired.status, StatusCode::SEE_OTHER);
    assert!(expired.location.unwrap().starts_with("/admin/login"));
}

#[tokio::test]
async fn parallel_guesses_cannot_outrun_the_throttle() {
    use tower::ServiceExt;

    let app = TestApp::new().await;
    app.create_staff("chen", Role::Editor).await;
    let form = app.login_form([127, 0, 0, 1]).await;
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (router, request) = (app.router(), form.request("chen", "guess-guess-guess"));
        guesses.spawn(async move { router.oneshot(request).await.unwrap().status() });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert!(checked <= 5, "{checked} of 20 parallel guesses had their password checked");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count(), 20 - checked);
}

#[tokio::test]
async fn return_paths_with_hidden_characters_do_not_redirect_away_or_fail() {
    let app = TestApp::new().await;
    for evil in ["/%09/evil.example", "/%0A/evil.example", "/%5C%5Cevil.example", "/%20/evil.example"] {
        let reply = app.get_anonymous(&format!("/text-size?large=1&return_to={evil}")).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{evil}");
        assert_eq!(reply.location.as_deref(), Some("/"), "{evil}");
    }
    app.create_staff("chen", Role::Editor).await;
    let page = app.get_anonymous("/admin/login?next=/admin%0A").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"name="next" value="/admin/points""#));
}
