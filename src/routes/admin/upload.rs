//! Staff uploads of CSV files (the points' import, the residential places): one reader of the
//! multipart form for both, so that each checks the session and its CSRF token the same way and
//! every problem with the upload (too large, broken, no file, unreadable text) comes back as a
//! clear message on the form's page, never as a bare error or a silently missing file.

use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, FromRef, FromRequest, FromRequestParts, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::Staff;
use super::session::check_csrf;
use crate::app::AppState;
use crate::web::upload::{CsvText, MAX_MULTIPART_BODY_BYTES, MAX_UPLOAD_BYTES, decode_csv, max_upload_label};

/// The request body an upload form may send (see [`MAX_MULTIPART_BODY_BYTES`]): larger bodies
/// are cut off and answered with the size message.
pub fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_MULTIPART_BODY_BYTES)
}

/// A multipart form posted by a staff member with a live session: its text fields and its CSV
/// file (the field named `file`), or what is wrong with the upload. The CSRF token (the `csrf`
/// field) has been checked whenever the form could be read; a missing or wrong token is refused
/// (403) before the handler runs.
pub struct CsrfUpload {
    pub staff: Staff,
    /// The form's text fields other than the file, by name, in the order sent.
    fields: Vec<(String, String)>,
    pub csv: Result<CsvText, UploadProblem>,
    /// The file's name as the browser sent it (no path), empty if it sent none.
    pub file_name: String,
}

/// Why an upload gave no CSV text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadProblem {
    TooLarge,
    /// Not a multipart form, cut off, or otherwise unreadable.
    Malformed,
    NoFile,
    /// The file's bytes are neither UTF-8 nor GBK.
    Encoding(&'static str),
}

impl UploadProblem {
    pub fn status(self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Malformed => StatusCode::BAD_REQUEST,
            Self::NoFile | Self::Encoding(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// What the form's page tells the staff member.
    pub fn message(self) -> String {
        match self {
            Self::TooLarge => format!("文件过大（最大 {}）。", max_upload_label()),
            Self::Malformed => "上传的内容不完整或格式有误，请重新选择文件后再提交。".into(),
            Self::NoFile => "请选择一个 CSV 文件。".into(),
            Self::Encoding(message) => message.into(),
        }
    }

    fn from_multipart(error: &MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE { Self::TooLarge } else { Self::Malformed }
    }
}

impl CsrfUpload {
    /// A text field's value (a ticked checkbox sends its field).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(field, _)| field == name).map(|(_, value)| value.as_str())
    }
}

impl<S> FromRequest<S> for CsrfUpload
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, &AppState::from_ref(state)).await?;
        let form = match Multipart::from_request(Request::from_parts(parts, body), state).await {
            Ok(multipart) => read_form(multipart).await,
            Err(_) => Err(UploadProblem::Malformed),
        };
        // A form that could not be read changes nothing: its page shows the problem.
        let (fields, file, file_name) = match form {
            Ok(form) => form,
            Err(problem) => {
                return Ok(Self { staff, fields: Vec::new(), csv: Err(problem), file_name: String::new() });
            }
        };
        let csrf = fields.iter().find(|(name, _)| name == "csrf").map(|(_, value)| value.as_str());
        check_csrf(&staff, csrf).map_err(IntoResponse::into_response)?;
        let csv = file
            .filter(|bytes| !bytes.is_empty())
            .ok_or(UploadProblem::NoFile)
            .and_then(|bytes| decode_csv(&bytes).map_err(UploadProblem::Encoding));
        Ok(Self { staff, fields, csv, file_name })
    }
}

/// The text fields, the file's bytes and the file's name.
type Form = (Vec<(String, String)>, Option<Bytes>, String);

async fn read_form(mut multipart: Multipart) -> Result<Form, UploadProblem> {
    let (mut fields, mut file, mut file_name) = (Vec::new(), None, String::new());
    let mut too_large = false;
    while let Some(field) = multipart.next_field().await.map_err(|e| UploadProblem::from_multipart(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            // Browsers send the bare name; some old ones a Windows path: keep its last part.
            let sent = field.file_name().unwrap_or_default();
            file_name = sent.rsplit(['/', '\\']).next().unwrap_or_default().chars().take(200).collect();
            match read_file(field).await? {
                Some(bytes) => file = Some(bytes),
                None => too_large = true,
            }
        } else {
            fields.push((name, field.text().await.map_err(|e| UploadProblem::from_multipart(&e))?));
        }
    }
    // Refused only now, the whole body read: see `MAX_MULTIPART_BODY_BYTES`.
    if too_large {
        return Err(UploadProblem::TooLarge);
    }
    Ok((fields, file, file_name))
}

/// The file's bytes, or `None` if it is over [`MAX_UPLOAD_BYTES`]: then the rest of it is read
/// and dropped, so that memory holds at most the limit.
async fn read_file(mut field: Field<'_>) -> Result<Option<Bytes>, UploadProblem> {
    let mut bytes = Vec::new();
    let mut too_large = false;
    while let Some(chunk) = field.chunk().await.map_err(|e| UploadProblem::from_multipart(&e))? {
        if too_large || bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
            too_large = true;
            bytes = Vec::new();
        } else {
            bytes.extend_from_slice(&chunk);
        }
    }
    Ok((!too_large).then(|| Bytes::from(bytes)))
}
