//! A YAML 1.2 document as a tree of nodes that remember their line and column.
//!
//! Why not serde: a case file's errors must name the line, the column and the offending key, and
//! must never echo a value (a source's `note` is private). serde_yaml_ng reports a position but
//! writes values into its messages (`invalid type: string "met him in 2015"`), and it cannot give
//! the position of a value that is well-formed but wrong (a claim id that does not exist). So we
//! read the event stream of `yaml-rust2` (a YAML 1.2 parser) into marked nodes and convert them by
//! hand in `case.rs`, writing every message ourselves.
//!
//! Scalars are resolved by the YAML 1.2 core schema, as PRODUCT.md requires: `NO`, `yes`, `off`
//! are strings (YAML 1.1 made them booleans); `2024-11-01` is a string (1.2 has no timestamp
//! type); `1991` is an integer; quoted scalars are always strings.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A position in the file (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

impl Pos {
    fn of(mark: Marker) -> Pos {
        Pos { line: mark.line(), column: mark.col() + 1 }
    }
}

/// A scalar as the YAML 1.2 core schema resolves it.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    /// The number and its text as written (`0123` keeps its zero where text is wanted).
    Int(i64, String),
    Float(f64, String),
    Str(String),
}

/// One node of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar(Scalar, Pos),
    Seq(Vec<Node>, Pos),
    Map(Vec<(String, Pos, Node)>, Pos),
}

impl Node {
    pub fn pos(&self) -> Pos {
        match self {
            Node::Scalar(_, p) | Node::Seq(_, p) | Node::Map(_, p) => *p,
        }
    }

    /// What kind of node this is, for messages ("a list", "a mapping", "a number").
    pub fn describe(&self) -> &'static str {
        match self {
            Node::Scalar(Scalar::Null, _) => "empty",
            Node::Scalar(Scalar::Bool(_), _) => "a boolean",
            Node::Scalar(Scalar::Int(..) | Scalar::Float(..), _) => "a number",
            Node::Scalar(Scalar::Str(_), _) => "text",
            Node::Seq(..) => "a list",
            Node::Map(..) => "a mapping",
        }
    }
}

/// A YAML syntax error: where, and the parser's reason (which names no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub reason: String,
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(text: String) -> Scalar {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Scalar::Int(n, text);
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(hex, 16) {
            return Scalar::Int(n, text);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(n) = i64::from_str_radix(oct, 8) {
            return Scalar::Int(n, text);
        }
    }
    let float_like = digits.bytes().any(|b| b.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like {
        if let Ok(f) = text.parse::<f64>() {
            return Scalar::Float(f, text);
        }
    }
    match text.as_str() {
        ".inf" | ".Inf" | ".INF" | "+.inf" => Scalar::Float(f64::INFINITY, text),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY, text),
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN, text),
        _ => Scalar::Str(text),
    }
}

enum Frame {
    Seq(Vec<Node>, Pos, usize),
    /// Items, position, anchor, and the key waiting for its value.
    Map(Vec<(String, Pos, Node)>, Pos, usize, Option<(String, Pos)>),
}

/// The most nodes a document may hold once its aliases are expanded. A case file of a hundred
/// people holds a few thousand; a "billion laughs" file (an anchor of nine aliases of an anchor
/// of nine aliases, nine levels deep) would hold hundreds of millions and take all memory, so
/// expansion stops at this budget with an error instead.
pub const MAX_NODES: usize = 100_000;

/// How many nodes `node` holds, itself included.
fn size(node: &Node) -> usize {
    match node {
        Node::Scalar(..) => 1,
        Node::Seq(items, _) => 1 + items.iter().map(size).sum::<usize>(),
        Node::Map(items, _) => 1 + items.iter().map(|(_, _, n)| 1 + size(n)).sum::<usize>(),
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchored nodes with their size.
    anchors: Vec<(usize, Node, usize)>,
    error: Option<SyntaxError>,
    /// Nodes built so far, aliases counted at their expanded size.
    nodes: usize,
    documents: usize,
}

impl Builder {
    fn fail(&mut self, pos: Pos, reason: &str) {
        if self.error.is_none() {
            self.error = Some(SyntaxError { pos, reason: reason.into() });
        }
    }

    fn push_node(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            let n = size(&node);
            self.anchors.push((anchor, node.clone(), n));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(items, _, _, pending)) => match pending.take() {
                None => match node {
                    Node::Scalar(s, pos) => {
                        let key = match s {
                            Scalar::Str(t) => t,
                            Scalar::Int(_, raw) => raw,
                            Scalar::Bool(b) => b.to_string(),
                            Scalar::Float(_, raw) => raw,
                            Scalar::Null => String::new(),
                        };
                        *pending = Some((key, pos));
                    }
                    other => {
                        if self.error.is_none() {
                            self.error = Some(SyntaxError {
                                pos: other.pos(),
                                reason: "a mapping key must be plain text, not a list or a mapping".into(),
                            });
                        }
                        *pending = Some((String::new(), other.pos()));
                    }
                },
                Some((key, pos)) => items.push((key, pos, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = Pos::of(mark);
        if self.error.is_some() {
            // the document is rejected: build nothing more (a bomb past the budget stays small)
            return;
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.fail(pos, "the document is too large (more than 100,000 values, aliases expanded)");
            return;
        }
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let scalar = if style == TScalarStyle::Plain { resolve_plain(text) } else { Scalar::Str(text) };
                self.push_node(Node::Scalar(scalar, pos), anchor);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(Vec::new(), pos, anchor)),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map(Vec::new(), pos, anchor, None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(items, p, a)) => (Node::Seq(items, p), a),
                    Some(Frame::Map(items, p, a, _)) => (Node::Map(items, p), a),
                    None => return,
                };
                self.push_node(node, anchor);
            }
            Event::Alias(id) => {
                let Some(&(_, _, n)) = self.anchors.iter().rev().find(|(a, _, _)| *a == id) else {
                    self.fail(pos, "an alias names no anchor");
                    return;
                };
                // counted before it is copied: an alias that would pass the budget is never expanded
                self.nodes = self.nodes.saturating_add(n);
                if self.nodes > MAX_NODES {
                    self.fail(pos, "the document is too large (more than 100,000 values, aliases expanded)");
                    return;
                }
                let node = self.anchors.iter().rev().find(|(a, _, _)| *a == id).map(|(_, n, _)| n.clone());
                if let Some(node) = node {
                    self.push_node(node, 0);
                }
            }
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(pos, "a second YAML document (after `---`): a case file is one document");
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

/// Parses `text`, which must hold one document. An empty document is an empty mapping.
/// A second document, an alias naming no anchor, or more than [`MAX_NODES`] values once
/// aliases are expanded are errors.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser
        .load(&mut builder, true)
        .map_err(|e| SyntaxError { pos: Pos::of(*e.marker()), reason: e.info().to_string() })?;
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root.unwrap_or(Node::Map(Vec::new(), Pos { line: 1, column: 1 })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Scalar {
        match parse(&format!("v: {text}")).unwrap() {
            Node::Map(items, _) => match &items[0].2 {
                Node::Scalar(s, _) => s.clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn yaml_1_2_core_schema() {
        let table = [
            ("NO", Scalar::Str("NO".into())),
            ("yes", Scalar::Str("yes".into())),
            ("off", Scalar::Str("off".into())),
            ("true", Scalar::Bool(true)),
            ("1991", Scalar::Int(1991, "1991".into())),
            ("0123", Scalar::Int(123, "0123".into())),
            ("\"1991\"", Scalar::Str("1991".into())),
            ("2024-11-01", Scalar::Str("2024-11-01".into())),
            ("'2024-11-01'", Scalar::Str("2024-11-01".into())),
            ("~", Scalar::Null),
            ("3.5", Scalar::Float(3.5, "3.5".into())),
            ("FSO 004512", Scalar::Str("FSO 004512".into())),
        ];
        for (text, want) in table {
            assert_eq!(scalar(text), want, "{text}");
        }
    }

    #[test]
    fn positions_and_flow_style() {
        let doc = "a: 1\nlist:\n  - {key: A, group: g}\n  - [x, y]\n";
        let Node::Map(items, _) = parse(doc).unwrap() else { panic!() };
        assert_eq!(items[1].0, "list");
        assert_eq!(items[1].1, Pos { line: 2, column: 1 });
        let Node::Seq(list, _) = &items[1].2 else { panic!() };
        let Node::Map(inner, p) = &list[0] else { panic!() };
        assert_eq!(p.line, 3);
        assert_eq!(inner[1].0, "group");
        assert_eq!(inner[1].1, Pos { line: 3, column: 14 });
    }

    #[test]
    fn alias_bomb_is_refused_within_the_budget() {
        // nine levels of nine aliases: 9^9 values once expanded
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..=9 {
            let p = i - 1;
            doc.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let bomb = format!("unknown:\n  {}", doc.replace('\n', "\n  "));
        let started = std::time::Instant::now();
        let err = parse(&bomb).unwrap_err();
        assert!(err.reason.contains("too large"), "{}", err.reason);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // a few aliases are fine
        let Node::Map(items, _) = parse("a: &x [1, 2]\nb: *x\n").unwrap() else { panic!() };
        assert_eq!(
            items[1].2,
            Node::Seq(
                vec![
                    Node::Scalar(Scalar::Int(1, "1".into()), Pos { line: 1, column: 8 }),
                    Node::Scalar(Scalar::Int(2, "2".into()), Pos { line: 1, column: 11 })
                ],
                Pos { line: 1, column: 7 }
            )
        );
    }

    #[test]
    fn a_second_document_is_an_error() {
        let err = parse("case: a\n---\ncase: b\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
        assert!(err.reason.contains("second YAML document"), "{}", err.reason);
        // one document with an explicit start, or an end marker, is fine
        assert!(parse("---\ncase: a\n...\n").is_ok());
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.pos.line >= 1);
        assert!(!err.reason.is_empty());
    }
}
