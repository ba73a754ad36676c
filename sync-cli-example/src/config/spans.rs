//! Positions in the TOML text: which dotted field a byte span belongs to, and where a field
//! is written. toml's own error rendering quotes the offending line (which may hold a
//! password), so the configuration errors are built from these instead.

use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Every key, value and array item of the document with its dotted path and span.
pub fn spans(text: &str) -> Vec<(String, Range<usize>)> {
    fn walk_value(path: String, value: &Spanned<DeValue<'_>>, out: &mut Vec<(String, Range<usize>)>) {
        match value.get_ref() {
            DeValue::Table(t) => walk_table(&path, t, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    out.push((p.clone(), item.span()));
                    walk_value(p, item, out);
                }
            }
            _ => {}
        }
    }
    fn walk_table(prefix: &str, table: &DeTable<'_>, out: &mut Vec<(String, Range<usize>)>) {
        for (k, v) in table {
            let path = if prefix.is_empty() {
                k.get_ref().to_string()
            } else {
                format!("{prefix}.{}", k.get_ref())
            };
            out.push((path.clone(), k.span()));
            out.push((path.clone(), v.span()));
            walk_value(path, v, out);
        }
    }
    let mut out = Vec::new();
    if let Ok(doc) = DeTable::parse(text) {
        walk_table("", doc.get_ref(), &mut out);
    }
    out
}

/// The field whose key or value is the narrowest one containing `span` (the deepest path
/// on a tie: an array-of-tables item shares its header's span with the array).
pub fn field_at(text: &str, span: &Range<usize>) -> Option<String> {
    spans(text)
        .into_iter()
        .filter(|(_, s)| s.start <= span.start && span.end <= s.end.max(s.start + 1))
        .min_by_key(|(p, s)| (s.end - s.start, std::cmp::Reverse(p.len())))
        .map(|(p, _)| p)
}
