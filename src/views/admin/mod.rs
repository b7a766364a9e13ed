//! The staff pages (in Chinese, like the public ones): layout, login, points, history,
//! accounts, import, residents' correction reports.

mod campaign;
mod changes;
mod coverage;
mod edit;
mod edit_banner;
mod field_sheet;
mod hours_fields;
mod import;
mod imports;
mod points;
mod reports;
mod users;

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

pub use campaign::campaign_page;
pub use changes::{ChangesView, LogEntry, change_log_csv, changes_page};
pub use coverage::{CoverageView, coverage_page};
pub use edit::{ConflictView, EditView, Outcome, edit_page};
pub use field_sheet::{FieldSheet, field_sheet};
pub use import::{ImportPreview, import_done_page, import_page, import_result_page};
pub use imports::{imports_page, undo_done_page, undo_import_button};
pub use points::{history_page, points_page};
pub use reports::{ReportsView, reports_page};
pub use users::{UsersView, users_page};

use crate::domain::staff::{Role, Staff};
use crate::views::{Side, head};
use crate::web::assets;

/// The staff pages: kept out of search engines.
const STAFF: Side = Side {
    name: "服务点管理",
    stylesheets: assets::STAFF_STYLESHEETS,
    scripts: assets::STAFF_SCRIPTS,
    listed: false,
};

/// The staff page frame: navigation, who is logged in, and the logout button.
pub fn layout(title: &str, staff: Option<&Staff>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title, &STAFF, None))
            body.admin {
                header.site {
                    a.brand href="/admin/points" { "服务点管理" span.sub { "黄岩区司法局" } }
                    @if let Some(staff) = staff {
                        nav.admin-nav aria-label="管理菜单" {
                            a href="/admin/points" { "服务点" }
                            a href="/admin/import" { "导入导出" }
                            a href="/admin/coverage" { "覆盖分析" }
                            a href="/admin/campaign" { "实地核实" }
                            a href="/admin/changes" { "修改记录" }
                            a href="/admin/reports" { "居民纠错" }
                            @if staff.user.role == Role::Admin { a href="/admin/users" { "账号" } }
                            a href="/" { "公众页面" }
                            form method="post" action="/admin/logout" {
                                (csrf_field(staff))
                                button type="submit" { "退出（" (staff.user.username) "）" }
                            }
                        }
                    }
                }
                main #content.admin-main { (body) }
            }
        }
    }
}

/// An error page on the staff side (403, 404, 409, a refused CSRF token...): the staff frame,
/// with the navigation when the session is live, so staff can carry on from it.
pub fn error_page(staff: Option<&Staff>, status: StatusCode, message: &str) -> Markup {
    let heading = match status {
        StatusCode::FORBIDDEN => "无法执行这项操作",
        StatusCode::NOT_FOUND => "没有找到这个页面",
        StatusCode::CONFLICT => "操作没有执行：内容已被修改",
        status if status.is_client_error() => "请求有误",
        _ => "服务暂时出错",
    };
    layout(
        heading,
        staff,
        html! {
            h1 { (heading) }
            p.problem role="alert" { (message) }
            p {
                @if staff.is_some() { a href="/admin/points" { "返回服务点列表" } }
                @else { a href="/admin/login" { "登录" } }
            }
        },
    )
}

/// The hidden CSRF field every staff form carries.
pub fn csrf_field(staff: &Staff) -> Markup {
    html! { input type="hidden" name="csrf" value=(staff.csrf_token); }
}

/// Prefix of the hidden fields in which the login page carries an edit posted after the
/// session expired.
pub const DRAFT_PREFIX: &str = "draft.";

/// The login page; `draft` (field name, value) is an unsaved edit carried through the login.
pub fn login_page(csrf: &str, next: &str, problem: Option<&str>, draft: &[(String, String)]) -> Markup {
    layout(
        "登录",
        None,
        html! {
            h1 { "工作人员登录" }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            form.stack #login-form method="post" action="/admin/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                @for (name, value) in draft {
                    input type="hidden" name={ (DRAFT_PREFIX) (name) } value=(value);
                }
                label { "用户名" input name="username" autocomplete="username" required; }
                label { "密码" input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { "登录" }
            }
        },
    )
}
