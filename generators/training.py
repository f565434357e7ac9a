"""Train the fragment language model of every class and cache it as ``data/fragment_model.json.gz``.

Training (minutes, once; ``polyloop generators train``):

1. cut every unit of every class corpus into blocks and side groups (:mod:`polyloop.generators.fragments`);
2. give each distinct block (both writing directions) and side group its class *effect* by classifying a minimal
   unit built around it (:mod:`polyloop.generators.composition`);
3. train a token n-gram over the side groups of all corpora, and per class one whose counts add the class's own
   side groups with extra weight; sample new side groups from each, and keep those RDKit accepts (the raw validity
   of this step is recorded);
4. store each corpus unit as a *seed*: its blocks and side groups by index, if the composition rule gives its
   class (the rest are counted and left out).
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
from rdkit import Chem

from polyloop.generators.assembly import render
from polyloop.generators.composition import class_index, unit_class
from polyloop.generators.fragments import Template, decompose, side_group_text
from polyloop.generators.ngram import NGramModel
from polyloop.library.classes import classify, polymer_classes
from polyloop.library.errors import InvalidRepeatUnit
from polyloop.library.parsing import parse_repeat_unit, quiet_rdkit

__all__ = ["MODEL_FILE", "load_model", "save_model", "side_effects", "train_model"]

MODEL_FILE = "fragment_model.json.gz"
_CONTEXT = decompose("*CC*").templates[0]  # a CH2-CH2 block: the neighbour of an XX block when its effect is taken


def _effect(smiles: str) -> int:
    try:
        return class_index(classify(smiles))
    except InvalidRepeatUnit:
        return class_index(None)


def _block_effect(template: Template, fills: list[list[str]]) -> int:
    required = [f if p.required else [] for p, f in zip(template.positions, fills)]
    if template.ends == "XX":
        return _effect(render([_CONTEXT, template], [[[], []], required]))
    return _effect(render([template], [required]))


def _nitrogen_effect(text: str) -> int:
    """Effect of a side group on a main-chain nitrogen: an acyl group next to an amide or urea carbonyl makes an
    imide, so that context is tried first; otherwise the group's effect on an amine nitrogen."""
    imide = class_index("polyimide")
    if _effect(f"*CC(=O)N(*)({text})") == imide:
        return imide
    return _effect(f"*CCN(*)({text})")


def side_effects(text: str) -> tuple[int, int]:
    """Class effects of the side group ``text`` on a main-chain carbon and on a main-chain nitrogen."""
    return _effect(f"*CC(*)({text})"), _nitrogen_effect(text)


def _strained(mol: Chem.Mol) -> bool:
    """True for 3- or 4-membered rings with a double bond (cyclopropene, cyclobutadiene: not for polymers)."""
    for ring in mol.GetRingInfo().BondRings():
        if len(ring) <= 4 and any(mol.GetBondWithIdx(b).GetBondType() != Chem.BondType.SINGLE for b in ring):
            return True
    return False


def _valid_side(text: str) -> str | None:
    """The normalised text of a sampled side group, or None if RDKit rejects it or it holds unsupported elements."""
    with quiet_rdkit():
        mol = Chem.MolFromSmiles("*" + text)
    if mol is None or sum(a.GetAtomicNum() == 0 for a in mol.GetAtoms()) != 1 or mol.GetNumAtoms() > 16:
        return None
    if _strained(mol):
        return None
    try:
        parse_repeat_unit(f"*CC(*){'(' + text + ')'}")
    except InvalidRepeatUnit:
        return None
    return side_group_text(mol, 0)


def train_model(corpora: dict[str, list[str]], order: int = 4, novel_sides: int = 2000, own_weight: float = 30.0,
                seed: int = 0) -> dict:
    """The JSON-ready fragment model of ``corpora`` (class -> canonical units); see the module docstring."""
    rng = np.random.default_rng(seed)
    templates: dict[str, int] = {}
    template_list: list[Template] = []
    template_effect: list[int] = []
    reverse_of: list[int] = []
    sides: dict[str, int] = {}
    side_count: dict[str, Counter] = {name: Counter() for name in corpora}
    raw_seeds: dict[str, list[tuple[str, list]]] = {name: [] for name in corpora}

    def template_id(template: Template, fills: list[list[str]]) -> int:
        if template.key not in templates:
            templates[template.key] = len(template_list)
            template_list.append(template)
            template_effect.append(_block_effect(template, fills))
            reverse_of.append(-1)
        return templates[template.key]

    def side_id(text: str) -> int:
        return sides.setdefault(text, len(sides))

    for name, units in corpora.items():
        for smiles in units:
            try:
                parts = decompose(smiles)
            except (InvalidRepeatUnit, ValueError):
                continue
            blocks = []
            for template, fills, backwards in zip(parts.templates, parts.fills, parts.reversed):
                tid = template_id(template, fills)
                rid = template_id(backwards, [[] for _ in backwards.positions] if not any(
                    p.required for p in backwards.positions) else _reverse_fills(template, backwards, fills))
                reverse_of[tid], reverse_of[rid] = rid, tid
                template_effect[rid] = template_effect[tid]
                blocks.append([tid, [[side_id(s) for s in f] for f in fills]])
                for f in fills:
                    side_count[name].update(f)
            raw_seeds[name].append((smiles, blocks))
    pooled = NGramModel.train(sorted(sides), order=order)
    ngram_stats = {}
    for name in corpora:
        model = pooled.merged(NGramModel.train(sorted(side_count[name]), order=order), own_weight) if side_count[name] \
            else pooled
        drawn, valid = 0, 0
        for _ in range(novel_sides):
            drawn += 1
            text = model.sample(rng)
            normal = _valid_side(text) if text else None
            if normal is not None:
                valid += 1
                side_id(normal)
        ngram_stats[name] = {"drawn": drawn, "valid": valid}
    side_texts = sorted(sides, key=sides.get)
    effects = [side_effects(t) for t in side_texts]
    effect_c, effect_n = [c for c, _ in effects], [n for _, n in effects]
    seeds, seed_stats = {}, {}
    for name, entries in raw_seeds.items():
        target, kept = class_index(name), []
        for smiles, blocks in entries:
            hetero = any("X" in template_list[tid].ends for tid, _ in blocks)
            effects = [template_effect[tid] for tid, _ in blocks]
            for tid, fills in blocks:
                for position, f in zip(template_list[tid].positions, fills):
                    effects.extend((effect_n if position.element == "N" else effect_c)[s] for s in f)
            if unit_class(hetero, effects) == target:
                kept.append({"smiles": smiles, "blocks": blocks})
        seeds[name] = kept
        seed_stats[name] = {"corpus": len(entries), "seeds": len(kept)}
    corpus_sides = {name: dict(counter) for name, counter in side_count.items()}
    return {
        "classes": [c.name for c in polymer_classes()],
        "order": order,
        "templates": [_template_json(t) for t in template_list],
        "template_effect": template_effect,
        "reverse_of": reverse_of,
        "sides": side_texts,
        "side_effect_c": effect_c,
        "side_effect_n": effect_n,
        "corpus_sides": {name: {str(sides[t]): n for t, n in c.items()} for name, c in corpus_sides.items()},
        "seeds": seeds,
        "stats": {"ngram": ngram_stats, "seeds": seed_stats},
    }


def _reverse_fills(forward: Template, backwards: Template, fills: list[list[str]]) -> list[list[str]]:
    """Fills of the reversed template: positions with required side groups, matched in reverse order."""
    required = [f for p, f in zip(forward.positions, fills) if p.required]
    out, queue = [], list(reversed(required))
    for position in backwards.positions:
        out.append(queue.pop(0) if position.required and queue else [])
    return out


def _template_json(template: Template) -> dict:
    return {"pieces": list(template.pieces), "ends": template.ends,
            "positions": [[p.element, p.required, p.capacity, int(p.head), int(p.tail)] for p in template.positions]}


def save_model(model: dict, path: Path) -> None:
    """Write ``model`` as gzip-compressed JSON."""
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(model, handle, separators=(",", ":"))


def load_model(path: Path | None = None) -> dict:
    """Read a model written by :func:`save_model` (default: the bundled ``data/fragment_model.json.gz``)."""
    if path is None:
        source = resources.files("polyloop.generators.data").joinpath(MODEL_FILE)
        with resources.as_file(source) as bundled:
            return load_model(bundled)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)
