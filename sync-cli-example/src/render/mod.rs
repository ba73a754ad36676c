//! Rendering: readable tables (comfy-table) by default, JSON of the core types with `--json`,
//! CSV for the export. Every function returns the text; the commands print it.
//!
//! Names and messages that come from servers (roles, users, hosts, object names, server
//! versions, error texts) go through [`printable`] in every human-readable rendering, so that
//! a role called `"x\nfake line"` cannot forge an output line; JSON and CSV keep them exact.

pub mod accounts;
pub mod details;
pub mod export;
pub mod history;
pub mod instances;
pub mod summary;

use chrono::{DateTime, Utc};
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;
use sync_core::chrono_tz::Tz;

/// A table with the house style and the given header.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .apply_modifier(comfy_table::modifiers::UTF8_ROUND_CORNERS)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    t
}

/// Pretty JSON of a core type.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("the core types serialise to JSON")
}

/// `s` with control characters and the invisible or line-breaking format characters escaped
/// the way Rust writes them (`\n`, `\t`, `\u{1b}`, `\u{202e}`), everything else as is
/// (backslashes included). For text read from servers, shown in tables and lines.
pub fn printable(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters (C0, DEL, C1) and the format characters that are invisible, break
/// lines or reorder text (soft hyphen, zero-width and bidirectional marks, line and
/// paragraph separators, the byte-order mark, interlinear annotations, tag characters).
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// A time in `tz`, to the second; `-` when absent.
pub fn time(t: Option<DateTime<Utc>>, tz: Tz) -> String {
    t.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".to_owned())
}

/// The time between two instants (`-` while one is missing): `850ms`, `42s`, `3m 05s`,
/// `2h 03m`.
pub fn duration(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> String {
    let (Some(s), Some(e)) = (start, end) else {
        return "-".to_owned();
    };
    let ms = (e - s).num_milliseconds().max(0);
    match ms {
        0..1_000 => format!("{ms}ms"),
        1_000..60_000 => format!("{}s", ms / 1_000),
        60_000..3_600_000 => format!("{}m {:02}s", ms / 60_000, (ms / 1_000) % 60),
        _ => format!("{}h {:02}m", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times() {
        let t0 = DateTime::parse_from_rfc3339("2026-03-10T03:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let after = |ms: i64| Some(t0 + chrono::Duration::milliseconds(ms));
        assert_eq!(duration(Some(t0), after(850)), "850ms");
        assert_eq!(duration(Some(t0), after(42_300)), "42s");
        assert_eq!(duration(Some(t0), after(185_000)), "3m 05s");
        assert_eq!(duration(Some(t0), after(7_380_000)), "2h 03m");
        assert_eq!(duration(Some(t0), None), "-");
        assert_eq!(
            time(Some(t0), sync_core::chrono_tz::Asia::Shanghai),
            "2026-03-10 11:30:00"
        );
        assert_eq!(time(None, Tz::UTC), "-");
    }

    #[test]
    fn non_printables_are_escaped() {
        assert_eq!(printable("app_user"), "app_user");
        assert_eq!(printable("x\nfake line"), "x\\nfake line");
        assert_eq!(printable("a\r\tb"), "a\\r\\tb");
        assert_eq!(printable("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(printable("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(
            printable("a\u{85}b\u{2028}c\u{200b}d\u{7f}"),
            "a\\u{85}b\\u{2028}c\\u{200b}d\\u{7f}"
        );
        assert_eq!(
            printable("é 中文 back\\slash 'q' \"d\""),
            "é 中文 back\\slash 'q' \"d\""
        );
    }
}
