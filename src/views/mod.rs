//! HTML views: pure functions from data to `Markup`, no database, no extractors.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

/// The page frame every public page shares: Simplified Chinese, phone-first viewport.
pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 黄岩区公共法律服务点" }
            }
            body { (body) }
        }
    }
}

/// A page for a request that could not be served.
pub fn error_page(status: StatusCode, message: &str) -> Markup {
    let heading = match status {
        StatusCode::NOT_FOUND => "没有找到这个页面",
        status if status.is_client_error() => "请求有误",
        _ => "服务暂时出错",
    };
    layout(
        heading,
        html! {
            main {
                h1 { (heading) }
                p { (message) }
                p { a href="/" { "返回首页" } }
            }
        },
    )
}
