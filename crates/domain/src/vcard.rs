//! vCard import (versions 2.1, 3.0 and 4.0) for address books exported by phones and mail apps,
//! and the [`Writer`] of 3.0 and 4.0 cards that phones and this importer read back.
//!
//! Each card is read on its own, so one broken card is reported with the line of its
//! `BEGIN:VCARD` while the others are still imported, and a property whose value cannot be
//! decoded is reported with its own line and left out while its card is kept. Properties
//! Rabet does not use (photos, sounds, keys …) are ignored.

// vCard text values escape as iCalendar's do (RFC 6350 §3.4, RFC 5545 §3.3.11).
use crate::ics::unescape_text as unescape;
use crate::model::Address;
use crate::text_file::Charset;
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
    /// `ADR`: post-office box, extended address and street (their non-empty ones joined with
    /// ", ") as the line, then locality, region, postal code and country.
    pub address: Option<Address>,
    /// `BDAY` as written (`1990-05-17`, `19900517`, `--05-17` …); interpreting it is left to
    /// the caller.
    pub birthday: Option<String>,
    /// `URL` values.
    pub urls: Vec<String>,
    /// `CATEGORIES`: the card's tags.
    pub categories: Vec<String>,
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
}

impl VCardError {
    /// The line of the card's `BEGIN:VCARD`.
    pub fn line(&self) -> usize {
        match self {
            VCardError::MissingEnd { line } | VCardError::EmptyCard { line } => *line,
        }
    }
}

/// Why a property's value could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PropertyError {
    /// The value names a character set other than UTF-8, ASCII, Windows-1256 or Latin-1.
    #[error("character set {0} is not supported")]
    UnsupportedCharset(String),
    /// The decoded bytes are not text in the value's character set.
    #[error("the text is not valid in its character set")]
    InvalidText,
    /// A value marked base64 holds other characters, or is cut short.
    #[error("the base64 text is not valid")]
    InvalidBase64,
}

/// A property that was left out of its card because its value could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("line {line}: {name} left out: {error}")]
pub struct SkippedProperty {
    /// 1-based line the property starts on.
    pub line: usize,
    /// The property's name, such as `FN` or `NOTE`.
    pub name: String,
    pub error: PropertyError,
}

/// Everything found in a vCard file: the cards that could be read and one error per card that
/// could not, each in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VCardImport {
    /// Cards read successfully.
    pub cards: Vec<VCard>,
    /// One error per card that was skipped.
    pub errors: Vec<VCardError>,
    /// Properties left out of the cards they belong to (kept or not), in file order.
    pub skipped: Vec<SkippedProperty>,
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
                    match build_card(line, &properties, &mut import.skipped) {
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

    /// The value with any quoted-printable or base64 encoding undone, in its character set
    /// (UTF-8 unless named); still escaped.
    fn decoded_value(&self) -> Result<String, PropertyError> {
        let encoding = self.param("ENCODING");
        let is_encoding = |name: &str| encoding.is_some_and(|e| e.eq_ignore_ascii_case(name));
        let bytes = if is_encoding("QUOTED-PRINTABLE") {
            decode_quoted_printable(&self.value)
        } else if is_encoding("B") || is_encoding("BASE64") {
            decode_base64(&self.value).ok_or(PropertyError::InvalidBase64)?
        } else {
            return Ok(self.value.clone());
        };
        let charset = match self.param("CHARSET") {
            None => Charset::Utf8,
            Some(name) => Charset::named(name)
                .ok_or_else(|| PropertyError::UnsupportedCharset(name.to_owned()))?,
        };
        charset.decode(&bytes).ok_or(PropertyError::InvalidText)
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

/// Decodes base64 (RFC 4648, standard alphabet), ignoring whitespace that line folding left;
/// `None` for any other character or a value cut short.
fn decode_base64(encoded: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = encoded
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    let data = symbols
        .strip_suffix(b"==")
        .or_else(|| symbols.strip_suffix(b"="))
        .unwrap_or(&symbols);
    let mut decoded = Vec::with_capacity(data.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &symbol in data {
        let value = match symbol {
            b'A'..=b'Z' => symbol - b'A',
            b'a'..=b'z' => symbol - b'a' + 26,
            b'0'..=b'9' => symbol - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            decoded.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // Six bits left over means one symbol too many for a whole byte.
    (bits < 6).then_some(decoded)
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
    Categories,
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
            "CATEGORIES" => Target::Categories,
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

fn build_card(
    line: usize,
    properties: &[Property],
    skipped: &mut Vec<SkippedProperty>,
) -> Result<VCard, VCardError> {
    let mut card = VCard {
        line,
        ..VCard::default()
    };
    for property in properties {
        let Some(target) = Target::of(&property.name) else {
            continue;
        };
        let value = match property.decoded_value() {
            Ok(value) => value,
            Err(error) => {
                skipped.push(SkippedProperty {
                    line: property.line,
                    name: property.name.clone(),
                    error,
                });
                continue;
            }
        };
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
            Target::Address => {
                if card.address.is_none() {
                    card.address = postal_address(&value);
                }
            }
            Target::Birthday => set_once(&mut card.birthday, &value),
            Target::Url => push_nonempty(&mut card.urls, &unescape(&value)),
            Target::Categories => {
                for category in split_unescaped(&value, ',') {
                    push_nonempty(&mut card.categories, &unescape(category));
                }
            }
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
/// country) as an address; `None` when all are empty.
fn postal_address(value: &str) -> Option<Address> {
    let components: Vec<String> = split_components(value)
        .iter()
        .map(|component| unescape(component).trim().to_owned())
        .collect();
    let component = |i: usize| components.get(i).cloned().unwrap_or_default();
    let street: Vec<&str> = components
        .iter()
        .take(3)
        .map(String::as_str)
        .filter(|part| !part.is_empty())
        .collect();
    let address = Address {
        line: street.join(", "),
        city: component(3),
        province: component(4),
        postal_code: component(5),
        country: component(6),
    };
    (address != Address::default()).then_some(address)
}

/// Splits a structured value (`N`, `ADR`, `ORG`) at `;` that are not escaped as `\\;`.
fn split_components(value: &str) -> Vec<&str> {
    split_unescaped(value, ';')
}

/// Splits at each `separator` that is not escaped with a backslash.
fn split_unescaped(value: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            _ if c == separator => {
                parts.push(&value[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

/// The versions [`Writer`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// RFC 2426: what phones import most widely.
    V3,
    /// RFC 6350.
    V4,
}

/// The most octets on one written line, without its CRLF (RFC 6350, 3.2).
const MAX_LINE_OCTETS: usize = 75;

/// Writes vCards: CRLF line ends, text values escaped, long lines folded at 75 octets on
/// UTF-8 character boundaries, so that no reader sees a broken character.
#[derive(Clone, Debug)]
pub struct Writer {
    version: Version,
    text: String,
}

impl Writer {
    pub fn new(version: Version) -> Writer {
        Writer {
            version,
            text: String::new(),
        }
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// Starts a card: `BEGIN` and `VERSION`.
    pub fn begin_card(&mut self) {
        self.push_line("BEGIN:VCARD");
        self.push_line(match self.version {
            Version::V3 => "VERSION:3.0",
            Version::V4 => "VERSION:4.0",
        });
    }

    pub fn end_card(&mut self) {
        self.push_line("END:VCARD");
    }

    /// `N` (family and given name) and `FN` (the name as shown), written even when empty
    /// since both versions require `FN` and 3.0 requires `N`.
    pub fn name(&mut self, family: &str, given: &str, full: &str) {
        let n = [family, given, "", "", ""].map(escape).join(";");
        self.raw("N", &[], &n);
        self.raw("FN", &[], &escape(full));
    }

    /// One property: `params` as written (such as `TYPE=cell,voice`), then `components`, each
    /// escaped and joined with `;` (several for `N` and `ADR`, one for most). A property whose
    /// components are all empty is left out.
    pub fn text(&mut self, name: &str, params: &[&str], components: &[&str]) {
        if components
            .iter()
            .all(|component| component.trim().is_empty())
        {
            return;
        }
        let value: Vec<String> = components.iter().map(|c| escape(c)).collect();
        self.raw(name, params, &value.join(";"));
    }

    /// One property whose value is written as it is (a URI, for example), not escaped.
    pub fn raw(&mut self, name: &str, params: &[&str], value: &str) {
        let mut line = String::from(name);
        for param in params {
            line.push(';');
            line.push_str(param);
        }
        line.push(':');
        line.push_str(value);
        self.push_line(&line);
    }

    pub fn finish(self) -> String {
        self.text
    }

    /// Writes a content line, folded: each continuation starts with a space, which counts
    /// toward its 75 octets.
    fn push_line(&mut self, line: &str) {
        let mut rest = line;
        let mut room = MAX_LINE_OCTETS;
        loop {
            let mut end = rest.len().min(room);
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            self.text.push_str(&rest[..end]);
            self.text.push_str("\r\n");
            rest = &rest[end..];
            if rest.is_empty() {
                break;
            }
            self.text.push(' ');
            room = MAX_LINE_OCTETS - 1;
        }
    }
}

/// Escapes a text value: backslash, comma and semicolon get a backslash, and line breaks
/// (CRLF, LF or CR) become `\n`.
pub fn escape(text: &str) -> String {
    let text = text.trim();
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | ',' | ';' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' => {
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            _ => escaped.push(c),
        }
    }
    escaped
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
             CATEGORIES:vip,a\\, b\r\n\
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
                address: Some(Address {
                    line: "Valiasr St. 12".into(),
                    city: "Tehran".into(),
                    province: String::new(),
                    postal_code: "1234567890".into(),
                    country: "Iran".into(),
                }),
                birthday: Some("1990-05-17".into()),
                urls: vec!["https://rabet.ir".into()],
                categories: vec!["vip".into(), "a, b".into()],
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
    fn reports_empty_cards() {
        let import = parse(
            "BEGIN:VCARD\n\
             VERSION:3.0\n\
             N:;;;;\n\
             ORG:Nobody Inc.\n\
             END:VCARD\n",
        );
        assert_eq!(import.cards, []);
        assert_eq!(import.errors, [VCardError::EmptyCard { line: 1 }]);
        assert_eq!(import.errors[0].line(), 1);
    }

    #[test]
    fn leaves_out_undecodable_properties_and_keeps_the_card() {
        let import = parse(
            "BEGIN:VCARD\n\
             VERSION:2.1\n\
             N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D8=B1=D8=B6=D8=A7=DB=8C=DB=8C;=D8=B9=D9=84=DB=8C\n\
             TEL;CELL:09120000000\n\
             NOTE;ENCODING=QUOTED-PRINTABLE:=FF=FE\n\
             TITLE;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=82=A0\n\
             ORG;ENCODING=BASE64:not*base64\n\
             END:VCARD\n\
             BEGIN:VCARD\n\
             FN;ENCODING=QUOTED-PRINTABLE:=C3\n\
             END:VCARD\n",
        );
        let [card] = &import.cards[..] else {
            panic!("one card: {import:?}");
        };
        assert_eq!(card.family_name.as_deref(), Some("رضایی"));
        assert_eq!(card.given_name.as_deref(), Some("علی"));
        assert_eq!(card.phones, [typed("09120000000", &["cell"])]);
        assert_eq!(
            (&card.note, &card.title, &card.organization),
            (&None, &None, &None)
        );
        // The second card had nothing but its unreadable name.
        assert_eq!(import.errors, [VCardError::EmptyCard { line: 9 }]);
        let skipped = |line: usize, name: &str, error: PropertyError| SkippedProperty {
            line,
            name: name.into(),
            error,
        };
        assert_eq!(
            import.skipped,
            [
                skipped(5, "NOTE", PropertyError::InvalidText),
                skipped(
                    6,
                    "TITLE",
                    PropertyError::UnsupportedCharset("SHIFT_JIS".into())
                ),
                skipped(7, "ORG", PropertyError::InvalidBase64),
                skipped(10, "FN", PropertyError::InvalidText),
            ]
        );
        assert_eq!(
            import.skipped[1].to_string(),
            "line 6: TITLE left out: character set SHIFT_JIS is not supported"
        );
    }

    #[test]
    fn decodes_base64_and_named_charsets() {
        // "علی" in Windows-1256, quoted-printable, and "Ali Rezaei" in base64 (folded).
        let card = only_card(
            "BEGIN:VCARD\r\n\
             VERSION:2.1\r\n\
             N;CHARSET=WINDOWS-1256;ENCODING=QUOTED-PRINTABLE:;=DA=E1=ED\r\n\
             FN;ENCODING=BASE64:QWxpIF\r\n JlemFlaQ==\r\n\
             END:VCARD\r\n",
        );
        assert_eq!(card.given_name.as_deref(), Some("علی"));
        assert_eq!(card.full_name.as_deref(), Some("Ali Rezaei"));
        assert_eq!(decode_base64("TWFu").unwrap(), b"Man");
        assert_eq!(decode_base64("TWE=").unwrap(), b"Ma");
        assert_eq!(decode_base64("TQ==").unwrap(), b"M");
        assert_eq!(decode_base64("TWFuT"), None);
    }

    #[test]
    fn writes_escaped_folded_lines_that_read_back() {
        let note = "یادداشتی بلند دربارهٔ علی، با ویرگول, نقطه‌ویرگول; و خط تازه\nو بک‌اسلش \\ تا بیش از ۷۵ بایت";
        let mut writer = Writer::new(Version::V4);
        writer.begin_card();
        writer.name("رضایی", "علی", "علی رضایی");
        writer.text("TEL", &["TYPE=cell"], &["+989121234567"]);
        writer.text("NOTE", &[], &[note]);
        writer.text("TITLE", &[], &["  "]);
        writer.end_card();
        let text = writer.finish();
        assert!(
            text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nN:رضایی;علی;;;\r\nFN:علی رضایی\r\n")
        );
        assert!(!text.contains("TITLE"));
        for line in text.split("\r\n") {
            assert!(line.len() <= MAX_LINE_OCTETS, "{line}");
        }
        assert!(text.lines().filter(|line| line.starts_with(' ')).count() >= 2);
        let card = only_card(&text);
        assert_eq!(card.note.as_deref(), Some(note));
        assert_eq!(card.full_name.as_deref(), Some("علی رضایی"));
        assert_eq!(card.phones, [typed("+989121234567", &["cell"])]);
    }

    proptest::proptest! {
        #[test]
        fn any_written_text_reads_back(
            full in "\\PC{0,120}",
            note in "[\\PC\n]{0,200}",
            version in proptest::sample::select(&[Version::V3, Version::V4]),
        ) {
            let mut writer = Writer::new(version);
            writer.begin_card();
            writer.name("", "", &full);
            writer.text("TEL", &[], &["0912"]);
            writer.text("NOTE", &[], &[&note]);
            writer.end_card();
            let text = writer.finish();
            proptest::prop_assert!(text.split("\r\n").all(|line| line.len() <= MAX_LINE_OCTETS));
            let card = only_card(&text);
            let expected = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            proptest::prop_assert_eq!(card.full_name, expected(&full));
            proptest::prop_assert_eq!(card.note, expected(&note));
        }
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
