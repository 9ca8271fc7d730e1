"""Pydantic's complaints about numbers, in the words the rest of our messages use: shared by
the settings and the program file, which each add what was found."""

from __future__ import annotations

from pydantic_core import ErrorDetails


def number_problem(error: ErrorDetails) -> str | None:
    """ "expected a whole number", "must be 1 or more"; None for an error of another kind."""
    kind, limits = error["type"], error.get("ctx", {})
    if kind in {"int_parsing", "int_type", "int_from_float", "int_parsing_size"}:
        return "expected a whole number"
    if kind in {"float_parsing", "float_type"}:
        return "expected a number"
    bounds = {
        "greater_than_equal": ("ge", "must be {} or more"),
        "greater_than": ("gt", "must be more than {}"),
        "less_than_equal": ("le", "must be {} or less"),
        "less_than": ("lt", "must be less than {}"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        return words.format(limits[key])
    return None
