//! Bytes → text. Archives hold files saved by every editor there is: BOMs,
//! UTF-16, windows-1252 and UTF-8 that went through windows-1252 once
//! (mojibake). Decoding never fails and keeps one output line per source
//! line, so every later diagnostic points at the right place.

use crate::diagnostics::Diagnostic;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The text of one file, with what was done to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Bytes of one file → text with LF line endings. Never fails.
pub fn decode(bytes: &[u8]) -> Decoded {
    let mut diagnostics = Vec::new();
    let raw = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8_or_1252(rest, &mut diagnostics)
    } else if let Some((encoding, rest)) = utf16(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(rest);
        let mut message = format!("decoded {} file", encoding.name());
        if had_errors {
            message.push_str("; broken code units were replaced with U+FFFD");
        }
        // An odd byte count means the units are misaligned somewhere: the
        // text after it may read as other characters, a loss a reader must
        // be told of.
        let odd = !rest.len().is_multiple_of(2);
        if odd {
            message.push_str("; an odd number of bytes, so part of the text may be garbled");
        }
        let diagnostic = match had_errors || odd {
            true => Diagnostic::warning("utf16", 0, message),
            false => Diagnostic::info("utf16", 0, message),
        };
        diagnostics.push(diagnostic.with_help("save the file as UTF-8"));
        text.into_owned()
    } else {
        utf8_or_1252(bytes, &mut diagnostics)
    };
    // CRLF first, so that it counts as one line break like a lone CR does.
    let text = if raw.contains('\r') { raw.replace("\r\n", "\n").replace('\r', "\n") } else { raw };
    let text = repair_mojibake(text, &mut diagnostics);
    Decoded { text, diagnostics }
}

/// UTF-16 by its BOM, or without one when every other byte is NUL (text
/// that is mostly ASCII, as reports are).
fn utf16(bytes: &[u8]) -> Option<(&'static Encoding, &[u8])> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Some((UTF_16LE, rest));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Some((UTF_16BE, rest));
    }
    // Most files have no NUL at all: one fast search before counting them.
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) || !bytes.contains(&0) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let nul_at = |parity: usize| bytes.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
    let (even, odd) = (nul_at(0), nul_at(1));
    if odd * 10 >= pairs * 9 && even == 0 {
        Some((UTF_16LE, bytes))
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some((UTF_16BE, bytes))
    } else {
        None
    }
}

/// Valid UTF-8 stays as it is; each byte that is not valid UTF-8 is read as
/// windows-1252, the usual encoding of such files. Reading only the bad
/// bytes that way keeps a mostly-UTF-8 file with one stray byte intact.
fn utf8_or_1252(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> String {
    let first_bad = match std::str::from_utf8(bytes) {
        Ok(text) => return text.to_owned(),
        Err(e) => e.valid_up_to(),
    };
    let line = line_of_byte(bytes, first_bad);
    diagnostics.push(
        Diagnostic::warning(
            "not-utf8",
            line,
            "the file is not valid UTF-8; bytes that are not were read as windows-1252",
        )
        .with_help("save the file as UTF-8"),
    );
    let mut text = String::with_capacity(bytes.len() + 16);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        let (invalid, _) = WINDOWS_1252.decode_without_bom_handling(chunk.invalid());
        text.push_str(&invalid);
    }
    text
}

/// 1-based line of byte `pos`, counting CRLF, LF and lone CR as one break.
fn line_of_byte(bytes: &[u8], pos: usize) -> u32 {
    let head = &bytes[..pos.min(bytes.len())];
    let mut breaks = 0u32;
    for (i, b) in head.iter().enumerate() {
        let lone_cr = *b == b'\r' && head.get(i + 1) != Some(&b'\n');
        if *b == b'\n' || lone_cr {
            breaks = breaks.saturating_add(1);
        }
    }
    breaks.saturating_add(1)
}

/// The windows-1252 byte that decodes to `c`. C1 controls (U+0080–U+009F)
/// map to themselves: they are the five bytes windows-1252 leaves undefined,
/// or what a Latin-1 reader made of the others, never real text.
fn cp1252_byte(c: char) -> Option<u8> {
    let b = match c {
        '\u{0}'..='\u{FF}' => c as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(b)
}

/// If `chars` starts with a lead char and its continuation chars whose
/// windows-1252 bytes form exactly one UTF-8 character, that character and
/// how many chars it replaces.
fn mojibake_at(chars: &[char]) -> Option<(char, usize)> {
    let lead = cp1252_byte(*chars.first()?)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let mut buf = [lead, 0, 0, 0];
    for (slot, c) in buf[1..len].iter_mut().zip(chars.get(1..len)?) {
        *slot = cp1252_byte(*c).filter(|b| (0x80..=0xBF).contains(b))?;
    }
    let fixed = std::str::from_utf8(&buf[..len]).ok()?.chars().next()?;
    // IPA letters, spacing modifiers and combining marks are almost never
    // meant; their mojibake (`É` + NBSP) is mostly real French typography.
    if len == 2 && ('\u{0250}'..='\u{036F}').contains(&fixed) {
        return None;
    }
    Some((fixed, len))
}

/// One pass of mojibake repair over a line: the new line and the spans
/// (char column, text) that were replaced, adjacent repairs merged.
fn repair_line(line: &str) -> (String, Vec<(usize, String)>) {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut spans: Vec<(usize, String)> = Vec::new();
    let mut last_fixed_end = usize::MAX;
    let mut i = 0;
    while i < chars.len() {
        let Some((fixed, len)) = mojibake_at(&chars[i..]) else {
            out.push(chars[i]);
            i += 1;
            continue;
        };
        let before = chars[i..i + len].iter();
        match spans.last_mut() {
            Some(span) if last_fixed_end == i => span.1.extend(before),
            _ => spans.push((i, before.collect())),
        }
        out.push(fixed);
        i += len;
        last_fixed_end = i;
    }
    (out, spans)
}

/// Repeats the pass: text read the wrong way twice needs two.
fn fully_repaired(s: &str) -> String {
    let mut current = s.to_owned();
    for _ in 0..3 {
        let (next, spans) = repair_line(&current);
        if spans.is_empty() {
            break;
        }
        current = next;
    }
    current
}

/// At most `max` chars of `s`, for messages about huge lines.
fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

/// Repairs mojibake line by line, with one info diagnostic per changed line.
fn repair_mojibake(text: String, diagnostics: &mut Vec<Diagnostic>) -> String {
    // Every lead char (U+00C2–U+00F4) is encoded with a 0xC3 byte: without
    // one, there is nothing to repair.
    if !text.as_bytes().contains(&0xC3) {
        return text;
    }
    let mut lines = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let fixed = if line.is_ascii() { line.to_owned() } else { fully_repaired(line) };
        if fixed != line {
            let (_, spans) = repair_line(line);
            let shown: Vec<String> = spans
                .iter()
                .take(3)
                .map(|(_, s)| format!("`{}` → `{}`", clip(s, 40), clip(&fully_repaired(s), 40)))
                .collect();
            let mut message = format!("repaired mojibake {}", shown.join(", "));
            if spans.len() > 3 {
                message.push_str(&format!(" and {} more", spans.len() - 3));
            }
            let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let column = spans.first().map_or(0, |s| s.0 + 1);
            diagnostics.push(
                Diagnostic::info("mojibake", line_no, message)
                    .at_column(u32::try_from(column).unwrap_or(u32::MAX))
                    .with_help("save the file as UTF-8 from an editor that reads it as UTF-8"),
            );
        }
        lines.push(fixed);
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn text(bytes: &[u8]) -> String {
        decode(bytes).text
    }

    #[test]
    fn strips_utf8_bom() {
        let d = decode(b"\xEF\xBB\xBF# Title\n");
        assert_eq!(d.text, "# Title\n");
        assert!(d.diagnostics.is_empty());
    }

    #[test]
    fn decodes_utf16_by_bom() {
        let le: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("# Hé\r\nx".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("# Hé\nx".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        for bytes in [le, be] {
            let d = decode(&bytes);
            assert_eq!(d.text, "# Hé\nx");
            assert_eq!(d.diagnostics.len(), 1);
            assert_eq!((d.diagnostics[0].code, d.diagnostics[0].severity), ("utf16", Severity::Info));
        }
    }

    #[test]
    fn broken_or_misaligned_utf16_is_a_warning() {
        let mut odd: Vec<u8> = vec![0xFF, 0xFE, 0x41];
        odd.extend("# Title\nbody".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&odd);
        assert_eq!((d.diagnostics[0].code, d.diagnostics[0].severity), ("utf16", Severity::Warning));
        assert!(d.diagnostics[0].message.contains("garbled"), "{}", d.diagnostics[0].message);
        let lone_surrogate: Vec<u8> = vec![0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00];
        assert_eq!(decode(&lone_surrogate).diagnostics[0].severity, Severity::Warning);
    }

    #[test]
    fn decodes_bomless_utf16_le() {
        let bytes: Vec<u8> = "# Title\nbody".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(text(&bytes), "# Title\nbody");
    }

    #[test]
    fn windows_1252_is_decoded_with_a_warning_on_the_first_bad_line() {
        let d = decode(b"ok\r\nline two\r\ncaf\xE9 \x93quoted\x94 \x81\n");
        assert_eq!(d.text, "ok\nline two\ncafé “quoted” \u{81}\n");
        assert_eq!(d.diagnostics.len(), 1);
        let w = &d.diagnostics[0];
        assert_eq!((w.code, w.severity, w.line), ("not-utf8", Severity::Warning, 3));
        assert_eq!(w.help.as_deref(), Some("save the file as UTF-8"));
    }

    #[test]
    fn stray_byte_keeps_valid_utf8() {
        assert_eq!(text(b"na\xC3\xAFve \x97 \xF0\x9F\x9A\x97"), "naïve — 🚗");
        assert_eq!(text(b"na\xC3\xAFve \x97 x"), "naïve — x");
    }

    #[test]
    fn line_endings_become_lf_and_keep_line_count() {
        assert_eq!(text(b"a\r\nb\rc\n\r\nd\r"), "a\nb\nc\n\nd\n");
        assert_eq!(text(b"\r\r\n\r"), "\n\n\n");
    }

    #[test]
    fn repairs_mojibake_per_line() {
        let d = decode("# Outage ðŸš—ðŸ’¥\nok\nit\u{e2}\u{20ac}\u{2122}s â€” Ã©tÃ© ðŸ™ˆ\n".as_bytes());
        assert_eq!(d.text, "# Outage 🚗💥\nok\nit’s — été 🙈\n");
        assert_eq!(d.diagnostics.len(), 2);
        assert_eq!((d.diagnostics[0].line, d.diagnostics[0].column), (1, 10));
        assert_eq!(d.diagnostics[0].message, "repaired mojibake `ðŸš—ðŸ’¥` → `🚗💥`");
        assert_eq!(d.diagnostics[1].line, 3);
        assert_eq!(d.diagnostics[1].message, "repaired mojibake `â€™` → `’`, `â€”` → `—`, `Ã©` → `é` and 2 more");
    }

    #[test]
    fn repairs_undefined_byte_and_double_mojibake() {
        // U+0081 stands for the undefined byte 0x81 (Á is C3 81).
        assert_eq!(text("Ã\u{81}gua".as_bytes()), "Água");
        let d = decode("donÃ¢â‚¬â„¢t".as_bytes());
        assert_eq!(d.text, "don’t");
        assert_eq!(d.diagnostics[0].message, "repaired mojibake `Ã¢â‚¬â„¢` → `’`");
    }

    #[test]
    fn correct_text_is_untouched() {
        let samples = [
            "é — 🚗 naïve café",
            "障害報告: データベース停止 — 2024年",
            "장애 보고서: 데이터베이스",
            "Отчёт об инциденте: «база данных»",
            "Größe, Änderung, Übergabe, Störung — ÄÖÜ äöü ß",
            "Señor “quoted” ‘single’ … • ™ © ° ±",
            "CAFÉ\u{a0}! DÉJÀ\u{a0}» Â",
        ];
        for s in samples {
            let d = decode(s.as_bytes());
            assert_eq!(d.text, s);
            assert!(d.diagnostics.is_empty(), "{s}: {:?}", d.diagnostics);
        }
    }

    #[test]
    fn odd_inputs_never_panic() {
        let long = "ðŸ".repeat(100_000);
        let inputs: Vec<&[u8]> = vec![
            b"",
            b"\r",
            b"\xFF",
            b"\xFE",
            b"\xFF\xFE",
            b"\xFF\xFE\x00",
            b"\xFE\xFF\x00\xD8",
            b"\x00\x00\x00\x00",
            b"a\x00b\xFF\xFE\x00\xD8\r\r\n",
            b"\xEF\xBB",
            b"\xEF\xBB\xBF\xFF\xFE",
            b"\xF0\x9F\x9A",
            long.as_bytes(),
        ];
        for bytes in inputs {
            let d = decode(bytes);
            assert!(!d.text.contains('\r'));
        }
    }
}
