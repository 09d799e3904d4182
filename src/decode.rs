//! Decode: raw bytes of one input file to text.
//!
//! Takes the bytes of a file; gives a `String` plus the name of the encoding used and, when the
//! bytes were not clean UTF-8, a warning. UTF-8 (a byte-order mark is dropped) and UTF-16 with a
//! byte-order mark are decoded exactly; UTF-16 without a mark is recognised by its zero bytes;
//! anything else is decoded as Windows-1252 (a superset of Latin-1's printable range) with a
//! warning. Binary files (NUL bytes or a known binary signature near the start, or mostly control
//! characters) and empty files are refused with a reason. Does no I/O.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How far into a file we look for signs of binary content.
const SNIFF: usize = 8192;

/// Text decoded from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded text. Offsets in every output refer to this string.
    pub text: String,
    /// `utf-8`, `utf-16le`, `utf-16be` or `windows-1252`.
    pub encoding: &'static str,
    /// Set when the input was repaired on the way (not UTF-8, invalid sequences).
    pub warning: Option<String>,
}

/// Why a file could not be decoded as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// No bytes, or only white space.
    Empty,
    /// Looks like binary data; the string says why.
    Binary(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Empty => f.write_str("empty file (no text); nothing to analyse"),
            DecodeError::Binary(why) => write!(
                f,
                "binary file ({why}); skipped: only plain text, JSONL and CSV are read"
            ),
        }
    }
}

/// Known binary formats, by their first bytes.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "a PDF document; extract its text first"),
    (
        b"PK\x03\x04",
        "a ZIP archive or Office document; unpack or export it as text",
    ),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"\x1F\x8B", "a gzip archive; decompress it first"),
    (b"\x7FELF", "an executable"),
];

/// What binary data `bytes` start like (a PDF, an image, an archive, or a NUL byte where text
/// has none), or `None` for what may be text. Web pages are checked with it before they are
/// parsed.
pub fn binary(bytes: &[u8]) -> Option<String> {
    if let Some((_, what)) = SIGNATURES.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some((*what).to_string());
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return None;
    }
    let head = &bytes[..bytes.len().min(SNIFF)];
    match head.iter().position(|&b| b == 0) {
        Some(at) if sniff_utf16(head).is_none() => Some(format!("NUL byte at offset {at}")),
        _ => None,
    }
}

/// Decodes one file's bytes. See the module docs for the rules.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    for (magic, what) in SIGNATURES {
        if bytes.starts_with(magic) {
            return Err(DecodeError::Binary((*what).to_string()));
        }
    }
    let decoded = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8(rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, true, None)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, false, None)
    } else {
        let head = &bytes[..bytes.len().min(SNIFF)];
        if head.contains(&0) {
            match sniff_utf16(head) {
                Some(little) => utf16(
                    bytes,
                    little,
                    Some("UTF-16 without a byte-order mark; decoded by its zero bytes"),
                ),
                None => {
                    let at = head.iter().position(|&b| b == 0).unwrap_or(0);
                    return Err(DecodeError::Binary(format!("NUL byte at offset {at}")));
                }
            }
        } else {
            utf8(bytes)
        }
    };
    if decoded.text.chars().all(char::is_whitespace) {
        return Err(DecodeError::Empty);
    }
    if mostly_control(&decoded.text) {
        return Err(DecodeError::Binary("mostly control characters".to_string()));
    }
    Ok(decoded)
}

/// Decodes text that claims to be UTF-8: exact when valid, else Windows-1252.
fn utf8(bytes: &[u8]) -> Decoded {
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_string(),
            encoding: "utf-8",
            warning: None,
        },
        Err(e) => {
            // without BOM sniffing: these bytes were found not to be UTF-8 (their own BOM, if any,
            // is already stripped), so a following `FF FE` is two Windows-1252 letters
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                encoding: "windows-1252",
                warning: Some(format!(
                    "not valid UTF-8 (first bad byte at offset {}); decoded as Windows-1252 — \
                     re-save the file as UTF-8 if accents look wrong",
                    e.valid_up_to()
                )),
            }
        }
    }
}

fn utf16(bytes: &[u8], little: bool, note: Option<&str>) -> Decoded {
    let (enc, name) = if little {
        (UTF_16LE, "utf-16le")
    } else {
        (UTF_16BE, "utf-16be")
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let mut warning = note.map(str::to_string);
    if had_errors {
        warning = Some(format!(
            "{}invalid UTF-16 sequences replaced by U+FFFD",
            warning.map(|w| w + "; ").unwrap_or_default()
        ));
    }
    Decoded {
        text: text.into_owned(),
        encoding: name,
        warning,
    }
}

/// UTF-16 text without a byte-order mark has a zero byte in most ASCII code units: at odd
/// offsets for little-endian, even for big-endian. Returns `Some(little_endian)` when the zero
/// bytes sit clearly on one side.
fn sniff_utf16(head: &[u8]) -> Option<bool> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even += (pair[0] == 0) as usize;
        odd += (pair[1] == 0) as usize;
    }
    if odd * 10 >= pairs * 3 && even * 20 <= pairs {
        Some(true)
    } else if even * 10 >= pairs * 3 && odd * 20 <= pairs {
        Some(false)
    } else {
        None
    }
}

/// More than one in ten of the first characters are control characters other than white space.
fn mostly_control(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(SNIFF) {
        total += 1;
        if c.is_control() && !c.is_whitespace() {
            control += 1;
        }
    }
    control * 10 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8], text: &str, encoding: &str, warned: bool) {
        let d = decode(bytes).unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.encoding, encoding);
        assert_eq!(d.warning.is_some(), warned, "{:?}", d.warning);
    }

    #[test]
    fn windows_1252_never_sniffs_a_second_bom() {
        // UTF-8 BOM, then bytes that are not UTF-8 and begin like a UTF-16 BOM
        check(
            b"\xEF\xBB\xBF\xFF\xFEcaf\xE9 au lait",
            "ÿþcafé au lait",
            "windows-1252",
            true,
        );
    }

    fn utf16_bytes(s: &str, little: bool) -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| {
                if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn encodings() {
        check(b"hello", "hello", "utf-8", false);
        check(b"\xEF\xBB\xBFhello", "hello", "utf-8", false);
        check("Zürich".as_bytes(), "Zürich", "utf-8", false);
        check(b"Z\xFCrich caf\xE9", "Zürich café", "windows-1252", true);
        check(
            b"\x93quoted\x94",
            "\u{201C}quoted\u{201D}",
            "windows-1252",
            true,
        );
        let mut le = vec![0xFF, 0xFE];
        le.extend(utf16_bytes("Grüße", true));
        check(&le, "Grüße", "utf-16le", false);
        let mut be = vec![0xFE, 0xFF];
        be.extend(utf16_bytes("Grüße", false));
        check(&be, "Grüße", "utf-16be", false);
        check(
            &utf16_bytes("plain old text", true),
            "plain old text",
            "utf-16le",
            true,
        );
        check(
            &utf16_bytes("plain old text", false),
            "plain old text",
            "utf-16be",
            true,
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n\t \r\n"), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"%PDF-1.7\n..."),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n"),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(
            decode(b"abc\x00\x01\x02\x03def\x00\x00\x07"),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(
            decode(b"\x01\x02\x03\x04\x05\x06abc"),
            Err(DecodeError::Binary(_))
        ));
    }
}
