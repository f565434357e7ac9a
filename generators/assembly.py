"""Write repeat-unit SMILES from block templates and side groups (pure string work, no RDKit).

Blocks are joined in a ring: the tail atom of block ``i`` bonds to the head atom of block ``i + 1`` through a
ring-bond label (``-%80``, ``-%81``, ...; the blocks are written as dot-separated pieces of one SMILES), and the
unit's two ``*`` sit on the head atom of the first block and the tail atom of the last. Side groups are inserted as
branches. At each insertion point ring-bond labels come before branches, as SMILES requires.
"""

from __future__ import annotations

from collections.abc import Sequence

from polyloop.generators.fragments import Template

__all__ = ["render"]

_JUNCTION_BASE = 80


def render(templates: Sequence[Template], fills: Sequence[Sequence[Sequence[str]]]) -> str:
    """The repeat-unit SMILES of ``templates`` joined head to tail, with ``fills[i][p]`` (side-group texts) inserted
    at position ``p`` of block ``i``."""
    count = len(templates)
    if count == 0 or count > 20:
        raise ValueError(f"a unit needs 1 to 20 blocks, got {count}")
    parts = []
    for i, (template, block_fills) in enumerate(zip(templates, fills)):
        out = [template.pieces[0]]
        for p, position in enumerate(template.positions):
            labels, branches = [], []
            if position.head:
                if i > 0:
                    labels.append(f"-%{_JUNCTION_BASE + i - 1}")
                else:
                    branches.append("(*)")
            if position.tail:
                if i < count - 1:
                    labels.append(f"-%{_JUNCTION_BASE + i}")
                else:
                    branches.append("(*)")
            out.append("".join(labels))
            out.append("".join(branches))
            for side in block_fills[p]:
                out.append("(" + side + ")")
            out.append(template.pieces[p + 1])
        parts.append("".join(out))
    return ".".join(parts)
