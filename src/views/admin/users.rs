//! The accounts page (admins only).

use maud::{Markup, html};

use super::{csrf_field, layout};
use crate::domain::account_event::beijing_clock;
use crate::domain::staff::{NewPassword, Role, Staff, StaffUser};

pub fn users_page(staff: &Staff, users: &[StaffUser], problem: Option<&str>) -> Markup {
    layout(
        "账号",
        Some(staff),
        html! {
            h1 { "工作人员账号" }
            @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
            table {
                thead { tr { th { "用户名" } th { "角色" } th { "状态" } th { "操作" } } }
                tbody {
                    @for user in users {
                        tr {
                            td { (user.username) }
                            td { @if user.role == Role::Admin { "管理员" } @else { "编辑" } }
                            td {
                                @if user.disabled { "已停用" } @else { "正常" }
                                @if let Some(until) = user.locked_until_unix { br; span.locked { "已锁定，至 " (beijing_clock(until)) " 解锁" } }
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
