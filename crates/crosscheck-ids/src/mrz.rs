//! Machine-readable zones (ICAO Doc 9303): TD1 (3×30), TD2 (2×36), TD3 (2×44), MRV-A (2×44) and
//! MRV-B (2×36), with every check digit including the composite.
//!
//! Decisions and reasons:
//! - Layouts are tables of `FieldSpec`s, one per format, so the parser, the character-class
//!   checks and the OCR suggestion search read the same positions.
//! - Input is taken as people paste it: line breaks as `\n`, `\r\n` or none at all (a single run of
//!   90, 72 or 88 characters is split), spaces and zero-width characters inside lines dropped,
//!   lower case and Cyrillic look-alikes (`А`, `С`, `О`, ...) mapped to Latin, `«` and `‹` read as
//!   `<`. A line short of its format's width is padded with fillers and flagged as a warning
//!   (pasting often eats trailing `<`); a longer one is an error.
//! - Document numbers longer than nine characters (TD1, TD2: Doc 9303 part 5 §4.2.2 note j) are
//!   read when the check-digit position holds `<`: the number continues in the optional data up to
//!   the next filler, and its last character is the check digit.
//! - Centuries come from the as-of date: a birth date is the latest reading not after it, an
//!   expiry date the latest reading at most 20 years after it (documents run ten years, visas and
//!   some ID cards up to twenty). Unknown parts (`<<`) give a partial ISO date (`1974`, `1974-08`).
//! - Optional data keeps interior fillers as spaces (`010195<112X` reads `010195 112X`), the way
//!   names do; leading and trailing fillers are removed.
//! - Beyond the check digits, the rules ICAO 9303 states and independent checkers enforce: the
//!   document code fits the layout (P for TD3, V for visas, A/C/I for cards), issuing state and
//!   nationality are ICAO codes (ISO alpha-3 plus `D`, `UTO`, `XXA`, ...), and the name field has
//!   its structure (surname `<<` given names separated by single `<`, then fillers only).
//! - When a check fails, `suggest` searches the corrections under the common OCR confusions
//!   (O/0, I/1, B/8, S/5, Z/2, G/6, </K): in each field the fewest changes that satisfy its
//!   character class and its check digit, then the combinations the composite digit accepts;
//!   every candidate is re-checked in full (a fuzzer found one that met the digits with month 79).

use crate::checksum::{mrz_check_digit, mrz_value};
use crate::date::Date;
use crate::report::{Change, IdCheck, Suggestion, Suggestions};

/// The five layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MrzFormat {
    Td1,
    Td2,
    Td3,
    MrvA,
    MrvB,
}

impl MrzFormat {
    /// The name used in `fields.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Td1 => "TD1",
            Self::Td2 => "TD2",
            Self::Td3 => "TD3",
            Self::MrvA => "MRVA",
            Self::MrvB => "MRVB",
        }
    }

    /// (lines, characters per line).
    pub fn shape(self) -> (usize, usize) {
        match self {
            Self::Td1 => (3, 30),
            Self::Td2 | Self::MrvB => (2, 36),
            Self::Td3 | Self::MrvA => (2, 44),
        }
    }
}

/// A date as the MRZ gives it: the day and month may be unknown (`<<`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MrzDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl MrzDate {
    /// ISO form, as precise as known.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", self.year, m, d),
            (Some(m), None) => format!("{:04}-{:02}", self.year, m),
            _ => format!("{:04}", self.year),
        }
    }

    /// The full date, when known to the day.
    pub fn full(&self) -> Option<Date> {
        Date::new(self.year, self.month?, self.day?)
    }
}

/// The typed content of a zone that could be laid out (its checks may still have failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MrzData {
    pub format: MrzFormat,
    pub lines: Vec<String>,
    pub document_code: String,
    pub issuing_state: String,
    pub surname: String,
    pub given_names: String,
    pub document_number: String,
    pub nationality: String,
    pub birth_date: Option<MrzDate>,
    pub expiry_date: Option<MrzDate>,
    /// `M`, `F` or `X`; `None` when the character is none of these.
    pub sex: Option<char>,
    pub optional_data: String,
    pub optional_data_2: Option<String>,
    /// The name field is full to its last character, so names may have been cut.
    pub names_truncated: bool,
    /// Russian internal passport (`PNRUS`) details, when the zone is one.
    pub ru_internal: Option<RuInternal>,
}

/// What a Russian internal passport's zone adds: the full series, the issue date and the
/// issuing department, and the names in Cyrillic (the zone's own letter table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuInternal {
    pub series: String,
    pub number: String,
    pub issue_date: Option<Date>,
    pub department_code: String,
    pub surname_cyrillic: String,
    pub given_names_cyrillic: String,
}

/// The Russian internal passport zone's letter table (Latin or digit → Cyrillic).
const PNRUS_TABLE: &[(char, char)] = &[
    ('A', 'А'),
    ('B', 'Б'),
    ('V', 'В'),
    ('G', 'Г'),
    ('D', 'Д'),
    ('E', 'Е'),
    ('2', 'Ё'),
    ('J', 'Ж'),
    ('Z', 'З'),
    ('I', 'И'),
    ('Q', 'Й'),
    ('K', 'К'),
    ('L', 'Л'),
    ('M', 'М'),
    ('N', 'Н'),
    ('O', 'О'),
    ('P', 'П'),
    ('R', 'Р'),
    ('S', 'С'),
    ('T', 'Т'),
    ('U', 'У'),
    ('F', 'Ф'),
    ('H', 'Х'),
    ('C', 'Ц'),
    ('3', 'Ч'),
    ('4', 'Ш'),
    ('W', 'Щ'),
    ('X', 'Ъ'),
    ('Y', 'Ы'),
    ('9', 'Ь'),
    ('6', 'Э'),
    ('7', 'Ю'),
    ('8', 'Я'),
];

/// Decodes a name written with the internal passport's table into Cyrillic capitals.
pub fn pnrus_decode(text: &str) -> String {
    text.chars().map(|c| PNRUS_TABLE.iter().find(|(l, _)| *l == c).map(|(_, cy)| *cy).unwrap_or(c)).collect()
}

/// Encodes Cyrillic as the internal passport's zone writes it (capitals; unknown letters kept).
pub fn pnrus_encode(text: &str) -> String {
    text.chars()
        .flat_map(char::to_uppercase)
        .map(|c| PNRUS_TABLE.iter().find(|(_, cy)| *cy == c).map(|(l, _)| *l).unwrap_or(c))
        .collect()
}

/// Reads the internal passport details from line 2 (TD3 layout).
fn ru_internal(line2: &[u8], surname: &str, given_names: &str, as_of: Date, report: &mut IdCheck) -> RuInternal {
    let text = |r: std::ops::Range<usize>| String::from_utf8_lossy(&line2[r]).into_owned();
    let series = format!("{}{}", text(0..3), text(28..29));
    let issue_date = match read_date(&text(29..35), as_of) {
        Ok(Some(d)) => d.full(),
        Ok(None) => None,
        Err(e) => {
            report.error(format!("issue date (line 2, columns 30-35): {e}"));
            None
        }
    };
    let dept = text(35..41);
    if !dept.bytes().all(|b| b.is_ascii_digit()) {
        report.error(format!("department code (line 2, columns 36-41): `{dept}` is not six digits"));
    }
    if let (Some(issued), Ok(yy)) = (issue_date, series[2..4].parse::<i32>()) {
        let form_year = if 2000 + yy <= as_of.year + 1 { 2000 + yy } else { 1900 + yy };
        if form_year > issued.year {
            report.warn(format!("series form year {form_year} is after the issue date {issued}"));
        }
    }
    RuInternal {
        series,
        number: text(3..9),
        issue_date,
        department_code: if dept.len() == 6 { format!("{}-{}", &dept[..3], &dept[3..]) } else { dept },
        surname_cyrillic: pnrus_decode(surname),
        given_names_cyrillic: pnrus_decode(given_names),
    }
}

/// A parsed zone: the wire report and, when the layout was recognised, the typed data.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedMrz {
    pub report: IdCheck,
    pub data: Option<MrzData>,
}

/// Which characters a field admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Letters and fillers (names, codes, states).
    Alpha,
    /// Letters, digits and fillers.
    AlphaNum,
    /// Digits, or fillers for an unknown day, month or year.
    Date,
    /// `M`, `F`, `X` or `<`.
    Sex,
    /// A check digit.
    Digit,
    /// A check digit that may be `<` when its field is empty (TD3 personal number).
    DigitOrFiller,
}

impl Class {
    fn admits(self, b: u8) -> bool {
        match self {
            Self::Alpha => b.is_ascii_uppercase() || b == b'<',
            Self::AlphaNum => b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'<',
            Self::Date => b.is_ascii_digit() || b == b'<',
            Self::Sex => matches!(b, b'M' | b'F' | b'X' | b'<'),
            Self::Digit => b.is_ascii_digit(),
            Self::DigitOrFiller => b.is_ascii_digit() || b == b'<',
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Alpha => "letters and `<` only",
            Self::AlphaNum => "letters, digits and `<` only",
            Self::Date => "digits (or `<` for an unknown part) only",
            Self::Sex => "`M`, `F`, `X` or `<` only",
            Self::Digit | Self::DigitOrFiller => "a digit",
        }
    }
}

/// A run of characters on one line (0-based, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    line: usize,
    start: usize,
    end: usize,
}

const fn span(line: usize, start: usize, end: usize) -> Span {
    Span { line, start, end }
}

/// One field of a layout.
#[derive(Debug, Clone)]
struct FieldSpec {
    key: &'static str,
    label: &'static str,
    spans: Vec<Span>,
    class: Class,
    /// Position (line, column) of the check digit protecting this field.
    check: Option<(usize, usize, Class)>,
}

fn field(key: &'static str, label: &'static str, sp: Span, class: Class) -> FieldSpec {
    FieldSpec { key, label, spans: vec![sp], class, check: None }
}

fn checked(key: &'static str, label: &'static str, sp: Span, class: Class, at: (usize, usize)) -> FieldSpec {
    FieldSpec { key, label, spans: vec![sp], class, check: Some((at.0, at.1, Class::Digit)) }
}

/// The layout of a format, given its lines (TD1 and TD2 document numbers may overflow).
struct Layout {
    fields: Vec<FieldSpec>,
    composite: Option<(Vec<Span>, (usize, usize))>,
}

fn layout(format: MrzFormat, lines: &[Vec<u8>]) -> Layout {
    use Class::*;
    let mut fields = Vec::new();
    let composite;
    match format {
        MrzFormat::Td1 => {
            fields.push(field("document_code", "document code", span(0, 0, 2), Alpha));
            fields.push(field("issuing_state", "issuing state", span(0, 2, 5), Alpha));
            let (number, optional) = overflowing_number(lines, 0, 5, 15, 30);
            fields.push(number);
            fields.push(field("optional_data", "optional data", optional, AlphaNum));
            fields.push(checked("birth_date", "birth date", span(1, 0, 6), Date, (1, 6)));
            fields.push(field("sex", "sex", span(1, 7, 8), Sex));
            fields.push(checked("expiry_date", "expiry date", span(1, 8, 14), Date, (1, 14)));
            fields.push(field("nationality", "nationality", span(1, 15, 18), Alpha));
            fields.push(field("optional_data_2", "optional data 2", span(1, 18, 29), AlphaNum));
            fields.push(field("name", "name", span(2, 0, 30), Alpha));
            composite = Some((vec![span(0, 5, 30), span(1, 0, 7), span(1, 8, 15), span(1, 18, 29)], (1, 29)));
        }
        MrzFormat::Td2 | MrzFormat::MrvB => {
            fields.push(field("document_code", "document code", span(0, 0, 2), Alpha));
            fields.push(field("issuing_state", "issuing state", span(0, 2, 5), Alpha));
            fields.push(field("name", "name", span(0, 5, 36), Alpha));
            let optional_end = if format == MrzFormat::Td2 { 35 } else { 36 };
            if format == MrzFormat::Td2 {
                let (number, optional) = overflowing_number(lines, 1, 0, 28, optional_end);
                fields.push(number);
                fields.push(field("optional_data", "optional data", optional, AlphaNum));
            } else {
                fields.push(checked("document_number", "document number", span(1, 0, 9), AlphaNum, (1, 9)));
                fields.push(field("optional_data", "optional data", span(1, 28, optional_end), AlphaNum));
            }
            fields.push(field("nationality", "nationality", span(1, 10, 13), Alpha));
            fields.push(checked("birth_date", "birth date", span(1, 13, 19), Date, (1, 19)));
            fields.push(field("sex", "sex", span(1, 20, 21), Sex));
            fields.push(checked("expiry_date", "expiry date", span(1, 21, 27), Date, (1, 27)));
            composite =
                (format == MrzFormat::Td2).then(|| (vec![span(1, 0, 10), span(1, 13, 20), span(1, 21, 35)], (1, 35)));
        }
        MrzFormat::Td3 | MrzFormat::MrvA => {
            fields.push(field("document_code", "document code", span(0, 0, 2), Alpha));
            fields.push(field("issuing_state", "issuing state", span(0, 2, 5), Alpha));
            // Russian internal passports (`PNRUS`, since 2011) write Cyrillic letters with a table
            // of their own in which digits stand for some letters (Ё 2, Ч 3, Ш 4, Ь 9, Э 6, Ю 7, Я 8).
            let name_class = if lines[0].starts_with(b"PNRUS") { AlphaNum } else { Alpha };
            fields.push(field("name", "name", span(0, 5, 44), name_class));
            fields.push(checked("document_number", "document number", span(1, 0, 9), AlphaNum, (1, 9)));
            fields.push(field("nationality", "nationality", span(1, 10, 13), Alpha));
            fields.push(checked("birth_date", "birth date", span(1, 13, 19), Date, (1, 19)));
            fields.push(field("sex", "sex", span(1, 20, 21), Sex));
            fields.push(checked("expiry_date", "expiry date", span(1, 21, 27), Date, (1, 27)));
            if format == MrzFormat::Td3 {
                let mut personal = checked("optional_data", "personal number", span(1, 28, 42), AlphaNum, (1, 42));
                personal.check = Some((1, 42, DigitOrFiller));
                fields.push(personal);
                composite = Some((vec![span(1, 0, 10), span(1, 13, 20), span(1, 21, 43)], (1, 43)));
            } else {
                fields.push(field("optional_data", "optional data", span(1, 28, 44), AlphaNum));
                composite = None;
            }
        }
    }
    Layout { fields, composite }
}

/// The document number at `line`, columns `start..start+9` with its check digit after it; when
/// the check position holds `<`, the number continues in the optional data (`opt_start..opt_end`)
/// up to the next filler and the last character of that run is the check digit.
fn overflowing_number(
    lines: &[Vec<u8>],
    line: usize,
    start: usize,
    opt_start: usize,
    opt_end: usize,
) -> (FieldSpec, Span) {
    let check_at = start + 9;
    let bytes = &lines[line];
    if bytes.get(check_at) == Some(&b'<') && bytes.get(opt_start).is_some_and(|&b| b != b'<') {
        let run_end = (opt_start..opt_end).find(|&i| bytes[i] == b'<').unwrap_or(opt_end);
        if run_end - opt_start >= 2 {
            let number = FieldSpec {
                key: "document_number",
                label: "document number",
                spans: vec![span(line, start, start + 9), span(line, opt_start, run_end - 1)],
                class: Class::AlphaNum,
                check: Some((line, run_end - 1, Class::Digit)),
            };
            return (number, span(line, run_end, opt_end));
        }
    }
    (
        checked("document_number", "document number", span(line, start, start + 9), Class::AlphaNum, (line, check_at)),
        span(line, opt_start, opt_end),
    )
}

/// ICAO 9303 codes that are not ISO 3166 alpha-3: Germany's `D`, British nationals' classes,
/// the United Nations, Kosovo, refugees and stateless persons, the specimen state `UTO`, and a
/// few historical codes still seen on older documents.
const ICAO_EXTRA_CODES: &[&str] = &[
    "ANT", "D", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "NTZ", "RKS", "SUN", "UNA", "UNK", "UNO", "UTO", "XBA",
    "XCC", "XCE", "XCO", "XDC", "XEC", "XES", "XIM", "XMP", "XOM", "XPO", "XXA", "XXB", "XXC", "XXX", "YUG", "ZIM",
];

/// ISO 3166-1 alpha-3 codes (from `celes`), sorted for binary search.
static ALPHA3: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut codes: Vec<&'static str> = celes::Country::get_countries().iter().map(|c| c.alpha3).collect();
    codes.sort_unstable();
    codes
});

/// Whether an issuing-state or nationality code (fillers removed) is one ICAO 9303 knows.
pub fn is_icao_country(code: &str) -> bool {
    ICAO_EXTRA_CODES.contains(&code) || ALPHA3.binary_search(&code).is_ok()
}

/// Cleans pasted text into MRZ lines (see the module notes); never fails.
pub fn normalize_lines(raw: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in raw.split(['\n', '\r']) {
        if line.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'<') {
            if !line.is_empty() {
                lines.push(line.to_string()); // the common case: already clean
            }
            continue;
        }
        let mut out = String::with_capacity(line.len());
        for c in line.chars() {
            if c.is_whitespace() || matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}') {
                continue;
            }
            let c = match c {
                '«' | '‹' | '＜' | '〈' => '<',
                _ => crosscheck_model::identifier::latin_lookalike(c).to_ascii_uppercase(),
            };
            out.push(c);
        }
        if !out.is_empty() {
            lines.push(out);
        }
    }
    if lines.len() == 1 {
        let n = lines[0].chars().count();
        let width = match n {
            90 => Some(30),
            72 => Some(36),
            88 => Some(44),
            _ => None,
        };
        if let (Some(width), true) = (width, lines[0].is_ascii()) {
            let one = lines.remove(0);
            lines = one.as_bytes().chunks(width).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        }
    }
    lines
}

/// Which layout the lines have, or why none fits.
fn detect(lines: &[String]) -> Result<MrzFormat, String> {
    let lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let describe = || {
        let l: Vec<String> = lens.iter().map(usize::to_string).collect();
        format!(
            "{} line(s) of {} characters; TD1 is 3×30, TD2 and MRV-B 2×36, TD3 and MRV-A 2×44",
            lens.len(),
            l.join(", ")
        )
    };
    let visa = lines.first().is_some_and(|l| l.starts_with('V'));
    let max = lens.iter().copied().max().unwrap_or(0);
    match lens.len() {
        3 if (25..=30).contains(&max) => Ok(MrzFormat::Td1),
        2 if max > 36 && max <= 44 && lens.iter().all(|&n| n >= 20) => {
            Ok(if visa { MrzFormat::MrvA } else { MrzFormat::Td3 })
        }
        2 if (30..=36).contains(&max) && lens.iter().all(|&n| n >= 20) => {
            Ok(if visa { MrzFormat::MrvB } else { MrzFormat::Td2 })
        }
        _ => Err(format!("not a machine-readable zone: {}", describe())),
    }
}

fn text(lines: &[Vec<u8>], sp: Span) -> &str {
    std::str::from_utf8(&lines[sp.line][sp.start..sp.end]).unwrap_or("")
}

fn field_bytes(lines: &[Vec<u8>], spec: &FieldSpec) -> Vec<u8> {
    spec.spans.iter().flat_map(|sp| lines[sp.line][sp.start..sp.end].iter().copied()).collect()
}

/// `<` runs to spaces, trimmed and collapsed.
fn unfill(s: &str) -> String {
    s.split('<').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Surname and given names from a name field: `<<` separates them, `<` separates words.
fn split_name(s: &str) -> (String, String) {
    match s.find("<<") {
        Some(idx) => (unfill(&s[..idx]), unfill(&s[idx + 2..])),
        None => (unfill(s), String::new()),
    }
}

/// Reads YYMMDD with the century inferred so that the date is not after `limit`.
fn read_date(s: &str, limit: Date) -> Result<Option<MrzDate>, String> {
    let b = s.as_bytes();
    if b.len() != 6 {
        return Err(format!("`{s}` is not a date (YYMMDD)"));
    }
    let two = |i: usize| -> Result<Option<u8>, String> {
        match (b[i], b[i + 1]) {
            (b'<', b'<') => Ok(None),
            (x, y) if x.is_ascii_digit() && y.is_ascii_digit() => Ok(Some((x - b'0') * 10 + (y - b'0'))),
            _ => Err(format!("`{s}` is not a date (YYMMDD)")),
        }
    };
    let (yy, mm, dd) = (two(0)?, two(2)?, two(4)?);
    let Some(yy) = yy else {
        return Ok(None);
    };
    if mm.is_none() && dd.is_some() {
        return Err(format!("`{s}` is not a date: a day without a month"));
    }
    if let Some(m) = mm {
        if !(1..=12).contains(&m) {
            return Err(format!("`{s}` is not a date: month {m:02}"));
        }
    }
    let mut year = (limit.year.div_euclid(100) + 1) * 100 + i32::from(yy);
    loop {
        let key = (year, mm.unwrap_or(1), dd.unwrap_or(1));
        if key <= (limit.year, limit.month, limit.day) {
            break;
        }
        year -= 100;
    }
    if let (Some(m), Some(d)) = (mm, dd) {
        if Date::new(year, m, d).is_none() {
            return Err(format!("`{s}` is not a date: day {d:02} of month {m:02} in {year}"));
        }
    }
    Ok(Some(MrzDate { year, month: mm, day: dd }))
}

/// Parses and checks a zone against `as_of` (centuries, expiry).
pub fn parse(raw: &str, as_of: Date) -> ParsedMrz {
    parse_inner(raw, as_of, true)
}

/// [`parse`], optionally without the suggestion search (used to vet each suggestion).
fn parse_inner(raw: &str, as_of: Date, with_suggestions: bool) -> ParsedMrz {
    let mut report = IdCheck::new("mrz", raw);
    let mut lines = normalize_lines(raw);
    let format = match detect(&lines) {
        Ok(f) => f,
        Err(e) => {
            report.normalized = (!lines.is_empty()).then(|| lines.join("\n"));
            report.error(e);
            return ParsedMrz { report, data: None };
        }
    };
    let (_, width) = format.shape();
    for (idx, line) in lines.iter_mut().enumerate() {
        let n = line.chars().count();
        if n < width {
            report.warn(format!("line {} has {n} characters; padded with `<` to {width}", idx + 1));
            line.extend(std::iter::repeat_n('<', width - n));
        }
    }
    report.normalized = Some(lines.join("\n"));
    if lines.iter().any(|l| !l.is_ascii()) {
        for (idx, line) in lines.iter().enumerate() {
            if let Some((col, c)) = line.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
                report.error(format!("line {}, column {}: `{c}` is not an MRZ character", idx + 1, col + 1));
            }
        }
        return ParsedMrz { report, data: None };
    }
    let bytes: Vec<Vec<u8>> = lines.iter().map(|l| l.as_bytes().to_vec()).collect();
    if format == MrzFormat::Td2 && lines[0].starts_with("IDFRA") {
        report
            .warn("`IDFRA` on 2×36: the French national identity card before 2021 does not follow the ICAO TD2 layout");
    }
    let lay = layout(format, &bytes);
    run_checks(&mut report, &bytes, &lay);

    let get = |key: &str| lay.fields.iter().find(|f| f.key == key).expect("every layout has this field");
    let raw_field = |key: &str| String::from_utf8_lossy(&field_bytes(&bytes, get(key))).into_owned();

    let name_spec = get("name");
    let name_raw = raw_field("name");
    let (surname, given_names) = split_name(&name_raw);
    let names_truncated = !name_raw.ends_with('<');
    // After the surname's `<<`, given names are separated by single fillers; once two fillers
    // follow them, the rest of the field is filler (Doc 9303 part 3, 4.6).
    if let Some(sep) = name_raw.find("<<") {
        let given = &name_raw[sep + 2..];
        let given_start = given.find(|c| c != '<').unwrap_or(given.len());
        if given_start > 0 && given_start < given.len() {
            let (line, col) = position_in(name_spec, sep + 2);
            report.error(format!(
                "name (line {}, column {}): more than two fillers between surname and given names",
                line + 1,
                col + 1
            ));
        }
        if let Some(gap) = given[given_start..].find("<<") {
            let rest_at = sep + 2 + given_start + gap;
            if let Some(off) = name_raw[rest_at..].find(|c| c != '<') {
                let (line, col) = position_in(name_spec, rest_at + off);
                report.error(format!(
                    "name (line {}, column {}): `{}` after the filler that ends the given names",
                    line + 1,
                    col + 1,
                    &name_raw[rest_at + off..rest_at + off + 1]
                ));
            }
        }
    }
    if names_truncated {
        report.warn(format!(
            "name field is full to its last character (line {}): the names may be truncated",
            name_spec.spans[0].line + 1
        ));
    }
    let birth_date = match read_date(&raw_field("birth_date"), as_of) {
        Ok(d) => d,
        Err(e) => {
            report.error(format!("birth date: {e}"));
            None
        }
    };
    let expiry_date = match read_date(&raw_field("expiry_date"), as_of.add_years(20)) {
        Ok(d) => d,
        Err(e) => {
            report.error(format!("expiry date: {e}"));
            None
        }
    };
    if let Some(full) = expiry_date.and_then(|d| d.full()) {
        if full < as_of {
            report.warn(format!("the document expired on {full} (as of {as_of})"));
        }
    }
    if let (Some(b), Some(e)) = (birth_date.and_then(|d| d.full()), expiry_date.and_then(|d| d.full())) {
        if e <= b {
            report.warn(format!("expiry date {e} is not after birth date {b}"));
        }
    }
    let sex = match raw_field("sex").as_bytes()[0] {
        b'M' => Some('M'),
        b'F' => Some('F'),
        b'X' | b'<' => Some('X'),
        _ => None,
    };
    let data = MrzData {
        format,
        lines: lines.clone(),
        document_code: unfill(&raw_field("document_code")).replace(' ', ""),
        issuing_state: unfill(&raw_field("issuing_state")).replace(' ', ""),
        surname,
        given_names,
        document_number: raw_field("document_number").replace('<', ""),
        nationality: unfill(&raw_field("nationality")).replace(' ', ""),
        birth_date,
        expiry_date,
        sex,
        optional_data: unfill(&raw_field("optional_data")),
        optional_data_2: (format == MrzFormat::Td1).then(|| unfill(&raw_field("optional_data_2"))),
        names_truncated,
        ru_internal: None,
    };
    let mut data = data;
    if format == MrzFormat::Td3 && lines[0].starts_with("PNRUS") {
        let (surname, given) = (data.surname.clone(), data.given_names.clone());
        data.ru_internal = Some(ru_internal(&bytes[1], &surname, &given, as_of, &mut report));
    }
    let code_bytes = lines[0].as_bytes();
    let code_ok = match format {
        MrzFormat::Td3 => code_bytes[0] == b'P',
        MrzFormat::MrvA | MrzFormat::MrvB => code_bytes[0] == b'V',
        MrzFormat::Td1 | MrzFormat::Td2 => matches!(code_bytes[0], b'A' | b'C' | b'I') && code_bytes[1] != b'V',
    };
    if !code_ok {
        let want = match format {
            MrzFormat::Td3 => "a passport zone (2×44) starts with P",
            MrzFormat::MrvA | MrzFormat::MrvB => "a visa zone starts with V",
            MrzFormat::Td1 | MrzFormat::Td2 => "an identity-card zone starts with A, C or I, not followed by V",
        };
        report.error(format!("document code `{}`: {want}", &lines[0][..2]));
    }
    for (label, code) in [("issuing state", &data.issuing_state), ("nationality", &data.nationality)] {
        if !code.is_empty() && code.bytes().all(|b| b.is_ascii_uppercase()) && !is_icao_country(code) {
            report.error(format!("{label}: `{code}` is not an ICAO 9303 country code"));
        }
    }
    let f = &mut report;
    f.field("format", format.as_str());
    f.field("document_code", data.document_code.clone());
    f.field("issuing_state", data.issuing_state.clone());
    f.field("surname", data.surname.clone());
    f.field("given_names", data.given_names.clone());
    f.field("document_number", data.document_number.clone());
    f.field("nationality", data.nationality.clone());
    match data.birth_date {
        Some(d) => f.field("birth_date", d.iso()),
        None => f.field_null("birth_date"),
    }
    match data.expiry_date {
        Some(d) => f.field("expiry_date", d.iso()),
        None => f.field_null("expiry_date"),
    }
    match data.sex {
        Some(s) => f.field("sex", s.to_string()),
        None => f.field_null("sex"),
    }
    f.field("optional_data", data.optional_data.clone());
    if let Some(ru) = &data.ru_internal {
        f.field("passport_series", ru.series.clone());
        f.field("passport_number", ru.number.clone());
        match ru.issue_date {
            Some(d) => f.field("issue_date", d.to_string()),
            None => f.field_null("issue_date"),
        }
        f.field("department_code", ru.department_code.clone());
        f.field("surname_cyrillic", ru.surname_cyrillic.clone());
        f.field("given_names_cyrillic", ru.given_names_cyrillic.clone());
    }
    if let Some(o2) = &data.optional_data_2 {
        f.field("optional_data_2", o2.clone());
    }
    if !report.valid {
        report.suggestions = with_suggestions.then(|| suggest(&bytes, &lay, as_of));
    }
    ParsedMrz { report, data: Some(data) }
}

/// Character classes, field check digits and the composite.
fn run_checks(report: &mut IdCheck, lines: &[Vec<u8>], lay: &Layout) {
    for spec in &lay.fields {
        let value = field_bytes(lines, spec);
        if let Some(pos) = value.iter().position(|&b| !spec.class.admits(b)) {
            let (line, col) = position_in(spec, pos);
            report.error(format!(
                "{} (line {}, column {}): `{}` in `{}`: {} allowed",
                spec.label,
                line + 1,
                col + 1,
                value[pos] as char,
                String::from_utf8_lossy(&value),
                spec.class.describe()
            ));
        }
        if let Some((line, col, class)) = spec.check {
            let found = lines[line][col];
            if spec.spans.len() == 2 && found.is_ascii_digit() {
                // Overflowing number: some issuers (Belgian eID cards) compute the digit over the
                // number with the filler at column 15 kept in. Accept that, and say so.
                let (head, tail) = (spec.spans[0], spec.spans[1]);
                let with_filler: Vec<u8> = lines[head.line][head.start..head.end + 1]
                    .iter()
                    .chain(&lines[tail.line][tail.start..tail.end])
                    .copied()
                    .collect();
                let icao = mrz_check_digit(&value).map(|d| d + b'0');
                if icao != Some(found) && mrz_check_digit(&with_filler).map(|d| d + b'0') == Some(found) {
                    report.warn(format!(
                        "check digit of document number (line {}, column {}): matches only with the filler at column {} counted, as some issuers (Belgium) compute it; ICAO 9303 gives {}",
                        line + 1,
                        col + 1,
                        head.end + 1,
                        icao.map(|d| d as char).unwrap_or('?')
                    ));
                    continue;
                }
            }
            check_digit(report, spec.label, &value, found, (line, col), class);
        }
    }
    if let Some((spans, (line, col))) = &lay.composite {
        let value: Vec<u8> = spans.iter().flat_map(|sp| text(lines, *sp).bytes()).collect();
        check_digit(report, "composite", &value, lines[*line][*col], (*line, *col), Class::Digit);
    }
}

/// (line, column) of the `pos`-th character of a field.
fn position_in(spec: &FieldSpec, mut pos: usize) -> (usize, usize) {
    for sp in &spec.spans {
        let n = sp.end - sp.start;
        if pos < n {
            return (sp.line, sp.start + pos);
        }
        pos -= n;
    }
    let last = spec.spans.last().expect("a field has a span");
    (last.line, last.end)
}

fn check_digit(report: &mut IdCheck, label: &str, value: &[u8], found: u8, at: (usize, usize), class: Class) {
    let Some(expected) = mrz_check_digit(value) else {
        report.error(format!(
            "check digit of {label} (line {}, column {}): cannot be computed, the field holds characters other than A-Z, 0-9 and `<`",
            at.0 + 1,
            at.1 + 1
        ));
        return;
    };
    let ok = found == b'0' + expected
        || (class == Class::DigitOrFiller && found == b'<' && value.iter().all(|&b| b == b'<'));
    if !ok {
        report.error(format!(
            "check digit of {label} (line {}, column {}): expected {expected}, found {}",
            at.0 + 1,
            at.1 + 1,
            found as char
        ));
    }
}

/// The characters OCR commonly reads for `b` (the confusions named in the issue).
fn confusions(b: u8) -> &'static [u8] {
    match b {
        b'O' => b"0",
        b'0' => b"O",
        b'I' => b"1",
        b'1' => b"I",
        b'B' => b"8",
        b'8' => b"B",
        b'S' => b"5",
        b'5' => b"S",
        b'Z' => b"2",
        b'2' => b"Z",
        b'G' => b"6",
        b'6' => b"G",
        b'<' => b"K",
        b'K' => b"<",
        _ => b"",
    }
}

/// Whether YYMMDD (digits, or `<<` for an unknown part) can be a date in some century.
fn plausible_yymmdd(b: &[u8]) -> bool {
    let two = |i: usize| match (b[i], b[i + 1]) {
        (b'<', b'<') => Some(None),
        (x, y) if x.is_ascii_digit() && y.is_ascii_digit() => Some(Some((x - b'0') * 10 + (y - b'0'))),
        _ => None,
    };
    match (two(0), two(2), two(4)) {
        (Some(_), Some(None), Some(None)) => true,
        (Some(_), Some(Some(m)), Some(None)) => (1..=12).contains(&m),
        (Some(_), Some(Some(m)), Some(Some(d))) => d >= 1 && d <= crate::date::days_in_month(2000, m),
        _ => false,
    }
}

/// At most this many readings of one field are tried (each confusable position doubles them).
const MAX_READINGS: usize = 1 << 16;
/// At most this many suggestions are listed.
const MAX_SUGGESTIONS: usize = 8;

/// One candidate fix: (line, column, new byte).
type Fix = Vec<(usize, usize, u8)>;
/// Fixes across fields, each with the field it belongs to.
type KeyedFix = Vec<(&'static str, (usize, usize, u8))>;

/// The fewest-change readings of positions `cells` (with the class each must satisfy) that pass
/// `accept`; `None` when none exists within [`MAX_READINGS`].
/// Without a check digit (`protected` false) only characters outside their class are changed.
fn readings(
    lines: &[Vec<u8>],
    cells: &[(usize, usize, Class)],
    protected: bool,
    accept: impl Fn(&[u8]) -> bool,
) -> Option<Vec<Fix>> {
    let options: Vec<Vec<u8>> = cells
        .iter()
        .map(|&(l, c, class)| {
            let orig = lines[l][c];
            let mut opts: Vec<u8> = Vec::new();
            if class.admits(orig) {
                opts.push(orig);
                if !protected {
                    return opts;
                }
            }
            opts.extend(confusions(orig).iter().copied().filter(|&b| class.admits(b)));
            opts
        })
        .collect();
    if options.iter().any(Vec::is_empty) {
        return None;
    }
    let total: usize =
        options.iter().try_fold(1usize, |acc, o| acc.checked_mul(o.len()).filter(|&t| t <= MAX_READINGS))?;
    let mut best: Option<(usize, Vec<Fix>)> = None;
    let mut buf: Vec<u8> = vec![0; cells.len()];
    for mut code in 0..total {
        let mut changes = 0;
        for (idx, opts) in options.iter().enumerate() {
            let pick = opts[code % opts.len()];
            code /= opts.len();
            buf[idx] = pick;
            let (l, c, _) = cells[idx];
            if pick != lines[l][c] {
                changes += 1;
            }
        }
        if best.as_ref().is_some_and(|(n, _)| changes > *n) || !accept(&buf) {
            continue;
        }
        let fix: Fix = cells
            .iter()
            .zip(&buf)
            .filter(|((l, c, _), b)| lines[*l][*c] != **b)
            .map(|((l, c, _), b)| (*l, *c, *b))
            .collect();
        match &mut best {
            Some((n, fixes)) if *n == changes => fixes.push(fix),
            _ => best = Some((changes, vec![fix])),
        }
    }
    best.map(|(_, fixes)| fixes)
}

/// OCR corrections consistent with every class and check digit (see the module notes).
fn suggest(lines: &[Vec<u8>], lay: &Layout, as_of: Date) -> Suggestions {
    let none = Suggestions { unique: false, candidates: Vec::new() };
    // Per field: the fewest-change readings (a field that already passes keeps its one reading).
    let mut per_field: Vec<(&'static str, Vec<Fix>)> = Vec::new();
    for spec in &lay.fields {
        let mut cells: Vec<(usize, usize, Class)> =
            spec.spans.iter().flat_map(|sp| (sp.start..sp.end).map(move |c| (sp.line, c, spec.class))).collect();
        let n_value = cells.len();
        if let Some((l, c, class)) = spec.check {
            cells.push((l, c, class));
        }
        let has_check = spec.check.is_some();
        let check_class = spec.check.map(|(_, _, class)| class);
        let is_date = spec.class == Class::Date;
        let accept = |buf: &[u8]| {
            if is_date && !plausible_yymmdd(&buf[..n_value]) {
                return false;
            }
            if !has_check {
                return true;
            }
            let (value, digit) = buf.split_at(n_value);
            match mrz_check_digit(value) {
                Some(want) => {
                    digit[0] == b'0' + want
                        || (check_class == Some(Class::DigitOrFiller)
                            && digit[0] == b'<'
                            && value.iter().all(|&b| b == b'<'))
                }
                None => false,
            }
        };
        match readings(lines, &cells, has_check, accept) {
            Some(fixes) => per_field.push((spec.key, fixes)),
            None => return none,
        }
    }
    // Combine the fields, then let the composite digit choose among the combinations.
    let mut combos: Vec<KeyedFix> = vec![Vec::new()];
    for (key, fixes) in &per_field {
        let mut next = Vec::new();
        for combo in &combos {
            for fix in fixes {
                let mut c = combo.clone();
                c.extend(fix.iter().map(|&f| (*key, f)));
                next.push(c);
            }
            if next.len() > MAX_READINGS {
                return none;
            }
        }
        combos = next;
    }
    let mut results: Vec<KeyedFix> = Vec::new();
    for combo in combos {
        let mut fixed: Vec<Vec<u8>> = lines.to_vec();
        for (_, (l, c, b)) in &combo {
            fixed[*l][*c] = *b;
        }
        match &lay.composite {
            None => results.push(combo),
            Some((spans, (line, col))) => {
                let value: Vec<u8> =
                    spans.iter().flat_map(|sp| fixed[sp.line][sp.start..sp.end].iter().copied()).collect();
                let Some(want) = mrz_check_digit(&value) else { continue };
                let orig = lines[*line][*col];
                let mut c = combo.clone();
                if orig == b'0' + want {
                    results.push(c);
                } else if confusions(orig).contains(&(b'0' + want)) {
                    c.push(("composite", (*line, *col, b'0' + want)));
                    results.push(c);
                }
            }
        }
    }
    // Keep only corrections that pass every check (dates that exist, classes, all digits).
    results.sort_by_key(Vec::len);
    results.truncate(64);
    let zone_of = |combo: &KeyedFix| {
        let mut fixed: Vec<Vec<u8>> = lines.to_vec();
        for (_, (l, c, b)) in combo {
            fixed[*l][*c] = *b;
        }
        fixed.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>().join("\n")
    };
    results.retain(|combo| parse_inner(&zone_of(combo), as_of, false).report.valid);
    let fewest = results.iter().map(Vec::len).min().unwrap_or(0);
    results.retain(|r| r.len() == fewest && fewest > 0);
    let unique = results.len() == 1;
    let candidates = results
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|combo| {
            let mut fixed: Vec<Vec<u8>> = lines.to_vec();
            let mut changes = Vec::new();
            for (key, (l, c, b)) in combo {
                changes.push(Change {
                    line: l + 1,
                    column: c + 1,
                    field: key,
                    from: lines[l][c] as char,
                    to: b as char,
                });
                fixed[l][c] = b;
            }
            changes.sort_by_key(|ch| (ch.line, ch.column));
            let mrz = fixed.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect::<Vec<_>>().join("\n");
            Suggestion { mrz, changes }
        })
        .collect();
    Suggestions { unique, candidates }
}

/// Checks a zone (the wire report only).
pub fn check(raw: &str, as_of: Date) -> IdCheck {
    parse(raw, as_of).report
}

/// Whether `b` is a character an MRZ may hold.
pub fn is_mrz_char(b: u8) -> bool {
    mrz_value(b).is_some()
}

#[cfg(test)]
mod tests;
