//! Row numbers as a spreadsheet shows them, for the points CSV's error messages: staff fix a
//! file in Excel, which numbers records, not the file's lines.

/// Turns the reader's record positions into the rows a spreadsheet shows. The reader's own line
/// numbers count every line break, those inside quoted fields included, and a record after a
/// CRLF break starts (by the reader's count) before its line's `\n`; so the row is found from
/// the record's byte offset instead: the first byte of the record after any line-break bytes, the
/// line breaks before it, less those inside earlier records' fields. (With csv 1.4 the reader's
/// lines put every CRLF file's rows one too low, and a row after a blank line or after a record
/// spanning lines off by the extra lines.)
pub(super) struct ExcelRows<'a> {
    text: &'a [u8],
    /// Where the line breaks were last counted up to, and how many there were.
    counted_to: usize,
    breaks_before: u64,
    /// Line breaks inside quoted fields of the records read so far.
    breaks_in_fields: u64,
    /// The row after the last record read (for problems without a position).
    pub(super) next_row: u64,
}

impl<'a> ExcelRows<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self { text: text.as_bytes(), counted_to: 0, breaks_before: 0, breaks_in_fields: 0, next_row: 2 }
    }

    /// The row of `record`, noting its own line breaks for the rows after it.
    pub(super) fn row_of(&mut self, record: &csv::StringRecord) -> u64 {
        let offset = record.position().map_or(self.counted_to, |p| p.byte() as usize);
        let mut start = offset.max(self.counted_to).min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        self.breaks_before +=
            self.text[self.counted_to..start].iter().filter(|&&b| b == b'\n').count() as u64;
        self.counted_to = start;
        let row = 1 + self.breaks_before - self.breaks_in_fields;
        self.skip_record(record);
        self.next_row = row + 1;
        row
    }

    /// Notes a record's line breaks inside its fields (the header's too).
    pub(super) fn skip_record(&mut self, record: &csv::StringRecord) {
        let breaks: usize = record.iter().map(|field| field.matches('\n').count()).sum();
        self.breaks_in_fields += breaks as u64;
    }
}

#[cfg(test)]
mod tests {
    use crate::points::csv_file::read_rows;

    const HEADER: &str = "code,name,town_code,town,kind,lon,lat,crs,location_quality,source";
    const GOOD: &str = "331003001001,百花社区,331003001,东城街道,community,121.26,28.64,wgs84,geocoded,test";
    const GOOD_2: &str =
        "331003001002,东浦社区,331003001,东城街道,community,121.27,28.65,wgs84,geocoded,test";
    /// Longitude out of range.
    const BAD: &str = "331003001003,塔苑社区,331003001,东城街道,community,181,28.65,wgs84,geocoded,test";

    fn rows_of(text: &str) -> Vec<u64> {
        read_rows(text).errors.iter().map(|e| e.line).collect()
    }

    #[test]
    fn rows_are_named_as_a_spreadsheet_shows_them_whatever_the_line_endings() {
        let lines = [HEADER, GOOD, BAD, GOOD_2];
        for ending in ["\n", "\r\n"] {
            let text = lines.join(ending) + ending;
            assert_eq!(rows_of(&text), [3], "{ending:?}");
            assert_eq!(rows_of(&format!("\u{feff}{text}")), [3], "with a byte-order mark, {ending:?}");
            // A blank line is a row in a spreadsheet too.
            let blank = [HEADER, GOOD, "", BAD].join(ending);
            assert_eq!(rows_of(&blank), [4], "blank line, {ending:?}");
        }
    }

    #[test]
    fn a_record_with_line_breaks_in_a_quoted_field_is_one_row_named_by_its_first_line() {
        let multiline = "331003001002,\"东浦\n社区\",331003001,东城街道,community,121.27,28.65,wgs84,geocoded,\"line one\nline two\"";
        let bad_multiline =
            "331003001004,\"山亭\n社区\",331003001,东城街道,community,181,28.65,wgs84,geocoded,test";
        for ending in ["\n", "\r\n"] {
            // Excel writes the breaks inside a cell as LF, others as the file's line ending.
            let (multiline, bad_multiline) =
                (multiline.replace('\n', ending), bad_multiline.replace('\n', ending));
            let text = [HEADER, &multiline, BAD, &bad_multiline, GOOD].join(ending);
            let read = read_rows(&text);
            assert_eq!(read.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 4], "{ending:?}");
            assert_eq!(read.records.len(), 2);
        }
    }

    #[test]
    fn every_row_is_counted_once_valid_or_bad() {
        let text = [HEADER, GOOD, BAD, GOOD, GOOD_2, "1,2"].join("\n");
        let read = read_rows(&text);
        assert_eq!(read.records.len(), 2, "the duplicate is not valid");
        let errors: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("第 3 行：经度超出范围（longitude 181"), "{errors:?}");
        assert!(errors[1].starts_with("第 4 行：编码重复，首次出现在第 2 行"), "{errors:?}");
        assert!(errors[2].starts_with("第 6 行：列数与表头不一致"), "{errors:?}");
        assert!(read.clone().into_result().is_err());
    }
}
