//! Line numbers of field paths (`corrective_actions[1].owner`) in a COE file's text.
//!
//! serde gives no positions for fields that parsed fine, and a second, position-aware YAML
//! parse per file would double the cost of `coe check`. A COE file is block-style YAML, so
//! an indentation scan finds a key reliably: each path segment is looked for among the
//! children of the previous one. When a segment is absent (a missing answer), the line of
//! the deepest segment found is returned: near the right place, never in another file.

/// The non-blank, non-comment lines of a YAML text, with `- ` list markers split off.
#[derive(Debug)]
pub struct LineIndex<'a> {
    lines: Vec<&'a str>,
    entries: Vec<Entry<'a>>,
}

#[derive(Debug, Clone, Copy)]
struct Entry<'a> {
    /// 1-based line.
    line: usize,
    /// Column of the content (after any `- ` markers before it).
    indent: usize,
    /// The content; `-` for a list marker.
    text: &'a str,
    /// A list item marker.
    dash: bool,
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment<'p> {
    Key(&'p str),
    Index(usize),
}

impl<'a> LineIndex<'a> {
    /// Indexes a YAML text.
    pub fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let mut entries = Vec::new();
        for (i, raw) in lines.iter().enumerate() {
            let mut rest = raw.trim_start_matches(' ');
            let mut indent = raw.len() - rest.len();
            rest = rest.trim_end();
            if rest.is_empty() || rest.starts_with('#') || rest == "---" {
                continue;
            }
            loop {
                if rest == "-" || rest.starts_with("- ") {
                    entries.push(Entry {
                        line: i + 1,
                        indent,
                        text: "-",
                        dash: true,
                    });
                    let after = rest[1..].trim_start_matches(' ');
                    indent += rest.len() - after.len();
                    rest = after;
                    if rest.is_empty() {
                        break;
                    }
                } else {
                    entries.push(Entry {
                        line: i + 1,
                        indent,
                        text: rest,
                        dash: false,
                    });
                    break;
                }
            }
        }
        LineIndex { lines, entries }
    }

    /// The line of a field path, or of its deepest ancestor found; `None` when not even
    /// the top-level key is in the file.
    pub fn line_of(&self, path: &str) -> Option<usize> {
        self.locate(path).map(|(i, _)| self.entries[i].line)
    }

    /// The 1-based line and the column where the whole `path` starts (the key, or the `-`
    /// of a list item); `None` unless every segment is in the file.
    pub fn position(&self, path: &str) -> Option<(usize, usize)> {
        match self.locate(path)? {
            (i, true) => Some((self.entries[i].line, self.entries[i].indent)),
            (_, false) => None,
        }
    }

    /// The first line of a field's value that contains `needle` (case-insensitive), for
    /// multi-line answers; else the field's line.
    pub fn line_containing(&self, path: &str, needle: &str) -> Option<usize> {
        let (i, exact) = self.locate(path)?;
        let start = self.entries[i].line;
        if !exact {
            return Some(start);
        }
        let end = self
            .block_end(i)
            .and_then(|j| self.entries.get(j))
            .map_or(self.lines.len(), |e| e.line.saturating_sub(1));
        // Join the block's words with single spaces, remembering where each line starts,
        // so a phrase broken across lines is found on the line where it begins.
        let mut normalised = String::new();
        crate::model::blame::normalise(needle, &mut normalised);
        let needle = std::mem::take(&mut normalised);
        let mut joined = String::new();
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for line in start..=end.max(start) {
            let Some(text) = self.lines.get(line - 1) else {
                break;
            };
            starts.push((joined.len(), line));
            crate::model::blame::normalise(text, &mut normalised);
            if !normalised.is_empty() {
                joined.push_str(&normalised);
                joined.push(' ');
            }
        }
        let Some(at) = joined.find(&needle).filter(|_| !needle.is_empty()) else {
            return Some(start);
        };
        starts
            .iter()
            .take_while(|(offset, _)| *offset <= at)
            .last()
            .map(|&(_, line)| line)
            .or(Some(start))
    }

    /// The entry of the deepest segment of `path` found, and whether it is the whole path.
    fn locate(&self, path: &str) -> Option<(usize, bool)> {
        let segments = segments(path);
        let mut lo = 0;
        let mut hi = self.entries.len();
        let mut found: Option<usize> = None;
        for segment in &segments {
            let Some(child_indent) = self
                .entries
                .get(lo..hi)
                .and_then(|b| b.first())
                .map(|e| e.indent)
            else {
                return found.map(|i| (i, false));
            };
            let mut siblings = (lo..hi).filter(|&j| self.entries[j].indent == child_indent);
            let hit = match segment {
                Segment::Key(key) => siblings.find(|&j| {
                    let e = &self.entries[j];
                    !e.dash && key_of(e.text) == Some(*key)
                }),
                Segment::Index(n) => siblings.filter(|&j| self.entries[j].dash).nth(*n),
            };
            let Some(i) = hit else {
                return found.map(|i| (i, false));
            };
            found = Some(i);
            lo = i + 1;
            hi = self.block_end(i).unwrap_or(self.entries.len()).min(hi);
        }
        found.map(|i| (i, true))
    }

    /// The index of the first entry after `i` that is not inside `i`'s value.
    fn block_end(&self, i: usize) -> Option<usize> {
        let own = self.entries[i];
        (i + 1..self.entries.len()).find(|&j| {
            let e = &self.entries[j];
            // A key's block sequence may sit at the key's own indentation.
            e.indent < own.indent || (e.indent == own.indent && (own.dash || !e.dash))
        })
    }
}

/// The key of a `key: value` or `key:` line.
fn key_of(text: &str) -> Option<&str> {
    let (key, rest) = text.split_once(':')?;
    (rest.is_empty() || rest.starts_with(' ')).then_some(key.trim_end())
}

/// `a.b[2].c` as segments.
fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Segment::Key(name));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let Some(close) = inner.find(']') else { break };
            if let Ok(n) = inner[..close].parse() {
                out.push(Segment::Index(n));
            }
            rest = &inner[close + 1..];
        }
    }
    out
}

/// The line of a top-level `key:`, found without indexing the whole text.
pub fn top_level_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| key_of(l) == Some(key) && !l.starts_with(' '))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
version: 1
id: 2026-11-22-x
incident:
  started: 2026-11-22T09:58:00Z
  detected: 2026-11-22T10:04:00Z

# 1. What happened?
what_happened:
  summary: |
    A config change.
    It was human error, they said.
  timeline:
    - at: 2026-11-22T09:58:00Z
      event: pushed
    - at: 2026-11-22T10:04:00Z
      event: alarm
root_cause:
  category: configuration
  whys:
  - first
  - second
lessons: []
corrective_actions:
  - id: CA-1
    action: stage it
  -
    id: CA-2
    owner: team
";

    #[test]
    fn finds_nested_keys_and_items() {
        let index = LineIndex::new(TEXT);
        assert_eq!(index.line_of("id"), Some(2));
        assert_eq!(index.line_of("incident.detected"), Some(5));
        assert_eq!(index.line_of("what_happened.timeline"), Some(12));
        assert_eq!(index.line_of("what_happened.timeline[1].at"), Some(15));
        assert_eq!(index.line_of("what_happened.timeline[1].event"), Some(16));
        assert_eq!(index.line_of("root_cause.whys[1]"), Some(21));
        assert_eq!(index.line_of("corrective_actions[0].action"), Some(25));
        assert_eq!(index.line_of("corrective_actions[1].owner"), Some(28));
    }

    #[test]
    fn falls_back_to_the_deepest_ancestor() {
        let index = LineIndex::new(TEXT);
        assert_eq!(index.line_of("corrective_actions[0].owner"), Some(24));
        assert_eq!(index.line_of("corrective_actions[5].owner"), Some(23));
        assert_eq!(index.line_of("lessons[0]"), Some(22));
        assert_eq!(index.line_of("implications.security"), None);
        // `started` under incident, never `id` at the top level or a key in a text block.
        assert_eq!(index.line_of("incident.id"), Some(3));
    }

    #[test]
    fn finds_a_phrase_inside_a_block() {
        let index = LineIndex::new(TEXT);
        assert_eq!(
            index.line_containing("what_happened.summary", "human error"),
            Some(11)
        );
        assert_eq!(
            index.line_containing("what_happened.summary", "absent"),
            Some(9)
        );
        let split = LineIndex::new("a:\n  b: |\n    one human\n\n    Error two\n  c: x\n");
        assert_eq!(split.line_containing("a.b", "human  error"), Some(3));
        assert_eq!(split.line_containing("a.b", "error two"), Some(5));
        assert_eq!(split.line_containing("a.b", ""), Some(2));
        // Curly apostrophes are straight to the lint, so to this search too.
        let curly = LineIndex::new("a:\n  b: |\n    fine\n    they didn\u{2019}t bother\n");
        assert_eq!(curly.line_containing("a.b", "didn't bother"), Some(4));
    }

    #[test]
    fn top_level_id() {
        assert_eq!(top_level_key_line(TEXT, "id"), Some(2));
        assert_eq!(top_level_key_line("  id: x\n", "id"), None);
    }

    #[test]
    fn odd_paths_do_not_panic() {
        let index = LineIndex::new("a:\n  - b\n");
        for path in ["", ".", "[", "a[", "a[x]", "a[0", "a..b", "a[0][0]", "é[1]"] {
            let _ = index.line_of(path);
            let _ = index.line_containing(path, "x");
        }
        assert_eq!(LineIndex::new("").line_of("a"), None);
    }
}
