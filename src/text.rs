//! Text that came from a host or a feed, made safe to show.
//!
//! Hosts and feeds are hostile: an sshd banner, a package description, an errata id or a
//! zip entry name may carry terminal escape sequences (`ESC ] 0 ; title BEL`, `ESC [ 2 J`)
//! or bidirectional overrides that change what the operator reads. Every such text goes
//! through [`one_line`] (table cells, warnings, error lines) or [`lines`] (multi-line
//! blocks such as a captured stderr) before it reaches a terminal, a table or a text
//! report. JSON keeps the raw text: serde escapes control characters there.

use std::borrow::Cow;

/// `s` as one line: escape sequences removed, tabs, newlines and carriage returns as
/// spaces, every other control or bidi-override character removed.
pub fn one_line(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// `s` with its line breaks kept (`\n`; `\r\n` becomes `\n`), otherwise as [`one_line`].
pub fn lines(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

/// Whether `c` must not reach a terminal as is.
fn unsafe_char(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Unicode's explicit directional formatting characters (the "Trojan Source" set) and
/// the marks that reorder text without being seen.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| unsafe_char(c) && !(keep_newlines && c == '\n'))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 control sequence introducer and string introducers: the 8-bit forms of
            // `ESC [` and `ESC ]`, `ESC P`, `ESC _`, `ESC ^`, `ESC X`.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9f}' | '\u{9e}' | '\u{98}' => skip_string(&mut chars),
            '\n' if keep_newlines => out.push('\n'),
            '\r' if keep_newlines && chars.peek() == Some(&'\n') => {}
            '\t' | '\n' | '\r' => out.push(' '),
            c if unsafe_char(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After `ESC`: a CSI (`[` … final byte), a string (`]`, `P`, `_`, `^`, `X` … BEL or
/// `ESC \`), or a two- or three-character sequence (`ESC ( B`, `ESC 7`).
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | '_' | '^' | 'X') => skip_string(chars),
        // Intermediate bytes (0x20–0x2F) then one final byte.
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while chars
                .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                .is_some()
            {}
            chars.next();
        }
        _ => {}
    }
}

/// Parameter and intermediate bytes (0x20–0x3F), then the final byte (0x40–0x7E). Stops
/// early at anything else, so a stray `ESC [` cannot swallow the rest of the text.
fn skip_csi(chars: &mut Chars<'_>) {
    while chars
        .next_if(|c| ('\u{20}'..='\u{3f}').contains(c))
        .is_some()
    {}
    chars.next_if(|c| ('\u{40}'..='\u{7e}').contains(c));
}

/// Up to BEL, `ESC \` or ST (U+009C); an unterminated string runs to the end of the text.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            one_line("openssl 3.0.11-1~deb12u2"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(lines("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn title_and_clear_screen_sequences_are_removed() {
        let hostile = "ssh: \u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[1;31mdenied\u{1b}[0m";
        assert_eq!(one_line(hostile), "ssh: denied");
        assert_eq!(
            one_line("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"),
            "alinkb"
        );
        assert_eq!(one_line("a\u{9b}31mb\u{9d}title\u{9c}c"), "abc");
        assert_eq!(one_line("a\u{1b}(Bb\u{1b}7c"), "abc");
    }

    #[test]
    fn a_stray_escape_does_not_swallow_the_text() {
        assert_eq!(one_line("a\u{1b}[\u{1b}[b done"), "a done");
        assert_eq!(one_line("trailing\u{1b}"), "trailing");
        assert_eq!(one_line("x\u{1b}[12"), "x");
    }

    #[test]
    fn other_controls_and_bidi_overrides_are_removed() {
        assert_eq!(one_line("a\u{0}b\u{7f}c\u{85}d"), "abcd");
        assert_eq!(one_line("user\u{202e}gpj.exe"), "usergpj.exe");
        assert_eq!(one_line("a\tb\r\nc"), "a b  c");
        assert_eq!(lines("a\tb\r\nc\rd"), "a b\nc d");
    }
}
