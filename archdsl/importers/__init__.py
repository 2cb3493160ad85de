"""Importers that turn another tool's description of a system into a diagram.

- :mod:`archdsl.importers.cloudformation` — a CloudFormation template (YAML or JSON) as an
  ``architecture-beta`` diagram.
"""
