//! Money is integer minor units plus an ISO 4217 code. Parsing happens here and only here.

/// Digits after the decimal point for a currency (ISO 4217 exponent).
pub fn exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "HUF" | "TWD" | "UGX" | "XAF" | "XOF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

pub fn valid_currency(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// "149.00" → 14900 for USD. Rejects more decimals than the currency has, signs, and junk.
pub fn parse_amount(text: &str, currency: &str) -> Result<i64, String> {
    let text = text.trim();
    let exp = exponent(currency);
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || (text.contains('.') && frac.is_empty()) {
        return Err(format!("amount `{text}` is not a decimal number like 19.00"));
    }
    if frac.len() as u32 > exp {
        return Err(format!("amount `{text}` has more decimals than {currency} allows ({exp})"));
    }
    let scale = 10i64.pow(exp);
    let whole: i64 = whole.parse().map_err(|_| format!("amount `{text}` is too large"))?;
    let frac_value: i64 =
        if frac.is_empty() { 0 } else { format!("{frac:0<width$}", width = exp as usize).parse().unwrap_or(0) };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_value))
        .ok_or_else(|| format!("amount `{text}` is too large"))
}

/// 14900 USD → "149.00": minor units as the decimal string `parse_amount` reads.
pub fn format(minor: i64, currency: &str) -> String {
    let exp = exponent(currency);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(exp);
    format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = exp as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_decimal_strings_to_minor_units() {
        assert_eq!(parse_amount("149.00", "USD"), Ok(14_900));
        assert_eq!(parse_amount("19.5", "EUR"), Ok(1_950));
        assert_eq!(parse_amount("24", "USD"), Ok(2_400));
        assert_eq!(parse_amount("1200", "JPY"), Ok(1_200));
        assert!(parse_amount("12.345", "USD").is_err());
        assert!(parse_amount("-5.00", "USD").is_err());
        assert!(parse_amount("abc", "USD").is_err());
        assert!(parse_amount("5.", "USD").is_err());
        assert!(parse_amount("99999999999999999999", "USD").is_err());
    }

    #[test]
    fn formats_minor_units_back() {
        assert_eq!(format(14_900, "USD"), "149.00");
        assert_eq!(format(5, "EUR"), "0.05");
        assert_eq!(format(1_200, "JPY"), "1200");
        assert_eq!(format(-1_950, "USD"), "-19.50");
        assert_eq!(format(1_234, "KWD"), "1.234");
    }
}
