//! Pages of a long list (the staff points list, the change log): which rows one page shows.

/// Rows on one page of a staff list.
pub const PAGE_SIZE: usize = 50;

/// One page of `total` rows, numbered from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// This page's number, 1 ..= `count`.
    pub number: usize,
    /// How many pages there are (at least 1, even for no rows).
    pub count: usize,
    /// How many rows there are in all.
    pub total: usize,
}

impl Page {
    /// The page number as the URL carries it: absent means the first page; anything but a
    /// positive whole number is refused. A number past the last page clamps to the last page
    /// (a list that shrank since the link was made still shows something).
    pub fn parse(raw: Option<&str>, total: usize) -> Result<Self, String> {
        let count = total.div_ceil(PAGE_SIZE).max(1);
        let number = match raw.map(str::trim).filter(|raw| !raw.is_empty()) {
            None => 1,
            Some(raw) => match raw.parse::<usize>() {
                Ok(number) if number >= 1 => number.min(count),
                _ => return Err(format!("页码“{raw}”无效：页码须为 1 或更大的整数。")),
            },
        };
        Ok(Self { number, count, total })
    }

    /// The index of this page's first row.
    pub fn offset(&self) -> usize {
        (self.number - 1) * PAGE_SIZE
    }

    /// This page's rows of the whole list.
    pub fn slice<'a, T>(&self, rows: &'a [T]) -> &'a [T] {
        let start = self.offset().min(rows.len());
        &rows[start..(start + PAGE_SIZE).min(rows.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_clamp_at_the_end_and_refuse_nonsense() {
        assert_eq!(Page::parse(None, 346).unwrap(), Page { number: 1, count: 7, total: 346 });
        assert_eq!(Page::parse(Some("7"), 346).unwrap().slice(&[0; 346]).len(), 46);
        assert_eq!(Page::parse(Some("99"), 346).unwrap().number, 7);
        assert_eq!(Page::parse(Some(""), 0).unwrap(), Page { number: 1, count: 1, total: 0 });
        for bad in ["0", "-1", "x", "1.5", "99999999999999999999999"] {
            assert!(Page::parse(Some(bad), 346).is_err(), "{bad}");
        }
    }
}
