//! The staff pages (in Chinese, like the public ones): layout, login, points, history,
//! accounts, import.

mod campaign;
mod coverage;
mod edit;
mod import;
mod imports;
mod points;
mod users;

use maud::{DOCTYPE, Markup, html};

pub use campaign::campaign_page;
pub use coverage::{CoverageView, coverage_page};
pub use edit::{EditView, edit_page};
pub use import::{ImportPreview, import_done_page, import_page, import_result_page};
pub use imports::{imports_page, undo_done_page, undo_import_button};
pub use points::{history_page, points_page};
pub use users::users_page;

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
            (head(title, &STAFF))
            body.admin {
                header.site {
                    a.brand href="/admin/points" { "服务点管理" span.sub { "黄岩区司法局" } }
                    @if let Some(staff) = staff {
                        nav.admin-nav aria-label="管理菜单" {
                            a href="/admin/points" { "服务点" }
                            a href="/admin/import" { "导入导出" }
                            a href="/admin/coverage" { "覆盖分析" }
                            a href="/admin/campaign" { "实地核实" }
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

/// The hidden CSRF field every staff form carries.
pub fn csrf_field(staff: &Staff) -> Markup {
    html! { input type="hidden" name="csrf" value=(staff.csrf_token); }
}

pub fn login_page(csrf: &str, next: &str, problem: Option<&str>) -> Markup {
    layout(
        "登录",
        None,
        html! {
            h1 { "工作人员登录" }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            form.stack method="post" action="/admin/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                label { "用户名" input name="username" autocomplete="username" required; }
                label { "密码" input name="password" type="password" autocomplete="current-password" required; }
                button type="submit" { "登录" }
            }
        },
    )
}
