//! Text encodings the portal puts on the wire. Hand-written because the
//! harness may depend on nothing but std and serde_json.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

const STANDARD_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub(super) fn base64_standard(bytes: &[u8]) -> String {
    base64_encode(bytes, STANDARD_ALPHABET, true)
}

pub(super) fn base64_url_safe(bytes: &[u8]) -> String {
    base64_encode(bytes, URL_SAFE_ALPHABET, false)
}

fn base64_encode(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let symbols = chunk.len() + 1;
        for i in 0..4 {
            if i < symbols {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

pub(super) fn base64_url_safe_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for byte in text.bytes() {
        let value = URL_SAFE_ALPHABET.iter().position(|&c| c == byte)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Mirrors .NET `WebUtility.HtmlEncode`, which DocSpace applies to
/// `displayName`: besides the five markup characters it turns Latin-1
/// letters and astral characters into numeric entities ("José" → "Jos&#233;").
pub(super) fn html_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            c if (160..256).contains(&(c as u32)) || c as u32 >= 0x10000 => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Mirrors .NET `Uri.EscapeDataString` (RFC 3986 unreserved characters kept).
pub(super) fn escape_data_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

pub(super) fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push(high << 4 | low);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

/// Query strings as ASP.NET's `QueryHelpers.ParseQuery` reads them: `+` is a
/// space, pairs without `=` have an empty value, empty pairs are skipped.
pub(super) fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name, true), percent_decode(value, true))
        })
        .collect()
}

/// Seconds and sub-second ticks (100 ns, the .NET resolution) since the Unix epoch.
pub(super) fn now() -> (i64, u32) {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (
        i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX / 2),
        elapsed.subsec_nanos() / 100,
    )
}

/// `ApiDateTime` as DocSpace writes it for a tenant in UTC:
/// `2026-07-01T10:00:00.0000000Z`.
pub(super) fn format_api_date(unix_seconds: i64, ticks: u32) -> String {
    format_api_date_in(unix_seconds, ticks, 0)
}

/// The same time in a zone `offset_minutes` east of UTC, with its `±hh:mm` suffix
/// (`Z` for UTC), as `ApiDateTime.ToRoundTripString` writes it for a tenant's zone.
pub(super) fn format_api_date_in(unix_seconds: i64, ticks: u32, offset_minutes: i64) -> String {
    let local = unix_seconds + offset_minutes * 60;
    let zone = if offset_minutes == 0 {
        "Z".to_owned()
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let minutes = offset_minutes.abs();
        format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    };
    let days = local.div_euclid(86_400);
    let second_of_day = local.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ticks:07}{zone}",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days_since_epoch: i64) -> (i64, u32, u32) {
    let z = days_since_epoch + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_match_their_dotnet_counterparts() {
        assert_eq!(format_api_date(0, 0), "1970-01-01T00:00:00.0000000Z");
        assert_eq!(
            format_api_date(1_782_900_000, 0),
            "2026-07-01T10:00:00.0000000Z"
        );
        assert_eq!(
            html_encode("José <O'Neil> & \"Co\""),
            "Jos&#233; &lt;O&#39;Neil&gt; &amp; &quot;Co&quot;"
        );
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(escape_data_string("a.b+c@x.com"), "a.b%2Bc%40x.com");
        let opaque = base64_url_safe(b"guest@example.com");
        assert_eq!(
            base64_url_safe_decode(&opaque).as_deref(),
            Some(&b"guest@example.com"[..])
        );
        assert_eq!(base64_standard(b"ab"), "YWI=");
        assert_eq!(
            parse_query("a=1+2&b=%40&c"),
            vec![
                ("a".to_owned(), "1 2".to_owned()),
                ("b".to_owned(), "@".to_owned()),
                ("c".to_owned(), String::new())
            ]
        );
    }
}
