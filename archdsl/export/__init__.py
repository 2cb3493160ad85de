"""Exporters that turn a finished diagram into another tool's language.

- :mod:`archdsl.export.cloudformation` — a CloudFormation template whose resources and
  wiring follow the diagram's AWS services and edges.
"""
