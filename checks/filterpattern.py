"""CloudWatch Logs filter patterns for JSON log events: a parser and an evaluator.

Why our own: a metric filter is judged by what it *counts*, not by how its text looks (exact text and
regex containment both give false PASS/FAIL, see docs/monitoring.md). So the audit parses the pattern
into a tree and runs synthetic CloudTrail events through it.

Grammar (CloudWatch Logs "Filter pattern syntax", JSON section)::

    pattern    := "{" or_expr "}"            (an empty pattern matches every event)
    or_expr    := and_expr ( "||" and_expr )*
    and_expr   := primary ( "&&" primary )*  ( "()" binds tighter than "&&", which binds tighter than "||" )
    primary    := "(" or_expr ")" | condition
    condition  := selector op value | selector "IS" ("TRUE" | "FALSE" | "NULL") | selector "NOT" "EXISTS"
    selector   := "$" ( "." name | "[" digits "]" )+      name := [A-Za-z0-9_-]+
    op         := "=" | "!=" | "<" | "<=" | ">" | ">="
    value      := "quoted string" | unquoted-word | %regex%

Semantics, as the CloudWatch documentation states them (and where it is silent, our choice):
- A condition on a selector that is missing, JSON null, an object or an array is false, for ``!=`` too
  ("the log format doesn't match the filter"). So ``$.eventType != "AwsServiceEvent"`` does not count an
  event without ``eventType``. Only ``IS NULL`` and ``NOT EXISTS`` look at missing or null values.
- ``*`` is a wildcard only at the start and/or the end of a value (``*Event``, ``Event*``, ``*vent*``);
  the documentation says ``Ev*ent`` matches only the literal text ``Ev*ent``. A value of ``*`` alone
  matches any string, number or boolean. Quoting does not turn wildcards off (CIS quotes them).
- Unquoted numbers compare numerically with numbers (``400`` equals ``400.0``) and textually with
  strings; ``<``, ``<=``, ``>``, ``>=`` need a number and a numeric field. Matching is case sensitive.
- ``IS TRUE``/``IS FALSE`` match JSON booleans only. Keywords are accepted in any letter case.
- Term and space-delimited patterns (``ERROR``, ``[ip, user, ...]``) are not JSON patterns: parse() raises.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

__all__ = ["FilterPatternError", "Node", "parse", "matches"]


class FilterPatternError(ValueError):
    """A malformed or unsupported pattern; the message names the column (1-based) and what was expected."""

    def __init__(self, message: str, column: int):
        super().__init__(f"column {column}: {message}")
        self.column = column


# --- syntax tree ------------------------------------------------------------------------------------


class Node:
    """Base class of the syntax tree."""


@dataclass(frozen=True)
class MatchAll(Node):
    pass


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Compare(Node):
    path: tuple[str | int, ...]
    op: str
    text: str  # the value without quotes
    quoted: bool = False
    number: float | None = None  # set for an unquoted numeric value
    regex: bool = False


@dataclass(frozen=True)
class Is(Node):
    path: tuple[str | int, ...]
    kind: str  # TRUE | FALSE | NULL | NOT_EXISTS


# --- tokenizer --------------------------------------------------------------------------------------

_OPS = ("!=", "<=", ">=", "=", "<", ">")
_WORD_STOP = set(' \t\r\n(){}"&|=!<>')
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SELECTOR_STEP = re.compile(r"\.([A-Za-z0-9_-]+)|\[(\d+)\]")


@dataclass(frozen=True)
class _Tok:
    kind: str  # { } ( ) && || OP STRING REGEX WORD EOF
    text: str
    col: int


def _tokenize(src: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(src)
    while i < n:
        c, col = src[i], i + 1
        if c.isspace():
            i += 1
        elif c in "{}()":
            toks.append(_Tok(c, c, col))
            i += 1
        elif src.startswith(("&&", "||"), i):
            toks.append(_Tok(src[i:i + 2], src[i:i + 2], col))
            i += 2
        elif c in "=!<>":
            op = next((o for o in _OPS if src.startswith(o, i)), None)
            if op is None:
                raise FilterPatternError(f"expected an operator (=, !=, <, <=, >, >=), found {c!r}", col)
            toks.append(_Tok("OP", op, col))
            i += len(op)
        elif c == '"':
            text, i = _read_quoted(src, i)
            toks.append(_Tok("STRING", text, col))
        elif c == "%":
            end = src.find("%", i + 1)
            if end < 0:
                raise FilterPatternError("expected a closing '%' after the regular expression", col)
            toks.append(_Tok("REGEX", src[i + 1:end], col))
            i = end + 1
        elif c in "&|":
            raise FilterPatternError(f"expected '{c}{c}', found a single {c!r}", col)
        else:
            j = i
            while j < n and src[j] not in _WORD_STOP:
                j += 1
            toks.append(_Tok("WORD", src[i:j], col))
            i = j
    toks.append(_Tok("EOF", "", n + 1))
    return toks


def _read_quoted(src: str, start: int) -> tuple[str, int]:
    out, i = [], start + 1
    while i < len(src):
        c = src[i]
        if c == "\\" and i + 1 < len(src):
            out.append(src[i + 1])
            i += 2
        elif c == '"':
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    raise FilterPatternError('expected a closing \'"\' for the string opened here', start + 1)


# --- parser -----------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, toks: list[_Tok]):
        self.toks, self.pos = toks, 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.pos]

    def take(self, kind: str, what: str) -> _Tok:
        if self.tok.kind != kind:
            found = "the end of the pattern" if self.tok.kind == "EOF" else repr(self.tok.text)
            raise FilterPatternError(f"expected {what}, found {found}", self.tok.col)
        self.pos += 1
        return self.toks[self.pos - 1]

    def pattern(self) -> Node:
        if self.tok.kind == "EOF":
            return MatchAll()
        if self.tok.kind != "{":
            raise FilterPatternError(
                "expected '{' (only JSON filter patterns are supported, not term or space-delimited ones)",
                self.tok.col)
        self.pos += 1
        node = self.or_expr()
        self.take("}", "'&&', '||' or '}'")
        self.take("EOF", "the end of the pattern after '}'")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.tok.kind == "||":
            self.pos += 1
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.primary()]
        while self.tok.kind == "&&":
            self.pos += 1
            items.append(self.primary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def primary(self) -> Node:
        if self.tok.kind == "(":
            self.pos += 1
            node = self.or_expr()
            self.take(")", "'&&', '||' or ')'")
            return node
        return self.condition()

    def condition(self) -> Node:
        sel = self.take("WORD", "a selector such as $.eventName or '('")
        path = _selector(sel)
        if self.tok.kind == "OP":
            op = self.take("OP", "an operator").text
            return self.value(path, op)
        word = self.take("WORD", "an operator (=, !=, <, <=, >, >=), IS or NOT after the selector")
        if word.text.upper() == "IS":
            kw = self.take("WORD", "TRUE, FALSE or NULL after IS")
            if kw.text.upper() not in ("TRUE", "FALSE", "NULL"):
                raise FilterPatternError(f"expected TRUE, FALSE or NULL after IS, found {kw.text!r}", kw.col)
            return Is(path, kw.text.upper())
        if word.text.upper() == "NOT":
            kw = self.take("WORD", "EXISTS after NOT")
            if kw.text.upper() != "EXISTS":
                raise FilterPatternError(f"expected EXISTS after NOT, found {kw.text!r}", kw.col)
            return Is(path, "NOT_EXISTS")
        raise FilterPatternError(
            f"expected an operator (=, !=, <, <=, >, >=), IS or NOT after the selector, found {word.text!r}",
            word.col)

    def value(self, path: tuple, op: str) -> Node:
        tok = self.tok
        if tok.kind not in ("WORD", "STRING", "REGEX"):
            self.take("WORD", f"a value after {op!r}")
        self.pos += 1
        number = float(tok.text) if tok.kind == "WORD" and _NUMBER.match(tok.text) else None
        if op in ("<", "<=", ">", ">=") and number is None:
            raise FilterPatternError(f"expected a number after {op!r}, found {tok.text!r}", tok.col)
        if tok.kind == "REGEX":
            try:
                re.compile(tok.text)
            except re.error as exc:
                raise FilterPatternError(f"expected a valid regular expression ({exc})", tok.col) from None
        return Compare(path, op, tok.text, quoted=tok.kind == "STRING", number=number,
                       regex=tok.kind == "REGEX")


def _selector(tok: _Tok) -> tuple[str | int, ...]:
    text = tok.text
    if not text.startswith("$") or len(text) == 1:
        raise FilterPatternError(f"expected a selector starting with '$.', found {text!r}", tok.col)
    steps: list[str | int] = []
    i = 1
    while i < len(text):
        m = _SELECTOR_STEP.match(text, i)
        if not m:
            raise FilterPatternError(
                f"expected '.name' or '[index]' in selector {text!r}", tok.col + i)
        steps.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
        i = m.end()
    if isinstance(steps[0], int):
        raise FilterPatternError(f"expected a property name before an array index in {text!r}", tok.col + 1)
    return tuple(steps)


@functools.lru_cache(maxsize=512)
def parse(pattern: str) -> Node:
    """Parse a filter pattern into a syntax tree; raise FilterPatternError naming the column."""
    if not isinstance(pattern, str):
        raise TypeError(f"a filter pattern is a string, not {type(pattern).__name__}")
    return _Parser(_tokenize(pattern)).pattern()


# --- evaluator --------------------------------------------------------------------------------------

_MISSING = object()


def _resolve(event, path):
    cur = event
    for step in path:
        if isinstance(step, int):
            if not isinstance(cur, list) or step >= len(cur):
                return _MISSING
            cur = cur[step]
        else:
            if not isinstance(cur, dict) or step not in cur:
                return _MISSING
            cur = cur[step]
    return cur


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text_matches(node: Compare, text: str) -> bool:
    pat = node.text
    if node.regex:
        return re.search(pat, text) is not None
    if pat == "*":
        return True
    lead, trail = pat.startswith("*"), len(pat) > 1 and pat.endswith("*")
    core = pat[1 if lead else 0: len(pat) - 1 if trail else len(pat)]
    if lead and trail:
        return core in text
    if lead:
        return text.endswith(core)
    if trail:
        return text.startswith(core)
    return text == pat


def _to_number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value)
    return None


def _compare(node: Compare, event) -> bool:
    value = _resolve(event, node.path)
    # Missing, null, objects and arrays never satisfy a comparison, not even "!=" (see module doc).
    if value is _MISSING or value is None or isinstance(value, (dict, list)):
        return False
    if node.op in ("<", "<=", ">", ">="):
        num = _to_number(value)
        if num is None or node.number is None or math.isnan(num):
            return False
        return {"<": num < node.number, "<=": num <= node.number,
                ">": num > node.number, ">=": num >= node.number}[node.op]
    if node.number is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        equal = float(value) == node.number
    else:
        equal = _text_matches(node, _as_text(value))
    return equal if node.op == "=" else not equal


def _test(node: Is, event) -> bool:
    value = _resolve(event, node.path)
    if node.kind == "NOT_EXISTS":
        return value is _MISSING
    if node.kind == "NULL":
        return value is None
    return value is (node.kind == "TRUE")


def evaluate(node: Node, event: dict) -> bool:
    if isinstance(node, Or):
        return any(evaluate(n, event) for n in node.items)
    if isinstance(node, And):
        return all(evaluate(n, event) for n in node.items)
    if isinstance(node, Compare):
        return _compare(node, event)
    if isinstance(node, Is):
        return _test(node, event)
    if isinstance(node, MatchAll):
        return True
    raise TypeError(f"not a filter pattern node: {node!r}")


def matches(pattern_or_node: str | Node, event: dict) -> bool:
    """True when the pattern would count this JSON log event (a CloudTrail record as a dict)."""
    node = parse(pattern_or_node) if isinstance(pattern_or_node, str) else pattern_or_node
    if not isinstance(event, dict):
        raise TypeError(f"an event is a dict (a parsed JSON log event), not {type(event).__name__}")
    return evaluate(node, event)


def field_value(event: dict, selector: str) -> str | None:
    """The text a metric filter publishes for the field ``selector`` ("$.eventName") of an event, as a
    dimension value; None when the event lacks the field (or it is null, an object or an array)."""
    value = _resolve(event, _selector(_Tok("WORD", selector, 1)))
    if value is _MISSING or value is None or isinstance(value, (dict, list)):
        return None
    return _as_text(value)
