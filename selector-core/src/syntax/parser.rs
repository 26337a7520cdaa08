//! Text to what a builder makes of it (a syntax tree, a compiled program, or nothing):
//! recursive descent over the nom recognisers of [`crate::lexer`].
//!
//! The grammar (SPEC.md section 3), lowest precedence first:
//! `or := and ("||" and)*`, `and := unary ("&&" unary)*`, `unary := "!"* primary`.
//! Runs of `!` are counted in a loop (a million of them parse in linear time); only
//! parentheses recurse, and they are capped at [`NESTING_LIMIT`] levels, so no input can
//! overflow the stack. The parser is generic over the [`Build`] trait, so that [`validate`] runs
//! the very same grammar without allocating anything and the compiler builds a program as the
//! parser reads (module `compile`).

use super::ast::{CompareOp, Expr, Span};
use super::build::{Buffers, Build, CheckOnly, TreeBuilder};
use super::error::{ErrorKind, ParseError};
use super::tree::Tree;
use crate::lexer::{
    is_label_char, space_len, string_len_at, string_literal, word, word_len_at, Token, TokenKind,
    MAX_LABEL_LEN,
};
use serde::Serialize;

/// The deepest nesting of parentheses accepted (SPEC.md requires at least 256 everywhere,
/// including inside WASM's small stack). Deeper input is a [`ErrorKind::NestingTooDeep`] error.
///
/// ```
/// use selector_core::{validate, ErrorKind, NESTING_LIMIT};
/// let deep = |n: usize| format!("{}has(a){}", "(".repeat(n), ")".repeat(n));
/// assert!(validate(&deep(NESTING_LIMIT)).is_ok());
/// assert_eq!(validate(&deep(NESTING_LIMIT + 1)).unwrap_err().kind(), ErrorKind::NestingTooDeep);
/// ```
pub const NESTING_LIMIT: usize = 256;

/// Parses `src` and hands its tree to `f`. The tree lives in buffers reused from one parse
/// to the next on this thread ([`Buffers::with`]). The error stays boxed, so that a success
/// passes no room for a whole [`ParseError`] back up.
pub(crate) fn with_tree<R>(src: &str, f: impl FnOnce(&Tree) -> R) -> Result<R, Box<ParseError>> {
    Buffers::with(|buffers| {
        let builder = TreeBuilder::reuse(src, buffers);
        let (root, builder) = Parser::new(src, None, builder).selector()?;
        Ok(f(builder.finish(root)))
    })
}

/// Parses `src` with `build`; returns the root and the builder.
pub(crate) fn parse_into<B: Build>(src: &str, build: B) -> Result<(B::Node, B), Box<ParseError>> {
    Parser::new(src, None, build).selector()
}

/// Parses `src` into an [`Expr`].
pub(crate) fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    with_tree(src, |tree| tree.to_expr(src)).map_err(|e| *e)
}

/// Checks that `src` is a valid selector without building its tree.
///
/// ```
/// assert!(selector_core::validate("has(a) && b in {\"x\"}").is_ok());
/// assert!(selector_core::validate("has(a) and b").is_err());
/// ```
pub fn validate(src: &str) -> Result<(), ParseError> {
    Parser::new(src, None, CheckOnly)
        .selector()
        .map(|_| ())
        .map_err(|e| *e)
}

/// The tokens of `src` for syntax highlighting, also for invalid input (up to the error).
///
/// ```
/// use selector_core::{tokens, TokenKind};
/// let kinds: Vec<TokenKind> = tokens("a in {'x'}").tokens.iter().map(|t| t.kind).collect();
/// assert_eq!(kinds, [TokenKind::Label, TokenKind::Operator, TokenKind::LBrace,
///                    TokenKind::String, TokenKind::RBrace]);
/// ```
pub fn tokens(src: &str) -> Tokens {
    let mut out = Vec::new();
    let error = Parser::new(src, Some(&mut out), CheckOnly).selector().err();
    Tokens {
        tokens: out,
        error: error.map(|e| *e),
    }
}

/// The tokens of a selector, as far as it parses, and the error that stopped it, if any.
///
/// ```
/// use selector_core::{tokens, TokenKind};
/// let t = tokens("has(a) && b == ");
/// assert_eq!(t.tokens[0].kind, TokenKind::Function);
/// assert!(t.error.is_some());
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Tokens {
    /// The tokens read before any error.
    pub tokens: Vec<Token>,
    /// Why parsing stopped early, if it did.
    pub error: Option<ParseError>,
}

/// The parser's results. Errors are boxed: a successful step then returns a small value,
/// not room for a whole [`ParseError`], on the parser's hottest paths. For the same reason
/// every error message is built in a `#[cold]` function of its own, out of the steps that
/// read valid input, which then stay small.
type PResult<T> = Result<T, Box<ParseError>>;

struct Parser<'s, 't, B> {
    src: &'s str,
    pos: usize,
    depth: usize,
    tokens: Option<&'t mut Vec<Token>>,
    build: B,
}

const OPERATORS_HELP: &str =
    "the operators are `==`, `!=`, `in`, `not in`, `contains`, `starts with` and `ends with`";

impl<'s, 't, B: Build> Parser<'s, 't, B> {
    fn new(src: &'s str, tokens: Option<&'t mut Vec<Token>>, build: B) -> Self {
        Parser {
            src,
            pos: 0,
            depth: 0,
            tokens,
            build,
        }
    }

    // ----- cursor -----

    fn rest(&self) -> &'s str {
        self.src.get(self.pos..).unwrap_or("")
    }

    /// The bytes from the cursor on (the grammar's tokens are ASCII: see [`crate::lexer`]).
    #[inline]
    fn bytes(&self) -> &'s [u8] {
        self.src.as_bytes().get(self.pos..).unwrap_or(&[])
    }

    #[inline]
    fn peek(&self) -> Option<char> {
        match self.bytes().first() {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => self.rest().chars().next(),
            None => None,
        }
    }

    #[inline]
    fn at(&self, s: &str) -> bool {
        self.bytes().starts_with(s.as_bytes())
    }

    #[inline]
    fn skip_space(&mut self) {
        self.pos += space_len(self.bytes());
    }

    /// Reads a word of label characters at the cursor (empty if there is none).
    #[inline]
    fn take_word(&mut self) -> (Span, &'s str) {
        let start = self.pos;
        self.pos += word_len_at(self.src.as_bytes(), self.pos);
        (
            Span::new(start, self.pos),
            self.src.get(start..self.pos).unwrap_or(""),
        )
    }

    /// The word at the cursor, without moving.
    fn peek_word(&self) -> &'s str {
        let len = word_len_at(self.src.as_bytes(), self.pos);
        self.src.get(self.pos..self.pos + len).unwrap_or("")
    }

    #[inline]
    fn emit(&mut self, kind: TokenKind, start: usize, end: usize) {
        if let Some(tokens) = self.tokens.as_deref_mut() {
            tokens.push(Token {
                kind,
                span: start..end,
            });
        }
    }

    /// Consumes the one-character token `c` (known to be at the cursor).
    #[inline]
    fn punct(&mut self, kind: TokenKind) {
        self.emit(kind, self.pos, self.pos + 1);
        self.pos += 1;
    }

    // ----- errors -----

    #[cold]
    fn error(
        &self,
        kind: ErrorKind,
        span: Span,
        message: String,
        help: Option<String>,
    ) -> Box<ParseError> {
        Box::new(ParseError::new(kind, self.src, span.range(), message, help))
    }

    /// The span of the character at the cursor (empty at the end).
    fn here(&self) -> Span {
        Span::new(self.pos, self.pos + self.peek().map_or(0, char::len_utf8))
    }

    #[cold]
    #[inline(never)]
    fn newline_error(&self) -> Box<ParseError> {
        let what = if self.at("\r") {
            "a carriage return"
        } else {
            "a line break"
        };
        self.error(
            ErrorKind::NewlineNotAllowed,
            self.here(),
            format!("{what} is not allowed in a selector"),
            Some(
                "Calico accepts only spaces and tabs between tokens; write the selector on one line \
                 (a YAML block scalar, `|` or `>`, adds line breaks)"
                    .into(),
            ),
        )
    }

    /// Describes the character at the cursor for a message: `` `x` `` or "the end of the selector".
    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the selector".into(),
            Some(_) if self.at("\"") || self.at("'") => "a string".into(),
            Some(c) if is_label_char(c) => format!("`{}`", self.peek_word()),
            Some(c) => format!("`{c}`"),
        }
    }

    fn is_newline(&self) -> bool {
        self.at("\n") || self.at("\r")
    }

    // ----- grammar -----

    /// The whole selector, and the builder that built it.
    ///
    /// Each rule below returns with the cursor at the end of what it read (a chain puts it
    /// back before the spaces it looked past for another `&&` or `||`), so a rule's span is
    /// its start and the cursor afterwards; no rule needs to return its span.
    fn selector(mut self) -> PResult<(B::Node, B)> {
        self.skip_space();
        if self.pos == self.src.len() {
            let node = self.build.all(Span::new(0, self.src.len()));
            return Ok((node, self.build));
        }
        let node = self.or()?;
        self.skip_space();
        if self.pos < self.src.len() {
            return Err(self.junction_error(None));
        }
        Ok((node, self.build))
    }

    fn or(&mut self) -> PResult<B::Node> {
        self.skip_space();
        let start = self.pos;
        let mark = self.build.mark();
        let first = self.and()?;
        let mut chain = None;
        let mut end = self.pos;
        loop {
            self.skip_space();
            if !self.at("||") {
                self.pos = end;
                break;
            }
            self.emit(TokenKind::Or, self.pos, self.pos + 2);
            self.pos += 2;
            if chain.is_none() {
                chain = Some(self.build.chain_start(mark));
                self.build.chain_push(first);
            }
            self.build.chain_sep(false);
            let node = self.and()?;
            end = self.pos;
            self.build.chain_push(node);
        }
        match chain {
            Some(chain) => Ok(self.build.or(chain, Span::new(start, end))),
            None => Ok(first),
        }
    }

    fn and(&mut self) -> PResult<B::Node> {
        self.skip_space();
        let start = self.pos;
        let mark = self.build.mark();
        let first = self.unary()?;
        let mut chain = None;
        let mut end = self.pos;
        loop {
            self.skip_space();
            if !self.at("&&") {
                self.pos = end;
                break;
            }
            self.emit(TokenKind::And, self.pos, self.pos + 2);
            self.pos += 2;
            if chain.is_none() {
                chain = Some(self.build.chain_start(mark));
                self.build.chain_push(first);
            }
            self.build.chain_sep(true);
            let node = self.unary()?;
            end = self.pos;
            self.build.chain_push(node);
        }
        match chain {
            Some(chain) => Ok(self.build.and(chain, Span::new(start, end))),
            None => Ok(first),
        }
    }

    #[inline]
    fn unary(&mut self) -> PResult<B::Node> {
        self.skip_space();
        let start = self.pos;
        let mut bangs = 0usize;
        while self.at("!") {
            self.punct(TokenKind::Not);
            bangs += 1;
            self.skip_space();
        }
        // `!!x` is `x`: only an odd run of `!` negates.
        let negated = bangs % 2 == 1;
        if negated {
            self.build.not_start();
        }
        let node = self.primary()?;
        if negated {
            Ok(self.build.not(node, Span::new(start, self.pos)))
        } else {
            Ok(node)
        }
    }

    #[inline]
    fn primary(&mut self) -> PResult<B::Node> {
        self.skip_space();
        let start = self.pos;
        match self.peek() {
            Some('(') => {
                if self.depth >= NESTING_LIMIT {
                    return Err(self.nesting_too_deep());
                }
                self.punct(TokenKind::LParen);
                self.depth += 1;
                self.skip_space();
                if self.at(")") {
                    return Err(self.empty_parens(start));
                }
                let node = self.or()?;
                self.skip_space();
                if !self.at(")") {
                    return Err(self.junction_error(Some(start)));
                }
                self.punct(TokenKind::RParen);
                self.depth -= 1;
                Ok(node)
            }
            Some(c) if is_label_char(c) => self.label_expr(),
            _ => Err(self.expected_expression()),
        }
    }

    #[cold]
    #[inline(never)]
    fn nesting_too_deep(&self) -> Box<ParseError> {
        self.error(
            ErrorKind::NestingTooDeep,
            self.here(),
            format!("parentheses are nested more than {NESTING_LIMIT} levels deep"),
            Some("flatten the selector: `&&` and `||` chains need no parentheses".into()),
        )
    }

    /// The error for `()`, whose `(` is at `open`.
    #[cold]
    #[inline(never)]
    fn empty_parens(&self, open: usize) -> Box<ParseError> {
        self.error(
            ErrorKind::EmptyParens,
            Span::new(open, self.pos + 1),
            "empty parentheses `()`".into(),
            Some("put an expression inside, or use `all()` to select everything".into()),
        )
    }

    /// The error for a cursor where an expression should start but cannot.
    #[cold]
    #[inline(never)]
    fn expected_expression(&self) -> Box<ParseError> {
        let help = "an expression starts with a label, `has(`, `all()`, `global()`, `(` or `!`";
        match self.peek() {
            None => self.error(
                ErrorKind::UnexpectedEnd,
                self.here(),
                "expected an expression, found the end of the selector".into(),
                Some(help.into()),
            ),
            Some(_) if self.is_newline() => self.newline_error(),
            Some(')') if self.depth == 0 => self.unmatched_paren(),
            Some('"') | Some('\'') => self.error(
                ErrorKind::ExpectedLabel,
                self.here(),
                "expected a label, found a string".into(),
                Some("label names are not quoted: `label == \"value\"`".into()),
            ),
            Some(_) => self.error(
                ErrorKind::UnexpectedCharacter,
                self.here(),
                format!("expected an expression, found {}", self.found()),
                Some(help.into()),
            ),
        }
    }

    #[cold]
    #[inline(never)]
    fn unmatched_paren(&self) -> Box<ParseError> {
        self.error(
            ErrorKind::UnmatchedParen,
            self.here(),
            "unmatched `)`".into(),
            Some("remove it, or add the `(` it closes".into()),
        )
    }

    /// Reads a label at the cursor (known to start with a label character), checking its length.
    #[inline]
    fn label(&mut self) -> PResult<(Span, &'s str)> {
        let (span, label) = self.take_word();
        if label.len() > MAX_LABEL_LEN {
            return Err(self.label_too_long(span));
        }
        Ok((span, label))
    }

    #[cold]
    #[inline(never)]
    fn label_too_long(&self, span: Span) -> Box<ParseError> {
        self.error(
            ErrorKind::LabelTooLong,
            span,
            format!(
                "label is {} bytes long; Calico allows at most {MAX_LABEL_LEN}",
                span.end - span.start
            ),
            Some("shorten the label name".into()),
        )
    }

    /// `has(…)`, `all()`, `global()`, or a label followed by an operator and its operand.
    #[inline]
    fn label_expr(&mut self) -> PResult<B::Node> {
        let (lspan, label) = self.label()?;
        let start = lspan.start;
        if self.at("(") && matches!(label, "has" | "all" | "global") {
            self.emit(TokenKind::Function, lspan.start, lspan.end);
            let node = match label {
                "has" => {
                    let name = self.has_argument()?;
                    self.build.has(name, Span::new(start, self.pos))
                }
                "all" => {
                    self.no_argument(label)?;
                    self.build.all(Span::new(start, self.pos))
                }
                _ => {
                    self.no_argument(label)?;
                    self.build.global(Span::new(start, self.pos))
                }
            };
            return Ok(node);
        }
        self.emit(TokenKind::Label, lspan.start, lspan.end);
        self.skip_space();
        let op_start = self.pos;
        let cmp = match self.peek() {
            Some('=') if self.at("==") && !self.at("===") => {
                self.pos += 2;
                CompareOp::Eq
            }
            Some('=') => return Err(self.invalid_equals(label)),
            Some('!') if self.at("!=") => {
                self.pos += 2;
                CompareOp::Ne
            }
            Some(c) if is_label_char(c) => {
                let (wspan, w) = self.take_word();
                match w {
                    "contains" => CompareOp::Contains,
                    "startswith" => CompareOp::StartsWith,
                    "endswith" => CompareOp::EndsWith,
                    "starts" | "ends" => {
                        self.second_word(w, "with")?;
                        if w == "starts" {
                            CompareOp::StartsWith
                        } else {
                            CompareOp::EndsWith
                        }
                    }
                    "in" => return self.set(label, lspan, false, op_start),
                    "notin" => return self.set(label, lspan, true, op_start),
                    "not" => {
                        self.second_word(w, "in")?;
                        return self.set(label, lspan, true, op_start);
                    }
                    _ => {
                        self.pos = wspan.start;
                        return Err(self.missing_operator(label, lspan));
                    }
                }
            }
            _ => return Err(self.missing_operator(label, lspan)),
        };
        self.emit(TokenKind::Operator, op_start, self.pos);
        self.skip_space();
        let value = self.string_operand(label, cmp.as_str())?;
        let span = Span::new(start, self.pos);
        Ok(self.build.compare(cmp, lspan, value, span))
    }

    /// The error for `===` or a single `=` at the cursor after `label`.
    #[cold]
    #[inline(never)]
    fn invalid_equals(&self, label: &str) -> Box<ParseError> {
        if self.at("===") {
            return self.error(
                ErrorKind::InvalidOperator,
                Span::new(self.pos, self.pos + 3),
                "`===` is not a valid operator".into(),
                Some(format!("use `==`: `{label} == {}`", self.example_value(3))),
            );
        }
        self.error(
            ErrorKind::InvalidOperator,
            self.here(),
            "`=` is not a valid operator".into(),
            Some(format!(
                "use `==` to compare a label with a value: `{label} == {}`",
                self.example_value(1)
            )),
        )
    }

    /// The second word of `starts with`, `ends with`, `not in` (whitespace may separate them).
    #[inline]
    fn second_word(&mut self, first: &str, second: &str) -> PResult<()> {
        self.skip_space();
        let (span, w) = self.take_word();
        if w == second {
            return Ok(());
        }
        self.pos = span.start;
        Err(self.missing_second_word(first, second))
    }

    #[cold]
    #[inline(never)]
    fn missing_second_word(&self, first: &str, second: &str) -> Box<ParseError> {
        self.error(
            ErrorKind::MissingOperator,
            self.here(),
            format!(
                "expected `{second}` after `{first}`, found {}",
                self.found()
            ),
            Some(format!("write `{first} {second}`; {OPERATORS_HELP}")),
        )
    }

    /// A quoted form of whatever value follows an operator of `skip` bytes, for help texts.
    fn example_value(&self, skip: usize) -> String {
        let after = self
            .rest()
            .get(skip..)
            .unwrap_or("")
            .trim_start_matches([' ', '\t']);
        if after.starts_with('"') || after.starts_with('\'') {
            if let Ok((_, s)) = string_literal(after) {
                return quote(s);
            }
        }
        match word(after) {
            Ok((_, w)) => quote(w),
            Err(_) => "\"value\"".into(),
        }
    }

    /// The `(…)` at the cursor as it would be written, up to its `)` on this line (added if
    /// missing), for a help that shows the whole corrected call.
    fn call_arguments(&self) -> String {
        let rest = self.rest();
        let line = rest
            .find(['\n', '\r'])
            .map_or(rest, |i| rest.get(..i).unwrap_or(""));
        match line.find(')') {
            Some(i) => line.get(..=i).unwrap_or("()").to_string(),
            None => format!("{})", line.trim_end_matches([' ', '\t'])),
        }
    }

    /// The error for a label that is not followed by an operator.
    #[cold]
    #[inline(never)]
    fn missing_operator(&self, label: &str, lspan: Span) -> Box<ParseError> {
        if label == "not" {
            return self.error(
                ErrorKind::WordOperator,
                lspan,
                "`not` is not an operator in Calico selectors".into(),
                Some("use `!` to negate an expression: `!has(label)`".into()),
            );
        }
        let has_help = format!("to test that the label exists, write `has({label})`");
        match self.peek() {
            Some(_) if self.is_newline() => self.newline_error(),
            Some('(') if matches!(label, "has" | "all" | "global") => self.error(
                ErrorKind::SpaceBeforeParen,
                Span::new(lspan.end, self.pos),
                format!("space between `{label}` and `(`"),
                Some(format!(
                    "write `{label}{}` with no space: Calico reads `{label} (` as a label named `{label}`",
                    self.call_arguments()
                )),
            ),
            Some('"') | Some('\'') => self.error(
                ErrorKind::MissingOperator,
                self.here(),
                format!("expected an operator between label `{label}` and the string"),
                Some(format!("for example `{label} == {}`", self.example_value(0))),
            ),
            None | Some('&') | Some('|') | Some(')') => self.error(
                ErrorKind::MissingOperator,
                lspan,
                format!("label `{label}` is not followed by an operator"),
                Some(format!("{has_help}; {OPERATORS_HELP}")),
            ),
            Some('(') if matches!(label.to_ascii_lowercase().as_str(), "has" | "all" | "global") => self.error(
                ErrorKind::MissingOperator,
                self.here(),
                format!("expected an operator after label `{label}`, found `(`"),
                Some(format!("keywords are case-sensitive: write `{}(`", label.to_ascii_lowercase())),
            ),
            Some(_) => {
                let w = self.peek_word().to_ascii_lowercase();
                let help = match w.as_str() {
                    "in" | "contains" | "startswith" | "endswith" | "notin" => {
                        format!("operators are case-sensitive: write `{w}`")
                    }
                    "not" => "operators are case-sensitive: write `not in`".into(),
                    "starts" | "ends" => format!("operators are case-sensitive: write `{w} with`"),
                    _ => OPERATORS_HELP.into(),
                };
                self.error(
                    ErrorKind::MissingOperator,
                    self.here_word(),
                    format!("expected an operator after label `{label}`, found {}", self.found()),
                    Some(help),
                )
            }
        }
    }

    /// The span of the word at the cursor, or of the character if there is no word.
    fn here_word(&self) -> Span {
        let w = self.peek_word();
        if w.is_empty() {
            self.here()
        } else {
            Span::new(self.pos, self.pos + w.len())
        }
    }

    /// The quoted string after a comparison operator; the span of its text.
    #[inline]
    fn string_operand(&mut self, label: &str, op: &str) -> PResult<Span> {
        match self.bytes().first() {
            Some(b'"' | b'\'') => self.string(),
            _ => Err(self.expected_string(label, op)),
        }
    }

    /// The error for a cursor after operator `op` where no string starts.
    #[cold]
    #[inline(never)]
    fn expected_string(&self, label: &str, op: &str) -> Box<ParseError> {
        match self.peek() {
            Some(_) if self.is_newline() => self.newline_error(),
            Some(c) if is_label_char(c) => {
                let w = self.peek_word();
                self.error(
                    ErrorKind::UnquotedValue,
                    self.here_word(),
                    format!("expected a quoted string after `{op}`, found `{w}`"),
                    Some(format!("quote the value: `{label} {op} {}`", quote(w))),
                )
            }
            _ => self.error(
                if self.peek().is_none() {
                    ErrorKind::UnexpectedEnd
                } else {
                    ErrorKind::ExpectedString
                },
                self.here(),
                format!(
                    "expected a quoted string after `{op}`, found {}",
                    self.found()
                ),
                Some(format!("for example `{label} {op} \"value\"`")),
            ),
        }
    }

    /// A string literal at the cursor (known to start with a quote); the span of its text,
    /// between the quotes.
    #[inline]
    fn string(&mut self) -> PResult<Span> {
        let start = self.pos;
        match string_len_at(self.src.as_bytes(), self.pos) {
            Some(len) => {
                self.pos += len;
                self.emit(TokenKind::String, start, self.pos);
                Ok(Span::new(start + 1, self.pos - 1))
            }
            None => Err(self.unterminated_string()),
        }
    }

    #[cold]
    #[inline(never)]
    fn unterminated_string(&self) -> Box<ParseError> {
        let start = self.pos;
        let q = if self.at("\"") { '"' } else { '\'' };
        let other = if q == '"' { '\'' } else { '"' };
        self.error(
            ErrorKind::UnterminatedString,
            Span::new(start, start + 1),
            format!("unterminated string: no closing `{q}`"),
            Some(format!(
                "add the closing `{q}`; strings have no escapes, so a value containing `{q}` \
                 must be quoted with `{other}`"
            )),
        )
    }

    /// `{ "a", "b" }` after `in` / `not in` (the operator word already read).
    fn set(
        &mut self,
        label: &str,
        lspan: Span,
        negated: bool,
        op_start: usize,
    ) -> PResult<B::Node> {
        let start = lspan.start;
        self.emit(TokenKind::Operator, op_start, self.pos);
        let op = if negated { "not in" } else { "in" };
        self.skip_space();
        let brace = self.pos;
        match self.peek() {
            Some('{') => self.punct(TokenKind::LBrace),
            Some('(') | Some('[') => return Err(self.kubernetes_set(label, op)),
            Some(_) if self.is_newline() => return Err(self.newline_error()),
            _ => {
                let example = if self.at("\"") || self.at("'") {
                    self.example_value(0)
                } else {
                    "\"a\", \"b\"".into()
                };
                return Err(self.error(
                    if self.peek().is_none() {
                        ErrorKind::UnexpectedEnd
                    } else {
                        ErrorKind::ExpectedSet
                    },
                    self.here_word(),
                    format!("expected `{{` after `{op}`, found {}", self.found()),
                    Some(format!(
                        "list the values in braces: `{label} {op} {{{example}}}`"
                    )),
                ));
            }
        }
        let values = self.build.set_start();
        self.skip_space();
        if !self.at("}") {
            loop {
                match self.peek() {
                    Some('"') | Some('\'') => {
                        let v = self.string()?;
                        self.build.set_value(v);
                    }
                    None => return Err(self.unclosed_brace(brace)),
                    Some(_) if self.is_newline() => return Err(self.newline_error()),
                    Some(c) if is_label_char(c) => {
                        let w = self.peek_word();
                        return Err(self.error(
                            ErrorKind::UnquotedValue,
                            self.here_word(),
                            format!("set values must be quoted strings, found `{w}`"),
                            Some(format!("quote the value: `{}`", quote(w))),
                        ));
                    }
                    Some(_) => {
                        return Err(self.error(
                            ErrorKind::ExpectedString,
                            self.here(),
                            format!(
                                "expected a quoted string in the set, found {}",
                                self.found()
                            ),
                            Some(format!("for example `{label} {op} {{\"a\", \"b\"}}`")),
                        ))
                    }
                }
                self.skip_space();
                match self.peek() {
                    Some(',') => {
                        self.punct(TokenKind::Comma);
                        self.skip_space();
                        if self.at("}") {
                            break;
                        }
                    }
                    Some('}') => break,
                    None => return Err(self.unclosed_brace(brace)),
                    Some(_) if self.is_newline() => return Err(self.newline_error()),
                    Some(_) => {
                        return Err(self.error(
                            ErrorKind::UnexpectedCharacter,
                            self.here(),
                            format!(
                                "expected `,` or `}}` after a set value, found {}",
                                self.found()
                            ),
                            Some(
                                "separate the values with commas and close the set with `}`".into(),
                            ),
                        ))
                    }
                }
            }
        }
        self.punct(TokenKind::RBrace);
        let span = Span::new(start, self.pos);
        Ok(self.build.in_set(lspan, values, negated, span))
    }

    #[cold]
    #[inline(never)]
    fn unclosed_brace(&self, brace: usize) -> Box<ParseError> {
        self.error(
            ErrorKind::UnclosedBrace,
            Span::new(brace, brace + 1),
            "unclosed `{`".into(),
            Some("close the set with `}`".into()),
        )
    }

    /// Kubernetes-style `in (a, b)`: suggests the Calico spelling with the same values.
    #[cold]
    #[inline(never)]
    fn kubernetes_set(&self, label: &str, op: &str) -> Box<ParseError> {
        let close = if self.at("(") { ')' } else { ']' };
        let rest = self.rest();
        let inner_end = rest.find(close);
        let inner = rest.get(1..inner_end.unwrap_or(rest.len())).unwrap_or("");
        let values: Vec<String> = inner
            .split(',')
            .map(|v| v.trim_matches([' ', '\t', '"', '\'']))
            .filter(|v| !v.is_empty())
            .map(quote)
            .collect();
        let end = self.pos + inner_end.map_or(rest.len(), |i| i + 1);
        self.error(
            ErrorKind::KubernetesSetSyntax,
            Span::new(self.pos, end),
            format!(
                "Calico sets are written in braces with quoted values, not `{}`",
                self.peek().unwrap_or('(')
            ),
            Some(format!("write `{label} {op} {{{}}}`", values.join(", "))),
        )
    }

    /// The label inside `has(…)`; the cursor is on the `(`.
    fn has_argument(&mut self) -> PResult<Span> {
        let open = self.pos;
        self.punct(TokenKind::LParen);
        self.skip_space();
        let (name_span, name) = match self.peek() {
            Some(c) if is_label_char(c) => {
                let (span, name) = self.label()?;
                self.emit(TokenKind::Label, span.start, span.end);
                (span, name)
            }
            Some(')') => {
                return Err(self.error(
                    ErrorKind::ExpectedLabel,
                    Span::new(open.saturating_sub(3), self.pos + 1),
                    "`has()` needs a label".into(),
                    Some("write `has(label)`".into()),
                ))
            }
            None => return Err(self.unclosed_paren(open)),
            Some(_) if self.is_newline() => return Err(self.newline_error()),
            Some('"') | Some('\'') => {
                let inner = string_literal(self.rest()).map_or("label", |(_, s)| s);
                return Err(self.error(
                    ErrorKind::ExpectedLabel,
                    self.here(),
                    "expected a label inside `has(`, found a string".into(),
                    Some(format!("label names are not quoted: `has({inner})`")),
                ));
            }
            Some(_) => {
                return Err(self.error(
                    ErrorKind::ExpectedLabel,
                    self.here(),
                    format!("expected a label inside `has(`, found {}", self.found()),
                    Some("write `has(label)`".into()),
                ))
            }
        };
        self.skip_space();
        match self.peek() {
            Some(')') => {
                self.punct(TokenKind::RParen);
                Ok(name_span)
            }
            Some(',') => {
                let rest = self.rest();
                let end = rest.find(')').map_or(rest.len(), |i| i + 1);
                let inner = rest.get(..end).unwrap_or("").trim_end_matches(')');
                let mut labels = vec![format!("has({name})")];
                labels.extend(
                    inner
                        .split(',')
                        .map(|l| l.trim_matches([' ', '\t']))
                        .filter(|l| !l.is_empty())
                        .map(|l| format!("has({l})")),
                );
                Err(self.error(
                    ErrorKind::HasMultipleLabels,
                    Span::new(self.pos, self.pos + end),
                    "`has(` takes exactly one label".into(),
                    Some(format!("test each label: `{}`", labels.join(" && "))),
                ))
            }
            None => Err(self.unclosed_paren(open)),
            Some(_) if self.is_newline() => Err(self.newline_error()),
            Some(_) => Err(self.error(
                ErrorKind::UnexpectedCharacter,
                self.here(),
                format!("expected `)` after `has({name}`, found {}", self.found()),
                Some(format!("write `has({name})`")),
            )),
        }
    }

    /// The `()` of `all()` / `global()`; the cursor is on the `(`.
    fn no_argument(&mut self, name: &str) -> PResult<()> {
        let open = self.pos;
        self.punct(TokenKind::LParen);
        self.skip_space();
        match self.peek() {
            Some(')') => {
                self.punct(TokenKind::RParen);
                Ok(())
            }
            None => Err(self.unclosed_paren(open)),
            Some(_) if self.is_newline() => Err(self.newline_error()),
            Some(_) => {
                let rest = self.rest();
                let end = rest.find(')').map_or(self.here().end, |i| self.pos + i);
                Err(self.error(
                    ErrorKind::UnexpectedArgument,
                    Span::new(self.pos, end),
                    format!("`{name}()` takes no arguments"),
                    Some(format!("write `{name}()`")),
                ))
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn unclosed_paren(&self, open: usize) -> Box<ParseError> {
        self.error(
            ErrorKind::UnclosedParen,
            Span::new(open, open + 1),
            "unclosed `(`".into(),
            Some("add the `)` that closes it".into()),
        )
    }

    /// The error after a complete expression, where `&&`, `||`, `)` (inside a group whose
    /// `(` is at `open`) or the end of the selector should follow.
    #[cold]
    #[inline(never)]
    fn junction_error(&self, open: Option<usize>) -> Box<ParseError> {
        let join = "join expressions with `&&` (and) or `||` (or)";
        match self.peek() {
            None => match open {
                Some(o) => self.unclosed_paren(o),
                None => self.expected_expression(),
            },
            Some(_) if self.is_newline() => self.newline_error(),
            Some(')') => self.unmatched_paren(),
            Some('&') => self.error(
                ErrorKind::InvalidOperator,
                self.here(),
                "`&` is not an operator".into(),
                Some("use `&&` for \"and\"".into()),
            ),
            Some('|') => self.error(
                ErrorKind::InvalidOperator,
                self.here(),
                "`|` is not an operator".into(),
                Some("use `||` for \"or\"".into()),
            ),
            Some(c)
                if is_label_char(c)
                    && matches!(self.peek_word().to_ascii_lowercase().as_str(), "and" | "or") =>
            {
                let w = self.peek_word();
                let op = if w.eq_ignore_ascii_case("and") {
                    "&&"
                } else {
                    "||"
                };
                self.error(
                    ErrorKind::WordOperator,
                    self.here_word(),
                    format!("`{w}` is not an operator in Calico selectors"),
                    Some(format!("use `{op}`")),
                )
            }
            Some(_) => match open {
                None => self.error(
                    ErrorKind::TrailingInput,
                    self.here_word(),
                    format!("unexpected {} after a complete expression", self.found()),
                    Some(join.into()),
                ),
                Some(_) => self.error(
                    ErrorKind::UnexpectedCharacter,
                    self.here_word(),
                    format!("expected `)`, `&&` or `||`, found {}", self.found()),
                    Some(join.into()),
                ),
            },
        }
    }
}

/// `s` in the quotes Calico would print it in.
pub(crate) fn quote(s: &str) -> String {
    if s.contains('"') {
        format!("'{s}'")
    } else {
        format!("\"{s}\"")
    }
}
