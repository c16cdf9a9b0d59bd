//! Putting arbitrary text into XML (JUnit reports, and the SVG and HTML of the history
//! pages): escaping markup, and dropping the characters XML 1.0 cannot hold at all.
//!
//! Messages carry text from students' code (a panic message, a value's `Debug` output),
//! so they may hold any character. XML 1.0 forbids most C0 controls and U+FFFE/U+FFFF
//! even as character references, and a report with one of them is refused whole by
//! every parser; such characters are removed. Replacing them with a visible mark was
//! rejected: nothing in a grade depends on them, and a mark could be mistaken for text
//! the student wrote.

/// Whether XML 1.0 allows `c` in a document (its `Char` production; a Rust `char` is
/// never a surrogate).
fn allowed(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `raw` without the characters XML 1.0 cannot hold, for a writer that escapes markup
/// itself (the JUnit reports' quick-junit) but passes any character through.
pub fn allowed_only(raw: &str) -> String {
    raw.chars().filter(|&c| allowed(c)).collect()
}

/// `raw` as element content: markup escaped, forbidden characters removed, carriage
/// returns as references (a parser would otherwise turn them into line feeds).
pub fn text(raw: &str) -> String {
    escape(raw, false)
}

/// `raw` as an attribute value in double quotes: as [`text`], with tabs and line breaks
/// as references too, since a parser turns each of them into a space in an attribute.
pub fn attr(raw: &str) -> String {
    escape(raw, true)
}

fn escape(raw: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn markup_is_escaped_and_forbidden_characters_are_dropped() {
        let raw = "a<b>&\"c\"'d'\u{0}\u{1}\u{8}\u{B}\u{1F}\u{FFFE}\u{FFFF}\t\n\r\u{7F}é\u{10000}";
        assert_eq!(
            text(raw),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\t\n&#13;\u{7F}é\u{10000}"
        );
        assert_eq!(
            attr(raw),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#9;&#10;&#13;\u{7F}é\u{10000}"
        );
    }

    #[test]
    fn any_character_escaped_makes_a_well_formed_document() {
        let every: String = (0..0x3000)
            .chain(0xD000..0x11000)
            .filter_map(char::from_u32)
            .collect();
        let doc = format!("<a b=\"{}\">{}<c/></a>", attr(&every), text(&every));
        let parsed = roxmltree::Document::parse(&doc).expect("well-formed");
        let root = parsed.root_element();
        // Read back, the text is what went in, less what XML cannot hold.
        let kept: String = every.chars().filter(|&c| allowed(c)).collect();
        assert_eq!(root.attribute("b"), Some(kept.as_str()));
        assert_eq!(root.text(), Some(kept.as_str()));
    }
}
