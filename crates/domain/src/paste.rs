//! Coordinates pasted from a map app: `121.26,28.64` (Amap, Tencent: lng,lat),
//! `28.64,121.26` (Baidu's and Google's lat,lng), with spaces, full-width commas or brackets.
//! Inside China's rectangle the order can always be told apart (its latitudes all lie below its
//! longitudes); when it cannot, the paste is refused rather than guessed.

use super::datum::{CHINA_LAT_DEG, CHINA_LON_DEG};

/// Longitude and latitude read from pasted text, in the order the text's numbers say.
pub fn parse_pasted(text: &str) -> Result<(f64, f64), String> {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '，' | ',' | ';' | '；' | '\t' | '/' | '(' | ')' | '（' | '）' | '[' | ']' => ' ',
            c => c,
        })
        .collect();
    let numbers: Vec<f64> = cleaned
        .split_whitespace()
        .map(|piece| piece.parse::<f64>().map_err(|_| format!("“{piece}”不是数字")))
        .collect::<Result<_, _>>()?;
    let [a, b] = numbers[..] else {
        return Err(format!("需要两个数字（经度和纬度），收到 {} 个", numbers.len()));
    };
    if !(a.is_finite() && b.is_finite()) {
        return Err("坐标必须是有限的数字".into());
    }
    let china_lon = |v: f64| CHINA_LON_DEG.contains(&v);
    let china_lat = |v: f64| CHINA_LAT_DEG.contains(&v);
    match (china_lon(a) && china_lat(b), china_lat(a) && china_lon(b)) {
        (true, false) => Ok((a, b)),
        (false, true) => Ok((b, a)),
        _ => Err(format!(
            "无法判断“{}”中哪个是经度、哪个是纬度（不在中国范围内）。请分别填写经度和纬度。",
            text.trim()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_orders_and_the_usual_separators() {
        assert_eq!(parse_pasted("121.268439,28.644744"), Ok((121.268439, 28.644744)));
        assert_eq!(parse_pasted("28.644744, 121.268439"), Ok((121.268439, 28.644744)));
        assert_eq!(parse_pasted(" 121.26，28.64 "), Ok((121.26, 28.64)));
        assert_eq!(parse_pasted("(28.64 121.26)"), Ok((121.26, 28.64)));
    }

    #[test]
    fn refuses_what_it_cannot_tell_apart() {
        assert!(parse_pasted("30,40").unwrap_err().contains("无法判断"));
        assert!(parse_pasted("121.26").unwrap_err().contains("两个数字"));
        assert!(parse_pasted("abc,28").unwrap_err().contains("不是数字"));
        assert!(parse_pasted("1,2,3").is_err());
    }

    #[test]
    fn the_rectangles_latitudes_cannot_be_taken_for_its_longitudes() {
        assert!(CHINA_LAT_DEG.end() < CHINA_LON_DEG.start());
        let (lon, lat) = (CHINA_LON_DEG.start() + 0.5, CHINA_LAT_DEG.end() - 0.5);
        assert_eq!(parse_pasted(&format!("{lat},{lon}")), Ok((lon, lat)));
        assert!(parse_pasted(&format!("{},{lat}", CHINA_LON_DEG.end() + 1.0)).is_err());
    }
}
