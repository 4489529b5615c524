//! Search text: folding Persian, Arabic and Latin text into one comparable form, and matching
//! queries against it.
//!
//! Persian users type on Persian and Arabic keyboards, with and without diacritics and
//! zero-width non-joiners, write one word with or without a space inside it, and paste text
//! from PDFs in presentation forms; Latin names arrive with and without accents. Records store
//! [`search_text`] once; each keystroke parses a [`Query`] once and then looks for its words
//! in many records' texts at once through a [`Haystack`].

mod forms;
mod rank;
mod word;

pub use rank::{Best, Rank};

use crate::locale::digit_value;
use crate::sorting::sort_by;
use forms::{arabic_presentation_letters, latin_base};
use std::sync::{Mutex, PoisonError};
use word::{ByteCounts, Word};

/// What folding does with one (already lowercased) character.
#[derive(Debug, PartialEq, Eq)]
enum Folded {
    Drop,
    Separator,
    Char(char),
    /// Letters that fold further, such as the Arabic letters a presentation form stands for.
    Str(&'static str),
}

/// Folds text into the form search compares.
///
/// Each rule makes two spellings that a reader sees as the same word compare equal:
/// - Arabic yeh `ي` and alef maksura `ى` become Persian yeh `ی`, Arabic kaf `ك` becomes `ک`:
///   Arabic keyboard layouts type them in Persian words.
/// - Heh with yeh `ۀ` and teh marbuta `ة` become `ه`, and `أ إ ٱ آ` become `ا`, `ؤ` becomes `و`:
///   writers often leave out the hamza, madda or dots.
/// - Arabic presentation forms (what text copied from a PDF often holds: "ﻋﻠﻲ") become the
///   letters they are shapes of, and the lam-alef ligature `ﻻ` becomes `لا`.
/// - Persian and Arabic-Indic digits become ASCII: phones and numbers are typed in all three.
///   Full-width forms (`Ａ１，`, typed with East Asian input methods) become ASCII too.
/// - Invisible format characters are removed: zero-width (non-)joiners and spaces, the word
///   joiner U+2060, the soft hyphen U+00AD, bidi marks, embeddings and isolates, variation
///   selectors and U+FEFF. They only affect shaping, line breaking and display, so
///   "می‌خواهم" and "میخواهم" are one word, and a soft hyphen does not split one.
/// - Tatweel `ـ` (it only stretches letters), Arabic diacritics (U+064B..=U+065F, U+0670) and
///   Latin combining accents (U+0300..=U+036F) are removed: vowel marks are optional.
/// - Text is lowercased (Unicode), final sigma becomes sigma, and accented Latin letters lose
///   their accents (`é` → `e`, `ß` → `ss`, `ệ` → `e`): "José" is found by "jose".
/// - Any other character that is not a letter or digit (spaces, punctuation, symbols) separates
///   words: runs become one space, and the ends are trimmed.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        push_folded(&mut out, c);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn push_folded(out: &mut String, c: char) {
    match fold(c) {
        Folded::Drop => {}
        Folded::Separator => {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        }
        Folded::Char(c) => out.push(c),
        Folded::Str(letters) => letters.chars().for_each(|c| push_folded(out, c)),
    }
}

fn fold(c: char) -> Folded {
    // What most text is made of, ASCII and the Persian letters no rule changes, answered
    // before the general rules' table lookups (an import folds every contact's name).
    match c {
        'a'..='z' | '0'..='9' => Folded::Char(c),
        _ if c.is_ascii() && !c.is_ascii_uppercase() => Folded::Separator,
        '\u{0626}'..='\u{0628}' | '\u{062A}'..='\u{063A}' | '\u{0641}'..='\u{0642}' => {
            Folded::Char(c)
        }
        '\u{0644}'..='\u{0648}' | 'پ' | 'چ' | 'ژ' | 'ک' | 'گ' | 'ی' => Folded::Char(c),
        _ => fold_by_rules(c),
    }
}

fn fold_by_rules(c: char) -> Folded {
    match c {
        '\u{00AD}'
        | '\u{034F}'
        | '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{0640}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{0300}'..='\u{036F}' => Folded::Drop,
        'ي' | 'ى' => Folded::Char('ی'),
        'ك' => Folded::Char('ک'),
        'ۀ' | 'ة' => Folded::Char('ه'),
        'أ' | 'إ' | 'ٱ' | 'آ' => Folded::Char('ا'),
        'ؤ' => Folded::Char('و'),
        // Lowercasing a lone Σ gives σ, but "ς" ends words already typed in lowercase.
        'ς' => Folded::Char('σ'),
        // Full-width ASCII sits at a fixed distance from ASCII; the result folds as ASCII does.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).map_or(Folded::Drop, fold),
        _ => {
            if let Some(letters) = arabic_presentation_letters(c) {
                Folded::Str(letters)
            } else if let Some(value) = digit_value(c) {
                Folded::Char(char::from(b'0' + value as u8))
            } else if let Some(base) = latin_base(c) {
                Folded::Str(base)
            } else if c.is_alphanumeric() {
                Folded::Char(c)
            } else {
                Folded::Separator
            }
        }
    }
}

/// The digits of a phone number as ASCII, without `+`, spaces, dashes or parentheses, so that
/// "+98 912 345-6789" is stored as "989123456789" and any run of its digits can be found.
pub fn normalize_phone_digits(phone: &str) -> String {
    phone
        .chars()
        .filter_map(digit_value)
        .map(|value| char::from(b'0' + value as u8))
        .collect()
}

/// The text a record is searched by: each text field [`normalize`]d with its spaces removed,
/// then the digits of its phone numbers (see [`normalize_phone_digits`]), one space between
/// fields.
///
/// Spaces go because Persian writes the parts of one word with a space, a zero-width
/// non-joiner or nothing between them ("می خواهم", "می‌خواهم", "میخواهم"; "علی رضا",
/// "علیرضا"), and each spelling must find the others. Query words never hold a space, and a
/// word found in a field is still found once the field's spaces are gone, so the spaceless
/// field only adds the matches that span a space; a query that has the space ("می خواهم")
/// finds the spaceless word already, since each of its words is searched on its own. This
/// costs nothing at search time: the text is no longer and [`Haystack`] still scans it once
/// per query word (a second, spaceless copy of each text would double the haystack, and a
/// matcher skipping spaces would give up the fast substring search). Fields keep a space
/// between them so that no word is found across two of them (a name's end and a company's
/// start, or two phone numbers).
pub fn search_text<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    phones: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut out = String::new();
    let words = texts.into_iter().map(|text| {
        let mut field = normalize(text);
        field.retain(|c| c != ' ');
        field
    });
    let fields = words.chain(phones.into_iter().map(normalize_phone_digits));
    for field in fields.filter(|field| !field.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&field);
    }
    // Kept for every record of a workspace: growing by doubling left up to half unused.
    out.shrink_to_fit();
    out
}

/// A dialing prefix is only stripped when at least this many digits remain, so that "09" does
/// not turn into "9", which would match nearly every record.
const MIN_DIGITS_AFTER_PREFIX: usize = 2;

/// A search query: words that must all occur in a record's [`search_text`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    needles: Vec<String>,
}

impl Query {
    /// Normalizes `input` and splits it into words. A word of digits also matches phone numbers
    /// stored with another prefix: it is searched without its leading `00` (international),
    /// `0098`, `98` (Iran's country code) or `0` (trunk), so "0912 345" finds "+989123456789"
    /// and "+98912" finds "09123456789". This can only widen the matches. A word that is only
    /// such a prefix joins the digits after it, as in "+98 912 345".
    pub fn parse(input: &str) -> Query {
        let mut needles: Vec<String> = Vec::new();
        for word in normalize(input).split(' ').filter(|word| !word.is_empty()) {
            let stripped = without_dialing_prefix(word);
            let after_prefix = is_digits(word)
                && needles
                    .last()
                    .is_some_and(|last| DIALING_PREFIXES.contains(&last.as_str()));
            let needle = if after_prefix {
                let joined = needles.pop().unwrap_or_default() + word;
                let national = without_dialing_prefix(&joined);
                // Both are suffixes of `joined`; the shorter one can only widen the match.
                if national.len() < stripped.len() {
                    national.to_owned()
                } else {
                    stripped.to_owned()
                }
            } else {
                stripped.to_owned()
            };
            needles.push(needle);
        }
        // Longer needles are rarer, so trying them first rejects most records sooner.
        sort_by(&mut needles, |a, b| {
            b.len().cmp(&a.len()).then_with(|| a.cmp(b))
        });
        needles.dedup();
        Query { needles }
    }

    /// Whether the query has no words (and so matches everything).
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Whether every word occurs in `text`, which must come from [`search_text`] (or
    /// [`normalize`], where a word spelled with a space is not found without it).
    pub fn matches(&self, text: &str) -> bool {
        self.needles
            .iter()
            .all(|needle| text.contains(needle.as_str()))
    }

    /// Whether whatever this query matches, `earlier` matches too: each of its words is
    /// inside one of this query's (one more letter typed, or one more word).
    fn narrows(&self, earlier: &Query) -> bool {
        earlier.needles.iter().all(|word| {
            self.needles
                .iter()
                .any(|needle| needle.contains(word.as_str()))
        })
    }

    /// The words to search for in a text whose bytes are counted in `counts`.
    fn words(&self, counts: &ByteCounts) -> Needles<'_> {
        Needles(
            self.needles
                .iter()
                .map(|needle| Word::new(needle, counts))
                .collect(),
        )
    }
}

/// Many records' search texts in one string, so that a query is answered by one scan per word
/// instead of one small search per record: at 100k contacts, setting up 100k searches and
/// chasing 100k separate strings cost more than the scan itself.
#[derive(Debug, Default)]
pub struct Haystack {
    /// Each record's text followed by a line feed. Query words never hold one (normalizing
    /// turns it into a space), so no match spans two records.
    text: String,
    /// Where each record's text starts in `text`.
    starts: Vec<usize>,
    /// How common each byte of `text` is, to look for a word's rarest byte first.
    counts: ByteCounts,
    /// The records the last query matched. Typing one more letter narrows the query, and
    /// what it matches is among those: when they are few, it looks at them alone instead of
    /// scanning again.
    last: Mutex<Option<Matched>>,
}

/// What a scan of the text looks for.
#[derive(Clone, Copy)]
enum Scan {
    /// Records holding the first word.
    Matching,
    /// Records holding the first word, and where in them it is best placed.
    Ranking,
}

/// What a search knows of the query's first word in a record it offers.
#[derive(Clone, Copy)]
enum First {
    /// Nothing: the record is one the last query matched.
    Unchecked,
    /// The scan found it there.
    Found,
    /// The scan found it there, best placed so (see [`Rank`]).
    Placed(u32),
}

/// A query and the records it matched, in order.
#[derive(Debug)]
struct Matched {
    query: Query,
    records: Vec<u32>,
}

impl Clone for Haystack {
    /// A copy forgets the last query's matches, which only speed the next one up.
    fn clone(&self) -> Self {
        Haystack {
            text: self.text.clone(),
            starts: self.starts.clone(),
            counts: self.counts.clone(),
            last: Mutex::default(),
        }
    }
}

/// A query's words, ready to be looked for in many records.
struct Needles<'q>(Vec<Word<'q>>);

impl Needles<'_> {
    /// Whether every word is in `text`; the first is not looked for again when found.
    fn all_in(&self, text: &str, first: First) -> bool {
        let known = usize::from(!matches!(first, First::Unchecked));
        self.0[known..]
            .iter()
            .all(|word| word.is_in(text.as_bytes()))
    }
}

impl Haystack {
    /// The texts of records `0..n`, in order.
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Haystack {
        let mut haystack = Haystack::default();
        for text in texts {
            haystack.starts.push(haystack.text.len());
            haystack.text.push_str(text);
            haystack.text.push('\n');
        }
        haystack.counts = ByteCounts::sample(haystack.text.as_bytes());
        haystack
    }

    /// Which records [`Query::matches`]: one flag per record, in order.
    pub fn matches(&self, query: &Query) -> Vec<bool> {
        let mut hits = vec![query.is_empty(); self.starts.len()];
        let needles = query.words(&self.counts);
        self.search(query, Scan::Matching, |record, first| {
            let matched = needles.all_in(self.record(record), first);
            if matched {
                hits[record] = true;
            }
            matched
        });
        hits
    }

    /// Calls `matched` on each record that may match `query`, in order: those holding its
    /// first word (the longest, so the rarest), found by one scan of the text, or those the
    /// last query matched when this one narrows it and they are few. With each record comes
    /// what is known of the first word in it: found, and best placed how when `scan` asks.
    /// `matched` says whether the record does match, which is kept for the next query. An
    /// empty query looks at nothing.
    fn search(&self, query: &Query, scan: Scan, mut matched: impl FnMut(usize, First) -> bool) {
        let Some(first) = query.needles.first() else {
            return;
        };
        let mut records = Vec::new();
        let mut look = |record: usize, first| {
            if matched(record, first) {
                records.push(record as u32);
            }
        };
        let last = self
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // Looking at a record alone costs more than passing it in a scan: past a quarter of
        // the records (one letter typed), scanning again is faster.
        let narrowed = last.filter(|last| {
            query.narrows(&last.query) && last.records.len() <= self.starts.len() / 4
        });
        match narrowed {
            Some(last) => last
                .records
                .iter()
                .for_each(|&record| look(record as usize, First::Unchecked)),
            None => {
                let first = Word::new(first, &self.counts);
                let bytes = self.text.as_bytes();
                let (mut from, mut record) = (0, 0);
                while let Some(at) = first.find(bytes, from) {
                    record = self.record_holding(at, record);
                    let (start, end) = (self.starts[record], self.end_of(record));
                    let known = match scan {
                        Scan::Matching => First::Found,
                        Scan::Ranking => First::Placed(rank::placement_from(
                            &bytes[start..end],
                            at - start,
                            &first,
                        )),
                    };
                    look(record, known);
                    // One hit is enough: go on from the next record.
                    from = end + 1;
                }
            }
        }
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(Matched {
            query: query.clone(),
            records,
        });
    }

    /// The record holding `at` in `text`, which is `after` or a later one: the last one
    /// starting at or before it. A hit is most often a few records on, so it gallops from
    /// `after` rather than searching all the records left, whose starts are mostly not in
    /// the processor's cache.
    fn record_holding(&self, at: usize, after: usize) -> usize {
        let (mut low, mut step) = (after, 1);
        while self
            .starts
            .get(low + step)
            .is_some_and(|start| *start <= at)
        {
            low += step;
            step *= 2;
        }
        let high = (low + step).min(self.starts.len());
        low + self.starts[low..high].partition_point(|start| *start <= at) - 1
    }

    /// The text of the record at `record`.
    fn record(&self, record: usize) -> &str {
        &self.text[self.starts[record]..self.end_of(record)]
    }

    /// Where the record's text ends in `text` (at its line feed).
    fn end_of(&self, record: usize) -> usize {
        self.starts
            .get(record + 1)
            .copied()
            .unwrap_or(self.text.len())
            - 1
    }
}

/// What people type before a phone number's national digits.
const DIALING_PREFIXES: [&str; 4] = ["0", "00", "98", "0098"];

fn is_digits(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_digit())
}

fn without_dialing_prefix(word: &str) -> &str {
    if !is_digits(word) {
        return word;
    }
    let subscriber = if let Some(international) = word.strip_prefix("00") {
        international.strip_prefix("98").unwrap_or(international)
    } else if let Some(national) = word.strip_prefix('0') {
        national
    } else {
        word.strip_prefix("98").unwrap_or(word)
    };
    if subscriber.len() >= MIN_DIGITS_AFTER_PREFIX {
        subscriber
    } else {
        word
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_quick_folds_agree_with_the_rules() {
        for c in ('\0'..='\u{07FF}').chain('\u{FB50}'..='\u{FF5E}') {
            assert_eq!(fold(c), fold_by_rules(c), "{c:?} {:04X}", c as u32);
        }
    }

    fn finds(query: &str, text: &str) -> bool {
        Query::parse(query).matches(&search_text([text], []))
    }

    #[test]
    fn arabic_and_persian_letters_compare_equal() {
        assert_eq!(normalize("علي"), normalize("علی"));
        assert_eq!(normalize("كتاب"), "کتاب");
        assert_eq!(normalize("مصطفى"), "مصطفی");
        assert_eq!(normalize("خانۀ"), "خانه");
        assert_eq!(normalize("مدرسة"), "مدرسه");
        assert_eq!(normalize("أحمد إمام آرش ٱلله"), "احمد امام ارش الله");
        assert_eq!(normalize("مؤسسه"), "موسسه");
        assert!(finds("علي", "علی رضایی"));
        assert!(finds("کریم", "كريم"));
    }

    #[test]
    fn digits_become_ascii() {
        assert_eq!(normalize("۰۹۱۲ ٣٤٥"), "0912 345");
    }

    #[test]
    fn invisible_marks_and_diacritics_are_dropped() {
        assert_eq!(normalize("می\u{200C}خواهم"), normalize("میخواهم"));
        assert_eq!(normalize("\u{200F}سلام\u{200E}\u{200B}"), "سلام");
        assert_eq!(normalize("كتـــاب"), "کتاب");
        assert_eq!(normalize("مُحَمَّد"), "محمد");
        assert_eq!(normalize("رحمٰن"), "رحمن");
    }

    #[test]
    fn case_and_latin_accents_fold() {
        assert_eq!(normalize("JOSÉ Müller"), "jose muller");
        assert_eq!(normalize("Jose\u{0301}"), "jose");
        assert_eq!(normalize("Straße Œuvre Łódź"), "strasse oeuvre lodz");
        assert_eq!(normalize("İstanbul"), "istanbul");
        assert_eq!(normalize("ΟΔΟΣ"), normalize("οδος"));
        assert!(finds("jose", "José García"));
        assert!(finds("GARCIA", "José García"));
    }

    #[test]
    fn punctuation_and_spaces_collapse() {
        assert_eq!(normalize("  Ali -- Rezaei,\t(CEO)!  "), "ali rezaei ceo");
        assert_eq!(normalize("ali@example.com"), "ali example com");
        assert_eq!(normalize(" \u{200C} ... "), "");
    }

    #[test]
    fn every_word_must_occur() {
        let text = search_text(["Ali Rezaei", "Acme Trading"], []);
        assert!(Query::parse("rez ali").matches(&text));
        assert!(Query::parse("acme ALI").matches(&text));
        assert!(!Query::parse("ali karimi").matches(&text));
        assert!(Query::parse("   ").matches(&text));
        assert!(Query::parse(" , ").is_empty());
    }

    #[test]
    fn phone_fragments_match_across_prefixes() {
        let international = search_text(["Ali"], ["+98 912 345-6789"]);
        let national = search_text(["Ali"], ["0912 345 6789"]);
        assert_eq!(international, "ali 989123456789");
        for stored in [&international, &national] {
            for query in [
                "0912 345",
                "۰۹۱۲۳۴۵",
                "+98912",
                "0098 9123456789",
                "+98 912 345",
                "0 912",
                "09123456789",
                "6789",
                "ali 912",
            ] {
                assert!(Query::parse(query).matches(stored), "{query} in {stored}");
            }
            assert!(!Query::parse("0913").matches(stored));
        }
        assert_eq!(normalize_phone_digits("(۰۲۱) ٨٨-77"), "0218877");
        // A lone short prefix is not stripped down to a single digit.
        assert!(!Query::parse("09").matches("912"));
    }

    #[test]
    fn presentation_forms_become_letters() {
        // As copied from a PDF: every letter a shape of its own.
        assert_eq!(normalize("ﻋﻠﻲ ﺭﺿﺎﻳﻲ"), "علی رضایی");
        assert_eq!(normalize("ﭘﮋﻭﻫﺸﮕﺮ"), "پژوهشگر");
        assert_eq!(normalize("ﻻﻟﻪ ﻷ"), "لاله لا");
        assert_eq!(normalize("ﷲ ﷼"), "الله ریال");
        assert_eq!(normalize("ﺑﹷ"), "ب");
        assert!(finds("علی", "ﻋﻠﻲ"));
        assert!(finds("ﻋﻠﻲ", "علی"));
    }

    #[test]
    fn format_characters_do_not_split_words() {
        assert_eq!(normalize("Ali\u{AD}reza"), "alireza");
        assert_eq!(normalize("علی\u{2060}رضا"), "علیرضا");
        assert_eq!(normalize("a\u{FE0F}b\u{180E}c\u{2063}d"), "abcd");
    }

    #[test]
    fn full_width_forms_become_ascii() {
        assert_eq!(normalize("ＡＢＣ１２３，ｄ＠ｅ"), "abc123 d e");
        assert!(finds("abc", "ＡＢＣ"));
    }

    #[test]
    fn more_latin_accents_fold() {
        assert_eq!(normalize("Phạm Văn Đồng"), "pham van dong");
        assert_eq!(normalize("Ștefan Țara ǅemal"), "stefan tara dzemal");
        assert_eq!(normalize("ƒøø"), "foo");
    }

    #[test]
    fn a_space_inside_a_word_does_not_matter() {
        assert!(finds("میخواهم", "می خواهم"));
        assert!(finds("می خواهم", "میخواهم"));
        assert!(finds("میخواهم", "می\u{200C}خواهم"));
        assert!(finds("علیرضا", "علی رضا کریمی"));
        assert!(finds("alireza", "Ali Reza"));
        // Fields stay apart: no word spans the end of one and the start of the next.
        let text = search_text(["Ali", "Acme"], ["0912", "3456"]);
        assert_eq!(text, "ali acme 0912 3456");
        assert!(!Query::parse("aliacme").matches(&text));
        assert!(!Query::parse("09123456").matches(&text));
    }

    /// Spellings of one word that search must treat as the same: (typed, written).
    const VARIANTS: &[(&str, &str)] = &[
        ("علی", "ﻋﻠﻲ"),
        ("علی", "علي"),
        ("کتاب", "كتاب"),
        ("کتاب", "كتـــاب"),
        ("لاله", "ﻻﻟﻪ"),
        ("پژوهشگر", "ﭘﮋﻭﻫﺸﮕﺮ"),
        ("محمد", "مُحَمَّد"),
        ("خانه", "خانۀ"),
        ("مدرسه", "مدرسة"),
        ("احمد", "أحمد"),
        ("میخواهم", "می خواهم"),
        ("میخواهم", "می\u{200C}خواهم"),
        ("کتابها", "کتاب‌ها"),
        ("علیرضا", "علی رضا"),
        ("alireza", "ali\u{AD}reza"),
        ("alireza", "ali\u{2060}reza"),
        ("jose", "José"),
        ("jose", "ＪＯＳＥ"),
        ("pham", "Phạm"),
        ("strasse", "Straße"),
        ("09123456789", "۰۹۱۲۳۴۵۶۷۸۹"),
        ("0912", "٠٩١٢"),
    ];

    proptest! {
        #[test]
        fn normalizing_is_idempotent_and_tidy(text in "\\PC{0,40}") {
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once.clone());
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' '));
            prop_assert!(!once.contains("  "));
        }

        #[test]
        fn a_haystack_matches_as_each_record_does(
            texts in proptest::collection::vec("[ab 1\n]{0,8}", 0..12),
            query in "[ab 1]{0,4}",
        ) {
            let texts: Vec<String> = texts.iter().map(|text| normalize(text)).collect();
            let query = Query::parse(&query);
            let hits = Haystack::new(texts.iter().map(String::as_str)).matches(&query);
            let expected: Vec<bool> = texts.iter().map(|text| query.matches(text)).collect();
            prop_assert_eq!(hits, expected);
        }

        #[test]
        fn a_haystack_searched_as_typed_answers_as_a_new_one(
            texts in proptest::collection::vec("[ab 01]{0,8}", 0..12),
            typed in proptest::collection::vec(("[ab 01]{0,5}", any::<bool>(), 0usize..4), 1..8),
        ) {
            // Each search starts from the last one's matches when it narrows them: typing on,
            // going back, or starting again must answer as a haystack that never searched.
            let texts: Vec<String> = texts.iter().map(|text| normalize(text)).collect();
            let haystack = Haystack::new(texts.iter().map(String::as_str));
            for (query, ranked, limit) in typed {
                let query = Query::parse(&query);
                let fresh = Haystack::new(texts.iter().map(String::as_str));
                if ranked {
                    prop_assert_eq!(haystack.best(&query, limit), fresh.best(&query, limit));
                } else {
                    prop_assert_eq!(haystack.matches(&query), fresh.matches(&query));
                }
            }
        }

        #[test]
        fn a_text_matches_its_own_words(text in "\\PC{0,40}") {
            prop_assert!(Query::parse(&text).matches(&search_text([text.as_str()], [])));
            let text = normalize(&text);
            prop_assert!(Query::parse(&text).matches(&text));
        }

        #[test]
        fn variant_spellings_find_each_other(
            (typed, written) in proptest::sample::select(VARIANTS),
            before in "\\PC{0,8}",
            after in "\\PC{0,8}",
        ) {
            prop_assert_eq!(search_text([typed], []), search_text([written], []));
            for (query, word) in [(typed, written), (written, typed)] {
                let text = search_text([format!("{before}{word}{after}").as_str()], []);
                prop_assert!(Query::parse(query).matches(&text), "{} in {}", query, text);
            }
        }
    }
}
