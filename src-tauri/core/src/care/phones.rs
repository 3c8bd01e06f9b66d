//! Phone numbers in a customer's message, offered when a callback is set up.

/// The phone numbers in `text`, as written, in order and without repeats. A number has 8 to 15
/// digits with `+`, spaces, dots, dashes or parentheses between them; dates, order numbers
/// (`#10234`, `ORD-1234`) and digits inside words are left alone.
pub fn find(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i] == '+' || chars[i] == '(' || chars[i].is_ascii_digit();
        let before = i.checked_sub(1).map(|j| chars[j]);
        if !starts || before.is_some_and(|b| b.is_alphanumeric() || matches!(b, '#' | '-' | '/' | '.' | '_')) {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len()
            && (chars[end].is_ascii_digit() || matches!(chars[end], ' ' | '-' | '.' | '(' | ')' | '+'))
        {
            end += 1;
        }
        // Trailing separators belong to the sentence.
        while end > i && !chars[end - 1].is_ascii_digit() && chars[end - 1] != ')' {
            end -= 1;
        }
        let run: String = chars[i..end].iter().collect();
        let digits = run.chars().filter(char::is_ascii_digit).count();
        let glued = chars.get(end).is_some_and(|c| c.is_alphanumeric());
        if (8..=15).contains(&digits) && !glued && !looks_like_date(&run) && !found.contains(&run) {
            found.push(run.trim().to_string());
        }
        i = end.max(i + 1);
    }
    found
}

fn looks_like_date(run: &str) -> bool {
    let parts: Vec<&str> = run.split(['-', '.', '/']).collect();
    parts.len() == 3 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) && {
        let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
        lens == [4, 2, 2] || lens == [2, 2, 4]
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_numbers_as_people_write_them() {
        let text = "Call me on +49 30 1234 5678 or (555) 123-4567, or at work: 020.7946.0958.";
        assert_eq!(find(text), vec!["+49 30 1234 5678", "(555) 123-4567", "020.7946.0958"]);
    }

    #[test]
    fn leaves_dates_orders_and_prices_alone() {
        let text = "Order #10234567 (ORD-12345678) on 2026-11-23 for $1,240.00, licence ABC12345678.";
        assert!(find(text).is_empty(), "{:?}", find(text));
        assert!(find("call 12345").is_empty());
        assert_eq!(find("+1 415 555 0100\n+1 415 555 0100"), vec!["+1 415 555 0100"]);
    }
}
