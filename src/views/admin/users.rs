//! The accounts page (admins only): accounts, their roles and state, and the towns an editor is
//! limited to.

use maud::{Markup, html};

use super::{csrf_field, layout};
use crate::domain::beijing::clock_of_unix;
use crate::domain::staff::{NewPassword, Role, Staff, StaffUser};
use crate::views::format;

/// Everything the accounts page shows.
pub struct UsersView<'a> {
    pub staff: &'a Staff,
    pub users: &'a [StaffUser],
    /// (user id, town code) of every limited account.
    pub user_towns: &'a [(i64, String)],
    /// (code, name) of every town, in code order.
    pub towns: &'a [(&'a str, &'a str)],
    pub problem: Option<&'a str>,
}

pub fn users_page(view: &UsersView<'_>) -> Markup {
    let staff = view.staff;
    let limited_to = |user: &StaffUser| -> Vec<&str> {
        view.user_towns.iter().filter(|(id, _)| *id == user.id).map(|(_, code)| code.as_str()).collect()
    };
    let town_name = |code: &str| {
        view.towns.iter().find(|(c, _)| *c == code).map_or(code.to_owned(), |(_, n)| (*n).to_owned())
    };
    layout(
        "账号",
        Some(staff),
        html! {
            h1 { "工作人员账号" }
            @if let Some(problem) = view.problem { p.problem role="alert" { (problem) } }
            div.table-scroll {
                table.users.cards {
                    thead { tr { th { "用户名" } th { "角色" } th { "状态" } th { "可修改的镇街" } th { "操作" } } }
                    tbody {
                        @for user in view.users {
                            @let towns = limited_to(user);
                            tr {
                                td { strong { (user.username) } }
                                td data-label="角色" { (format::role(user.role)) }
                                td data-label="状态" {
                                    @if user.disabled { "已停用" } @else { "正常" }
                                    @if let Some(until) = user.locked_until_unix { br; span.locked { "已锁定，至 " (clock_of_unix(until)) " 解锁" } }
                                }
                                td data-label="可修改的镇街" {
                                    @if user.role == Role::Admin { "全部（管理员）" }
                                    @else if towns.is_empty() { "全部" }
                                    @else { (towns.iter().map(|code| town_name(code)).collect::<Vec<_>>().join("、")) }
                                }
                                td {
                                    @if user.locked_until_unix.is_some() {
                                        form method="post" action={ "/admin/users/" (user.id) "/unlock" } {
                                            (csrf_field(staff))
                                            button type="submit" { "解除锁定" }
                                        }
                                    }
                                    form method="post" action={ "/admin/users/" (user.id) "/disabled" } {
                                        (csrf_field(staff))
                                        input type="hidden" name="disabled" value=(if user.disabled { "0" } else { "1" });
                                        button type="submit" { @if user.disabled { "启用" } @else { "停用" } }
                                    }
                                    form method="post" action={ "/admin/users/" (user.id) "/password" } {
                                        (csrf_field(staff))
                                        label { "新密码" input type="password" name="password" autocomplete="new-password" minlength=(NewPassword::MIN_CHARS); }
                                        button type="submit" { "重置密码" }
                                    }
                                    @if user.role == Role::Editor {
                                        details.towns {
                                            summary { "限定可修改的镇街" }
                                            form.towns method="post" action={ "/admin/users/" (user.id) "/towns" } {
                                                (csrf_field(staff))
                                                p.note { "只勾选该账号负责的镇（街道）；都不勾选则可修改全部镇街。" }
                                                @for (code, name) in view.towns {
                                                    label.check { input type="checkbox" name="town" value=(code) checked[towns.contains(code)]; (name) }
                                                }
                                                button type="submit" { "保存镇街范围" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "新增账号" }
            form.stack method="post" action="/admin/users" {
                (csrf_field(staff))
                label { "用户名" input name="username" required maxlength="32"; }
                label { "角色"
                    select name="role" { option value="editor" { "编辑（修改服务点）" } option value="admin" { "管理员（也管理账号）" } }
                }
                label { "初始密码（至少 " (NewPassword::MIN_CHARS) " 个字符）" input type="password" name="password" autocomplete="new-password" required minlength=(NewPassword::MIN_CHARS); }
                button type="submit" { "新增" }
            }
        },
    )
}
