"""The linear text clean-ups give exactly what Mermaid's regexes give.

archdsl replaces a few of Mermaid's regexes, which backtrack quadratically on long runs
of blanks or line breaks, with scans of its own (tests/hardening/test_bounded_work.py
checks they stay linear). The regexes below are the specification: Mermaid's, written
for Python's engine, compared on texts built from the characters they care about.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archdsl.syntax.builder import JS_WHITESPACE, _strip_comment_lines, _strip_trailing_blanks
from archdsl.syntax.errors import _break_swallower
from archdsl.syntax.parser import rewrite_tag_attributes

_JS_SPACE = "[" + re.escape(JS_WHITESPACE) + "]"
_LINE_START = r"(?<![^\n\r\u2028\u2029])"
# mermaid.parse's cleanupComments: /^\s*%%(?!{)[^\n]+\n?/gm
MERMAID_COMMENT_LINE = re.compile(_LINE_START + _JS_SPACE + r"*%%(?!\{)[^\n]+\n?")
# Langium-era accDescr clean-up: /\s+$/gm
MERMAID_TRAILING_BLANKS = re.compile(_JS_SPACE + r"+(?=[\n\r\u2028\u2029]|\Z)")
SWALLOWS_BREAK = re.compile(r"(%%\{[^\n]*\}%%|^---)[\t ]*$")
MERMAID_TAG = re.compile(r"<([A-Za-z0-9_]+)([^>]*)>")
DOUBLE_QUOTED = re.compile(r'="([^"]*)"')

blanky_texts = st.text(alphabet=list("%{} \t\n\r\u2028\u2029\u00a0\ufeffa"), max_size=40)


@settings(max_examples=600)
@given(blanky_texts)
def test_comment_lines_go_as_mermaid_deletes_them(text: str) -> None:
    assert _strip_comment_lines(text) == MERMAID_COMMENT_LINE.sub("", text)


@settings(max_examples=600)
@given(blanky_texts)
def test_trailing_blanks_go_as_in_mermaid(text: str) -> None:
    assert _strip_trailing_blanks(text) == MERMAID_TRAILING_BLANKS.sub("", text)


@settings(max_examples=600)
@given(st.text(alphabet=list("%{}-\t ar"), max_size=24))
def test_the_token_that_swallows_a_line_break_is_found(line: str) -> None:
    match = SWALLOWS_BREAK.search(line)
    assert _break_swallower(line) == (match.group(1) if match else None)


@settings(max_examples=600)
@given(st.text(alphabet=list('<>b x="\n'), max_size=40))
def test_tag_attributes_are_requoted_as_mermaid_does(text: str) -> None:
    def requote(tag: re.Match[str]) -> str:
        return "<" + tag.group(1) + DOUBLE_QUOTED.sub(r"='\1'", tag.group(2)) + ">"

    assert rewrite_tag_attributes(text) == MERMAID_TAG.sub(requote, text)


def test_examples_worth_naming() -> None:
    assert _strip_comment_lines("a\n\n  %% gone\nb") == "a\nb"
    assert _strip_comment_lines("a %% kept\n%% gone\n") == "a %% kept\n"
    assert _strip_trailing_blanks("a  \n b \t") == "a\n b"
    assert _break_swallower("service a %%{init: {}}%%  ") == "%%{init: {}}%%"
    assert rewrite_tag_attributes('<b a="x">"t"') == "<b a='x'>\"t\""
