//! YAML loading with byte positions, built on `saphyr-parser` events.
//!
//! JSON is read by the same parser (JSON is a subset of YAML 1.2). Every node keeps
//! its byte span in the file, its scalar style, its tag and whether it sits in a flow
//! collection, so that selector text can be mapped back to file bytes and rewritten.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::source::CharOffsets;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'…'`.
    SingleQuoted,
    /// `"…"`.
    DoubleQuoted,
    /// A `|` block.
    Literal,
    /// A `>` block.
    Folded,
}

impl From<ScalarStyle> for Style {
    fn from(s: ScalarStyle) -> Style {
        match s {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        }
    }
}

/// The content of a node.
#[derive(Clone, Debug)]
pub enum Value {
    /// A scalar with its (unescaped) text and style.
    Scalar {
        /// The scalar's value after unquoting and folding.
        text: String,
        /// How it was written.
        style: Style,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
}

/// A YAML node with its position.
#[derive(Clone, Debug)]
pub struct Node {
    /// The node's content.
    pub value: Value,
    /// Byte range in the file (quotes included for quoted scalars; for block scalars the
    /// range starts at the content, after the `|`/`>` header line).
    pub span: Range<usize>,
    /// The tag, as written (`!has(x)` for `!has(x)`), if any.
    pub tag: Option<String>,
    /// Whether the node is inside a flow collection (`[…]` or `{…}`).
    pub in_flow: bool,
}

impl Node {
    /// The value of key `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node of key `key` of a mapping.
    pub fn get_key(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    /// A scalar's text.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A sequence's items (empty for other nodes).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// A mapping's entries (empty for other nodes).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// Whether this is a plain scalar `null`, `~` or empty (a YAML null).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, style: Style::Plain }
            if self.tag.is_none() && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

/// A YAML syntax error.
#[derive(Clone, Debug)]
pub struct YamlError {
    /// The parser's message.
    pub message: String,
    /// Byte offset of the error.
    pub offset: usize,
}

/// The documents of one file; documents completed before a syntax error are kept.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// The root node of each document, in order (empty documents are skipped).
    pub documents: Vec<Node>,
    /// The first syntax error, if any (parsing stops there).
    pub error: Option<YamlError>,
}

struct Frame {
    body: Body,
    /// Alias-budget cost of the collection and its items so far.
    cost: usize,
    start: usize,
    tag: Option<String>,
    anchor: usize,
    /// Written in flow style (`[...]` / `{...}`).
    flow: bool,
    /// Inside a flow collection.
    in_flow: bool,
}

/// The items of an open collection so far.
enum Body {
    Seq(Vec<Node>),
    /// The entries, and a key still waiting for its value.
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Whether a node opened on top of `stack` is inside a flow collection.
fn in_flow(stack: &[Frame]) -> bool {
    stack.last().is_some_and(|f| f.flow || f.in_flow)
}

impl Frame {
    /// Opens a collection at `r` on top of `stack`; flow style when its text starts with its
    /// kind's bracket.
    fn open(
        stack: &mut Vec<Frame>,
        body: Body,
        text: &str,
        r: Range<usize>,
        anchor: usize,
        tag: Option<&saphyr_parser::Tag>,
    ) {
        let bracket = match body {
            Body::Seq(_) => '[',
            Body::Map { .. } => '{',
        };
        let in_flow = in_flow(stack);
        stack.push(Frame {
            flow: text.get(r.clone()).is_some_and(|s| s.starts_with(bracket)),
            body,
            cost: 1,
            start: r.start,
            tag: tag_text(tag),
            anchor,
            in_flow,
        });
    }

    /// The node of the collection, ending at `end`.
    fn close(self, end: usize) -> Node {
        Node {
            value: match self.body {
                Body::Seq(items) => Value::Seq(items),
                Body::Map { entries, .. } => Value::Map(entries),
            },
            span: self.start..end.max(self.start),
            tag: self.tag,
            in_flow: self.in_flow,
        }
    }

    /// Adds a completed item: a sequence item, or a mapping's key or value.
    fn push(&mut self, node: Node, cost: usize) {
        self.cost = self.cost.saturating_add(cost);
        match &mut self.body {
            Body::Seq(items) => items.push(node),
            Body::Map { entries, key } => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
        }
    }
}

fn tag_text(tag: Option<&saphyr_parser::Tag>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
}

/// Collections nested deeper than this are a syntax error (keeps every later recursive
/// walk, and dropping the tree, far from the stack limit, also on WASM).
pub const MAX_DEPTH: usize = 512;

/// How much alias expansion a file of `len` bytes may do, in [`node_cost`] units: about its
/// own size, at most a million. A file past it is an alias bomb ("billion laughs"): loading
/// stops with an error, so memory stays proportional to the input.
pub fn alias_budget(len: usize) -> usize {
    len.saturating_add(1024).min(1_000_000)
}

/// The cost of one node for the alias budget: one per node plus one per 16 bytes of scalar
/// text (an alias copies the text too).
pub fn node_cost(text_len: usize) -> usize {
    1 + text_len / 16
}

/// Parses every document of `text`.
///
/// Aliases are expanded (copied) as they are met, and their cost is counted against
/// [`alias_budget`]; past it the file gets an error and no further document.
pub fn load(text: &str) -> Loaded {
    let chars = CharOffsets::new(text);
    let at = |m: &saphyr_parser::Marker| chars.byte_at(m.line(), m.col());
    let range = |span: &Span| at(&span.start)..at(&span.end);
    let mut parser = Parser::new_from_str(text);
    let mut loaded = Loaded::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let budget = alias_budget(text.len());
    let mut expanded = 0usize;

    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(ev) => ev,
            Err(e) => {
                loaded.error = Some(YamlError {
                    message: e.info().to_string(),
                    offset: at(e.marker()),
                });
                break;
            }
        };
        let (node, cost) = match event {
            Event::StreamEnd => break,
            Event::Scalar(value, style, anchor, tag) => {
                let cost = node_cost(value.len());
                let node = Node {
                    value: Value::Scalar {
                        text: value.into_owned(),
                        style: style.into(),
                    },
                    span: range(&span),
                    tag: tag_text(tag.as_deref()),
                    in_flow: in_flow(&stack),
                };
                if anchor > 0 {
                    anchors.insert(anchor, (node.clone(), cost));
                }
                (node, cost)
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((n, cost)) => {
                    expanded = expanded.saturating_add(*cost);
                    if expanded > budget {
                        loaded.error = Some(YamlError {
                            message: format!(
                                "aliases expand to more than {budget} nodes, the limit for a file of {} bytes (an alias bomb?)",
                                text.len()
                            ),
                            offset: range(&span).start,
                        });
                        break;
                    }
                    (n.clone(), *cost)
                }
                None => (
                    Node {
                        value: Value::Scalar {
                            text: String::new(),
                            style: Style::Plain,
                        },
                        span: range(&span),
                        tag: None,
                        in_flow: in_flow(&stack),
                    },
                    1,
                ),
            },
            Event::SequenceStart(..) | Event::MappingStart(..) if stack.len() >= MAX_DEPTH => {
                loaded.error = Some(YamlError {
                    message: format!("collections nested deeper than {MAX_DEPTH} levels"),
                    offset: range(&span).start,
                });
                break;
            }
            Event::SequenceStart(anchor, tag) => {
                let body = Body::Seq(Vec::new());
                Frame::open(&mut stack, body, text, range(&span), anchor, tag.as_deref());
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                let body = Body::Map {
                    entries: Vec::new(),
                    key: None,
                };
                Frame::open(&mut stack, body, text, range(&span), anchor, tag.as_deref());
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = range(&span).end;
                let Some(frame) = stack.pop() else { continue };
                let (anchor, cost) = (frame.anchor, frame.cost);
                let node = frame.close(end);
                if anchor > 0 {
                    anchors.insert(anchor, (node.clone(), cost));
                }
                (node, cost)
            }
            Event::DocumentStart(_) => {
                stack.clear();
                continue;
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => continue,
        };
        match stack.last_mut() {
            Some(frame) => frame.push(node, cost),
            None => {
                if !node.is_null() {
                    loaded.documents.push(node);
                }
            }
        }
    }
    loaded
}

/// The total alias expansion cost of `text` in [`node_cost`] units, counted from parser
/// events alone (no tree is built), up to the first syntax error. An independent check of
/// [`load`]'s budget for tests and the fuzzer: a text whose cost exceeds
/// [`alias_budget`] must get an error from [`load`].
pub fn alias_expansion_cost(text: &str) -> usize {
    let mut parser = Parser::new_from_str(text);
    let mut costs: Vec<(usize, usize)> = Vec::new();
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut total = 0usize;
    while let Some(Ok((event, _))) = parser.next_event() {
        let done = match event {
            Event::Scalar(value, _, anchor, _) => {
                let c = node_cost(value.len());
                if anchor > 0 {
                    anchors.insert(anchor, c);
                }
                Some(c)
            }
            Event::Alias(id) => {
                let c = anchors.get(&id).copied().unwrap_or(1);
                total = total.saturating_add(c);
                Some(c)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                costs.push((anchor, 1));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match costs.pop() {
                Some((anchor, c)) => {
                    if anchor > 0 {
                        anchors.insert(anchor, c);
                    }
                    Some(c)
                }
                None => None,
            },
            Event::StreamEnd => break,
            _ => None,
        };
        if let (Some(c), Some((_, parent))) = (done, costs.last_mut()) {
            *parent = parent.saturating_add(c);
        }
    }
    total
}

/// For each byte of a scalar's value, the byte offset in the file it came from, plus one
/// final entry for the end of the value. Used to point diagnostics inside quoted, escaped
/// or folded scalars and to rewrite them.
///
/// The value is walked alongside the file: a value character comes from the same character
/// in the file, from an escape that decodes to it (double quotes), or, for a space, from a
/// line break that folding turned into it (with the next line's indentation). File
/// characters the loader dropped (indentation, trailing spaces, a quoted scalar's doubled
/// `''`) are skipped. The entries of each character's first byte, and the final entry, are
/// on character boundaries of the file.
pub fn value_offsets(file: &str, node: &Node) -> Vec<usize> {
    let (text, style) = match &node.value {
        Value::Scalar { text, style } => (text.as_str(), *style),
        _ => return vec![node.span.start],
    };
    let span = node.span.clone();
    let (mut pos, end) = match style {
        Style::SingleQuoted | Style::DoubleQuoted => {
            (span.start + 1, span.end.saturating_sub(1).max(span.start))
        }
        _ => (span.start, span.end),
    };
    let mut out = Vec::with_capacity(text.len() + 1);
    let next_char = |at: usize| file.get(at..end).and_then(|s| s.chars().next());
    for ch in text.chars() {
        // Where `ch` came from, and whether it is that very character there.
        let found = loop {
            let Some(rc) = next_char(pos) else {
                break None;
            };
            if style == Style::DoubleQuoted && rc == '\\' {
                let (decoded, len) = escape(file.get(pos + 1..end).unwrap_or(""));
                let at = pos;
                pos = (pos + len).min(end);
                match decoded {
                    // A line continuation: nothing in the value.
                    None => continue,
                    Some(c) if c == ch => break Some((at, false)),
                    // An escape the value does not have here: skip it, as the loader's
                    // dropped characters are.
                    Some(_) => continue,
                }
            }
            if rc == ch {
                let at = pos;
                pos += rc.len_utf8();
                if style == Style::SingleQuoted && ch == '\'' && next_char(pos) == Some('\'') {
                    pos += 1;
                }
                break Some((at, true));
            }
            if ch == ' ' && matches!(rc, '\n' | '\r') {
                // A line break folded into a space, with the next line's indentation.
                let at = pos;
                pos += if file.get(pos..pos + 2) == Some("\r\n") {
                    2
                } else {
                    1
                };
                while matches!(next_char(pos), Some(' ' | '\t')) {
                    pos += 1;
                }
                break Some((at, false));
            }
            pos += rc.len_utf8();
        };
        match found {
            Some((at, true)) => out.extend((0..ch.len_utf8()).map(|i| at + i)),
            Some((at, false)) => out.extend(std::iter::repeat_n(at, ch.len_utf8())),
            None => out.extend(std::iter::repeat_n(end, ch.len_utf8())),
        }
    }
    out.push(pos.min(end).max(out.last().copied().unwrap_or(pos)));
    out
}

/// What the escape after a `\\` decodes to (`None` for a line continuation, or for a
/// malformed one, which the loader rejects) and how many bytes it takes in the file with its
/// backslash.
fn escape(after: &str) -> (Option<char>, usize) {
    let mut chars = after.chars();
    let Some(c) = chars.next() else {
        return (Some('\\'), 1);
    };
    let hex = |digits: usize| {
        let code = after.get(1..1 + digits)?;
        char::from_u32(u32::from_str_radix(code, 16).ok()?)
    };
    let simple = |d: char| (Some(d), 1 + c.len_utf8());
    match c {
        '\n' | '\r' => (None, 2),
        'x' => (hex(2), 4),
        'u' => (hex(4), 6),
        'U' => (hex(8), 10),
        '0' => simple('\0'),
        'a' => simple('\u{7}'),
        'b' => simple('\u{8}'),
        't' | '\t' => simple('\t'),
        'n' => simple('\n'),
        'v' => simple('\u{b}'),
        'f' => simple('\u{c}'),
        'r' => simple('\r'),
        'e' => simple('\u{1b}'),
        'N' => simple('\u{85}'),
        '_' => simple('\u{a0}'),
        'L' => simple('\u{2028}'),
        'P' => simple('\u{2029}'),
        other => simple(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar<'a>(doc: &'a Node, key: &str) -> &'a Node {
        doc.get(key).unwrap()
    }

    #[test]
    fn loads_documents_and_positions() {
        let text = "a: 'x''y'\nb: \"q\\\"z\"\n---\n- 1\n";
        let l = load(text);
        assert!(l.error.is_none());
        assert_eq!(l.documents.len(), 2);
        let a = scalar(&l.documents[0], "a");
        assert_eq!(a.as_str(), Some("x'y"));
        assert_eq!(&text[a.span.clone()], "'x''y'");
        let offs = value_offsets(text, a);
        assert_eq!(offs, vec![4, 5, 7, 8]);
        let b = scalar(&l.documents[0], "b");
        assert_eq!(b.as_str(), Some("q\"z"));
        assert_eq!(value_offsets(text, b), vec![14, 15, 17, 18]);
    }

    #[test]
    fn keeps_tags_and_flow() {
        let l = load("a: !has(x)\nb: [c]\n");
        let a = scalar(&l.documents[0], "a");
        assert_eq!(a.tag.as_deref(), Some("!has(x)"));
        assert!(scalar(&l.documents[0], "b").items()[0].in_flow);
    }

    #[test]
    fn caps_nesting() {
        let text: String = (0..600).map(|i| format!("{}-\n", " ".repeat(i))).collect();
        let l = load(&text);
        assert!(l.error.unwrap().message.contains("nested deeper"));
    }

    /// "Billion laughs": each level doubles (here: multiplies by 9) the expansion.
    fn bomb(levels: usize) -> String {
        let mut s = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..levels {
            let prev = format!("*a{}", i - 1);
            s.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 9].join(", ")
            ));
        }
        s
    }

    #[test]
    fn alias_bombs_stop_at_the_budget() {
        let text = bomb(10);
        let l = load(&text);
        let err = l.error.expect("a bomb is an error");
        assert!(err.message.contains("alias bomb"), "{}", err.message);
        assert!(err.offset < text.len());
        // Expansion within the budget is fine and copies the anchored node.
        let l = load("a: &x {k: v}\nb: *x\nc: [*x, *x]\n");
        assert!(l.error.is_none());
        assert_eq!(
            l.documents[0]
                .get("b")
                .and_then(|b| b.get("k"))
                .and_then(Node::as_str),
            Some("v")
        );
        assert!(alias_budget(usize::MAX) <= 1_000_000);
        assert!(alias_expansion_cost(&text) > alias_budget(text.len()));
        assert_eq!(
            alias_expansion_cost("a: &x {k: v}\nb: *x\nc: [*x, *x]\n"),
            9
        );
    }

    #[test]
    fn keeps_documents_before_an_error() {
        let l = load("a: 1\n---\nb: [\n");
        assert_eq!(l.documents.len(), 1);
        assert!(l.error.is_some());
    }

    #[test]
    fn maps_a_folded_line_break_and_the_escapes_after_it() {
        // The line break folds into a space; the next line starts with a multi-byte
        // character and has escapes after it, which must not take the space's place.
        let text = "{\"s\": \"a\\t\\\"x\\\"\n€ \\\"é\\\"\"}";
        let l = load(text);
        let n = scalar(&l.documents[0], "s");
        assert_eq!(n.as_str(), Some("a\t\"x\" € \"é\""));
        let offs = value_offsets(text, n);
        let value = n.as_str().unwrap();
        for (i, c) in value.char_indices() {
            let at = offs[i];
            assert!(text.is_char_boundary(at), "{c:?} at {at}");
            let there = &text[at..];
            match c {
                // From the folded line break.
                ' ' if Some(i) == value.find(' ') => assert!(there.starts_with('\n'), "{there:?}"),
                // From an escape.
                '\t' | '"' => assert!(there.starts_with('\\'), "{c:?}: {there:?}"),
                _ => assert!(there.starts_with(c), "{c:?}: {there:?}"),
            }
        }
        assert_eq!(offs.len(), value.len() + 1);
        assert!(text.is_char_boundary(offs[value.len()]));
    }

    #[test]
    fn maps_folded_and_unicode() {
        let text = "é: >-\n  a == \"x\"\n  && b\n";
        let l = load(text);
        let n = scalar(&l.documents[0], "é");
        assert_eq!(n.as_str(), Some("a == \"x\" && b"));
        let offs = value_offsets(text, n);
        assert_eq!(&text[offs[9]..offs[9] + 2], "&&");
        assert_eq!(offs.len(), n.as_str().unwrap().len() + 1);
    }
}
