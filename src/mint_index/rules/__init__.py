"""Domain rules with one owner each, imported wherever they are needed.

See docs/architecture.md ("Who owns which rule") for the table of rules and owners.
"""
