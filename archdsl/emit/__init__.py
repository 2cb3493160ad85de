"""The emit stage: a finished :class:`~archdsl.model.Diagram` → text.

Each output format is one module with one entry point, so the CLI can import only
the one it needs:

- :mod:`archdsl.emit.mermaid` — canonical Mermaid, the formatter behind ``archdsl fmt``
  (:func:`archdsl.emit.mermaid.format_diagram`).
"""
