//! Where a field is in the file the user wrote: a field path such as `Properties.Updating.Monitor` or
//! `[1].Properties.Init[0]` to its line and column, for YAML and JSON alike (JSON is read as YAML).

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A position in a file: line and column, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

/// The position of `path` in `text`, or of the nearest enclosing field that is there; `None` when the text does
/// not parse or holds none of it.
pub fn locate(text: &str, path: &str) -> Option<Position> {
    let mut walker = Walker::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut walker, false).ok()?;
    let wanted = segments(path);
    walker.found.iter().filter(|(p, _)| wanted.starts_with(p)).max_by_key(|(p, _)| p.len()).map(|(_, pos)| *pos)
}

/// The keys in the mapping at `path` (the top level for `""`), in file order.
pub fn keys_at(text: &str, path: &str) -> Vec<String> {
    let mut walker = Walker::default();
    let mut parser = Parser::new_from_str(text);
    if parser.load(&mut walker, false).is_err() {
        return Vec::new();
    }
    let parent = segments(path);
    walker
        .found
        .iter()
        .filter_map(|(p, _)| match p.split_last() {
            Some((Segment::Key(k), rest)) if rest == parent.as_slice() => Some(k.clone()),
            _ => None,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// `a.b[2].c` as segments.
fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Segment::Key(name.to_string()));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(i) = rest[1..close].parse() {
                out.push(Segment::Index(i));
            }
            rest = &rest[close + 1..];
        }
    }
    out
}

enum Frame {
    Map { key: Option<String> },
    Seq { next: usize },
}

/// Records where every key (and every list item) starts.
#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    found: Vec<(Vec<Segment>, Position)>,
}

impl Walker {
    fn path(&self) -> Vec<Segment> {
        self.stack
            .iter()
            .filter_map(|f| match f {
                Frame::Map { key: Some(k) } => Some(Segment::Key(k.clone())),
                Frame::Map { key: None } => None,
                Frame::Seq { next } => Some(Segment::Index(*next)),
            })
            .collect()
    }

    fn record(&mut self, mark: Marker) {
        let pos = Position { line: mark.line(), column: mark.col() + 1 };
        self.found.push((self.path(), pos));
    }

    /// A value begins: a list item is recorded where it starts.
    fn value_start(&mut self, mark: Marker) {
        if let Some(Frame::Seq { .. }) = self.stack.last() {
            self.record(mark);
        }
    }

    /// A value ended: the mapping expects its next key, the list its next item.
    fn value_end(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { key }) => *key = None,
            Some(Frame::Seq { next }) => *next += 1,
            None => {}
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map { key: key @ None }) = self.stack.last_mut() {
                    *key = Some(value);
                    self.record(mark);
                    return;
                }
                self.value_start(mark);
                self.value_end();
            }
            Event::Alias(_) => {
                self.value_start(mark);
                self.value_end();
            }
            Event::MappingStart(..) => {
                self.value_start(mark);
                self.stack.push(Frame::Map { key: None });
            }
            Event::SequenceStart(..) => {
                self.value_start(mark);
                self.stack.push(Frame::Seq { next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_end();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "# a comment\nID: typo\nProperties:\n  Flavor:\n    Properties:\n      Init:\n        - a\n        - b\n  Updating:\n    Monitor: 5\n";

    #[test]
    fn finds_keys_and_items_in_yaml() {
        assert_eq!(locate(YAML, "Properties.Updating.Monitor"), Some(Position { line: 10, column: 5 }));
        assert_eq!(locate(YAML, "Properties.Flavor.Properties.Init[1]"), Some(Position { line: 8, column: 11 }));
        // A field that is not there: the nearest enclosing one.
        assert_eq!(locate(YAML, "Properties.Updating.MaxSurge"), Some(Position { line: 9, column: 3 }));
        assert_eq!(keys_at(YAML, ""), vec!["ID", "Properties"]);
    }

    #[test]
    fn finds_keys_in_json_lists() {
        let json = "[\n  {\"Plugin\": \"group\",\n   \"Properties\": {\"ID\": \"a\",\n     \"Properties\": {\"Allocation\": {\"Size\": \"3\"}}}}\n]";
        assert_eq!(locate(json, "[0].Properties.Properties.Allocation.Size"), Some(Position { line: 4, column: 36 }));
        assert_eq!(keys_at(json, "[0]"), vec!["Plugin", "Properties"]);
    }
}
