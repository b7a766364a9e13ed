//! How much staff may upload: one limit for a CSV file (the points import, the residential
//! places), which the request size limits, the checks and the pages' text all read.

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

/// The request body limit of a multipart upload: one file and the form around it.
///
/// # Units
/// Bytes.
pub const MAX_MULTIPART_BODY_BYTES: usize = MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES;

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

#[cfg(test)]
mod tests {
    use super::*;

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
