//! The two query languages of yente's `/search`, parsed into one tree ([`Node`]).
//!
//! - **Query-string syntax** (Elasticsearch's `query_string`, yente's default): words (all must
//!   match: the default operator is AND), `"phrases"`, `AND`/`OR`/`NOT` and `&&`/`||`/`!`,
//!   `+word`/`-word`, `field:value` (and `field:"phrase"`, `field:(a OR b)`,
//!   `field:[a TO b]`, `field:>=a`), `prefix*` and other wildcards (`?`, `*`), `word~` /
//!   `word~1` (fuzzy), `"a phrase"~2`, `word^2` (boost), `\` escaping, and grouping with
//!   parentheses. What it cannot read is a [`SyntaxError`] (yente answers 400): an unmatched
//!   parenthesis or quote, an operator with nothing on one side, a field with no value, a
//!   regular expression (`/.../`; an unescaped `/` starts one, as in Elasticsearch).
//! - **Simple syntax** (`simple=true`, `simple_query_string`, for a search box): `|` is OR,
//!   `+` AND, `-` NOT, `"phrases"`, `prefix*`, `~N` and parentheses; everything else, `:` and
//!   `/` and the words AND/OR included, is text. It never fails.
//!
//! Words are not analysed here: [`super`] splits them into tokens as it splits indexed values.

use std::fmt;

/// Where a clause looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Field {
    /// Names (boosted three times) and every other value: yente's `fields: ["names^3", "text"]`.
    Default,
    /// Any field named in the query (`schema`, `countries`, `properties.birthDate`, ...).
    Named(String),
}

/// How a word matches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum WordKind {
    Plain,
    /// Has `*` or `?`.
    Wildcard,
    /// `word~` (`None`: the request's default edit distance) or `word~N`.
    Fuzzy(Option<u8>),
}

/// One parsed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Every record (`*`, or an empty query).
    All,
    Word {
        field: Field,
        text: String,
        kind: WordKind,
        boost: f32,
    },
    Phrase {
        field: Field,
        text: String,
        boost: f32,
    },
    /// `field:[lo TO hi]` and `field:>x` forms; `*` is an open end. Bounds: (value, inclusive).
    Range {
        field: Field,
        lo: Option<(String, bool)>,
        hi: Option<(String, bool)>,
    },
    /// All of `must`, none of `must_not`, and (when `must` is empty) at least one of `should`.
    Bool {
        must: Vec<Node>,
        should: Vec<Node>,
        must_not: Vec<Node>,
    },
}

/// Why a query-string query cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError(pub String);

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String, bool), // text (escapes resolved), whether it had an unescaped wildcard
    Phrase(String),
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
    Minus,
    /// `field:` just before a value.
    Field(String),
    /// `~` with its number, after a word or a phrase.
    Tilde(Option<u8>),
    Boost(f32),
    Range(Option<(String, bool)>, Option<(String, bool)>),
}

fn err<T>(msg: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError(msg.into()))
}

/// Characters that end a bare word.
fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"' | ':' | '^' | '~' | '[' | ']' | '{' | '}' | '/')
}

fn lex(q: &str) -> Result<Vec<Tok>, SyntaxError> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            '"' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return err("a quotation mark is not closed"),
                        Some('"') => break,
                        Some('\\') if i + 1 < chars.len() => {
                            text.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(&ch) => {
                            text.push(ch);
                            i += 1;
                        }
                    }
                }
                i += 1;
                out.push(Tok::Phrase(text));
            }
            '~' => {
                i += 1;
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let digits: String = chars[start..i].iter().collect();
                let n = if digits.is_empty() {
                    None
                } else {
                    let v: f32 = digits.parse().map_err(|_| SyntaxError(format!("`~{digits}` is not a number")))?;
                    Some(v.clamp(0.0, 255.0) as u8)
                };
                if !matches!(out.last(), Some(Tok::Word(..) | Tok::Phrase(_))) {
                    return err("`~` must follow a word or a phrase");
                }
                out.push(Tok::Tilde(n));
            }
            '^' => {
                i += 1;
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let digits: String = chars[start..i].iter().collect();
                let boost: f32 = digits.parse().map_err(|_| SyntaxError("`^` must be followed by a number".into()))?;
                if !matches!(out.last(), Some(Tok::Word(..) | Tok::Phrase(_) | Tok::Close | Tok::Tilde(_))) {
                    return err("`^` must follow a word, a phrase or a group");
                }
                out.push(Tok::Boost(boost));
            }
            '/' => {
                return err(
                    "regular expressions (`/.../`) are not supported; escape the slash as `\\/` or use simple=true",
                )
            }
            ']' | '}' => return err(format!("`{c}` closes a range that was not opened")),
            '[' | '{' => {
                return err(format!("a range (`{c}`) must follow a field name, as in `birthDate:[1970 TO 1980]`"))
            }
            ':' => return err("`:` must follow a field name"),
            '+' | '-' | '!' if chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) => {
                out.push(match c {
                    '+' => Tok::Plus,
                    '-' => Tok::Minus,
                    _ => Tok::Not,
                });
                i += 1;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                out.push(Tok::And);
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                out.push(Tok::Or);
                i += 2;
            }
            _ => {
                let mut text = String::new();
                let mut wild = false;
                while i < chars.len() && !ends_word(chars[i]) {
                    match chars[i] {
                        '\\' => match chars.get(i + 1) {
                            Some(&n) => {
                                text.push(n);
                                i += 2;
                                continue;
                            }
                            None => return err("the query ends with a lone `\\`"),
                        },
                        '*' | '?' => wild = true,
                        _ => {}
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                if chars.get(i) == Some(&':') {
                    i += 1;
                    out.push(Tok::Field(text));
                    i = lex_field_value(&chars, i, &mut out)?;
                    continue;
                }
                match text.as_str() {
                    "AND" => out.push(Tok::And),
                    "OR" => out.push(Tok::Or),
                    "NOT" => out.push(Tok::Not),
                    "+" | "-" => return err(format!("`{text}` must be joined to the word it applies to")),
                    "" => return err(format!("unexpected `{c}`")),
                    _ => out.push(Tok::Word(text, wild)),
                }
            }
        }
    }
    Ok(out)
}

/// What follows `field:`: a range or `>x` form here; anything else is lexed as usual.
fn lex_field_value(chars: &[char], mut i: usize, out: &mut Vec<Tok>) -> Result<usize, SyntaxError> {
    match chars.get(i) {
        None => err("a field name is not followed by a value"),
        Some(c) if c.is_whitespace() => err("a field name is not followed by a value"),
        Some(&open @ ('[' | '{')) => {
            let end = chars[i..].iter().position(|&c| c == ']' || c == '}').map(|p| p + i);
            let Some(end) = end else { return err("a range is not closed") };
            let inner: String = chars[i + 1..end].iter().collect();
            let parts: Vec<&str> = inner.split_whitespace().collect();
            let [lo, "TO", hi] = parts.as_slice() else {
                return err("a range must read `[low TO high]`");
            };
            let bound = |v: &str, inclusive: bool| (v != "*").then(|| (v.to_string(), inclusive));
            out.push(Tok::Range(bound(lo, open == '['), bound(hi, chars[end] == ']')));
            Ok(end + 1)
        }
        Some('>' | '<') => {
            let gt = chars[i] == '>';
            i += 1;
            let inclusive = chars.get(i) == Some(&'=');
            if inclusive {
                i += 1;
            }
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ')' {
                i += 1;
            }
            let value: String = chars[start..i].iter().collect();
            if value.is_empty() {
                return err("a comparison (`>`, `<`) is not followed by a value");
            }
            let bound = Some((value, inclusive));
            out.push(if gt { Tok::Range(bound, None) } else { Tok::Range(None, bound) });
            Ok(i)
        }
        Some(_) => Ok(i),
    }
}

/// Parses query-string syntax.
pub(crate) fn parse(q: &str) -> Result<Node, SyntaxError> {
    let toks = lex(q)?;
    if toks.is_empty() {
        return Ok(Node::All);
    }
    let mut p = Parser { toks, pos: 0, depth: 0 };
    let node = p.or(&Field::Default)?;
    match p.peek() {
        None => Ok(node),
        Some(Tok::Close) => err("a `)` has no matching `(`"),
        Some(t) => err(format!("unexpected {t:?}")),
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Parentheses open at this point.
    depth: usize,
}

/// Most parentheses open at once: deeper nesting says nothing a person would write, and each
/// level is a call on the stack.
pub(crate) const MAX_DEPTH: usize = 32;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// `a OR b OR c`: at least one.
    fn or(&mut self, field: &Field) -> Result<Node, SyntaxError> {
        let mut alternatives = vec![self.and(field)?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
                return err("`OR` has nothing after it");
            }
            alternatives.push(self.and(field)?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.pop().unwrap_or(Node::All)
        } else {
            Node::Bool { must: vec![], should: alternatives, must_not: vec![] }
        })
    }

    /// `a b`, `a AND b`, `-a`, `+a`, `NOT a`: the default operator is AND.
    fn and(&mut self, field: &Field) -> Result<Node, SyntaxError> {
        let mut must = Vec::new();
        let mut must_not = Vec::new();
        let mut first = true;
        loop {
            match self.peek() {
                None | Some(Tok::Close | Tok::Or) => break,
                Some(Tok::And) => {
                    if first {
                        return err("`AND` has nothing before it");
                    }
                    self.pos += 1;
                    if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
                        return err("`AND` has nothing after it");
                    }
                    continue;
                }
                _ => {}
            }
            first = false;
            let negate = match self.peek() {
                Some(Tok::Not | Tok::Minus) => {
                    self.pos += 1;
                    true
                }
                Some(Tok::Plus) => {
                    self.pos += 1;
                    false
                }
                _ => false,
            };
            if matches!(self.peek(), None | Some(Tok::Close | Tok::Or | Tok::And)) {
                return err("`NOT` (or `-`, `+`) has nothing after it");
            }
            let clause = self.primary(field)?;
            if negate {
                must_not.push(clause);
            } else {
                must.push(clause);
            }
        }
        if must.is_empty() && must_not.is_empty() {
            return err("the query has an empty part (two operators in a row, or `()`)");
        }
        if must.len() == 1 && must_not.is_empty() {
            return Ok(must.pop().unwrap_or(Node::All));
        }
        if must.is_empty() {
            must.push(Node::All); // a purely negative query: everything but
        }
        Ok(Node::Bool { must, should: vec![], must_not })
    }

    fn primary(&mut self, field: &Field) -> Result<Node, SyntaxError> {
        let node = match self.next() {
            Some(Tok::Open) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return err(format!("more than {MAX_DEPTH} parentheses are open at once"));
                }
                let inner = self.or(field)?;
                if self.next() != Some(Tok::Close) {
                    return err("a `(` is not closed");
                }
                self.depth -= 1;
                inner
            }
            Some(Tok::Field(name)) => {
                let named = Field::Named(name);
                match self.peek() {
                    Some(Tok::Range(..)) => {
                        let Some(Tok::Range(lo, hi)) = self.next() else { return err("a range is not readable") };
                        Node::Range { field: named, lo, hi }
                    }
                    Some(Tok::Word(..) | Tok::Phrase(_) | Tok::Open) => self.primary(&named)?,
                    _ => return err("a field name is not followed by a value"),
                }
            }
            Some(Tok::Word(text, wild)) => {
                let kind = if wild { WordKind::Wildcard } else { WordKind::Plain };
                let kind = match self.peek() {
                    Some(Tok::Tilde(n)) => {
                        let n = *n;
                        self.pos += 1;
                        if wild {
                            kind
                        } else {
                            WordKind::Fuzzy(n)
                        }
                    }
                    _ => kind,
                };
                if text == "*" {
                    Node::All
                } else {
                    Node::Word { field: field.clone(), text, kind, boost: 1.0 }
                }
            }
            Some(Tok::Phrase(text)) => {
                if let Some(Tok::Tilde(_)) = self.peek() {
                    self.pos += 1; // slop: words of one value, in order, near enough (read as in order)
                }
                Node::Phrase { field: field.clone(), text, boost: 1.0 }
            }
            Some(Tok::Close) => return err("a `)` has no matching `(`"),
            Some(t) => return err(format!("unexpected {t:?}")),
            None => return err("the query ends too early"),
        };
        Ok(match self.peek() {
            Some(Tok::Boost(b)) => {
                let b = *b;
                self.pos += 1;
                boosted(node, b)
            }
            _ => node,
        })
    }
}

fn boosted(node: Node, factor: f32) -> Node {
    match node {
        Node::Word { field, text, kind, boost } => Node::Word { field, text, kind, boost: boost * factor },
        Node::Phrase { field, text, boost } => Node::Phrase { field, text, boost: boost * factor },
        Node::Bool { must, should, must_not } => Node::Bool {
            must: must.into_iter().map(|n| boosted(n, factor)).collect(),
            should: should.into_iter().map(|n| boosted(n, factor)).collect(),
            must_not,
        },
        other => other,
    }
}

/// Parses simple syntax (`simple_query_string`): never an error.
pub(crate) fn parse_simple(q: &str) -> Node {
    let chars: Vec<char> = q.chars().collect();
    let mut pos = 0;
    let node = simple_or(&chars, &mut pos, 0);
    node.unwrap_or(Node::All)
}

fn simple_or(chars: &[char], pos: &mut usize, depth: usize) -> Option<Node> {
    let mut alternatives = Vec::new();
    let mut must = Vec::new();
    let mut must_not = Vec::new();
    let flush = |must: &mut Vec<Node>, must_not: &mut Vec<Node>, alternatives: &mut Vec<Node>| {
        if must.is_empty() && must_not.is_empty() {
            return;
        }
        if must.is_empty() {
            must.push(Node::All);
        }
        alternatives.push(if must.len() == 1 && must_not.is_empty() {
            must.pop().unwrap_or(Node::All)
        } else {
            Node::Bool { must: std::mem::take(must), should: vec![], must_not: std::mem::take(must_not) }
        });
    };
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            _ if c.is_whitespace() || c == '+' => *pos += 1,
            '|' => {
                *pos += 1;
                flush(&mut must, &mut must_not, &mut alternatives);
            }
            ')' if depth > 0 => {
                *pos += 1;
                break;
            }
            ')' => *pos += 1, // unmatched: ignored
            _ => {
                let negate = c == '-';
                if negate {
                    *pos += 1;
                }
                let Some(clause) = simple_primary(chars, pos, depth) else { continue };
                if negate {
                    must_not.push(clause);
                } else {
                    must.push(clause);
                }
            }
        }
    }
    flush(&mut must, &mut must_not, &mut alternatives);
    match alternatives.len() {
        0 => None,
        1 => alternatives.pop(),
        _ => Some(Node::Bool { must: vec![], should: alternatives, must_not: vec![] }),
    }
}

fn simple_primary(chars: &[char], pos: &mut usize, depth: usize) -> Option<Node> {
    match chars.get(*pos)? {
        '(' => {
            *pos += 1;
            if depth >= MAX_DEPTH {
                return None; // deeper parentheses are read as if they were not there
            }
            simple_or(chars, pos, depth + 1)
        }
        '"' => {
            *pos += 1;
            let start = *pos;
            while *pos < chars.len() && chars[*pos] != '"' {
                *pos += 1;
            }
            let text: String = chars[start..*pos].iter().collect();
            *pos += 1; // the closing quote, or past the end when there is none
            skip_tilde(chars, pos);
            Some(Node::Phrase { field: Field::Default, text, boost: 1.0 })
        }
        _ => {
            let start = *pos;
            while *pos < chars.len()
                && !chars[*pos].is_whitespace()
                && !matches!(chars[*pos], '|' | '(' | ')' | '"' | '~')
            {
                *pos += 1;
            }
            let text: String = chars[start..*pos].iter().collect();
            let fuzzy = skip_tilde(chars, pos);
            if text.is_empty() {
                return None;
            }
            let kind = if text.ends_with('*') && text.len() > 1 {
                WordKind::Wildcard
            } else if let Some(n) = fuzzy {
                WordKind::Fuzzy(n)
            } else {
                WordKind::Plain
            };
            let text = if kind == WordKind::Wildcard { text } else { text.replace('*', " ") };
            Some(Node::Word { field: Field::Default, text, kind, boost: 1.0 })
        }
    }
}

/// Skips `~N`; `Some(N)` when there was one.
fn skip_tilde(chars: &[char], pos: &mut usize) -> Option<Option<u8>> {
    if chars.get(*pos) != Some(&'~') {
        return None;
    }
    *pos += 1;
    let start = *pos;
    while *pos < chars.len() && chars[*pos].is_ascii_digit() {
        *pos += 1;
    }
    let digits: String = chars[start..*pos].iter().collect();
    Some(digits.parse::<u8>().ok())
}
