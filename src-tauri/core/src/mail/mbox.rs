//! Streaming mbox reader (mboxo and mboxrd). A message starts at a `From ` line at the top of the file
//! or after a blank line; body lines escaped as `>From `, `>>From `… lose one `>`.

use std::io::BufRead;

pub struct MboxReader<R> {
    input: R,
    pending_separator: bool,
    done: bool,
    line: Vec<u8>,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(input: R) -> Self {
        MboxReader { input, pending_separator: false, done: false, line: Vec::new() }
    }
}

fn is_separator(line: &[u8]) -> bool {
    // "From sender date": a From_ line always carries a date, so it has a digit. This keeps an
    // unescaped "From here on, …" sentence in an mboxo body from splitting the message.
    line.starts_with(b"From ") && line.iter().any(u8::is_ascii_digit)
}

fn unescape(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") { &line[1..] } else { line }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    /// One raw message, or the I/O error that ended the file.
    type Item = std::io::Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut message = Vec::new();
        let mut started = self.pending_separator;
        let mut previous_blank = true;
        loop {
            self.line.clear();
            match self.input.read_until(b'\n', &mut self.line) {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(0) => {
                    self.done = true;
                    return (started && !message.is_empty()).then_some(Ok(message));
                }
                Ok(_) => {}
            }
            let content = self.line.strip_suffix(b"\n").unwrap_or(&self.line);
            let content = content.strip_suffix(b"\r").unwrap_or(content);
            if previous_blank && is_separator(content) {
                if started && !message.is_empty() {
                    self.pending_separator = true;
                    // The blank line before a separator belongs to the mbox format, not the message.
                    if message.ends_with(b"\n\n") {
                        message.pop();
                    }
                    return Some(Ok(message));
                }
                started = true;
                continue;
            }
            if !started {
                // Bytes before the first From_ line: not an mbox message; skip them.
                previous_blank = content.is_empty();
                continue;
            }
            previous_blank = content.is_empty();
            let ending = &self.line[content.len()..];
            message.extend_from_slice(unescape(content));
            message.extend_from_slice(if ending.is_empty() { b"" } else { b"\n" });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<String> {
        MboxReader::new(s.as_bytes()).map(|m| String::from_utf8(m.unwrap()).unwrap()).collect()
    }

    #[test]
    fn splits_and_unescapes_mboxrd() {
        let mbox = "From a@x Mon Jan  1 00:00:00 2026\nSubject: one\n\n>From the start\n>>From quoted\n\nFrom b@x Tue Jan  2 00:00:00 2026\nSubject: two\n\nbody\n";
        let msgs = split(mbox);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0], "Subject: one\n\nFrom the start\n>From quoted\n");
        assert_eq!(msgs[1], "Subject: two\n\nbody\n");
    }

    #[test]
    fn an_unescaped_sentence_does_not_split() {
        let mbox = "From a@x Mon Jan  1 00:00:00 2026\nSubject: one\n\nhello\n\nFrom here on we agree.\n";
        assert_eq!(split(mbox).len(), 1);
    }

    #[test]
    fn crlf_files_split_too() {
        let mbox = "From a@x Mon Jan  1 00:00:00 2026\r\nSubject: one\r\n\r\nx\r\n\r\nFrom b@x Tue Jan  2 00:00:00 2026\r\nSubject: two\r\n\r\ny\r\n";
        assert_eq!(split(mbox).len(), 2);
    }
}
