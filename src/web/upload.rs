//! Staff CSV uploads: how much staff may upload (one limit for a CSV file, the points import and
//! the residential places, which the request size limits, the checks and the pages' text all
//! read), and how a file's bytes become text (the web upload and `legalmap import` alike).

/// The largest CSV file staff may upload. The district's list is about 140 KB.
///
/// # Units
/// Bytes.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// Room in a request body for what comes with the file: the form's other fields and the
/// multipart framing.
///
/// # Units
/// Bytes.
const FORM_OVERHEAD_BYTES: usize = 64 * 1024;

/// The request body limit of a multipart upload. A file over [`MAX_UPLOAD_BYTES`] is refused
/// with the pages' message, but read to the end (and dropped, never kept) as long as the body
/// stays under this: a server that answers before the browser has finished sending resets the
/// connection, and the browser then shows a network error instead of the message. Bodies past
/// this are cut off (answered with the same message, which the browser may not show).
///
/// # Units
/// Bytes.
pub const MAX_MULTIPART_BODY_BYTES: usize = 4 * MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES;

/// The request body limit of the import's confirmation, which posts the previewed file back as
/// form text: a GBK file grows by half when decoded (2 bytes per Chinese character become 3),
/// and URL-encoding writes each of those bytes as three.
///
/// # Units
/// Bytes.
pub const MAX_APPLY_BODY_BYTES: usize = MAX_UPLOAD_BYTES * 3 / 2 * 3 + FORM_OVERHEAD_BYTES;

/// The upload limit as the pages say it: "5 MB".
pub fn max_upload_label() -> String {
    format!("{} MB", MAX_UPLOAD_BYTES as f64 / (1024.0 * 1024.0))
}

/// A CSV file's text, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvText {
    pub text: String,
    /// How the bytes were read, for the preview: UTF-8 (with or without a byte-order mark) or
    /// GBK/GB18030, as Excel on a Chinese Windows saves CSV.
    pub encoding: &'static str,
}

/// Reads a CSV file's bytes as text: UTF-8 (a byte-order mark is dropped), else GBK/GB18030
/// (what Excel on a Chinese Windows writes). The one decoder of the web upload and `legalmap
/// import`; its error is a message for staff, in Chinese.
pub fn decode_csv(bytes: &[u8]) -> Result<CsvText, &'static str> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|text| CsvText { text: text.to_owned(), encoding: "UTF-8（带 BOM）" })
            .map_err(|_| "文件以 UTF-8 标记开头，但内容不是有效的 UTF-8。");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(CsvText { text: text.to_owned(), encoding: "UTF-8" });
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err("无法识别文件编码：请保存为 UTF-8 或 GBK（Excel 的“CSV（逗号分隔）”）。");
    }
    Ok(CsvText { text: text.into_owned(), encoding: "GBK/GB18030" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_bom_and_gbk_decode_to_the_same_text() {
        let text = "code,name\n331003001001,百花社区\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        for (bytes, encoding) in
            [(text.as_bytes(), "UTF-8"), (bom.as_slice(), "UTF-8（带 BOM）"), (&gbk, "GBK/GB18030")]
        {
            assert_eq!(decode_csv(bytes), Ok(CsvText { text: text.to_owned(), encoding }));
        }
        assert!(decode_csv(b"\xEF\xBB\xBF\xFF").is_err());
    }

    #[test]
    fn the_label_says_the_limit() {
        let megabytes: f64 = max_upload_label().trim_end_matches(" MB").parse().unwrap();
        assert_eq!((megabytes * 1024.0 * 1024.0) as usize, MAX_UPLOAD_BYTES);
        assert_eq!(max_upload_label(), "5 MB");
    }

    #[test]
    fn a_previewed_gbk_file_fits_in_the_confirmation_form() {
        let chinese_chars = MAX_UPLOAD_BYTES / 2;
        let posted_back = form_urlencoded::byte_serialize("黄".repeat(chinese_chars).as_bytes())
            .map(str::len)
            .sum::<usize>();
        assert!(posted_back + "content=".len() <= MAX_APPLY_BODY_BYTES, "{posted_back}");
    }
}
