//! vCard import (versions 2.1, 3.0 and 4.0) for address books exported by phones and mail apps.
//!
//! Each card is read on its own, so one broken card is reported with the line of its
//! `BEGIN:VCARD` while the others are still imported. Properties Rabet does not use (photos,
//! sounds, keys …) are ignored.

use thiserror::Error;

/// A value with its type labels, such as a phone number labelled `cell` and `pref`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypedValue {
    /// The value as written, trimmed (a `tel:` prefix is removed from phone numbers).
    pub value: String,
    /// Lowercase labels from `TYPE` parameters, bare 2.1 parameters and `PREF`, without
    /// duplicates, in the order they appear: `cell`, `work`, `home`, `pref` ….
    pub labels: Vec<String>,
}

/// An instant-messenger or social-network handle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Messenger {
    /// Lowercase service name: `telegram`, `whatsapp`, `xmpp`, `twitter` ….
    pub service: String,
    /// The handle, user name or profile address on that service.
    pub handle: String,
}

/// The parts of a contact card that Rabet imports. Text fields are unescaped and trimmed;
/// `None` and empty lists mean the card did not have them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VCard {
    /// 1-based line of the card's `BEGIN:VCARD`, for messages about this card.
    pub line: usize,
    /// `FN`: the name as displayed.
    pub full_name: Option<String>,
    /// First component of `N`.
    pub family_name: Option<String>,
    /// Second component of `N`.
    pub given_name: Option<String>,
    /// `TEL` values.
    pub phones: Vec<TypedValue>,
    /// `EMAIL` values.
    pub emails: Vec<TypedValue>,
    /// First component of `ORG` (the company; later components are departments).
    pub organization: Option<String>,
    /// `TITLE`: job title.
    pub title: Option<String>,
    /// `NOTE`.
    pub note: Option<String>,
    /// `ADR`: its non-empty components, from post-office box to country, joined with ", ".
    pub address: Option<String>,
    /// `BDAY` as written (`1990-05-17`, `19900517`, `--05-17` …); interpreting it is left to
    /// the caller.
    pub birthday: Option<String>,
    /// `URL` values.
    pub urls: Vec<String>,
    /// Handles from `IMPP`, `X-SOCIALPROFILE` and per-service properties such as `X-TELEGRAM`.
    pub messengers: Vec<Messenger>,
}

/// Why a card was not imported. `line` is always the card's `BEGIN:VCARD` line.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum VCardError {
    /// Another `BEGIN:VCARD` or the end of the file came before this card's `END:VCARD`.
    #[error("line {line}: contact card has no END:VCARD")]
    MissingEnd { line: usize },
    /// The card has no name, phone number or e-mail address.
    #[error("line {line}: contact card is empty (no name, phone or e-mail)")]
    EmptyCard { line: usize },
    /// A quoted-printable value uses a character set other than UTF-8 or ASCII.
    #[error("line {line}: character set {charset} on line {property_line} is not supported")]
    UnsupportedCharset {
        line: usize,
        property_line: usize,
        charset: String,
    },
    /// A quoted-printable value does not decode to UTF-8.
    #[error("line {line}: quoted-printable text on line {property_line} is not valid UTF-8")]
    InvalidUtf8 { line: usize, property_line: usize },
}

impl VCardError {
    /// The line of the card's `BEGIN:VCARD`.
    pub fn line(&self) -> usize {
        match self {
            VCardError::MissingEnd { line }
            | VCardError::EmptyCard { line }
            | VCardError::UnsupportedCharset { line, .. }
            | VCardError::InvalidUtf8 { line, .. } => *line,
        }
    }
}

/// Everything found in a vCard file: the cards that could be read and one error per card that
/// could not, each in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VCardImport {
    /// Cards read successfully.
    pub cards: Vec<VCard>,
    /// One error per card that was skipped.
    pub errors: Vec<VCardError>,
}

/// Reads every card in `input`. Text outside cards and stray `END:VCARD` lines are ignored.
pub fn parse(input: &str) -> VCardImport {
    let text = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut import = VCardImport::default();
    // The BEGIN line and properties of the card being read.
    let mut open_card: Option<(usize, Vec<Property>)> = None;
    for property in logical_lines(text).iter().filter_map(Property::parse) {
        let names_vcard = property.value.trim().eq_ignore_ascii_case("VCARD");
        match property.name.as_str() {
            "BEGIN" if names_vcard => {
                if let Some((line, _)) = open_card.replace((property.line, Vec::new())) {
                    import.errors.push(VCardError::MissingEnd { line });
                }
            }
            "END" if names_vcard => {
                if let Some((line, properties)) = open_card.take() {
                    match build_card(line, &properties) {
                        Ok(card) => import.cards.push(card),
                        Err(error) => import.errors.push(error),
                    }
                }
            }
            _ => {
                if let Some((_, properties)) = &mut open_card {
                    properties.push(property);
                }
            }
        }
    }
    if let Some((line, _)) = open_card {
        import.errors.push(VCardError::MissingEnd { line });
    }
    import
}

/// A content line after unfolding, with the physical line it starts on.
struct LogicalLine {
    line: usize,
    text: String,
}

/// Joins continuation lines: a line starting with a space or tab continues the previous one
/// (that one whitespace character is dropped, as RFC 6350 says), and a quoted-printable value
/// ending in `=` (a vCard 2.1 soft line break) continues on the next line, taken verbatim.
fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let mut lines: Vec<LogicalLine> = Vec::new();
    for (number, physical) in physical_lines(text) {
        match lines.last_mut() {
            Some(last) if has_soft_line_break(&last.text) => {
                last.text.pop();
                last.text.push_str(physical);
            }
            Some(last) if physical.starts_with([' ', '\t']) => last.text.push_str(&physical[1..]),
            _ => lines.push(LogicalLine {
                line: number,
                text: physical.to_owned(),
            }),
        }
    }
    lines
}

/// Splits at CRLF, LF or lone CR, numbering lines from 1.
fn physical_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text;
    let mut number = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        number += 1;
        let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
        let line = &rest[..end];
        let line_end = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = rest.get(end + line_end..).unwrap_or("");
        Some((number, line))
    })
}

/// Whether a content line is a quoted-printable value cut by a soft line break. Such a value
/// never ends in a literal `=` (that is encoded as `=3D`), so a trailing `=` is always a break.
fn has_soft_line_break(text: &str) -> bool {
    let Some((head, value)) = text.split_once(':') else {
        return false;
    };
    const QUOTED_PRINTABLE: &[u8] = b"QUOTED-PRINTABLE";
    value.ends_with('=')
        && head
            .as_bytes()
            .windows(QUOTED_PRINTABLE.len())
            .any(|window| window.eq_ignore_ascii_case(QUOTED_PRINTABLE))
}

/// One property: `[group.]NAME[;PARAM…]:value`.
struct Property {
    line: usize,
    /// Uppercase, without the group prefix.
    name: String,
    /// Uppercase parameter names with their values (surrounding quotes removed). Bare 2.1
    /// parameters are stored under `TYPE`, or `ENCODING` for encoding names.
    params: Vec<(String, String)>,
    /// The raw value: still escaped and, if so marked, quoted-printable encoded.
    value: String,
}

impl Property {
    /// Parses a content line; lines without a `:` (such as blank lines) give `None`.
    fn parse(logical: &LogicalLine) -> Option<Property> {
        let text = logical.text.as_str();
        let colon = find_outside_quotes(text, ':')?;
        let mut head = &text[..colon];
        let mut parts = Vec::new();
        while let Some(semicolon) = find_outside_quotes(head, ';') {
            parts.push(&head[..semicolon]);
            head = &head[semicolon + 1..];
        }
        parts.push(head);
        let name = parts[0].rsplit('.').next().unwrap_or_default();
        let params = parts[1..]
            .iter()
            .map(|param| param.trim())
            .filter(|param| !param.is_empty())
            .map(|param| match param.split_once('=') {
                Some((key, value)) => (
                    key.trim().to_ascii_uppercase(),
                    value.trim().trim_matches('"').to_owned(),
                ),
                None if is_encoding_name(param) => ("ENCODING".to_owned(), param.to_owned()),
                None => ("TYPE".to_owned(), param.to_owned()),
            })
            .collect();
        Some(Property {
            line: logical.line,
            name: name.trim().to_ascii_uppercase(),
            params,
            value: text[colon + 1..].to_owned(),
        })
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Lowercase type labels: every `TYPE` value (comma lists split), then `pref` when a 4.0
    /// `PREF` parameter is present.
    fn labels(&self) -> Vec<String> {
        let types = self
            .params
            .iter()
            .filter(|(key, _)| key == "TYPE")
            .flat_map(|(_, value)| value.split(','));
        let preferred = self.param("PREF").map(|_| "pref");
        let mut labels: Vec<String> = Vec::new();
        for label in types.chain(preferred) {
            let label = label.trim().to_lowercase();
            if !label.is_empty() && !labels.contains(&label) {
                labels.push(label);
            }
        }
        labels
    }

    /// The value with any quoted-printable encoding undone; still escaped.
    fn decoded_value(&self, card_line: usize) -> Result<String, VCardError> {
        let is_quoted_printable = self
            .param("ENCODING")
            .is_some_and(|encoding| encoding.eq_ignore_ascii_case("QUOTED-PRINTABLE"));
        if !is_quoted_printable {
            return Ok(self.value.clone());
        }
        match self.param("CHARSET") {
            Some(charset)
                if !["UTF-8", "UTF8", "US-ASCII"]
                    .iter()
                    .any(|known| charset.eq_ignore_ascii_case(known)) =>
            {
                Err(VCardError::UnsupportedCharset {
                    line: card_line,
                    property_line: self.line,
                    charset: charset.to_owned(),
                })
            }
            _ => String::from_utf8(decode_quoted_printable(&self.value)).map_err(|_| {
                VCardError::InvalidUtf8 {
                    line: card_line,
                    property_line: self.line,
                }
            }),
        }
    }
}

/// Byte offset of the first `target` not inside double quotes (4.0 parameter values may be
/// quoted and contain `:` or `;`).
fn find_outside_quotes(text: &str, target: char) -> Option<usize> {
    let mut in_quotes = false;
    text.char_indices().find_map(|(i, c)| {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        (c == target && !in_quotes).then_some(i)
    })
}

/// Bare 2.1 parameters that name an encoding rather than a type.
fn is_encoding_name(param: &str) -> bool {
    ["QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"]
        .iter()
        .any(|name| param.eq_ignore_ascii_case(name))
}

/// Decodes `=XX` escapes. Soft line breaks are already gone (see [`logical_lines`]); an `=` not
/// followed by two hex digits is kept as is, as RFC 2045 advises for robustness.
fn decode_quoted_printable(encoded: &str) -> Vec<u8> {
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match escaped_byte(&bytes[i..]) {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    decoded
}

/// The byte an `=XX` escape at the start of `rest` stands for.
fn escaped_byte(rest: &[u8]) -> Option<u8> {
    match rest {
        [b'=', high, low, ..] => Some((hex_digit(*high)? << 4) | hex_digit(*low)?),
        _ => None,
    }
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).map(|digit| digit as u8)
}

/// Which card field a property fills.
enum Target {
    FullName,
    Name,
    Phone,
    Email,
    Organization,
    Title,
    Note,
    Address,
    Birthday,
    Url,
    Impp,
    SocialProfile,
    /// A per-service messenger property such as `X-TELEGRAM`.
    ServiceHandle(&'static str),
}

impl Target {
    fn of(property_name: &str) -> Option<Target> {
        Some(match property_name {
            "FN" => Target::FullName,
            "N" => Target::Name,
            "TEL" => Target::Phone,
            "EMAIL" => Target::Email,
            "ORG" => Target::Organization,
            "TITLE" => Target::Title,
            "NOTE" => Target::Note,
            "ADR" => Target::Address,
            "BDAY" => Target::Birthday,
            "URL" => Target::Url,
            "IMPP" => Target::Impp,
            "X-SOCIALPROFILE" => Target::SocialProfile,
            "X-TELEGRAM" => Target::ServiceHandle("telegram"),
            "X-WHATSAPP" => Target::ServiceHandle("whatsapp"),
            "X-SKYPE" | "X-SKYPE-USERNAME" => Target::ServiceHandle("skype"),
            "X-JABBER" => Target::ServiceHandle("jabber"),
            _ => return None,
        })
    }
}

fn build_card(line: usize, properties: &[Property]) -> Result<VCard, VCardError> {
    let mut card = VCard {
        line,
        ..VCard::default()
    };
    for property in properties {
        let Some(target) = Target::of(&property.name) else {
            continue;
        };
        let value = property.decoded_value(line)?;
        match target {
            Target::FullName => set_once(&mut card.full_name, &unescape(&value)),
            Target::Name => {
                let components = split_components(&value);
                let component = |i: usize| components.get(i).map_or(String::new(), |c| unescape(c));
                set_once(&mut card.family_name, &component(0));
                set_once(&mut card.given_name, &component(1));
            }
            Target::Phone => {
                let number = unescape(&value);
                let number = strip_prefix_ignore_case(number.trim(), "tel:");
                push_typed(&mut card.phones, number, property);
            }
            Target::Email => push_typed(&mut card.emails, &unescape(&value), property),
            Target::Organization => {
                let company = split_components(&value).first().map(|c| unescape(c));
                set_once(&mut card.organization, &company.unwrap_or_default());
            }
            Target::Title => set_once(&mut card.title, &unescape(&value)),
            Target::Note => set_once(&mut card.note, &unescape(&value)),
            Target::Address => set_once(&mut card.address, &join_address(&value)),
            Target::Birthday => set_once(&mut card.birthday, &value),
            Target::Url => push_nonempty(&mut card.urls, &unescape(&value)),
            Target::Impp => {
                let service = property.param("X-SERVICE-TYPE");
                push_messenger(
                    &mut card.messengers,
                    impp_messenger(&unescape(&value), service),
                );
            }
            Target::SocialProfile => {
                // Apple puts the network in TYPE and sometimes the user name in X-USER.
                let service = property.labels().into_iter().next();
                let messenger = Messenger {
                    service: service.unwrap_or_else(|| "social".to_owned()),
                    handle: property
                        .param("X-USER")
                        .map_or_else(|| unescape(&value), str::to_owned),
                };
                push_messenger(&mut card.messengers, messenger);
            }
            Target::ServiceHandle(service) => {
                let handle = unescape(&value);
                let service = service.to_owned();
                push_messenger(&mut card.messengers, Messenger { service, handle });
            }
        }
    }
    let has_name =
        card.full_name.is_some() || card.family_name.is_some() || card.given_name.is_some();
    if !has_name && card.phones.is_empty() && card.emails.is_empty() {
        return Err(VCardError::EmptyCard { line });
    }
    Ok(card)
}

/// Fills a single-valued field from its first non-empty occurrence.
fn set_once(slot: &mut Option<String>, value: &str) {
    let value = value.trim();
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value.to_owned());
    }
}

fn push_nonempty(values: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() {
        values.push(value.to_owned());
    }
}

fn push_typed(values: &mut Vec<TypedValue>, value: &str, property: &Property) {
    let value = value.trim();
    if !value.is_empty() {
        values.push(TypedValue {
            value: value.to_owned(),
            labels: property.labels(),
        });
    }
}

fn push_messenger(messengers: &mut Vec<Messenger>, messenger: Messenger) {
    let handle = messenger.handle.trim();
    if !handle.is_empty() {
        messengers.push(Messenger {
            service: messenger.service.trim().to_lowercase(),
            handle: handle.to_owned(),
        });
    }
}

/// Splits an `IMPP` URI such as `xmpp:ali@jabber.org` into service and handle. The service comes
/// from Apple's `X-SERVICE-TYPE` when present (its URIs use a generic `x-apple:` scheme), else
/// from the scheme. Web addresses are kept whole as the handle.
fn impp_messenger(uri: &str, service_type: Option<&str>) -> Messenger {
    let uri = uri.trim();
    let scheme_and_rest = uri.split_once(':').filter(|(scheme, _)| {
        let is_web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
        !is_web && is_uri_scheme(scheme)
    });
    let (scheme, handle) = scheme_and_rest.unwrap_or(("im", uri));
    Messenger {
        service: service_type.unwrap_or(scheme).to_owned(),
        handle: handle.to_owned(),
    }
}

fn is_uri_scheme(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> &'a str {
    match text.get(..prefix.len()) {
        Some(start) if start.eq_ignore_ascii_case(prefix) => &text[prefix.len()..],
        _ => text,
    }
}

/// `ADR` components (post-office box; extended address; street; locality; region; postal code;
/// country) joined with ", ", skipping empty ones.
fn join_address(value: &str) -> String {
    split_components(value)
        .iter()
        .map(|component| unescape(component).trim().to_owned())
        .filter(|component| !component.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits a structured value (`N`, `ADR`, `ORG`) at `;` that are not escaped as `\;`.
fn split_components(value: &str) -> Vec<&str> {
    let mut components = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ';' => {
                components.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    components.push(&value[start..]);
    components
}

/// Undoes the text escapes `\n` (or `\N`), `\,`, `\;` and `\\`; any other backslash is kept.
fn unescape(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => text.push('\n'),
            Some(escaped @ (',' | ';' | '\\')) => text.push(escaped),
            Some(other) => {
                text.push('\\');
                text.push(other);
            }
            None => text.push('\\'),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(value: &str, labels: &[&str]) -> TypedValue {
        TypedValue {
            value: value.to_owned(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
        }
    }

    fn messenger(service: &str, handle: &str) -> Messenger {
        Messenger {
            service: service.to_owned(),
            handle: handle.to_owned(),
        }
    }

    fn only_card(input: &str) -> VCard {
        let import = parse(input);
        assert_eq!(import.errors, []);
        assert_eq!(import.cards.len(), 1);
        import.cards.into_iter().next().unwrap()
    }

    #[test]
    fn reads_a_3_0_card() {
        let card = only_card(
            "BEGIN:VCARD\r\n\
             VERSION:3.0\r\n\
             N:Rezaei;Ali;;Dr.;\r\n\
             FN:Dr. Ali Rezaei\r\n\
             ORG:Rabet\\, Inc.;Sales\r\n\
             title:Sales manager\r\n\
             item1.TEL;type=CELL,VOICE;type=pref:+98 912 000 0000\r\n\
             TEL;TYPE=WORK:021-8800\r\n\
             EMAIL;TYPE=INTERNET;TYPE=WORK:ali@rabet.ir\r\n\
             ADR;TYPE=HOME:;;Valiasr St. 12;Tehran;;1234567890;Iran\r\n\
             NOTE:Met at the fair\\nCall back\\; soon\r\n\
             BDAY:1990-05-17\r\n\
             URL:https://rabet.ir\r\n\
             IMPP;X-SERVICE-TYPE=Telegram:x-apple:ali_rezaei\r\n\
             X-SOCIALPROFILE;TYPE=twitter:https://twitter.com/ali\r\n\
             PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\n\
             END:VCARD\r\n",
        );
        assert_eq!(
            card,
            VCard {
                line: 1,
                full_name: Some("Dr. Ali Rezaei".into()),
                family_name: Some("Rezaei".into()),
                given_name: Some("Ali".into()),
                phones: vec![
                    typed("+98 912 000 0000", &["cell", "voice", "pref"]),
                    typed("021-8800", &["work"]),
                ],
                emails: vec![typed("ali@rabet.ir", &["internet", "work"])],
                organization: Some("Rabet, Inc.".into()),
                title: Some("Sales manager".into()),
                note: Some("Met at the fair\nCall back; soon".into()),
                address: Some("Valiasr St. 12, Tehran, 1234567890, Iran".into()),
                birthday: Some("1990-05-17".into()),
                urls: vec!["https://rabet.ir".into()],
                messengers: vec![
                    messenger("telegram", "ali_rezaei"),
                    messenger("twitter", "https://twitter.com/ali"),
                ],
            }
        );
    }

    #[test]
    fn reads_a_4_0_card() {
        let card = only_card(
            "BEGIN:VCARD\n\
             VERSION:4.0\n\
             FN:Sara Ahmadi\n\
             TEL;VALUE=uri;PREF=1;TYPE=\"voice,cell\":tel:+98-935-111-2222\n\
             EMAIL;TYPE=home:sara@example.com\n\
             IMPP;PREF=1:xmpp:sara@jabber.org\n\
             X-TELEGRAM:@sara\n\
             X-WHATSAPP:+989351112222\n\
             END:VCARD\n",
        );
        assert_eq!(card.full_name.as_deref(), Some("Sara Ahmadi"));
        assert_eq!(card.family_name, None);
        assert_eq!(
            card.phones,
            [typed("+98-935-111-2222", &["voice", "cell", "pref"])]
        );
        assert_eq!(card.emails, [typed("sara@example.com", &["home"])]);
        assert_eq!(
            card.messengers,
            [
                messenger("xmpp", "sara@jabber.org"),
                messenger("telegram", "@sara"),
                messenger("whatsapp", "+989351112222"),
            ]
        );
    }

    #[test]
    fn reads_an_android_2_1_card_with_quoted_printable_persian() {
        // "رضایی;علی" and "علی رضایی", the full name cut by a soft line break.
        let card = only_card(
            "\u{feff}BEGIN:VCARD\r\n\
             VERSION:2.1\r\n\
             N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D8=B1=D8=B6=D8=A7=DB=8C=DB=8C;=D8=B9=D9=84=DB=8C;;;\r\n\
             FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D8=B9=D9=84=DB=8C=20=D8=B1=D8=B6=\r\n\
             =D8=A7=DB=8C=DB=8C\r\n\
             TEL;CELL;PREF:09120000000\r\n\
             TEL;HOME:021 2222\r\n\
             EMAIL;HOME:ali@example.com\r\n\
             END:VCARD\r\n",
        );
        assert_eq!(card.family_name.as_deref(), Some("رضایی"));
        assert_eq!(card.given_name.as_deref(), Some("علی"));
        assert_eq!(card.full_name.as_deref(), Some("علی رضایی"));
        assert_eq!(
            card.phones,
            [
                typed("09120000000", &["cell", "pref"]),
                typed("021 2222", &["home"])
            ]
        );
        assert_eq!(card.emails, [typed("ali@example.com", &["home"])]);
    }

    #[test]
    fn unfolds_lines_starting_with_space_or_tab() {
        let card = only_card(
            "BEGIN:VCARD\n\
             VERSION:3.0\n\
             FN:Mohammad \n Hosseini\n\
             NOTE:first part,\n\t second part\n\
             PHOTO;ENCODING=b:AAAA\n  BBBB==\n\
             TEL:0912\n\
             END:VCARD\n",
        );
        assert_eq!(card.full_name.as_deref(), Some("Mohammad Hosseini"));
        assert_eq!(card.note.as_deref(), Some("first part, second part"));
        assert_eq!(card.phones, [typed("0912", &[])]);
    }

    #[test]
    fn keeps_good_cards_when_one_lacks_end() {
        let import = parse(
            "BEGIN:VCARD\n\
             FN:First\n\
             END:VCARD\n\
             BEGIN:VCARD\n\
             FN:Broken\n\
             BEGIN:VCARD\n\
             FN:Third\n\
             END:VCARD\n\
             BEGIN:VCARD\n\
             FN:Cut off\n",
        );
        let names: Vec<_> = import
            .cards
            .iter()
            .map(|c| c.full_name.as_deref())
            .collect();
        assert_eq!(names, [Some("First"), Some("Third")]);
        assert_eq!(
            import.errors,
            [
                VCardError::MissingEnd { line: 4 },
                VCardError::MissingEnd { line: 9 }
            ]
        );
        assert_eq!(import.cards[1].line, 6);
        assert_eq!(
            import.errors[0].to_string(),
            "line 4: contact card has no END:VCARD"
        );
    }

    #[test]
    fn reports_empty_cards_and_undecodable_text() {
        let import = parse(
            "BEGIN:VCARD\n\
             VERSION:3.0\n\
             N:;;;;\n\
             ORG:Nobody Inc.\n\
             END:VCARD\n\
             BEGIN:VCARD\n\
             FN;CHARSET=WINDOWS-1256;ENCODING=QUOTED-PRINTABLE:=DA=E1=ED\n\
             END:VCARD\n\
             BEGIN:VCARD\n\
             FN;ENCODING=QUOTED-PRINTABLE:=FF\n\
             END:VCARD\n",
        );
        assert_eq!(import.cards, []);
        assert_eq!(
            import.errors,
            [
                VCardError::EmptyCard { line: 1 },
                VCardError::UnsupportedCharset {
                    line: 6,
                    property_line: 7,
                    charset: "WINDOWS-1256".into()
                },
                VCardError::InvalidUtf8 {
                    line: 9,
                    property_line: 10
                },
            ]
        );
        assert_eq!(
            import
                .errors
                .iter()
                .map(VCardError::line)
                .collect::<Vec<_>>(),
            [1, 6, 9]
        );
    }

    #[test]
    fn unescapes_and_splits_only_at_unescaped_semicolons() {
        assert_eq!(split_components(r"a\;b;c\\;d"), [r"a\;b", r"c\\", "d"]);
        assert_eq!(unescape(r"a\;b\,c\\d\Ne\x"), "a;b,c\\d\ne\\x");
    }

    #[test]
    fn keeps_invalid_quoted_printable_escapes_literally() {
        assert_eq!(decode_quoted_printable("a=3Db=ZZ=4"), b"a=b=ZZ=4");
    }
}
