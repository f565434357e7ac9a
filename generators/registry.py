"""All generators per class: the rule-based generator (when the class has rule products) and the class's
chemical-language model. Both read cached data files, so building them in a worker process takes about a second."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from polyloop.generators.base import Generator, GeneratorError
from polyloop.generators.language_model import FragmentLanguageModel, SharedParts
from polyloop.generators.polymerize import RuleGenerator, cached_rule_table
from polyloop.generators.training import load_model
from polyloop.library.classes import polymer_classes

__all__ = ["class_generators"]


@cache
def _bundled() -> tuple[dict, SharedParts]:
    model = load_model()
    return model, SharedParts(model)


def class_generators(classes: Sequence[str] | None = None) -> dict[str, list[Generator]]:
    """All generators per class (rule-based first, then the language model), fresh and deterministic: the same
    ``rng`` gives the same proposals. ``classes`` defaults to every class of
    :func:`~polyloop.library.classes.polymer_classes`; an unknown name raises GeneratorError."""
    known = [c.name for c in polymer_classes()]
    names = list(known if classes is None else classes)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise GeneratorError(f"unknown polymer class(es) {unknown}; known: {', '.join(known)}")
    model, shared = _bundled()
    table = cached_rule_table()
    out: dict[str, list[Generator]] = {}
    for name in names:
        generators: list[Generator] = []
        rules = RuleGenerator(name, table)
        if len(rules):
            generators.append(rules)
        generators.append(FragmentLanguageModel(model, name, shared))
        out[name] = generators
    return out
