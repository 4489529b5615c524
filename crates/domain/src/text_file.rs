//! The text of a file the user chose to import: which encoding its bytes are in, and whether
//! it is text at all.
//!
//! Files arrive from Excel and phones in several encodings: UTF-8 with or without a byte-order
//! mark, UTF-16 (Excel's "Unicode text", little-endian, with a mark; some tools leave the mark
//! out) and Windows-1256, which Excel on Persian Windows writes for a plain "CSV". A picture or
//! a workbook chosen by mistake must be refused in words, not read as columns of garbage.

use thiserror::Error;

/// Why a file is not read as text. The first bytes name a few kinds people pick by mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum NotText {
    /// A ZIP archive, which is what an Excel workbook (.xlsx) is, or an Excel 97–2003 (.xls)
    /// file: the user should save it as CSV.
    #[error("this is a spreadsheet workbook or an archive, not text: save it as CSV")]
    Workbook,
    #[error("this is a PDF document, not text")]
    Pdf,
    #[error("this is a picture, not text")]
    Picture,
    /// Bytes that no text holds: NUL bytes outside UTF-16, or many control characters.
    #[error("this file is not text")]
    Binary,
}

/// Decodes a file's bytes, without its byte-order mark. UTF-8 (most files) keeps the bytes'
/// buffer as the text's, so a large backup is not held twice.
///
/// In order: known binary formats are refused by their first bytes; a byte-order mark names
/// UTF-8 or UTF-16; UTF-16 without a mark is recognised by its NUL bytes (see
/// [`utf16_without_mark`]); any other NUL byte means binary; valid UTF-8 is UTF-8; anything
/// else is read as Windows-1256, where every byte is a character. Whatever the encoding, text
/// with more than a few control characters (other than tab, line breaks and form feed) is
/// refused as binary.
pub fn decode(bytes: impl Into<Vec<u8>>) -> Result<String, NotText> {
    let mut bytes = bytes.into();
    if let Some(kind) = known_binary(&bytes) {
        return Err(kind);
    }
    let text = if bytes.starts_with(UTF8_MARK) {
        bytes.drain(..UTF8_MARK.len());
        String::from_utf8(bytes)
            .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        decode_utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        decode_utf16(rest, u16::from_be_bytes)
    } else if let Some(unit) = utf16_without_mark(&bytes) {
        decode_utf16(&bytes, unit)
    } else if bytes.contains(&0) {
        return Err(NotText::Binary);
    } else {
        String::from_utf8(bytes).unwrap_or_else(|error| {
            let bytes = error.as_bytes();
            bytes.iter().map(|&byte| windows_1256(byte)).collect()
        })
    };
    if has_many_controls(&text) {
        return Err(NotText::Binary);
    }
    Ok(text)
}

/// The byte-order mark of UTF-8.
const UTF8_MARK: &[u8] = b"\xEF\xBB\xBF";

/// The kind of a binary file whose first bytes are a known format's signature.
fn known_binary(bytes: &[u8]) -> Option<NotText> {
    const SIGNATURES: [(&[u8], NotText); 8] = [
        (b"PK\x03\x04", NotText::Workbook),
        (b"PK\x05\x06", NotText::Workbook),
        // The compound file of Excel 97–2003 and other old Office formats.
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", NotText::Workbook),
        (b"%PDF-", NotText::Pdf),
        (b"\x89PNG\r\n\x1A\n", NotText::Picture),
        (b"\xFF\xD8\xFF", NotText::Picture),
        (b"GIF87a", NotText::Picture),
        (b"GIF89a", NotText::Picture),
    ];
    let is_webp = bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP");
    if is_webp {
        return Some(NotText::Picture);
    }
    SIGNATURES
        .iter()
        .find(|(signature, _)| bytes.starts_with(signature))
        .map(|(_, kind)| *kind)
}

/// How many bytes the NUL pattern of UTF-16 is looked for in.
const UTF16_SAMPLE: usize = 4096;

/// UTF-16 without a mark is recognised when at least one character in this many is ASCII (a
/// line break ends every line); random bytes have one NUL byte in 256 on each side.
const MIN_ASCII_SHARE: usize = 32;

/// Reads two bytes as one UTF-16 code unit, in one byte order.
type CodeUnit = fn([u8; 2]) -> u16;

/// The byte order of UTF-16 text without a byte-order mark, if the bytes look like it. In
/// UTF-16 every ASCII character (digits, commas, spaces, line breaks: a CSV or vCard has
/// many) has a NUL byte beside it, at odd positions in little-endian and at even ones in
/// big-endian. So such text has NUL bytes on one side, for at least one character in
/// [`MIN_ASCII_SHARE`], and hardly any on the other (a few characters, such as U+0100, put
/// one there); random binary data has about as many on each side. UTF-16 text with (almost)
/// no ASCII character is not recognised: it is refused as binary rather than misread.
fn utf16_without_mark(bytes: &[u8]) -> Option<CodeUnit> {
    let sample = &bytes[..bytes.len().min(UTF16_SAMPLE)];
    let (mut at_even, mut at_odd) = (0usize, 0usize);
    for (at, _) in sample.iter().enumerate().filter(|(_, byte)| **byte == 0) {
        if at % 2 == 0 {
            at_even += 1;
        } else {
            at_odd += 1;
        }
    }
    let units = sample.len() / 2;
    // One side holds at least four in five of the NUL bytes, and enough of them.
    let is_pattern =
        |side: usize, other: usize| side > 4 * other && side * MIN_ASCII_SHARE >= units;
    if is_pattern(at_odd, at_even) {
        Some(u16::from_le_bytes)
    } else if is_pattern(at_even, at_odd) {
        Some(u16::from_be_bytes)
    } else {
        None
    }
}

/// Decodes UTF-16; an unpaired surrogate or a last odd byte becomes U+FFFD.
fn decode_utf16(bytes: &[u8], unit: CodeUnit) -> String {
    let pairs = bytes.chunks_exact(2);
    let odd_byte = !pairs.remainder().is_empty();
    let units = pairs.map(|pair| unit([pair[0], pair[1]]));
    let mut text: String = char::decode_utf16(units)
        .map(|decoded| decoded.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if odd_byte {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

/// Whether more than one character in fifty is a control character other than tab, line
/// feed, carriage return or form feed. Text files hold none, or a stray one such as the
/// end-of-file mark old Windows tools add; random bytes hold about one in eight.
fn has_many_controls(text: &str) -> bool {
    let (mut chars, mut controls) = (0usize, 0usize);
    for c in text.chars() {
        chars += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}') {
            controls += 1;
        }
    }
    controls > 1 && controls * 50 > chars
}

/// The character a Windows-1256 byte stands for.
fn windows_1256(byte: u8) -> char {
    match byte.checked_sub(0x80) {
        None => char::from(byte),
        Some(high) => WINDOWS_1256_HIGH[usize::from(high)],
    }
}

/// What Windows-1256 bytes 0x80..=0xFF stand for (the lower half is ASCII). One departs from
/// the code page: 0xED is Persian yeh `ی` (U+06CC), not Arabic yeh `ي`. The code page has no
/// Persian yeh, so Windows saves it as 0xED; read back as Arabic yeh, every Persian name with
/// a `ی` would come in with the Arabic letter, which is drawn differently at a word's end.
const WINDOWS_1256_HIGH: [char; 128] = [
    '\u{20AC}', '\u{067E}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0679}', '\u{2039}', '\u{0152}', '\u{0686}', '\u{0698}', '\u{0688}',
    '\u{06AF}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{06A9}', '\u{2122}', '\u{0691}', '\u{203A}', '\u{0153}', '\u{200C}', '\u{200D}', '\u{06BA}',
    '\u{00A0}', '\u{060C}', '\u{00A2}', '\u{00A3}', '\u{00A4}', '\u{00A5}', '\u{00A6}', '\u{00A7}',
    '\u{00A8}', '\u{00A9}', '\u{06BE}', '\u{00AB}', '\u{00AC}', '\u{00AD}', '\u{00AE}', '\u{00AF}',
    '\u{00B0}', '\u{00B1}', '\u{00B2}', '\u{00B3}', '\u{00B4}', '\u{00B5}', '\u{00B6}', '\u{00B7}',
    '\u{00B8}', '\u{00B9}', '\u{061B}', '\u{00BB}', '\u{00BC}', '\u{00BD}', '\u{00BE}', '\u{061F}',
    '\u{06C1}', '\u{0621}', '\u{0622}', '\u{0623}', '\u{0624}', '\u{0625}', '\u{0626}', '\u{0627}',
    '\u{0628}', '\u{0629}', '\u{062A}', '\u{062B}', '\u{062C}', '\u{062D}', '\u{062E}', '\u{062F}',
    '\u{0630}', '\u{0631}', '\u{0632}', '\u{0633}', '\u{0634}', '\u{0635}', '\u{0636}', '\u{00D7}',
    '\u{0637}', '\u{0638}', '\u{0639}', '\u{063A}', '\u{0640}', '\u{0641}', '\u{0642}', '\u{0643}',
    '\u{00E0}', '\u{0644}', '\u{00E2}', '\u{0645}', '\u{0646}', '\u{0647}', '\u{0648}', '\u{00E7}',
    '\u{00E8}', '\u{00E9}', '\u{00EA}', '\u{00EB}', '\u{0649}', '\u{06CC}', '\u{00EE}', '\u{00EF}',
    '\u{064B}', '\u{064C}', '\u{064D}', '\u{064E}', '\u{00F4}', '\u{064F}', '\u{0650}', '\u{00F7}',
    '\u{0651}', '\u{00F9}', '\u{0652}', '\u{00FB}', '\u{00FC}', '\u{200E}', '\u{200F}', '\u{06D2}',
];

/// A character set a vCard 2.1 value may name for its encoded bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Windows1256,
    Latin1,
}

impl Charset {
    /// The character set called `name`, if it is one of these.
    pub fn named(name: &str) -> Option<Charset> {
        let is = |names: &[&str]| names.iter().any(|known| name.eq_ignore_ascii_case(known));
        if is(&["UTF-8", "UTF8", "US-ASCII", "ASCII"]) {
            Some(Charset::Utf8)
        } else if is(&["WINDOWS-1256", "CP1256"]) {
            Some(Charset::Windows1256)
        } else if is(&["ISO-8859-1", "ISO8859-1", "LATIN1"]) {
            Some(Charset::Latin1)
        } else {
            None
        }
    }

    /// The text `bytes` stand for; `None` when they are not valid UTF-8 (every byte is a
    /// character in the other two).
    pub fn decode(self, bytes: &[u8]) -> Option<String> {
        match self {
            Charset::Utf8 => String::from_utf8(bytes.to_vec()).ok(),
            Charset::Windows1256 => Some(bytes.iter().map(|&byte| windows_1256(byte)).collect()),
            Charset::Latin1 => Some(bytes.iter().map(|&byte| char::from(byte)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utf16(text: &str, unit: fn(u16) -> [u8; 2], mark: bool) -> Vec<u8> {
        let mark = mark.then_some('\u{FEFF}');
        mark.into_iter()
            .chain(text.chars())
            .collect::<String>()
            .encode_utf16()
            .flat_map(unit)
            .collect()
    }

    #[test]
    fn reads_utf8_with_and_without_mark() {
        assert_eq!(decode("نام,phone\r\n".as_bytes()).unwrap(), "نام,phone\r\n");
        assert_eq!(decode(b"\xEF\xBB\xBFname\n").unwrap(), "name\n");
        assert_eq!(decode(b"").unwrap(), "");
    }

    #[test]
    fn reads_utf16_as_excel_writes_it() {
        let text = "نام\tتلفن\r\nعلی\t۰۹۱۲\r\n";
        for mark in [true, false] {
            assert_eq!(decode(utf16(text, u16::to_le_bytes, mark)).unwrap(), text);
            assert_eq!(decode(utf16(text, u16::to_be_bytes, mark)).unwrap(), text);
        }
    }

    #[test]
    fn reads_windows_1256_from_persian_excel() {
        // "نام,تلفن" and "پژوهش" as Excel on Persian Windows saves them.
        let bytes = b"\xE4\xC7\xE3,\xCA\xE1\xDD\xE4\r\n\x81\x8E\xE6\xE5\xD4\r\n";
        assert_eq!(decode(bytes).unwrap(), "نام,تلفن\r\nپژوهش\r\n");
        assert_eq!(windows_1256(0x98), 'ک');
        assert_eq!(windows_1256(0xED), 'ی');
        assert_eq!(windows_1256(0x90), 'گ');
        assert_eq!(windows_1256(b'A'), 'A');
    }

    #[test]
    fn refuses_known_binary_formats() {
        assert_eq!(
            decode(b"PK\x03\x04\x14\x00\x06\x00"),
            Err(NotText::Workbook)
        );
        assert_eq!(
            decode(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00"),
            Err(NotText::Workbook)
        );
        assert_eq!(decode(b"%PDF-1.7\n%\xE2\xE3"), Err(NotText::Pdf));
        assert_eq!(
            decode(b"\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR"),
            Err(NotText::Picture)
        );
        assert_eq!(
            decode(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"),
            Err(NotText::Picture)
        );
        assert_eq!(
            decode(b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Err(NotText::Picture)
        );
    }

    #[test]
    fn refuses_random_bytes_and_control_characters() {
        // A small deterministic generator: the same "random" bytes every run.
        let mut state: u32 = 0x9E37_79B9;
        let random: Vec<u8> = (0..2000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state.to_le_bytes()[0]
            })
            .collect();
        assert_eq!(decode(random.clone()), Err(NotText::Binary));
        let without_nul: Vec<u8> = random.iter().map(|&b| b.max(1)).collect();
        assert_eq!(decode(without_nul), Err(NotText::Binary));
        assert_eq!(decode(b"name\x00\x00phone\x00"), Err(NotText::Binary));
        assert_eq!(
            decode(b"a\x01b\x02c\x03d\x04e\x05f\x06"),
            Err(NotText::Binary)
        );
        // One stray control character (an old end-of-file mark) is still text.
        assert!(decode(b"name,phone\r\nAli,0912\r\n\x1A").is_ok());
    }

    #[test]
    fn decodes_named_charsets() {
        let decode = |bytes: &[u8], name: &str| Charset::named(name).unwrap().decode(bytes);
        assert_eq!(decode(b"\xDA\xE1\xED", "windows-1256").unwrap(), "علی");
        assert_eq!(decode(b"caf\xE9", "ISO-8859-1").unwrap(), "café");
        assert_eq!(decode("علی".as_bytes(), "utf-8").unwrap(), "علی");
        assert_eq!(decode(b"\xFF", "UTF-8"), None);
        assert_eq!(Charset::named("SHIFT_JIS"), None);
    }

    proptest! {
        #[test]
        fn any_text_decodes_back_from_utf8_and_marked_utf16(text in "\\PC{0,60}") {
            prop_assert_eq!(decode(text.as_bytes()).unwrap(), text.clone());
            let marked_utf8 = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
            prop_assert_eq!(decode(marked_utf8).unwrap(), text.clone());
            prop_assert_eq!(decode(utf16(&text, u16::to_le_bytes, true)).unwrap(), text.clone());
            prop_assert_eq!(decode(utf16(&text, u16::to_be_bytes, true)).unwrap(), text);
        }

        #[test]
        fn rows_decode_back_from_unmarked_utf16(
            rows in proptest::collection::vec("[a-zA-Z0-9 ,@.آ-ی۰-۹\u{200C}]{0,20}", 1..6),
        ) {
            let text = rows.join("\r\n") + "\r\n";
            prop_assert_eq!(decode(utf16(&text, u16::to_le_bytes, false)).unwrap(), text.clone());
            prop_assert_eq!(decode(utf16(&text, u16::to_be_bytes, false)).unwrap(), text);
        }
    }
}
