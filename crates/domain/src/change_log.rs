//! The change log's filters as its URL carries them (`town`, `person`, `from`, `to`, `page`),
//! parsed once: a town is a 9-digit code, dates are Beijing calendar days (`2026-11-28`), and
//! the range runs from the start of `from` to the end of `to`.

use time::Date;

use super::beijing;
use super::staff::parse_town_code;

/// The change log's path; the CSV export is the same list at [`CSV_PATH`].
pub const LOG_PATH: &str = "/admin/changes";
pub const CSV_PATH: &str = "/admin/changes.csv";

/// What the change log is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeLogQuery {
    pub town: Option<String>,
    /// Who made the change, exactly as the log names them.
    pub person: Option<String>,
    /// The first Beijing day shown.
    pub from: Option<Date>,
    /// The last Beijing day shown.
    pub to: Option<Date>,
}

/// The longest a person filter may be (a username is at most 32; imports name their file).
const PERSON_MAX_CHARS: usize = 200;

impl ChangeLogQuery {
    /// Parses the raw query values; an empty value means "no filter". The message says what to fix.
    pub fn parse(
        town: Option<&str>,
        person: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Self, String> {
        fn given(raw: Option<&str>) -> Option<&str> {
            raw.map(str::trim).filter(|raw| !raw.is_empty())
        }
        let town = given(town).map(parse_town_code).transpose()?;
        let person = given(person).map(str::to_owned);
        if person.as_ref().is_some_and(|p| p.chars().count() > PERSON_MAX_CHARS) {
            return Err(format!("修改人不能超过 {PERSON_MAX_CHARS} 个字符。"));
        }
        let from = given(from).map(beijing::parse_date).transpose()?;
        let to = given(to).map(beijing::parse_date).transpose()?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err("开始日期不能晚于结束日期。".to_owned());
        }
        Ok(Self { town, person, from, to })
    }

    /// The start of the range, as stored times compare (RFC 3339 UTC).
    pub fn since_utc(&self) -> Option<String> {
        self.from.map(beijing::day_start_utc)
    }

    /// The exclusive end of the range, as stored times compare (RFC 3339 UTC).
    pub fn until_utc(&self) -> Option<String> {
        self.to.map(beijing::day_end_utc)
    }

    /// The query string of these filters (no `?`), `page` included past the first.
    pub fn query_string(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(town) = &self.town {
            query.append_pair("town", town);
        }
        if let Some(person) = &self.person {
            query.append_pair("person", person);
        }
        if let Some(from) = self.from {
            query.append_pair("from", &date_text(from));
        }
        if let Some(to) = self.to {
            query.append_pair("to", &date_text(to));
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        query.finish()
    }

    /// `path` with these filters.
    pub fn href(&self, path: &str, page: usize) -> String {
        let query = self.query_string(page);
        if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
    }
}

/// A date as the filter form and URL write it: `2026-11-28`.
pub fn date_text(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_and_round_trip_through_the_url() {
        let query =
            ChangeLogQuery::parse(Some("331003107"), Some("chen"), Some("2026-11-01"), Some("2026-11-28"))
                .unwrap();
        assert_eq!(query.since_utc().as_deref(), Some("2026-10-31T16:00:00Z"));
        assert_eq!(query.until_utc().as_deref(), Some("2026-11-28T16:00:00Z"));
        assert_eq!(
            query.href(LOG_PATH, 2),
            "/admin/changes?town=331003107&person=chen&from=2026-11-01&to=2026-11-28&page=2"
        );
        assert_eq!(
            ChangeLogQuery::parse(Some(""), None, Some(" "), None).unwrap(),
            ChangeLogQuery::default()
        );
        assert!(ChangeLogQuery::parse(Some("院桥"), None, None, None).is_err());
        assert!(ChangeLogQuery::parse(None, None, Some("2026-11-30"), Some("2026-11-01")).is_err());
        assert!(ChangeLogQuery::parse(None, None, Some("yesterday"), None).is_err());
    }
}
