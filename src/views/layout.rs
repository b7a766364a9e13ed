//! The frame every page shares: Simplified Chinese, phone-first, the larger-text switch.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

use crate::domain::LEGAL_HOTLINE;
use crate::web::assets;

/// What every page needs to know about the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageContext {
    /// The resident chose larger text (适老化); remembered in a cookie.
    pub large_text: bool,
    /// Path and query of this page, so the text-size switch can come back to it.
    pub return_to: String,
}

/// Which side of the site a page is on: what its `<head>` says and loads.
pub struct Side {
    /// After the page's title in the browser's tab.
    pub name: &'static str,
    pub stylesheets: &'static [&'static str],
    pub scripts: &'static [&'static str],
    /// Whether search engines may list the pages (not the staff side's).
    pub listed: bool,
}

/// The residents' pages.
const PUBLIC: Side = Side {
    name: "黄岩区公共法律服务",
    stylesheets: assets::PUBLIC_STYLESHEETS,
    scripts: assets::PUBLIC_SCRIPTS,
    listed: true,
};

/// The one `<head>` of every page, the residents' and the staff's.
pub fn head(title: &str, side: &Side, description: Option<&str>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light";
            @if !side.listed { meta name="robots" content="noindex"; }
            title { (title) " · " (side.name) }
            link rel="icon" href=(assets::url("icon.svg")) type="image/svg+xml";
            // Residents can add the locator to their home screen.
            @if side.listed {
                link rel="manifest" href=(MANIFEST_PATH);
                link rel="apple-touch-icon" href=(assets::url("icon-192.png"));
                meta name="theme-color" content=(BRAND_COLOUR);
            }
            // What a shared link's card shows (WeChat and others read the Open Graph tags).
            @if let Some(description) = description {
                meta name="description" content=(description);
                meta property="og:type" content="website";
                meta property="og:locale" content="zh_CN";
                meta property="og:site_name" content=(side.name);
                meta property="og:title" content=(title);
                meta property="og:description" content=(description);
            }
            @for stylesheet in side.stylesheets {
                link rel="stylesheet" href=(assets::url(stylesheet));
            }
            @for script in side.scripts {
                script defer src=(assets::url(script)) {}
            }
        }
    }
}

/// Where the web app manifest is served (`routes::pages`).
pub const MANIFEST_PATH: &str = "/manifest.webmanifest";
/// The header's blue (app.css `--brand`), for the phone's title bar and the installed app.
pub const BRAND_COLOUR: &str = "#0b4f9c";

/// What the residents' pages say of themselves when a page has nothing more specific.
const SITE_DESCRIPTION: &str = "查找黄岩区离您最近的公共法律服务点：步行、骑行或驾车15分钟内能否到达，电话与导航。公共法律服务热线 12348。";

/// The page frame, with `body` inside `<main>`.
pub fn layout(title: &str, context: &PageContext, body: Markup) -> Markup {
    layout_described(title, SITE_DESCRIPTION, context, body)
}

/// The page frame with the page's own description (for search results and shared links).
pub fn layout_described(title: &str, description: &str, context: &PageContext, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" class=[context.large_text.then_some("large-text")] {
            (head(title, &PUBLIC, Some(description)))
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
                        "公共法律服务热线 " a href={ "tel:" (LEGAL_HOTLINE) } { (LEGAL_HOTLINE) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_share_one_head_and_only_the_staff_side_is_unlisted() {
        let public = layout("首页", &PageContext::default(), html! {}).into_string();
        assert!(public.contains("<title>首页 · 黄岩区公共法律服务</title>"), "{public}");
        assert!(public.contains(r#"<meta name="color-scheme" content="light">"#));
        assert!(!public.contains("noindex") && !public.contains("admin.css"));
        let staff = crate::views::admin::login_page("token", "/admin/points", None, &[]).into_string();
        assert!(staff.contains("<title>登录 · 服务点管理</title>"), "{staff}");
        assert!(staff.contains(r#"<meta name="robots" content="noindex">"#));
        assert!(staff.contains(&assets::url("admin.css")) && staff.contains(&assets::url("admin.js")));
        assert!(!staff.contains(&assets::url("app.js")), "the residents' script stays off staff pages");
    }
}
