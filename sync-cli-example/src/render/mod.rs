//! Rendering: readable tables (comfy-table) by default, JSON of the core types with `--json`,
//! CSV for the export. Every function returns the text; the commands print it.

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
}
