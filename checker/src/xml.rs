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

/// `raw` as element content: markup escaped, forbidden characters removed, carriage
/// returns as references (a parser would otherwise turn them into line feeds).
pub(crate) fn text(raw: &str) -> String {
    escape(raw, false)
}

/// `raw` as an attribute value in double quotes: as [`text`], with tabs and line breaks
/// as references too, since a parser turns each of them into a space in an attribute.
pub(crate) fn attr(raw: &str) -> String {
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

/// Checks the little of XML that the reports use: an optional declaration, then one
/// element with attributes in double quotes, nested elements, text, and the five named
/// entities and numeric references. Tags must balance, names must match, and no
/// forbidden character, raw `<` or bare `&` may appear.
///
/// The tests use it instead of an XML parser, which would be a dependency for tests only.
#[cfg(test)]
pub(crate) fn well_formed(xml: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut rest = xml;
    if let Some(after) = rest.strip_prefix("<?xml ") {
        let end = after.find("?>").ok_or("unclosed declaration")?;
        rest = &after[end + 2..];
    }
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').ok_or("unclosed end tag")?;
            let name = &after[..end];
            match open.pop() {
                Some(top) if top == name => {}
                top => return Err(format!("</{name}> closes {top:?}")),
            }
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            if open.is_empty() {
                roots += 1;
            }
            let end = after
                .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                .ok_or("unclosed start tag")?;
            let name = xml_name(&after[..end])?;
            let mut attrs = &after[end..];
            let mut seen = Vec::new();
            loop {
                let trimmed = attrs.trim_start_matches([' ', '\t', '\n', '\r']);
                if let Some(r) = trimmed.strip_prefix("/>") {
                    rest = r;
                    break;
                }
                if let Some(r) = trimmed.strip_prefix('>') {
                    open.push(name);
                    rest = r;
                    break;
                }
                if trimmed.len() == attrs.len() {
                    return Err(format!("<{name}: no space before {trimmed:.20?}"));
                }
                let eq = trimmed.find('=').ok_or("an attribute without a value")?;
                let key = xml_name(&trimmed[..eq])?;
                if seen.contains(&key) {
                    return Err(format!("<{name}: {key} twice"));
                }
                seen.push(key);
                let value = trimmed[eq + 1..]
                    .strip_prefix('"')
                    .ok_or_else(|| format!("<{name}: {key} is not in double quotes"))?;
                let close = value.find('"').ok_or("an unclosed attribute value")?;
                content(&value[..close])?;
                attrs = &value[close + 1..];
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            if open.is_empty() && !rest[..end].trim().is_empty() {
                return Err(format!("text outside the root: {:.20?}", &rest[..end]));
            }
            content(&rest[..end])?;
            rest = &rest[end..];
        }
    }
    match (open.last(), roots) {
        (Some(top), _) => Err(format!("<{top}> is never closed")),
        (None, 1) => Ok(()),
        (None, n) => Err(format!("{n} root elements")),
    }
}

#[cfg(test)]
fn xml_name(name: &str) -> Result<&str, String> {
    let ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.:".contains(c));
    if ok {
        Ok(name)
    } else {
        Err(format!("a bad name: {name:?}"))
    }
}

/// Checks text or an attribute value: allowed characters, no `<`, references complete.
#[cfg(test)]
fn content(s: &str) -> Result<(), String> {
    if let Some(c) = s.chars().find(|&c| !allowed(c) || c == '<') {
        return Err(format!("{c:?} in {s:.40?}"));
    }
    for part in s.split('&').skip(1) {
        let semi = part
            .find(';')
            .ok_or_else(|| format!("a bare & in {s:.40?}"))?;
        let reference = &part[..semi];
        let number = match reference.strip_prefix("#x") {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => reference.strip_prefix('#').and_then(|d| d.parse().ok()),
        };
        let ok = match number {
            Some(n) => char::from_u32(n).is_some_and(allowed),
            None => ["amp", "lt", "gt", "quot", "apos"].contains(&reference),
        };
        if !ok {
            return Err(format!("&{reference}; is no reference"));
        }
    }
    Ok(())
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
        assert_eq!(well_formed(&doc), Ok(()));
    }

    #[test]
    fn the_check_accepts_what_the_reports_write() {
        let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
            <r n=\"1 &amp; &#10;\">\n  <c x=\"a\" y=\"b\"/>\n  <d>t &lt; &#x41;</d>\n</r>\n";
        assert_eq!(well_formed(doc), Ok(()));
    }

    #[test]
    fn the_check_rejects_broken_documents() {
        let broken = [
            "<a><b></a></b>",
            "<a>",
            "<a></a><b></b>",
            "text<a></a>",
            "<a>x & y</a>",
            "<a>&bogus;</a>",
            "<a>&#1;</a>",
            "<a>\u{1}</a>",
            "<a>\u{FFFF}</a>",
            "<a b=c></a>",
            "<a b=\"<\"></a>",
            "<a b=\"1\"c=\"2\"></a>",
            "<a b=\"1\" b=\"2\"></a>",
            "<1a></1a>",
            "<a></a",
        ];
        for doc in broken {
            assert!(well_formed(doc).is_err(), "accepted {doc:?}");
        }
    }
}
