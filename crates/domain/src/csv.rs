//! CSV reading and writing for contact import and export.
//!
//! Reading follows RFC 4180 with the leniency that files saved by Excel and other spreadsheets
//! need:
//! - a UTF-8 byte-order mark is skipped;
//! - the delimiter is detected among `,`, `;` (Excel in locales with a decimal comma) and tab;
//! - CRLF, LF and lone CR all end a line;
//! - lines holding nothing but whitespace are skipped, and a trailing newline adds no record;
//! - a field is quoted only when its first character is `"`; a quote anywhere else in an
//!   unquoted field is kept as a literal character (Excel reads `5" screen` that way), and text
//!   between a closing quote and the next delimiter is appended literally (`"ab"cd` is `abcd`);
//! - rows may have fewer or more fields than the header; nothing is padded or cut here, so the
//!   importer can report the difference.
//!
//! Writing produces what Excel opens correctly: a byte-order mark (so Persian text is read as
//! UTF-8), commas and CRLF line ends.

use std::cmp::Reverse;
use thiserror::Error;

/// A field separator recognised when reading. The writer always uses [`Delimiter::Comma`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    /// Detection candidates; on a tie the earlier one wins.
    const CANDIDATES: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    /// The separator character.
    pub fn as_char(self) -> char {
        match self {
            Delimiter::Comma => ',',
            Delimiter::Semicolon => ';',
            Delimiter::Tab => '\t',
        }
    }

    fn byte(self) -> u8 {
        self.as_char() as u8
    }
}

/// One data record and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// 1-based physical line on which the record starts, for messages like
    /// "line 12: invalid e-mail". A quoted field spanning lines makes later records start further
    /// down than their position in [`Table::rows`] suggests.
    pub line: usize,
    /// The fields as written; may be fewer or more than the table's headers.
    pub fields: Vec<String>,
}

impl Record {
    /// The field in `column`, or `""` when the record is shorter than that, so short rows read as
    /// if padded with empty fields.
    pub fn get(&self, column: usize) -> &str {
        self.fields.get(column).map_or("", String::as_str)
    }
}

/// A parsed CSV file: the header record and the data records after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The delimiter the file was detected to use.
    pub delimiter: Delimiter,
    /// The first record, each name trimmed of surrounding whitespace. Empty for an empty file.
    pub headers: Vec<String>,
    /// The records after the header, in file order.
    pub rows: Vec<Record>,
}

/// Why a CSV file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CsvError {
    /// A quoted field was still open at the end of the input.
    #[error("line {line}: a quoted field starting here is never closed")]
    UnterminatedQuote {
        /// 1-based line of the opening quote.
        line: usize,
    },
}

/// How many records delimiter detection looks at.
const DETECTION_SAMPLE: usize = 20;

/// Parses CSV text into a header and data records, detecting the delimiter.
pub fn parse(input: &str) -> Result<Table, CsvError> {
    let text = input.strip_prefix('\u{feff}').unwrap_or(input);
    let delimiter = detect_delimiter(text);
    let mut records = Records {
        text,
        delimiter: delimiter.byte(),
        pos: 0,
        line: 1,
    };
    let headers = match records.next().transpose()? {
        Some(header) => header
            .fields
            .iter()
            .map(|name| name.trim().to_owned())
            .collect(),
        None => Vec::new(),
    };
    let rows = records.collect::<Result<_, _>>()?;
    Ok(Table {
        delimiter,
        headers,
        rows,
    })
}

/// Picks the delimiter that occurs, outside quotes, the same number of times in every sampled
/// record and most often; failing that the one that occurs most often overall; failing that `,`.
fn detect_delimiter(text: &str) -> Delimiter {
    let counts = count_candidates(text);
    let Some(first) = counts.first() else {
        return Delimiter::Comma;
    };
    let consistent = (0..Delimiter::CANDIDATES.len())
        .filter(|&i| first[i] > 0 && counts.iter().all(|record| record[i] == first[i]))
        // `min_by_key` keeps the first of equal keys, so ties go to the earlier candidate.
        .min_by_key(|&i| Reverse(first[i]));
    let most_frequent = || {
        (0..Delimiter::CANDIDATES.len())
            .map(|i| (i, counts.iter().map(|record| record[i]).sum::<usize>()))
            .filter(|&(_, total)| total > 0)
            .min_by_key(|&(_, total)| Reverse(total))
            .map(|(i, _)| i)
    };
    consistent
        .or_else(most_frequent)
        .map_or(Delimiter::Comma, |i| Delimiter::CANDIDATES[i])
}

/// Counts each candidate delimiter outside quotes in the first non-blank records, one entry per
/// record.
///
/// The delimiter is not known yet, so a quote opens a quoted field when it follows any candidate.
/// That reads our own output exactly: the writer quotes every field holding `;`, tab or `"`, so
/// outside quotes it contains commas only.
fn count_candidates(text: &str) -> Vec<[usize; 3]> {
    let mut records = Vec::new();
    let mut current = [0; 3];
    let mut has_content = false;
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut bytes = text.bytes().peekable();
    while let Some(byte) = bytes.next() {
        if in_quotes {
            if byte == b'"' && bytes.next_if_eq(&b'"').is_none() {
                in_quotes = false;
            }
            continue;
        }
        match byte {
            b'\r' | b'\n' => {
                if has_content {
                    records.push(current);
                    if records.len() == DETECTION_SAMPLE {
                        return records;
                    }
                }
                current = [0; 3];
                has_content = false;
                at_field_start = true;
            }
            b'"' if at_field_start => {
                in_quotes = true;
                has_content = true;
                at_field_start = false;
            }
            _ => {
                let candidate = Delimiter::CANDIDATES.iter().position(|d| d.byte() == byte);
                if let Some(i) = candidate {
                    current[i] += 1;
                }
                at_field_start = candidate.is_some();
                has_content |= byte != b' ';
            }
        }
    }
    if has_content {
        records.push(current);
    }
    records
}

/// Reads records one by one. Works on byte offsets: the delimiter, quotes and line ends are ASCII,
/// so every offset it stops at is a character boundary and fields are copied as whole slices.
struct Records<'a> {
    text: &'a str,
    delimiter: u8,
    pos: usize,
    /// 1-based physical line at `pos`.
    line: usize,
}

impl Iterator for Records<'_> {
    type Item = Result<Record, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pos < self.text.len() {
            if self.skip_blank_line() {
                continue;
            }
            let line = self.line;
            let result = self.read_fields().map(|fields| Record { line, fields });
            if result.is_err() {
                // The rest of the input is inside the open quote; there is nothing more to read.
                self.pos = self.text.len();
            }
            return Some(result);
        }
        None
    }
}

impl Records<'_> {
    /// Skips the line at `pos` if it holds nothing but whitespace (other than the delimiter);
    /// returns whether it did.
    fn skip_blank_line(&mut self) -> bool {
        let rest = &self.text[self.pos..];
        let delimiter = char::from(self.delimiter);
        let content = rest
            .find(|c: char| c == '\r' || c == '\n' || c == delimiter || !c.is_whitespace())
            .unwrap_or(rest.len());
        match rest.as_bytes().get(content) {
            None | Some(b'\r' | b'\n') => {
                self.pos += content;
                self.end_line();
                true
            }
            Some(_) => false,
        }
    }

    /// Reads the fields of one record and the line end after it.
    fn read_fields(&mut self) -> Result<Vec<String>, CsvError> {
        let mut fields = Vec::new();
        loop {
            let field = if self.text.as_bytes().get(self.pos) == Some(&b'"') {
                self.read_quoted_field()?
            } else {
                self.read_unquoted()
            };
            fields.push(field);
            if self.text.as_bytes().get(self.pos) == Some(&self.delimiter) {
                self.pos += 1;
            } else {
                self.end_line();
                return Ok(fields);
            }
        }
    }

    /// Reads up to the next delimiter or line end.
    fn read_unquoted(&mut self) -> String {
        let rest = &self.text.as_bytes()[self.pos..];
        let len = rest
            .iter()
            .position(|&b| b == self.delimiter || b == b'\r' || b == b'\n')
            .unwrap_or(rest.len());
        let field = self.text[self.pos..self.pos + len].to_owned();
        self.pos += len;
        field
    }

    /// Reads a field that starts with a quote at `pos`.
    fn read_quoted_field(&mut self) -> Result<String, CsvError> {
        let bytes = self.text.as_bytes();
        let opening_line = self.line;
        self.pos += 1;
        let mut field = String::new();
        let mut segment_start = self.pos;
        loop {
            match bytes.get(self.pos) {
                None => return Err(CsvError::UnterminatedQuote { line: opening_line }),
                Some(b'"') if bytes.get(self.pos + 1) == Some(&b'"') => {
                    // Keep the first quote of the pair, drop the second.
                    field.push_str(&self.text[segment_start..=self.pos]);
                    self.pos += 2;
                    segment_start = self.pos;
                }
                Some(b'"') => {
                    field.push_str(&self.text[segment_start..self.pos]);
                    self.pos += 1;
                    break;
                }
                Some(b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(b'\r') => {
                    // The `\n` of a CRLF counts the line itself.
                    if bytes.get(self.pos + 1) != Some(&b'\n') {
                        self.line += 1;
                    }
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
        field.push_str(&self.read_unquoted());
        Ok(field)
    }

    /// Consumes a CRLF, LF or lone CR at `pos`, if there is one.
    fn end_line(&mut self) {
        let bytes = self.text.as_bytes();
        match bytes.get(self.pos) {
            Some(b'\r') if bytes.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
            Some(b'\r' | b'\n') => self.pos += 1,
            _ => return,
        }
        self.line += 1;
    }
}

/// Writes a header and rows as CSV that Excel opens correctly and [`parse`] reads back unchanged
/// (apart from header names, which [`parse`] trims).
///
/// A field is quoted when it holds a quote, a line break, leading or trailing whitespace, or any
/// of the delimiters detection considers (so `;` and tab never show up outside quotes and cannot
/// mislead it), or when it is the only field of its row and empty (so the row is not taken for a
/// blank line). A row with no fields at all is written as an empty line, which readers skip.
pub fn write<H, R, F>(headers: &[H], rows: R) -> String
where
    H: AsRef<str>,
    R: IntoIterator,
    R::Item: IntoIterator<Item = F>,
    F: AsRef<str>,
{
    let mut out = String::from('\u{feff}');
    write_record(&mut out, headers);
    for row in rows {
        write_record(&mut out, row);
    }
    out
}

fn write_record<F: AsRef<str>>(out: &mut String, fields: impl IntoIterator<Item = F>) {
    let mut fields = fields.into_iter().peekable();
    let mut is_first = true;
    while let Some(field) = fields.next() {
        let field = field.as_ref();
        if !is_first {
            out.push(',');
        }
        let is_only_field = is_first && fields.peek().is_none();
        if needs_quotes(field, is_only_field) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
        is_first = false;
    }
    out.push_str("\r\n");
}

fn needs_quotes(field: &str, is_only_field: bool) -> bool {
    let has_special = field
        .chars()
        .any(|c| matches!(c, ',' | ';' | '\t' | '"' | '\r' | '\n'));
    let has_outer_whitespace =
        field.starts_with(char::is_whitespace) || field.ends_with(char::is_whitespace);
    has_special || has_outer_whitespace || (field.is_empty() && is_only_field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(table: &Table) -> Vec<Vec<&str>> {
        table
            .rows
            .iter()
            .map(|row| row.fields.iter().map(String::as_str).collect())
            .collect()
    }

    fn lines(table: &Table) -> Vec<usize> {
        table.rows.iter().map(|row| row.line).collect()
    }

    #[test]
    fn reads_comma_file_and_pads_short_rows_logically() {
        let table = parse("name,phone,email\nAli,0912,a@x.ir\nSara,0935\n").unwrap();
        assert_eq!(table.delimiter, Delimiter::Comma);
        assert_eq!(table.headers, ["name", "phone", "email"]);
        assert_eq!(
            fields(&table),
            [vec!["Ali", "0912", "a@x.ir"], vec!["Sara", "0935"]]
        );
        assert_eq!(table.rows[1].get(2), "");
        assert_eq!(table.rows[1].get(99), "");
        assert_eq!(lines(&table), [2, 3]);
    }

    #[test]
    fn keeps_extra_fields() {
        let table = parse("a,b\n1,2,3\n").unwrap();
        assert_eq!(fields(&table), [vec!["1", "2", "3"]]);
    }

    #[test]
    fn detects_semicolon_despite_decimal_commas() {
        let table = parse("نام;مبلغ\nعلی;3,5\nسارا;12,75\n").unwrap();
        assert_eq!(table.delimiter, Delimiter::Semicolon);
        assert_eq!(table.headers, ["نام", "مبلغ"]);
        assert_eq!(fields(&table), [vec!["علی", "3,5"], vec!["سارا", "12,75"]]);
    }

    #[test]
    fn detects_tab() {
        let table = parse("name\tcity\nAli\tTehran, Iran\n").unwrap();
        assert_eq!(table.delimiter, Delimiter::Tab);
        assert_eq!(fields(&table), [vec!["Ali", "Tehran, Iran"]]);
    }

    #[test]
    fn ignores_delimiters_inside_quotes_when_detecting() {
        let table = parse("name,note\nAli,\"a;b;c;d\"\nSara,\"x;y\"\n").unwrap();
        assert_eq!(table.delimiter, Delimiter::Comma);
        assert_eq!(table.rows[0].get(1), "a;b;c;d");
    }

    #[test]
    fn falls_back_to_most_frequent_then_comma() {
        assert_eq!(
            parse("a;b;c\n1;2\n").unwrap().delimiter,
            Delimiter::Semicolon
        );
        assert_eq!(parse("name\nAli\n").unwrap().delimiter, Delimiter::Comma);
        assert_eq!(parse("").unwrap().headers, Vec::<String>::new());
    }

    #[test]
    fn strips_bom_and_trims_headers() {
        let table = parse("\u{feff} name , phone\nAli,0912\n").unwrap();
        assert_eq!(table.headers, ["name", "phone"]);
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines_and_later_lines_stay_right() {
        let input =
            "name,note\n\"Ali, Jr.\",\"said \"\"hi\"\"\nthen left\"\nSara,\"a\r\nb\rc\"\nReza,x\n";
        let table = parse(input).unwrap();
        assert_eq!(
            fields(&table),
            [
                vec!["Ali, Jr.", "said \"hi\"\nthen left"],
                vec!["Sara", "a\r\nb\rc"],
                vec!["Reza", "x"],
            ]
        );
        assert_eq!(lines(&table), [2, 4, 7]);
    }

    #[test]
    fn handles_crlf_lone_cr_blank_lines_and_trailing_newline() {
        let table = parse("a,b\r\n1,2\r\n\r\n   \r\n3,4\r5,6\r\n").unwrap();
        assert_eq!(
            fields(&table),
            [vec!["1", "2"], vec!["3", "4"], vec!["5", "6"]]
        );
        assert_eq!(lines(&table), [2, 5, 6]);
    }

    #[test]
    fn empty_fields_are_not_blank_lines() {
        let table = parse("a,b\n,\n").unwrap();
        assert_eq!(fields(&table), [vec!["", ""]]);
    }

    #[test]
    fn quotes_inside_unquoted_fields_are_literal() {
        let table = parse("item,size\nMonitor 5\" wide,\"big\"ish\n").unwrap();
        assert_eq!(fields(&table), [vec!["Monitor 5\" wide", "bigish"]]);
    }

    #[test]
    fn reports_line_of_unterminated_quote() {
        let error = parse("a,b\n1,2\n3,\"never\nclosed\n").unwrap_err();
        assert_eq!(error, CsvError::UnterminatedQuote { line: 3 });
        assert_eq!(
            error.to_string(),
            "line 3: a quoted field starting here is never closed"
        );
    }

    #[test]
    fn writes_bom_commas_crlf_and_quotes_only_when_needed() {
        let out = write(
            &["name", "note"],
            [
                vec!["علی", "a,b"],
                vec!["x;y", "say \"hi\""],
                vec![" padded", ""],
                vec!["two\nlines", "plain"],
            ],
        );
        assert_eq!(
            out,
            "\u{feff}name,note\r\n\
             علی,\"a,b\"\r\n\
             \"x;y\",\"say \"\"hi\"\"\"\r\n\
             \" padded\",\r\n\
             \"two\nlines\",plain\r\n"
        );
    }

    #[test]
    fn single_column_empty_values_survive() {
        let out = write(&["note"], [[""], ["x"], [""]]);
        assert_eq!(out, "\u{feff}note\r\n\"\"\r\nx\r\n\"\"\r\n");
        assert_eq!(fields(&parse(&out).unwrap()), [[""], ["x"], [""]]);
    }

    #[test]
    fn parses_many_rows() {
        let rows = (0..100_000).map(|i| [format!("name {i}"), format!("0912{i:07}")]);
        let table = parse(&write(&["name", "phone"], rows)).unwrap();
        assert_eq!(table.rows.len(), 100_000);
        assert_eq!(table.rows[99_999].get(1), "09120099999");
        assert_eq!(table.rows[99_999].line, 100_001);
    }

    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-z ,;\t\"\r\nعلی‌\u{feff}]{0,8}",
            Just(String::new()),
        ]
    }

    proptest! {
        #[test]
        fn write_then_parse_round_trips(
            headers in prop::collection::vec(field(), 1..5),
            rows in prop::collection::vec(prop::collection::vec(field(), 1..6), 0..6),
        ) {
            let table = parse(&write(&headers, &rows)).unwrap();
            let trimmed: Vec<&str> = headers.iter().map(|h| h.trim()).collect();
            prop_assert_eq!(table.delimiter, Delimiter::Comma);
            prop_assert_eq!(&table.headers, &trimmed);
            let parsed: Vec<Vec<String>> = table.rows.into_iter().map(|r| r.fields).collect();
            prop_assert_eq!(parsed, rows);
        }
    }
}
