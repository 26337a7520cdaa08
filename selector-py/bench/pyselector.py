"""A plain-Python Calico selector evaluator: the baseline the benchmark compares against.

Written for the benchmark from the language description (SPEC.md sections 2-4): a
recursive-descent parser that compiles a selector into nested closures, evaluated on a
``dict``. It accepts every valid selector and evaluates it the way Calico does; it does not try
to produce good error messages, canonical text or unique ids, which the benchmark does not time.
"""

from __future__ import annotations

import re
from typing import Callable, Mapping

Labels = Mapping[str, str]
Predicate = Callable[[Labels], bool]

_LABEL = re.compile(r"[a-zA-Z0-9_./-]{1,512}")
_WS = " \t"
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-")


class PySelectorError(ValueError):
    """The text is not a selector."""


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    # -- helpers -------------------------------------------------------------------------
    def _skip(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WS:
            pos += 1
        self.pos = pos

    def _eat(self, literal: str) -> bool:
        self._skip()
        if self.text.startswith(literal, self.pos):
            self.pos += len(literal)
            return True
        return False

    def _fail(self, what: str) -> PySelectorError:
        return PySelectorError(f"expected {what} at {self.pos} in {self.text!r}")

    def _label(self) -> str:
        self._skip()
        m = _LABEL.match(self.text, self.pos)
        if not m or (m.end() < len(self.text) and self.text[m.end()] in _LABEL_CHARS):
            raise self._fail("label")
        self.pos = m.end()
        return m.group()

    def _string(self) -> str:
        self._skip()
        if self.pos >= len(self.text) or self.text[self.pos] not in "\"'":
            raise self._fail("string")
        quote = self.text[self.pos]
        end = self.text.find(quote, self.pos + 1)
        if end < 0:
            raise self._fail("closing quote")
        value = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return value

    def _word(self, *words: str) -> bool:
        """Operator words (`not in`, `starts with`...): zero or more spaces between words, then
        a word boundary."""
        self._skip()
        pos = self.pos
        for i, word in enumerate(words):
            if i:
                while pos < len(self.text) and self.text[pos] in _WS:
                    pos += 1
            if not self.text.startswith(word, pos):
                return False
            pos += len(word)
        if pos < len(self.text) and self.text[pos] in _LABEL_CHARS:
            return False
        self.pos = pos
        return True

    def _set(self) -> frozenset[str]:
        if not self._eat("{"):
            raise self._fail("{")
        values: set[str] = set()
        if self._eat("}"):
            return frozenset(values)
        while True:
            values.add(self._string())
            if self._eat("}"):
                return frozenset(values)
            if not self._eat(","):
                raise self._fail(", or }")
            if self._eat("}"):
                return frozenset(values)

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> Predicate:
        self._skip()
        if self.pos == len(self.text):
            return lambda labels: True
        expr = self._or()
        self._skip()
        if self.pos != len(self.text):
            raise self._fail("end of input")
        return expr

    def _or(self) -> Predicate:
        terms = [self._and()]
        while self._eat("||"):
            terms.append(self._and())
        if len(terms) == 1:
            return terms[0]
        return lambda labels: any(t(labels) for t in terms)

    def _and(self) -> Predicate:
        terms = [self._unary()]
        while self._eat("&&"):
            terms.append(self._unary())
        if len(terms) == 1:
            return terms[0]
        return lambda labels: all(t(labels) for t in terms)

    def _unary(self) -> Predicate:
        negations = 0
        while self._eat("!"):
            negations += 1
        inner = self._primary()
        if negations % 2:
            return lambda labels: not inner(labels)
        return inner

    def _primary(self) -> Predicate:
        self._skip()
        text, pos = self.text, self.pos
        if text.startswith("(", pos):
            self.pos += 1
            inner = self._or()
            if not self._eat(")"):
                raise self._fail(")")
            return inner
        for word in ("all", "global"):
            if text.startswith(word + "(", pos):
                self.pos += len(word) + 1
                if not self._eat(")"):
                    raise self._fail(")")
                return lambda labels: True
        if text.startswith("has(", pos):
            self.pos += 4
            name = self._label()
            if not self._eat(")"):
                raise self._fail(")")
            return lambda labels: name in labels
        name = self._label()
        if self._eat("=="):
            v = self._string()
            return lambda labels: labels.get(name) == v
        if self._eat("!="):
            v = self._string()
            return lambda labels: labels.get(name) != v
        if self._word("contains"):
            v = self._string()
            return lambda labels: name in labels and v in labels[name]
        if self._word("starts", "with"):
            v = self._string()
            return lambda labels: name in labels and labels[name].startswith(v)
        if self._word("ends", "with"):
            v = self._string()
            return lambda labels: name in labels and labels[name].endswith(v)
        if self._word("not", "in"):
            values = self._set()
            return lambda labels: labels.get(name) not in values
        if self._word("in"):
            values = self._set()
            return lambda labels: name in labels and labels[name] in values
        raise self._fail("operator")


def compile_selector(text: str) -> Predicate:
    """Compiles `text` into a predicate on a label mapping."""
    return _Parser(text).parse()
