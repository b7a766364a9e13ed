//! The site's cookies, in one place: their names and their attributes. Requests' cookies are
//! read, and responses' set, through axum-extra's `CookieJar`.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// The staff session's token (the database keeps only its hash).
pub const SESSION: &str = "legalmap_session";
/// The login form's CSRF token, before there is a session to keep it in.
pub const LOGIN_CSRF: &str = "legalmap_login_csrf";
/// The resident's larger-text choice.
const TEXT_SIZE: &str = "legalmap_text";
/// The only value of [`TEXT_SIZE`]; without the cookie, text is standard.
const LARGE_TEXT: &str = "large";
/// How long the larger-text choice is remembered: a year, in seconds.
const TEXT_SIZE_MAX_AGE_SECS: u64 = 365 * 24 * 60 * 60;

/// The session cookie: every path (staff also open the public pages), never sent with other
/// sites' requests, never readable by scripts, and `Secure` when the site is served over HTTPS
/// (`--secure-cookies`). Pass it to `CookieJar::remove` to end the session in the browser.
pub fn session(token: String, secure: bool) -> Cookie<'static> {
    strict(SESSION, token, "/", secure)
}

/// The login form's CSRF cookie: only the staff side needs it.
pub fn login_csrf(token: String, secure: bool) -> Cookie<'static> {
    strict(LOGIN_CSRF, token, "/admin", secure)
}

fn strict(name: &'static str, value: String, path: &'static str, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value)).path(path).http_only(true).same_site(SameSite::Strict).secure(secure).build()
}

/// The larger-text cookie, for a year. `Lax`, so that a link from another site opens the page in
/// the resident's text size; not `Secure`, since it holds nothing secret. Pass it to
/// `CookieJar::remove` to go back to standard text.
pub fn large_text() -> Cookie<'static> {
    Cookie::build((TEXT_SIZE, LARGE_TEXT))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(
            std::time::Duration::from_secs(TEXT_SIZE_MAX_AGE_SECS)
                .try_into()
                .expect("a year fits a cookie's age"),
        )
        .build()
}

/// Whether the request carries the larger-text choice.
pub fn large_text_chosen(jar: &CookieJar) -> bool {
    jar.get(TEXT_SIZE).is_some_and(|cookie| cookie.value() == LARGE_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_the_ones_the_site_promises() {
        assert_eq!(
            session("ab12".into(), false).to_string(),
            "legalmap_session=ab12; HttpOnly; SameSite=Strict; Path=/"
        );
        assert_eq!(
            session("ab12".into(), true).to_string(),
            "legalmap_session=ab12; HttpOnly; SameSite=Strict; Secure; Path=/"
        );
        assert_eq!(
            login_csrf("cd34".into(), true).to_string(),
            "legalmap_login_csrf=cd34; HttpOnly; SameSite=Strict; Secure; Path=/admin"
        );
        assert_eq!(
            large_text().to_string(),
            "legalmap_text=large; HttpOnly; SameSite=Lax; Path=/; Max-Age=31536000"
        );
    }
}
