//! Aligned plain-text tables for the terminal (`coe list`, `coe actions`).
//!
//! Cells are cleaned of control characters (a COE title must not be able to send escape
//! sequences to the terminal) and styled with `ui::paint`; the styles are stripped by
//! anstream when stdout is not a terminal or colour is off.

use anstyle::Style;

use crate::output::ui;

/// One cell: its text and an optional style.
#[derive(Debug, Clone)]
pub struct Cell {
    text: String,
    style: Option<Style>,
}

impl Cell {
    /// A plain cell.
    pub fn new(text: impl AsRef<str>) -> Cell {
        Cell {
            text: clean(text.as_ref()),
            style: None,
        }
    }

    /// A styled cell.
    pub fn styled(text: impl AsRef<str>, style: Style) -> Cell {
        Cell {
            text: clean(text.as_ref()),
            style: Some(style),
        }
    }
}

/// A table with a header row; columns are left-aligned unless marked right-aligned.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<&'static str>,
    right: Vec<bool>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these column headings.
    pub fn new(header: &[&'static str]) -> Table {
        Table {
            header: header.to_vec(),
            right: vec![false; header.len()],
            rows: Vec::new(),
        }
    }

    /// Aligns column `index` to the right (numbers).
    pub fn right_align(mut self, index: usize) -> Table {
        if let Some(r) = self.right.get_mut(index) {
            *r = true;
        }
        self
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// The table as text, one line per row, columns two spaces apart, no trailing spaces.
    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(width(&cell.text));
            }
        }
        let mut out = String::new();
        let header: Vec<Cell> = self
            .header
            .iter()
            .map(|h| Cell::styled(*h, ui::style::BOLD))
            .collect();
        for row in std::iter::once(&header).chain(&self.rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate().take(columns) {
                let pad = " ".repeat(widths[i] - width(&cell.text));
                let text = match cell.style {
                    Some(style) => ui::paint(style, &cell.text),
                    None => cell.text.clone(),
                };
                if i > 0 {
                    line.push_str("  ");
                }
                let last = i + 1 == columns;
                if self.right[i] {
                    line.push_str(&pad);
                    line.push_str(&text);
                } else {
                    line.push_str(&text);
                    if !last {
                        line.push_str(&pad);
                    }
                }
            }
            out.push_str(line.trim_end_matches(' '));
            out.push('\n');
        }
        out
    }
}

fn width(text: &str) -> usize {
    console::measure_text_width(text)
}

/// One line of text safe for a terminal: line breaks and tabs become spaces; other control
/// characters and bidirectional overrides are dropped.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '\n' | '\r' | '\t' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns_and_trims() {
        let mut t = Table::new(&["ID", "N", "NOTE"]).right_align(1);
        t.push(vec![Cell::new("a"), Cell::new("10"), Cell::new("")]);
        t.push(vec![Cell::new("longer"), Cell::new("2"), Cell::new("x")]);
        let text = anstream::adapter::strip_str(&t.render()).to_string();
        assert_eq!(text, "ID       N  NOTE\na       10\nlonger   2  x\n");
    }

    #[test]
    fn cleans_control_characters() {
        assert_eq!(clean("a\nb\x1b[31mc\u{202E}d\t"), "a b[31mcd");
    }
}
