//! iCalendar (RFC 5545) export of follow-up tasks, for the user's calendar app.
//!
//! Each open task becomes a `VTODO`: a to-do with a due time is exactly what a follow-up is,
//! and `STATUS:NEEDS-ACTION` keeps it actionable. When the task has a reminder, the to-do
//! carries a `VALARM` that fires at that absolute time. (Calendar apps that ignore `VTODO`,
//! such as Google Calendar, skip these; Apple Reminders/Calendar, Thunderbird, Outlook and
//! DAVx⁵-backed Android apps read them.)
//!
//! The format rules followed: lines end in CRLF; content lines longer than 75 octets are
//! folded (CRLF + one space) without ever splitting a UTF-8 sequence; TEXT values escape
//! `\`, `;`, `,` and newlines; times are UTC, `YYYYMMDDTHHMMSSZ`, so each to-do is due at the
//! same moment in every calendar app. The workspace's time zone, when given, is named in
//! `X-WR-TIMEZONE`, which Apple and Google calendars read as the zone to show the file in: a
//! follow-up due at 09:00 in Tehran shows at 09:00 on its day there.

use crate::calendar::Day;
use crate::model::Task;

/// The domain part of every `UID` (`<task id>@rabet.local`), which RFC 5545 recommends so
/// that ids stay unique across producers. Stable: calendar apps use the UID to update an
/// imported to-do instead of duplicating it.
pub const UID_DOMAIN: &str = "rabet.local";

/// The longest content line, in octets, before folding (RFC 5545 §3.1).
pub const MAX_LINE_OCTETS: usize = 75;

const CRLF: &str = "\r\n";

/// An iCalendar file of the open tasks (done ones are left out), each with the name of the
/// record it is about, if any. `now_ms` stamps every to-do (`DTSTAMP`); `product_id` names
/// the producer (`PRODID`), e.g. `-//Rabet//Rabet CRM 1.0//EN`; `time_zone` (an IANA name)
/// becomes `X-WR-TIMEZONE`.
///
/// Per task: `UID`, `DTSTAMP`, `CREATED` (when known), `DUE` (when set), `SUMMARY` (the title,
/// or the related name for an untitled task), `DESCRIPTION` (the related name, then the
/// notes, one per line; left out when both are empty), `STATUS:NEEDS-ACTION`, and a display
/// `VALARM` at `remind_at` when set.
pub fn tasks_to_ics(
    tasks: &[(Task, Option<String>)],
    now_ms: i64,
    product_id: &str,
    time_zone: Option<&str>,
) -> String {
    let mut ics = Ics::default();
    ics.line("BEGIN:VCALENDAR");
    ics.line("VERSION:2.0");
    ics.text("PRODID", product_id);
    ics.line("CALSCALE:GREGORIAN");
    ics.line("METHOD:PUBLISH");
    if let Some(zone) = time_zone.filter(|zone| !zone.is_empty()) {
        ics.text("X-WR-TIMEZONE", zone);
    }
    let stamp = format_utc(now_ms);
    for (task, related) in tasks.iter().filter(|(task, _)| !task.is_done()) {
        let related = related.as_deref().map(str::trim).unwrap_or_default();
        let title = task.title.trim();
        let summary = if title.is_empty() { related } else { title };
        let description = [related, task.notes.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("\n");

        ics.line("BEGIN:VTODO");
        ics.text("UID", &format!("{}@{UID_DOMAIN}", task.id));
        ics.line(&format!("DTSTAMP:{stamp}"));
        if task.created_at > 0 {
            ics.line(&format!("CREATED:{}", format_utc(task.created_at)));
        }
        if let Some(due) = task.due_at {
            ics.line(&format!("DUE:{}", format_utc(due)));
        }
        ics.text("SUMMARY", summary);
        if !description.is_empty() {
            ics.text("DESCRIPTION", &description);
        }
        ics.line("STATUS:NEEDS-ACTION");
        if let Some(remind) = task.remind_at {
            ics.line("BEGIN:VALARM");
            ics.line("ACTION:DISPLAY");
            ics.line(&format!("TRIGGER;VALUE=DATE-TIME:{}", format_utc(remind)));
            // DISPLAY alarms must have a description: what the notification says.
            ics.text("DESCRIPTION", summary);
            ics.line("END:VALARM");
        }
        ics.line("END:VTODO");
    }
    ics.line("END:VCALENDAR");
    ics.out
}

/// The file being written: folded content lines, each ended by CRLF.
#[derive(Default)]
struct Ics {
    out: String,
}

impl Ics {
    fn line(&mut self, line: &str) {
        self.out.push_str(&fold_line(line));
        self.out.push_str(CRLF);
    }

    fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape_text(value)));
    }
}

/// An instant (Unix ms) as an iCalendar UTC date-time, `YYYYMMDDTHHMMSSZ`. Milliseconds are
/// dropped (rounding down, also before 1970).
pub fn format_utc(unix_ms: i64) -> String {
    let date = Day::from_unix_ms(unix_ms).to_gregorian();
    let second_of_day = unix_ms.div_euclid(1_000).rem_euclid(86_400);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        date.year,
        date.month,
        date.day,
        second_of_day / 3_600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): `\` → `\\`, `;` → `\;`, `,` → `\,`, and a line
/// break (LF, CRLF or a lone CR) → `\n`. Other ASCII control characters, which TEXT may not
/// contain, are dropped; tabs are kept.
pub fn escape_text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len() + value.len() / 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\t' => escaped.push('\t'),
            c if c.is_ascii_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Reverses [`escape_text`]: `\\`, `\;`, `\,`, `\n` and `\N`; any other backslash is kept as
/// written.
pub fn unescape_text(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => text.push('\n'),
            Some(escaped @ ('\\' | ';' | ',')) => text.push(escaped),
            Some(other) => {
                text.push('\\');
                text.push(other);
            }
            None => text.push('\\'),
        }
    }
    text
}

/// Folds one content line (which must not contain CR or LF) so that no physical line is
/// longer than [`MAX_LINE_OCTETS`] octets, the leading space of continuation lines included.
/// Breaks fall only between characters, so a multi-byte UTF-8 sequence (Persian letters are
/// two octets, emoji four) is never split. The result has no trailing CRLF.
pub fn fold_line(line: &str) -> String {
    let mut folded = String::with_capacity(line.len() + line.len() / 24);
    let mut width = 0;
    for c in line.chars() {
        let octets = c.len_utf8();
        if width + octets > MAX_LINE_OCTETS {
            folded.push_str("\r\n ");
            width = 1;
        }
        folded.push(c);
        width += octets;
    }
    folded
}

/// Unfolds iCalendar text: removes every CRLF that is followed by a space or a tab, together
/// with that one whitespace character (RFC 5545 §3.1).
pub fn unfold(text: &str) -> String {
    let mut unfolded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\r\n") {
        let after = &rest[at + 2..];
        if after.starts_with([' ', '\t']) {
            unfolded.push_str(&rest[..at]);
            rest = &after[1..];
        } else {
            unfolded.push_str(&rest[..at + 2]);
            rest = after;
        }
    }
    unfolded.push_str(rest);
    unfolded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::GregorianDate;
    use crate::id::Id;
    use crate::kind::EntityKind;
    use crate::model::RecordRef;
    use proptest::prelude::*;

    const PRODID: &str = "-//Rabet//Rabet CRM//FA";

    fn at(year: i32, month: u32, day: u32, hour: i64, minute: i64, second: i64) -> i64 {
        GregorianDate::new(year, month, day)
            .unwrap()
            .to_day()
            .to_unix_ms()
            + ((hour * 60 + minute) * 60 + second) * 1_000
    }

    fn task(id: &str, title: &str) -> Task {
        Task {
            id: Id::from_string(id),
            title: title.to_owned(),
            ..Task::default()
        }
    }

    fn physical_lines(ics: &str) -> Vec<&str> {
        let body = ics.strip_suffix(CRLF).expect("ends with CRLF");
        body.split(CRLF).collect()
    }

    /// The unfolded content lines.
    fn content_lines(ics: &str) -> Vec<String> {
        unfold(ics)
            .split(CRLF)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn formats_utc_date_times() {
        assert_eq!(format_utc(0), "19700101T000000Z");
        assert_eq!(
            format_utc(at(2024, 3, 20, 6, 36, 26) + 999),
            "20240320T063626Z"
        );
        assert_eq!(format_utc(1_700_000_000_000), "20231114T221320Z");
        assert_eq!(format_utc(-1), "19691231T235959Z");
        assert_eq!(format_utc(at(2025, 12, 31, 23, 59, 59)), "20251231T235959Z");
    }

    #[test]
    fn escapes_text() {
        assert_eq!(
            escape_text("a,b;c\\d\ne\r\nf\rg"),
            "a\\,b\\;c\\\\d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("tab\there\u{7}bell"), "tab\therebell");
        assert_eq!(escape_text("سلام، دنیا; خوبی?"), "سلام، دنیا\\; خوبی?");
        assert_eq!(unescape_text("a\\,b\\;c\\\\d\\ne\\Nf"), "a,b;c\\d\ne\nf");
        let original = "Line one\nقیمت: ۱۲۰,۰۰۰; \\ok";
        assert_eq!(unescape_text(&escape_text(original)), original);
    }

    #[test]
    fn folds_a_long_persian_summary_at_75_octets() {
        let summary = "پیگیری تماس با آقای رضایی درباره پیش‌فاکتور شماره ۱۴۰۳-۲۵۷ و ارسال کاتالوگ محصولات جدید، \
                       هماهنگی جلسه حضوری در دفتر مرکزی تهران؛ یادآوری: تخفیف ویژه تا پایان ماه";
        let tasks = [(task("t1", summary), Some("شرکت آلفا".to_owned()))];
        let ics = tasks_to_ics(&tasks, 0, PRODID, None);
        let lines = physical_lines(&ics);
        assert!(lines.len() > 8);
        for line in &lines {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line}",
                line.len()
            );
        }
        // Folding really happened, and continuation lines start with one space.
        let continuations = lines.iter().filter(|line| line.starts_with(' ')).count();
        assert!(continuations >= 3);
        // A 75-octet limit with 2-octet letters: the first SUMMARY line is full up to a letter.
        let first = lines.iter().find(|l| l.starts_with("SUMMARY:")).unwrap();
        assert!(first.len() >= MAX_LINE_OCTETS - 3);

        let content = content_lines(&ics);
        let summary_line = content.iter().find(|l| l.starts_with("SUMMARY:")).unwrap();
        assert_eq!(unescape_text(&summary_line["SUMMARY:".len()..]), summary);
        let description = content
            .iter()
            .find(|l| l.starts_with("DESCRIPTION:"))
            .unwrap();
        assert_eq!(description, "DESCRIPTION:شرکت آلفا");
    }

    #[test]
    fn folding_counts_octets_and_keeps_utf8_whole() {
        assert_eq!(fold_line(&"a".repeat(75)), "a".repeat(75));
        assert_eq!(
            fold_line(&"a".repeat(76)),
            format!("{}\r\n a", "a".repeat(75))
        );
        // 37 two-octet letters fill 74 octets; the 38th would need 76, so it moves down.
        let folded = fold_line(&"س".repeat(40));
        let lines: Vec<&str> = folded.split(CRLF).collect();
        assert_eq!(lines[0], "س".repeat(37));
        assert_eq!(lines[1], format!(" {}", "س".repeat(3)));
        // Emoji are four octets.
        let folded = fold_line(&"😀".repeat(20));
        for line in folded.split(CRLF) {
            assert!(line.len() <= 75);
        }
        assert_eq!(unfold(&folded), "😀".repeat(20));
        assert_eq!(unfold("ab\r\n\tc\r\nd"), "abc\r\nd");
    }

    #[test]
    fn calendar_structure_and_properties() {
        let now = at(2024, 10, 4, 12, 0, 0);
        let due = at(2024, 10, 5, 6, 30, 0);
        let mut call_back = task("0192-a", "Call back, about the quote; bring prices");
        call_back.due_at = Some(due);
        call_back.remind_at = Some(due - 15 * 60_000);
        call_back.notes = "Asked for\n10% off".into();
        call_back.created_at = at(2024, 10, 1, 8, 0, 0);
        call_back.link = Some(RecordRef {
            kind: EntityKind::Contact,
            id: Id::from_string("c1"),
        });
        let mut done = task("0192-b", "Already done");
        done.done_at = Some(now);
        let untitled = task("0192-c", " ");
        let tasks = [
            (call_back, Some("Ali Rezaei".to_owned())),
            (done, None),
            (untitled, Some("Acme".to_owned())),
        ];
        let ics = tasks_to_ics(&tasks, now, PRODID, None);

        // Every line ends in CRLF; there is no bare CR or LF.
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count());
        assert_eq!(ics.matches('\r').count(), ics.matches("\r\n").count());

        // BEGIN/END pairs nest properly.
        let lines = content_lines(&ics);
        let mut open: Vec<&str> = Vec::new();
        for line in &lines {
            if let Some(name) = line.strip_prefix("BEGIN:") {
                open.push(name);
            } else if let Some(name) = line.strip_prefix("END:") {
                assert_eq!(open.pop(), Some(name), "{line}");
            }
        }
        assert!(open.is_empty());
        let count = |line: &str| lines.iter().filter(|l| *l == line).count();
        assert_eq!(count("BEGIN:VCALENDAR"), 1);
        assert_eq!(count("BEGIN:VTODO"), 2, "the done task is left out");
        assert_eq!(count("BEGIN:VALARM"), 1);

        let expected_first = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Rabet//Rabet CRM//FA",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VTODO",
            "UID:0192-a@rabet.local",
            "DTSTAMP:20241004T120000Z",
            "CREATED:20241001T080000Z",
            "DUE:20241005T063000Z",
            "SUMMARY:Call back\\, about the quote\\; bring prices",
            "DESCRIPTION:Ali Rezaei\\nAsked for\\n10% off",
            "STATUS:NEEDS-ACTION",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER;VALUE=DATE-TIME:20241005T061500Z",
            "DESCRIPTION:Call back\\, about the quote\\; bring prices",
            "END:VALARM",
            "END:VTODO",
            "BEGIN:VTODO",
            "UID:0192-c@rabet.local",
            "DTSTAMP:20241004T120000Z",
            "SUMMARY:Acme",
            "DESCRIPTION:Acme",
            "STATUS:NEEDS-ACTION",
            "END:VTODO",
            "END:VCALENDAR",
        ];
        assert_eq!(lines, expected_first);

        // No open task: an empty but valid calendar.
        let empty = tasks_to_ics(&[], now, PRODID, None);
        assert_eq!(
            empty,
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rabet//Rabet CRM//FA\r\n\
             CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n"
        );
    }

    #[test]
    fn the_workspace_zone_is_named_and_times_stay_utc() {
        let mut due = task("0192-z", "Call at nine in Tehran");
        // 09:00 in Tehran (UTC+3:30) on 1 Farvardin 1404 = 21 March 2025.
        due.due_at = Some(at(2025, 3, 21, 5, 30, 0));
        let ics = tasks_to_ics(&[(due, None)], 0, PRODID, Some("Asia/Tehran"));
        let lines = physical_lines(&ics);
        assert!(lines.contains(&"X-WR-TIMEZONE:Asia/Tehran"));
        assert!(lines.contains(&"DUE:20250321T053000Z"));
        assert!(!tasks_to_ics(&[], 0, PRODID, Some("")).contains("X-WR-TIMEZONE"));
    }

    proptest! {
        #[test]
        fn unfolding_undoes_folding(text in "[^\r\n]{0,300}") {
            let folded = fold_line(&text);
            for line in folded.split(CRLF) {
                prop_assert!(line.len() <= MAX_LINE_OCTETS);
            }
            prop_assert_eq!(unfold(&folded), text);
        }

        #[test]
        fn escaped_text_folds_and_comes_back(text in any::<String>()) {
            let line = format!("SUMMARY:{}", escape_text(&text));
            prop_assert!(!line.contains(['\r', '\n']));
            let folded = fold_line(&line);
            for physical in folded.split(CRLF) {
                prop_assert!(physical.len() <= MAX_LINE_OCTETS);
            }
            prop_assert_eq!(unfold(&folded), line.clone());
            // Escaping loses only line-break style and control characters.
            let expected: String = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .chars()
                .filter(|&c| !c.is_ascii_control() || c == '\n' || c == '\t')
                .collect();
            prop_assert_eq!(unescape_text(&line["SUMMARY:".len()..]), expected);
        }

        #[test]
        fn every_task_calendar_has_short_crlf_lines(
            titles in proptest::collection::vec("\\PC{0,120}", 0..5),
            now in -10_000_000_000_000_i64..10_000_000_000_000,
        ) {
            let tasks: Vec<(Task, Option<String>)> = titles
                .iter()
                .enumerate()
                .map(|(i, title)| (task(&format!("t{i}"), title), Some(title.clone())))
                .collect();
            let ics = tasks_to_ics(&tasks, now, PRODID, None);
            prop_assert!(ics.ends_with(CRLF));
            for line in physical_lines(&ics) {
                prop_assert!(line.len() <= MAX_LINE_OCTETS);
                prop_assert!(!line.contains(['\r', '\n']));
            }
        }
    }
}
