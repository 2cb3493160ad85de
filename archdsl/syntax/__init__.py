"""The syntax stage: text → model + syntax diagnostics (AD001–AD007)."""

from archdsl.syntax.parser import ParseResult, parse_text

__all__ = ["ParseResult", "parse_text"]
