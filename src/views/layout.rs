//! The frame every page shares: Simplified Chinese, phone-first, the larger-text switch.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

use crate::web::assets;

/// What every page needs to know about the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageContext {
    /// The resident chose larger text (适老化); remembered in a cookie.
    pub large_text: bool,
    /// Path and query of this page, so the text-size switch can come back to it.
    pub return_to: String,
}

/// The page frame, with `body` inside `<main>`.
pub fn layout(title: &str, context: &PageContext, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" class=[context.large_text.then_some("large-text")] {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light";
                title { (title) " · 黄岩区公共法律服务" }
                @for stylesheet in assets::STYLESHEETS {
                    link rel="stylesheet" href=(assets::url(stylesheet));
                }
                @for script in assets::SCRIPTS {
                    script defer src=(assets::url(script)) {}
                }
            }
            body {
                a.skip href="#content" { "跳到主要内容" }
                header.site {
                    a.brand href="/" { "黄岩区公共法律服务" span.sub { (super::format::circle()) } }
                    form.text-size method="get" action="/text-size" {
                        input type="hidden" name="return_to" value=(context.return_to);
                        input type="hidden" name="large" value=(if context.large_text { "0" } else { "1" });
                        button type="submit" aria-pressed=(context.large_text) {
                            @if context.large_text { "标准字号" } @else { "大字模式" }
                        }
                    }
                }
                main #content { (body) }
                footer.site {
                    p {
                        "公共法律服务热线 " a href="tel:12348" { "12348" }
                        "。服务点名单来自国家统计局区划代码；部分位置为估算，正由司法局核实。"
                    }
                    p { "地图数据 © OpenStreetMap 贡献者；区界与部分位置来自 Vonng/adcode（CC BY 4.0）。" }
                }
            }
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
        &PageContext::default(),
        html! {
            h1 { (heading) }
            p { (message) }
            p { a href="/" { "返回首页" } }
        },
    )
}
