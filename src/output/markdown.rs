//! Markdown that cannot be hijacked by the text people typed, and HTML from it.
//!
//! Every answer is plain text. Before it goes into Markdown it is escaped so that no answer
//! can open a heading, a list, a table cell, a link, an HTML tag or an entity: `<script>`,
//! `javascript:` links, `&amp;` and `| --- |` are shown as typed. HTML is rendered from that
//! Markdown by comrak with raw HTML disabled, a second wall behind the first.

/// Escapes text for use inside one line of Markdown (a heading, a list item, a table cell):
/// newlines become spaces and every character with inline meaning is backslash-escaped.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut at_start = true;
    for c in text.trim().chars() {
        match c {
            '\r' => continue,
            '\n' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
                continue;
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '+' | '-' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => continue,
            c => out.push(c),
        }
        at_start = false;
    }
    // "1. text" at the start of a line would open an ordered list.
    escape_list_number(&mut out);
    out
}

/// Escapes multi-line text as Markdown paragraphs: lines keep their breaks (as hard line
/// breaks), blank lines separate paragraphs, and no line can start a block construct.
pub fn block(text: &str) -> String {
    let mut paragraphs = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.trim().lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(current.join("\\\n"));
                current.clear();
            }
        } else {
            current.push(inline(line));
        }
    }
    if !current.is_empty() {
        paragraphs.push(current.join("\\\n"));
    }
    paragraphs.join("\n\n")
}

/// Escapes text for a table cell: one line, `|` escaped, empty shown as a dash.
pub fn cell(text: &str) -> String {
    let escaped = inline(text);
    if escaped.is_empty() {
        "—".to_string()
    } else {
        escaped
    }
}

/// A link when the target is a web or mail address, else the escaped text with the target
/// shown as text: `javascript:` and friends never become links.
pub fn link(label: &str, target: &str) -> String {
    let label = if label.trim().is_empty() {
        target
    } else {
        label
    };
    match safe_url(target) {
        Some(url) => format!("[{}](<{url}>)", inline(label)),
        None if target.trim().is_empty() => inline(label),
        None => format!("{} ({})", inline(label), inline(target)),
    }
}

/// The URL, percent-encoding the characters that would end a Markdown link, when it is an
/// http(s) or mailto address.
pub fn safe_url(target: &str) -> Option<String> {
    let t = target.trim();
    let lower = t.to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        return None;
    }
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

fn escape_list_number(out: &mut String) {
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 9 && matches!(out.as_bytes().get(digits), Some(b'.' | b')')) {
        out.insert(digits, '\\');
    }
}

/// Renders Markdown to an HTML fragment: GitHub-flavoured tables, strikethrough and
/// autolinks; raw HTML and dangerous URLs are dropped.
pub fn to_html_fragment(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.render.r#unsafe = false;
    options.render.escape = true;
    comrak::markdown_to_html(markdown, &options)
}

/// A complete, self-contained HTML page (no external scripts, styles or fonts).
pub fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
        html_escape(title),
        STYLE,
        body
    )
}

/// Marks the table cells whose text is one short token (an id, a date, a code, an owner, a
/// number) `class="nw"`, which the page's style keeps on one line: `CA-1` never breaks into
/// `CA-` and `1`. Cells of prose keep wrapping. Works on comrak's output, whose cells open as
/// `<td>` or `<td align="...">`.
pub fn nowrap_short_cells(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(start) = rest.find("<td") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let Some(close) = rest[open_end..].find("</td>").map(|i| open_end + i) else {
            break;
        };
        let text = strip_tags(&rest[open_end..close]);
        let short = !text.is_empty()
            && text.chars().count() <= 80
            && !text.chars().any(char::is_whitespace);
        out.push_str(&rest[..start]);
        let open = &rest[start..open_end];
        if short && (open == "<td>" || open.starts_with("<td ")) {
            out.push_str("<td class=\"nw\"");
            out.push_str(&open[3..]);
        } else {
            out.push_str(open);
        }
        rest = &rest[open_end..];
    }
    out.push_str(rest);
    out
}

/// The text of an HTML fragment: tags dropped (entities left as they are).
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;background:#fff;margin:0}
main{max-width:980px;margin:0 auto;padding:24px}
h1,h2,h3{line-height:1.25}h1{border-bottom:1px solid #d1d9e0;padding-bottom:.3em}
h2{border-bottom:1px solid #d1d9e0;padding-bottom:.3em;margin-top:1.8em}
table{border-collapse:collapse;margin:1em 0;display:block;overflow-x:auto}
th,td{border:1px solid #d1d9e0;padding:4px 10px;text-align:left;vertical-align:top}
td[align=right],th[align=right]{text-align:right}td[align=center],th[align=center]{text-align:center}
th{background:#f6f8fa}tr:nth-child(2n) td{background:#fbfcfd}
blockquote{margin:0;padding:0 1em;color:#59636e;border-left:.25em solid #d1d9e0}
code{background:#eff1f3;border-radius:4px;padding:.1em .3em}
svg{max-width:100%;height:auto}figure{margin:1em 0}figcaption{color:#59636e;font-size:13px}
td.nw{white-space:nowrap}nav.site{margin-bottom:1em;font-size:14px}.filters{display:flex;flex-wrap:wrap;gap:.5em 1.2em;margin:1em 0}
.filters input{min-width:22em}tr[hidden]{display:none}.footnote{color:#59636e;font-size:13px}
@media print{body{font-size:10.5pt;color:#000;background:#fff}main{max-width:none;padding:0}
table{display:table;overflow:visible;font-size:9.5pt}tr,figure,svg{break-inside:avoid}h2,h3{break-after:avoid}
a{color:inherit;text-decoration:none}th{background:#eee!important}tr:nth-child(2n) td{background:#fff!important}
.noprint,nav.site{display:none!important}}
@media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}th{background:#161b22}
tr:nth-child(2n) td{background:#0f141b}th,td,h1,h2{border-color:#3d444d}code{background:#262c36}a{color:#4493f8}}
";

/// At most `max` characters, the last one an ellipsis when `text` is cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_inert() {
        let html = to_html_fragment(&block(
            "<script>alert(1)</script>\n&amp; [x](javascript:alert(1))\n# not a heading\n| a | b |",
        ));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("href"), "{html}");
        assert!(html.contains("&amp;amp;"), "{html}");
        assert!(!html.contains("<h1"), "{html}");
        assert!(!html.contains("<table"), "{html}");
    }

    #[test]
    fn block_keeps_lines_and_paragraphs() {
        assert_eq!(block("a\nb\n\nc\n"), "a\\\nb\n\nc");
        assert_eq!(block("- item\n1. two"), "\\- item\\\n1\\. two");
    }

    #[test]
    fn cells_stay_in_their_column() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        assert_eq!(cell(""), "—");
    }

    #[test]
    fn short_cells_do_not_wrap() {
        let html = "<table><tr><td>CA-1</td><td align=\"right\">12,000</td>\
                    <td><a href=\"coes/2026-11-22-x.yaml\">Checkout slow</a></td><td></td></tr></table>";
        assert_eq!(
            nowrap_short_cells(html),
            "<table><tr><td class=\"nw\">CA-1</td><td class=\"nw\" align=\"right\">12,000</td>\
             <td><a href=\"coes/2026-11-22-x.yaml\">Checkout slow</a></td><td></td></tr></table>"
        );
    }

    #[test]
    fn only_web_links() {
        assert_eq!(
            link("graph", "https://g.example/d?a=1 b"),
            "[graph](<https://g.example/d?a=1%20b>)"
        );
        assert_eq!(link("x", "javascript:alert(1)"), "x (javascript:alert(1))");
        assert!(!to_html_fragment(&link("x", "javascript:alert(1)")).contains("href"));
    }
}
