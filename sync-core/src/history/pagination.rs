//! Pagination and the page-number strip.

use super::model::{Page, PageLink};
use super::query::PageRequest;

/// Edges of the strip, as Flask-SQLAlchemy's `iter_pages(left_edge=2, left_current=2,
/// right_current=3, right_edge=2)`.
const LEFT_EDGE: u32 = 2;
const LEFT_CURRENT: u32 = 2;
const RIGHT_CURRENT: u32 = 3;
const RIGHT_EDGE: u32 = 2;

/// The page numbers to show for `page` of `pages`, with a [`PageLink::Gap`] wherever numbers
/// are skipped: pages=10, page=5 gives `1 2 3 4 5 6 7 … 9 10`; pages=3, page=1 gives `1 2 3`.
pub fn page_strip(page: u32, pages: u32) -> Vec<PageLink> {
    let mut strip = Vec::new();
    let mut last = 0u32;
    let (page, pages) = (u64::from(page), u64::from(pages));
    for num in 1..=pages {
        let near_current = num + u64::from(LEFT_CURRENT) + 1 > page && num < page + u64::from(RIGHT_CURRENT);
        if num <= u64::from(LEFT_EDGE) || near_current || num + u64::from(RIGHT_EDGE) > pages {
            if u64::from(last) + 1 != num {
                strip.push(PageLink::Gap);
            }
            strip.push(PageLink::Page(num as u32));
            last = num as u32;
        }
    }
    strip
}

impl<T> Page<T> {
    /// Assembles a page from the items of page `req` and the total over all pages (what a
    /// store that fetched one page computes).
    pub fn assemble(items: Vec<T>, req: PageRequest, total: u64) -> Self {
        let per_page = u64::from(req.per_page());
        let pages = u32::try_from(total.div_ceil(per_page)).unwrap_or(u32::MAX);
        let page = req.page();
        let has_prev = page > 1;
        let has_next = page < pages;
        Page {
            items,
            page,
            per_page: req.per_page(),
            total,
            pages,
            has_prev,
            has_next,
            prev_num: has_prev.then(|| page - 1),
            next_num: has_next.then(|| page + 1),
            strip: page_strip(page, pages),
        }
    }

    /// Transforms the items, keeping the pager fields.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
            pages: self.pages,
            has_prev: self.has_prev,
            has_next: self.has_next,
            prev_num: self.prev_num,
            next_num: self.next_num,
            strip: self.strip,
        }
    }
}

/// Page `req` of `all`. A page past the end is empty with the right totals.
pub fn paginate<T>(all: Vec<T>, req: PageRequest) -> Page<T> {
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(usize::try_from(req.offset()).unwrap_or(usize::MAX))
        .take(req.per_page() as usize)
        .collect();
    Page::assemble(items, req, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::QueryError;

    fn show(strip: &[PageLink]) -> String {
        strip
            .iter()
            .map(|l| match l {
                PageLink::Page(n) => n.to_string(),
                PageLink::Gap => "…".into(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn strips_with_gap_markers() {
        assert_eq!(show(&page_strip(5, 10)), "1 2 3 4 5 6 7 … 9 10");
        assert_eq!(show(&page_strip(1, 3)), "1 2 3");
        assert_eq!(show(&page_strip(1, 10)), "1 2 3 … 9 10");
        assert_eq!(show(&page_strip(10, 20)), "1 2 … 8 9 10 11 12 … 19 20");
        assert_eq!(show(&page_strip(20, 20)), "1 2 … 18 19 20");
        assert_eq!(show(&page_strip(1, 0)), "");
    }

    #[test]
    fn page_past_the_end_is_empty_with_totals() {
        let p = paginate((0..45).collect::<Vec<_>>(), PageRequest::new(4, 20).unwrap());
        assert!(p.items.is_empty());
        assert_eq!(
            (p.total, p.pages, p.has_prev, p.has_next, p.prev_num, p.next_num),
            (45, 3, true, false, Some(3), None)
        );
        let p = paginate((0..45).collect::<Vec<_>>(), PageRequest::new(3, 20).unwrap());
        assert_eq!(p.items, (40..45).collect::<Vec<_>>());
        let p = paginate((0..45).collect::<Vec<_>>(), PageRequest::new(1, 20).unwrap());
        assert_eq!(
            (p.items.len(), p.has_next, p.next_num, p.prev_num),
            (20, true, Some(2), None)
        );
    }

    #[test]
    fn page_zero_and_bad_sizes_are_errors() {
        assert_eq!(PageRequest::new(0, 20), Err(QueryError::InvalidPage(0)));
        assert_eq!(
            PageRequest::new(-3, 20).unwrap_err().to_string(),
            "invalid page -3: pages are numbered from 1"
        );
        assert_eq!(
            PageRequest::new(1, 201).unwrap_err().to_string(),
            "invalid per_page 201: allowed 1..=200"
        );
        assert!(PageRequest::new(1, 0).is_err());
    }
}
