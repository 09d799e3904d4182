//! Rules: dates, times, money, percentages and quantities, with normalised values.
//!
//! Takes the tagger's tokens, which of them already belong to a named entity, the language and
//! the article's publication date; gives rule mentions with a value:
//!
//! | label | examples | value |
//! |---|---|---|
//! | DATE | `August 2, 2023`, `Aug. 1`, `July 31`, `2 de agosto de 2023`, `September 2020`, `July`, `in 2019`, `last month`, `yesterday`, `Tuesday` | ISO 8601: `2023-08-02`, `2023-07`, `2019`, `2023-W30`; a date without a year takes the publication year (the year before when that would put it more than two months after publication); a weekday is the latest one on or before publication, or the next one after it in a sentence about the future (`will`, `would`, `next`); without a publication date `XXXX-08-01` (ISO 8601-2, year unspecified), or empty for relative dates |
//! | TIME | `10:30`, `3 p.m.`, `3:30pm`, `noon` | `15:30` (24-hour) |
//! | MONEY | `$1.2 billion`, `€300`, `US$5`, `5 million euros`, `USD 30` | `1200000000 USD` (amount and ISO 4217 code) |
//! | PERCENT | `3.5%`, `12 percent`, `40 por ciento` | `3.5` |
//! | QUANTITY | `120 km`, `5 tonnes`, `30 square kilometres` | `120 km` (amount and unit symbol) |
//!
//! Month names come from [`crate::meta`] (English, French, German, Spanish, Italian, Portuguese,
//! Dutch); relative dates and times of day are English. Numbers are read with the language's
//! decimal separator (`1,200.5` in English, `1.200,5` in Spanish or Dutch).

use super::tokens::NerToken;
use crate::meta;
use crate::segment::TokenKind;

/// A rule mention over tokens `start..end`.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleMention {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// DATE, TIME, MONEY, PERCENT or QUANTITY.
    pub label: &'static str,
    /// The normalised value (may be empty).
    pub value: String,
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ymd {
    /// Year.
    pub y: i32,
    /// Month 1–12.
    pub m: u32,
    /// Day 1–31.
    pub d: u32,
}

impl Ymd {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Ymd> {
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let y = s[0..4].parse().ok()?;
        let m = s[5..7].parse().ok()?;
        let d = s[8..10].parse().ok()?;
        meta::iso(y, m, d).map(|_| Ymd { y, m, d })
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        let y = if self.m <= 2 { self.y - 1 } else { self.y } as i64;
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.m as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `z` days after 1970-01-01.
    pub fn from_days(z: i64) -> Ymd {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
        Ymd { y, m, d }
    }

    /// Monday = 0 … Sunday = 6.
    pub fn weekday(self) -> u32 {
        (self.days() + 3).rem_euclid(7) as u32
    }

    fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }

    /// ISO 8601 week `YYYY-Www`.
    fn iso_week(self) -> String {
        let thursday = Ymd::from_days(self.days() - self.weekday() as i64 + 3);
        let jan1 = Ymd {
            y: thursday.y,
            m: 1,
            d: 1,
        };
        let week = (thursday.days() - jan1.days()) / 7 + 1;
        format!("{:04}-W{week:02}", thursday.y)
    }
}

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
/// Words before a bare year or a bare month that make it a date.
const DATE_PREPS: &[&str] = &[
    "in", "since", "by", "until", "till", "from", "during", "before", "after", "of", "early",
    "late", "mid", "last", "next", "this", "through", "en", "desde", "hasta", "sinds", "tot", "im",
    "seit", "bis", "dans", "depuis", "em", "entre", "between", "and", "to", "al", "del",
];

/// Full month names (not abbreviations) that may stand alone as a date.
fn full_month(lower: &str) -> bool {
    lower.chars().count() >= 5
        || matches!(
            lower,
            "may"
                | "june"
                | "july"
                | "mai"
                | "mei"
                | "juni"
                | "juli"
                | "mars"
                | "mayo"
                | "août"
                | "aout"
        )
}

fn scale_word(lower: &str) -> Option<f64> {
    Some(match lower {
        "thousand" | "mil" | "duizend" | "tausend" => 1e3,
        "million" | "millions" | "mln" | "mn" | "m" | "millón" | "millones" | "miljoen"
        | "miljoenen" | "millionen" | "milliones" => 1e6,
        "billion" | "billions" | "bn" | "bln" | "b" | "miljard" | "miljarden" | "milliarde"
        | "milliarden" | "milliard" | "milliards" => 1e9,
        "trillion" | "trillions" | "tn" | "trn" => 1e12,
        _ => return None,
    })
}

fn currency_symbol(s: &str) -> Option<&'static str> {
    Some(match s {
        "$" => "USD",
        "€" => "EUR",
        "£" => "GBP",
        "¥" => "JPY",
        "₹" => "INR",
        "₩" => "KRW",
        "₽" => "RUB",
        "₺" => "TRY",
        "₪" => "ILS",
        _ => return None,
    })
}

/// The currency of a `$` with a country prefix (`US$`, `HK$`, `A$`).
fn dollar_prefix(s: &str) -> Option<&'static str> {
    Some(match s {
        "US" | "U.S." => "USD",
        "HK" => "HKD",
        "A" | "AU" => "AUD",
        "C" | "CA" => "CAD",
        "NZ" => "NZD",
        "S" => "SGD",
        "NT" => "TWD",
        "R" => "BRL",
        _ => return None,
    })
}

fn currency_word(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "dollar" | "dollars" | "dólar" | "dólares" | "dollars." => "USD",
        "euro" | "euros" => "EUR",
        "pound" | "pounds" | "sterling" | "libras" => "GBP",
        "yen" => "JPY",
        "yuan" | "renminbi" => "CNY",
        "rupee" | "rupees" => "INR",
        "rouble" | "roubles" | "ruble" | "rubles" | "rublos" => "RUB",
        "peso" | "pesos" => "MXN",
        "guilder" | "guilders" | "gulden" => "NLG",
        "mark" | "marks" | "deutschmarks" | "d-marks" => "DEM",
        "peseta" | "pesetas" => "ESP",
        "lira" | "lire" => "ITL",
        "franc" | "francs" => "FRF",
        "usd" | "eur" | "gbp" | "jpy" | "cny" | "chf" | "inr" | "rub" | "hkd" | "aud" | "cad" => {
            return match lower {
                "usd" => Some("USD"),
                "eur" => Some("EUR"),
                "gbp" => Some("GBP"),
                "jpy" => Some("JPY"),
                "cny" => Some("CNY"),
                "chf" => Some("CHF"),
                "inr" => Some("INR"),
                "rub" => Some("RUB"),
                "hkd" => Some("HKD"),
                "aud" => Some("AUD"),
                _ => Some("CAD"),
            };
        }
        _ => return None,
    })
}

fn unit(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "km" | "kilometre" | "kilometres" | "kilometer" | "kilometers" | "kilómetros"
        | "kilometro" | "kilómetro" | "kilometer." => "km",
        "mile" | "miles" => "mi",
        "metre" | "metres" | "meter" | "meters" | "metros" => "m",
        "cm" | "centimetre" | "centimetres" | "centimeter" | "centimeters" => "cm",
        "mm" | "millimetre" | "millimetres" | "millimeter" | "millimeters" => "mm",
        "foot" | "feet" | "ft" => "ft",
        "inch" | "inches" => "in",
        "kg" | "kilogram" | "kilograms" | "kilo" | "kilos" | "kilogramos" => "kg",
        "gram" | "grams" | "gramos" => "g",
        "tonne" | "tonnes" | "ton" | "tons" | "toneladas" | "ton." => "t",
        "lb" | "lbs" => "lb",
        "litre" | "litres" | "liter" | "liters" | "litros" => "L",
        "gallon" | "gallons" => "gal",
        "barrel" | "barrels" | "barriles" | "vaten" => "bbl",
        "acre" | "acres" => "acre",
        "hectare" | "hectares" | "ha" | "hectáreas" => "ha",
        "mph" => "mph",
        "km/h" | "kph" => "km/h",
        "knots" => "kn",
        "mw" | "megawatts" => "MW",
        "gw" | "gigawatts" => "GW",
        "kwh" => "kWh",
        "degrees" | "degree" | "grados" | "graden" => "°",
        _ => return None,
    })
}

/// A number in the language's notation.
pub fn parse_number(s: &str, lang: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    if !s.as_bytes()[0].is_ascii_digit() || !s.as_bytes()[s.len() - 1].is_ascii_digit() {
        return None;
    }
    let comma_decimal = matches!(
        lang,
        "spa" | "nld" | "deu" | "fra" | "ita" | "por" | "ron" | "pol" | "ces" | "tur" | "rus"
    );
    let (thousands, decimal) = if comma_decimal {
        ('.', ',')
    } else {
        (',', '.')
    };
    let cleaned: String = s
        .chars()
        .filter(|&c| c != thousands)
        .map(|c| if c == decimal { '.' } else { c })
        .collect();
    if cleaned.matches('.').count() > 1 {
        return None;
    }
    cleaned.parse().ok()
}

/// A plain decimal rendering of an amount (`1200000000`, `3.5`).
pub fn format_amount(x: f64) -> String {
    if (x - x.round()).abs() < 1e-6 && x.abs() < 1e15 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

struct Scan<'a> {
    text: &'a str,
    toks: &'a [NerToken],
    covered: &'a [bool],
    lang: &'a str,
    published: Option<Ymd>,
}

impl Scan<'_> {
    fn s(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| &self.text[t.start..t.end])
    }
    fn lower(&self, i: usize) -> String {
        crate::normalize::lower(self.s(i))
    }
    fn free(&self, i: usize) -> bool {
        i < self.toks.len() && !self.covered[i]
    }
    fn same_sentence(&self, a: usize, b: usize) -> bool {
        b < self.toks.len() && self.toks[a].sentence == self.toks[b].sentence
    }
    /// No white space between tokens `i` and `i + 1`.
    fn glued(&self, i: usize) -> bool {
        i + 1 < self.toks.len() && self.toks[i].end == self.toks[i + 1].start
    }
    fn number(&self, i: usize) -> Option<f64> {
        if !self.free(i) || self.toks[i].kind != TokenKind::Number {
            return None;
        }
        parse_number(self.s(i), self.lang)
    }
    /// A number with an optional scale word; returns (value, tokens used).
    fn amount(&self, i: usize) -> Option<(f64, usize)> {
        if let Some(x) = self.number(i) {
            if self.free(i + 1)
                && self.same_sentence(i, i + 1)
                && let Some(k) = scale_word(&self.lower(i + 1))
                && (self.lower(i + 1).len() > 2 || self.glued(i))
            {
                return Some((x * k, 2));
            }
            return Some((x, 1));
        }
        // `5bn`, `1.2m` as one token
        if self.free(i) && self.toks[i].kind == TokenKind::Word {
            let s = self.s(i);
            let cut = s.find(|c: char| c.is_alphabetic())?;
            if cut == 0 {
                return None;
            }
            let x = parse_number(&s[..cut], self.lang)?;
            let k = scale_word(&s[cut..].to_lowercase())?;
            return Some((x * k, 1));
        }
        None
    }

    /// A cheap test: can a rule mention start at token `i`?
    fn may_start(&self, i: usize) -> bool {
        let s = self.s(i);
        match self.toks[i].kind {
            TokenKind::Number | TokenKind::Symbol => true,
            TokenKind::Word => {
                let c = s.chars().next().unwrap_or(' ');
                c.is_uppercase()
                    || c.is_ascii_digit()
                    || matches!(
                        s,
                        "yesterday"
                            | "today"
                            | "tomorrow"
                            | "last"
                            | "next"
                            | "this"
                            | "past"
                            | "noon"
                            | "midnight"
                    )
                    || (self.lang != "eng" && meta::month(&self.lower(i)).is_some())
            }
            _ => false,
        }
    }

    fn at(&self, i: usize) -> Option<RuleMention> {
        if !self.may_start(i) {
            return None;
        }
        self.money(i)
            .or_else(|| self.percent(i))
            .or_else(|| self.time(i))
            .or_else(|| self.date(i))
            .or_else(|| self.quantity(i))
    }

    fn mention(
        &self,
        start: usize,
        end: usize,
        label: &'static str,
        value: String,
    ) -> Option<RuleMention> {
        (start < end
            && end <= self.toks.len()
            && (start..end).all(|k| !self.covered[k])
            && self.toks[start].sentence == self.toks[end - 1].sentence)
            .then_some(RuleMention {
                start,
                end,
                label,
                value,
            })
    }

    fn money(&self, i: usize) -> Option<RuleMention> {
        let s = self.s(i);
        // US$ 5, HK$5
        if self.glued(i)
            && self.s(i + 1) == "$"
            && let Some(cur) = dollar_prefix(s)
            && let Some((x, n)) = self.amount(i + 2)
        {
            return self.mention(i, i + 2 + n, "MONEY", format!("{} {cur}", format_amount(x)));
        }
        if let Some(cur) = currency_symbol(s)
            && let Some((x, n)) = self.amount(i + 1)
        {
            return self.mention(i, i + 1 + n, "MONEY", format!("{} {cur}", format_amount(x)));
        }
        // USD 30 million
        if s.len() == 3
            && s.bytes().all(|b| b.is_ascii_uppercase())
            && let Some(cur) = currency_word(&s.to_ascii_lowercase())
            && let Some((x, n)) = self.amount(i + 1)
        {
            return self.mention(i, i + 1 + n, "MONEY", format!("{} {cur}", format_amount(x)));
        }
        // 5 million euros
        let (x, n) = self.amount(i)?;
        let j = i + n;
        if self.free(j) && self.same_sentence(i, j) {
            let w = self.lower(j);
            if let Some(cur) = currency_word(&w) {
                return self.mention(i, j + 1, "MONEY", format!("{} {cur}", format_amount(x)));
            }
            // 5 US dollars, 10 Swiss francs
            if self.free(j + 1) && self.same_sentence(j, j + 1) {
                let cur = match (w.as_str(), self.lower(j + 1).as_str()) {
                    ("us" | "u.s." | "american", "dollars" | "dollar") => Some("USD"),
                    ("hong", "kong") => None,
                    ("swiss", "francs" | "franc") => Some("CHF"),
                    ("french", "francs" | "franc") => Some("FRF"),
                    ("canadian", "dollars" | "dollar") => Some("CAD"),
                    ("australian", "dollars" | "dollar") => Some("AUD"),
                    ("hong kong", _) => None,
                    _ => None,
                };
                if let Some(cur) = cur {
                    return self.mention(i, j + 2, "MONEY", format!("{} {cur}", format_amount(x)));
                }
            }
        }
        None
    }

    fn percent(&self, i: usize) -> Option<RuleMention> {
        let (x, n) = self.amount(i)?;
        let j = i + n;
        if !self.free(j) || !self.same_sentence(i, j) {
            return None;
        }
        let w = self.lower(j);
        let used = match w.as_str() {
            "%" | "percent" | "pct" | "procent" | "prozent" | "porcentaje" => 1,
            "per" | "pour" | "por" | "pro"
                if matches!(self.lower(j + 1).as_str(), "cent" | "ciento" | "cento")
                    && self.free(j + 1) =>
            {
                2
            }
            _ => return None,
        };
        self.mention(i, j + used, "PERCENT", format_amount(x))
    }

    fn quantity(&self, i: usize) -> Option<RuleMention> {
        let (x, n) = self.amount(i)?;
        let j = i + n;
        if !self.free(j) || !self.same_sentence(i, j) {
            return None;
        }
        let w = self.lower(j);
        if matches!(w.as_str(), "square" | "sq" | "cubic")
            && self.free(j + 1)
            && let Some(u) = unit(&self.lower(j + 1))
        {
            let suffix = if w == "cubic" { "3" } else { "2" };
            return self.mention(
                i,
                j + 2,
                "QUANTITY",
                format!("{} {u}{suffix}", format_amount(x)),
            );
        }
        let u = unit(&w)?;
        // `5 m` is metres only after a number, never `$5 m` (money is tried first)
        self.mention(i, j + 1, "QUANTITY", format!("{} {u}", format_amount(x)))
    }

    fn time(&self, i: usize) -> Option<RuleMention> {
        if self.lang != "eng" && !matches!(self.s(i).as_bytes().first(), Some(b'0'..=b'9')) {
            return None;
        }
        let ampm = |w: &str| match w {
            "a.m." | "am" | "a.m" => Some(0),
            "p.m." | "pm" | "p.m" => Some(12),
            _ => None,
        };
        let tz = |w: &str| {
            matches!(
                w,
                "GMT"
                    | "UTC"
                    | "EST"
                    | "EDT"
                    | "ET"
                    | "PST"
                    | "PDT"
                    | "CET"
                    | "CEST"
                    | "BST"
                    | "JST"
            )
        };
        let s = self.s(i);
        let lw = self.lower(i);
        if self.lang == "eng" && matches!(lw.as_str(), "noon" | "midnight") && self.free(i) {
            let v = if lw == "noon" { "12:00" } else { "00:00" };
            return self.mention(i, i + 1, "TIME", v.into());
        }
        // 3pm, 11am as one token
        if self.free(i) && self.toks[i].kind == TokenKind::Word {
            let cut = s.find(|c: char| !c.is_ascii_digit())?;
            let h: u32 = s[..cut].parse().ok()?;
            let add = ampm(&s[cut..].to_lowercase())?;
            if (1..=12).contains(&h) {
                let end = if tz(self.s(i + 1)) && self.free(i + 1) {
                    i + 2
                } else {
                    i + 1
                };
                return self.mention(i, end, "TIME", format!("{:02}:00", h % 12 + add));
            }
            return None;
        }
        if !self.free(i) || self.toks[i].kind != TokenKind::Number || s.len() > 2 {
            return None;
        }
        let h: u32 = s.parse().ok()?;
        let (mut m, mut j) = (0u32, i + 1);
        if self.glued(i) && self.s(i + 1) == ":" && self.glued(i + 1) {
            let ms = self.s(i + 2);
            if ms.len() == 2 && ms.bytes().all(|b| b.is_ascii_digit()) && self.free(i + 2) {
                m = ms.parse().ok()?;
                j = i + 3;
            }
        }
        let add = if self.free(j) && self.same_sentence(i, j) {
            ampm(&self.lower(j))
        } else {
            None
        };
        let (hour, end) = match add {
            Some(a) if (1..=12).contains(&h) => (h % 12 + a, j + 1),
            Some(_) => return None,
            None if j > i + 1 && h < 24 && m < 60 => (h, j),
            None => return None,
        };
        if m >= 60 {
            return None;
        }
        let end = if self.free(end) && tz(self.s(end)) && self.same_sentence(i, end) {
            end + 1
        } else {
            end
        };
        self.mention(i, end, "TIME", format!("{hour:02}:{m:02}"))
    }

    fn month_at(&self, i: usize) -> Option<(u32, bool)> {
        if !self.free(i) || self.toks[i].kind != TokenKind::Word {
            return None;
        }
        let s = self.s(i);
        let abbreviated = s.ends_with('.');
        let lw = self.lower(i);
        let m = meta::month(lw.trim_end_matches('.'))?;
        if self.lang == "eng" && !s.chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        Some((m, abbreviated || !full_month(&lw)))
    }

    fn resolve_md(&self, m: u32, d: u32) -> String {
        match self.published {
            Some(p) => {
                let mut y = p.y;
                if let Some(date) = meta::iso(y, m, d).and_then(|s| Ymd::parse(&s))
                    && date.days() > p.days() + 61
                {
                    y -= 1;
                }
                meta::iso(y, m, d).unwrap_or_default()
            }
            None => format!("XXXX-{m:02}-{d:02}"),
        }
    }

    fn date(&self, i: usize) -> Option<RuleMention> {
        let s = self.s(i);
        // 2023-08-02
        if self.free(i) && self.toks[i].kind == TokenKind::Number {
            if let Some(d) = Ymd::parse(s).filter(|_| s.len() == 10) {
                return self.mention(i, i + 1, "DATE", d.iso());
            }
            // 01/24/2001 (English month first), 24/01/2001 elsewhere
            let parts: Vec<&str> = s.split('/').collect();
            if parts.len() == 3
                && let (Ok(a), Ok(b), Some(y)) = (
                    parts[0].parse::<u32>(),
                    parts[1].parse::<u32>(),
                    meta::year(parts[2]),
                )
            {
                let (m, d) = if self.lang == "eng" { (a, b) } else { (b, a) };
                if let Some(v) = meta::iso(y, m, d) {
                    return self.mention(i, i + 1, "DATE", v);
                }
            }
        }
        // Month D(, YYYY) / Month YYYY / Month
        if let Some((m, abbreviated)) = self.month_at(i) {
            let j = i + 1;
            if self.free(j) && self.same_sentence(i, j) {
                if let Some(d) = meta::day(self.s(j))
                    .filter(|_| self.toks[j].kind != TokenKind::Word || self.s(j).len() <= 4)
                {
                    // optional comma and year
                    let mut k = j + 1;
                    if self.s(k) == "," {
                        k += 1;
                    }
                    if self.free(k)
                        && self.same_sentence(i, k)
                        && let Some(y) = meta::year(self.s(k))
                    {
                        return self.mention(i, k + 1, "DATE", meta::iso(y, m, d)?);
                    }
                    if meta::year(self.s(j)).is_none() {
                        return self.mention(i, j + 1, "DATE", self.resolve_md(m, d));
                    }
                }
                let mut k = j;
                if matches!(self.lower(k).as_str(), "de" | "del" | ",") {
                    k += 1;
                }
                if self.free(k)
                    && self.same_sentence(i, k)
                    && let Some(y) = meta::year(self.s(k))
                {
                    return self.mention(i, k + 1, "DATE", format!("{y:04}-{m:02}"));
                }
            }
            if !abbreviated {
                let prev = if i > 0 && self.same_sentence(i - 1, i) {
                    self.lower(i - 1)
                } else {
                    String::new()
                };
                let lw = self.lower(i);
                let ambiguous = matches!(lw.as_str(), "may" | "mai" | "mars" | "march");
                if !ambiguous || DATE_PREPS.contains(&prev.as_str()) {
                    let v = match self.published {
                        Some(p) => format!("{:04}-{m:02}", if m > p.m { p.y - 1 } else { p.y }),
                        None => format!("XXXX-{m:02}"),
                    };
                    return self.mention(i, i + 1, "DATE", v);
                }
            }
            return None;
        }
        // D Month (YYYY), D de Month de YYYY, D. Month YYYY
        if self.free(i)
            && let Some(d) = meta::day(s)
            && meta::year(s).is_none()
        {
            let mut j = i + 1;
            if self.lower(j) == "de" || self.lower(j) == "of" {
                j += 1;
            }
            if let Some((m, _)) = self.month_at(j).filter(|_| self.same_sentence(i, j)) {
                let mut k = j + 1;
                if matches!(self.lower(k).as_str(), "de" | "del" | ",") {
                    k += 1;
                }
                if self.free(k)
                    && self.same_sentence(i, k)
                    && let Some(y) = meta::year(self.s(k))
                {
                    return self.mention(i, k + 1, "DATE", meta::iso(y, m, d)?);
                }
                return self.mention(i, j + 1, "DATE", self.resolve_md(m, d));
            }
        }
        // a bare year after a preposition: in 2019
        if self.free(i)
            && self.toks[i].kind == TokenKind::Number
            && let Some(y) = meta::year(s)
            && (1900..=2100).contains(&y)
            && i > 0
            && self.same_sentence(i - 1, i)
            && DATE_PREPS.contains(&self.lower(i - 1).as_str())
        {
            return self.mention(i, i + 1, "DATE", format!("{y:04}"));
        }
        if self.lang != "eng" || !self.free(i) {
            return None;
        }
        let lw = self.lower(i);
        let p = self.published;
        // yesterday, today, tomorrow
        let shift = match lw.as_str() {
            "yesterday" => Some(-1),
            "today" => Some(0),
            "tomorrow" => Some(1),
            _ => None,
        };
        if let Some(k) = shift {
            let v = p.map_or(String::new(), |p| Ymd::from_days(p.days() + k).iso());
            return self.mention(i, i + 1, "DATE", v);
        }
        // Tuesday: the latest such day on or before publication, or the next one after it when
        // the sentence speaks of the future (`will reopen on Thursday`)
        if let Some(wd) = WEEKDAYS.iter().position(|w| *w == lw)
            && s.chars().next().is_some_and(char::is_uppercase)
        {
            let future = (i.saturating_sub(8)..i).any(|k| {
                self.same_sentence(k, i)
                    && matches!(
                        self.lower(k).as_str(),
                        "will"
                            | "would"
                            | "'ll"
                            | "’ll"
                            | "shall"
                            | "next"
                            | "due"
                            | "scheduled"
                            | "expected"
                            | "plans"
                            | "until"
                    )
            });
            let v = p.map_or(String::new(), |p| {
                if future {
                    let ahead = (wd as i64 - p.weekday() as i64 - 1).rem_euclid(7) + 1;
                    Ymd::from_days(p.days() + ahead).iso()
                } else {
                    let back = (p.weekday() as i64 - wd as i64).rem_euclid(7);
                    Ymd::from_days(p.days() - back).iso()
                }
            });
            return self.mention(i, i + 1, "DATE", v);
        }
        // last/next/this/past week, month, year
        if matches!(lw.as_str(), "last" | "next" | "this" | "past")
            && self.free(i + 1)
            && self.same_sentence(i, i + 1)
        {
            let unit = self.lower(i + 1);
            if !matches!(unit.as_str(), "week" | "month" | "year") {
                return None;
            }
            let k: i64 = match lw.as_str() {
                "last" | "past" => -1,
                "next" => 1,
                _ => 0,
            };
            let v = p.map_or(String::new(), |p| match unit.as_str() {
                "week" => Ymd::from_days(p.days() + 7 * k).iso_week(),
                "month" => {
                    let total = p.y as i64 * 12 + (p.m as i64 - 1) + k;
                    format!(
                        "{:04}-{:02}",
                        total.div_euclid(12),
                        total.rem_euclid(12) + 1
                    )
                }
                _ => format!("{:04}", p.y as i64 + k),
            });
            return self.mention(i, i + 2, "DATE", v);
        }
        None
    }
}

/// Rule mentions over tokens not `covered` by named entities.
pub fn find(
    text: &str,
    toks: &[NerToken],
    covered: &[bool],
    lang: &str,
    published: Option<&str>,
) -> Vec<RuleMention> {
    let scan = Scan {
        text,
        toks,
        covered,
        lang,
        published: published.and_then(Ymd::parse),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !covered[i]
            && let Some(m) = scan.at(i)
        {
            i = m.end;
            out.push(m);
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, value) of every rule mention.
    fn run(text: &str, lang: &str, published: Option<&str>) -> Vec<(String, &'static str, String)> {
        let seg = crate::segment::segment(text, lang);
        let toks = super::super::tokens::ner_tokens(text, &seg);
        let covered = vec![false; toks.len()];
        find(text, &toks, &covered, lang, published)
            .into_iter()
            .map(|m| {
                (
                    text[toks[m.start].start..toks[m.end - 1].end].to_string(),
                    m.label,
                    m.value,
                )
            })
            .collect()
    }

    fn check(text: &str, lang: &str, published: Option<&str>, want: &[(&str, &str, &str)]) {
        let got = run(text, lang, published);
        let want: Vec<(String, &str, String)> = want
            .iter()
            .map(|(a, b, c)| (a.to_string(), *b, c.to_string()))
            .collect();
        assert_eq!(got, want, "{text:?}");
    }

    const PUB: Option<&str> = Some("2023-08-02");

    #[test]
    fn dates() {
        check(
            "Published: August 2, 2023",
            "eng",
            None,
            &[("August 2, 2023", "DATE", "2023-08-02")],
        );
        check(
            "issued on Aug. 1, the program",
            "eng",
            PUB,
            &[("Aug. 1", "DATE", "2023-08-01")],
        );
        check(
            "in a July 31 tweet",
            "eng",
            PUB,
            &[("July 31", "DATE", "2023-07-31")],
        );
        check(
            "enacted in July.",
            "eng",
            PUB,
            &[("July", "DATE", "2023-07")],
        );
        check(
            "Pharma in March.",
            "eng",
            PUB,
            &[("March", "DATE", "2023-03")],
        );
        check(
            "Since September 2020, he",
            "eng",
            PUB,
            &[("September 2020", "DATE", "2020-09")],
        );
        check(
            "Last month, the minister",
            "eng",
            PUB,
            &[("Last month", "DATE", "2023-07")],
        );
        check(
            "on Aug. 1 and December 20",
            "eng",
            None,
            &[
                ("Aug. 1", "DATE", "XXXX-08-01"),
                ("December 20", "DATE", "XXXX-12-20"),
            ],
        );
        check(
            "on December 20",
            "eng",
            PUB,
            &[("December 20", "DATE", "2022-12-20")],
        );
        check(
            "said on Tuesday",
            "eng",
            PUB,
            &[("Tuesday", "DATE", "2023-08-01")],
        );
        check(
            "yesterday and next week",
            "eng",
            PUB,
            &[
                ("yesterday", "DATE", "2023-08-01"),
                ("next week", "DATE", "2023-W32"),
            ],
        );
        check(
            "in 2019 he had 2019 cats",
            "eng",
            None,
            &[("2019", "DATE", "2019")],
        );
        check(
            "el 2 de agosto de 2023 en Madrid",
            "spa",
            None,
            &[("2 de agosto de 2023", "DATE", "2023-08-02")],
        );
        check(
            "op 3 mei 2021",
            "nld",
            None,
            &[("3 mei 2021", "DATE", "2021-05-03")],
        );
        check(
            "on 2023-08-02 and 01/24/2001",
            "eng",
            None,
            &[
                ("2023-08-02", "DATE", "2023-08-02"),
                ("01/24/2001", "DATE", "2001-01-24"),
            ],
        );
        check("You may go. May I?", "eng", PUB, &[]);
        check("the mar was calm", "spa", None, &[]);
    }

    #[test]
    fn money_percent_quantity_time() {
        check(
            "a $1.2 billion deal",
            "eng",
            None,
            &[("$1.2 billion", "MONEY", "1200000000 USD")],
        );
        check(
            "fined €300 today",
            "eng",
            None,
            &[("€300", "MONEY", "300 EUR"), ("today", "DATE", "")],
        );
        check(
            "paid US$5 million",
            "eng",
            None,
            &[("US$5 million", "MONEY", "5000000 USD")],
        );
        check(
            "5 million euros and 10 Swiss francs",
            "eng",
            None,
            &[
                ("5 million euros", "MONEY", "5000000 EUR"),
                ("10 Swiss francs", "MONEY", "10 CHF"),
            ],
        );
        check(
            "£3.5bn",
            "eng",
            None,
            &[("£3.5bn", "MONEY", "3500000000 GBP")],
        );
        check(
            "rose 3.5% or 12 percent",
            "eng",
            None,
            &[("3.5%", "PERCENT", "3.5"), ("12 percent", "PERCENT", "12")],
        );
        check(
            "subió un 3,5 por ciento",
            "spa",
            None,
            &[("3,5 por ciento", "PERCENT", "3.5")],
        );
        check(
            "a 120 km road and 30 square kilometres",
            "eng",
            None,
            &[
                ("120 km", "QUANTITY", "120 km"),
                ("30 square kilometres", "QUANTITY", "30 km2"),
            ],
        );
        check(
            "5,000 tonnes",
            "eng",
            None,
            &[("5,000 tonnes", "QUANTITY", "5000 t")],
        );
        check(
            "at 10:30 and 3 p.m. GMT and 11am",
            "eng",
            None,
            &[
                ("10:30", "TIME", "10:30"),
                ("3 p.m. GMT", "TIME", "15:00"),
                ("11am", "TIME", "11:00"),
            ],
        );
        check("the score was 2-1", "eng", None, &[]);
    }

    #[test]
    fn calendar() {
        let d = Ymd {
            y: 2023,
            m: 8,
            d: 2,
        };
        assert_eq!(d.weekday(), 2); // Wednesday
        assert_eq!(Ymd::from_days(d.days()), d);
        assert_eq!(
            Ymd {
                y: 1970,
                m: 1,
                d: 1
            }
            .days(),
            0
        );
        assert_eq!(
            Ymd {
                y: 2021,
                m: 1,
                d: 3
            }
            .iso_week(),
            "2020-W53"
        );
        assert_eq!(format_amount(1.2e9), "1200000000");
        assert_eq!(format_amount(3.25), "3.25");
        assert_eq!(parse_number("1,200.5", "eng"), Some(1200.5));
        assert_eq!(parse_number("1.200,5", "spa"), Some(1200.5));
        assert_eq!(parse_number("1.2.3", "eng"), None);
    }
}
