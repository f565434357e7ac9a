"""Cut repeat units into main-chain blocks and side groups, and write them as fillable SMILES templates.

A repeat unit is read as a cyclic sequence of **blocks** along its main chain, each carrying **side groups**:

* The main chain is the shortest path between the two connection atoms plus every ring holding two or more of its
  atoms (as in :func:`polyloop.library.classes.main_chain`). A side group is a connected set of other atoms joined
  to the main chain by exactly one single bond; anything else off the path (fused rings, ``=O``) stays in its block.
* Main-chain atoms are *C-type* (carbon with no multiple bond to a heteroatom) or *X-type* (heteroatoms and carbonyl,
  thiocarbonyl or imine carbons). The chain is cut at every acyclic single path bond between a C-type and an X-type
  atom. So ``*OCCOC(=O)c1ccc(cc1)C(=O)*`` (PET) becomes the blocks ``O``, ``CC``, ``OC(=O)``, ``c1ccc(cc1)``,
  ``C(=O)``: linkages and the carbon segments between them. Each block has a head and a tail end, each C or X.

A block is stored as a :class:`Template`: its SMILES written from the head atom, split into pieces at the
*positions* where text may be inserted (right after an atom token and its ring-bond labels): the head and tail
atoms (where the neighbouring blocks or the unit's ``*`` join) and every atom that can carry side groups, with how
many it must carry (valences only a substituent can fill, e.g. on ``P`` or ``[Si]``) and how many hydrogens it has
that a side group may replace (main-chain atoms only: a side group's class effect is that of a group on the main
chain). Side groups are SMILES written from their attachment atom.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdkit import Chem

from polyloop.generators.tokens import BONDS, is_atom, is_ring_label, ring_label, tokenize
from polyloop.library.canonical import cut_bonds, shift
from polyloop.library.parsing import connection_atoms, parse_repeat_unit

__all__ = ["Decomposition", "Position", "Template", "block_template", "decompose", "side_group_text"]

_SLOT_ISOTOPE = 5  # marks a required side-group slot in a block template
_SIDE_LABEL_BASE = 50  # side-group ring labels are renumbered from %50 so they never clash with a block's own


@dataclass(frozen=True)
class Position:
    """A place in a template where text is inserted: after atom ``atom`` (its index in the block molecule)."""

    element: str  # "C", "N" or "other": which side-group effect applies at this atom
    required: int  # side groups the atom must carry (valences only a substituent may fill)
    capacity: int  # hydrogens a side group may replace
    head: bool = False
    tail: bool = False


@dataclass(frozen=True)
class Template:
    """A block written from its head atom: ``pieces[0] + ins[0] + pieces[1] + ... + pieces[-1]``."""

    pieces: tuple[str, ...]
    positions: tuple[Position, ...]
    ends: str  # "CC", "CX", "XC" or "XX": the types of the head and tail atoms

    @property
    def key(self) -> str:
        """Identity of the template: its text with insertion points marked."""
        return "|".join(self.pieces) + "#" + ",".join(
            f"{p.element}{p.required}{p.capacity}{'h' if p.head else ''}{'t' if p.tail else ''}"
            for p in self.positions
        )


@dataclass
class Decomposition:
    """A unit as blocks (head to tail) with the side groups found on each block position."""

    templates: list[Template] = field(default_factory=list)
    fills: list[list[list[str]]] = field(default_factory=list)  # per block, per position: side-group texts
    reversed: list[Template] = field(default_factory=list)  # each block written from its tail


def _is_x_type(atom: Chem.Atom) -> bool:
    if atom.GetAtomicNum() != 6:
        return True
    return any(
        b.GetBondType() in (Chem.BondType.DOUBLE, Chem.BondType.TRIPLE) and b.GetOtherAtom(atom).GetAtomicNum() != 6
        for b in atom.GetBonds()
    )


def _main_chain(mol: Chem.Mol, path: list[int]) -> set[int]:
    atoms = set(path)
    for ring in mol.GetRingInfo().AtomRings():
        if len(atoms.intersection(path).intersection(ring)) >= 2:
            atoms.update(ring)
    return atoms


def _side_components(mol: Chem.Mol, skeleton: set[int], stars: set[int]) -> list[tuple[set[int], list[Chem.Bond]]]:
    """Connected groups of atoms off the skeleton, each with its bonds to the skeleton."""
    seen: set[int] = set()
    groups = []
    for atom in mol.GetAtoms():
        start = atom.GetIdx()
        if start in skeleton or start in stars or start in seen:
            continue
        group, stack = {start}, [start]
        while stack:
            for nb in mol.GetAtomWithIdx(stack.pop()).GetNeighbors():
                j = nb.GetIdx()
                if j not in skeleton and j not in stars and j not in group:
                    group.add(j)
                    stack.append(j)
        seen |= group
        links = [b for i in group for b in mol.GetAtomWithIdx(i).GetBonds() if b.GetOtherAtomIdx(i) in skeleton]
        groups.append((group, links))
    return groups


def _optional_slot(atom: Chem.Atom) -> bool:
    """True if a hydrogen can stand in for a side group on ``atom`` and still be written without brackets."""
    if atom.GetFormalCharge() != 0:
        return False
    return atom.GetAtomicNum() == 6 or (atom.GetAtomicNum() == 7 and not atom.GetIsAromatic())


def _dummy(rw: Chem.RWMol, partner: int, role: str) -> int:
    index = rw.AddAtom(Chem.Atom(0))
    rw.GetAtomWithIdx(index).SetProp("role", role)
    rw.AddBond(partner, index, Chem.BondType.SINGLE)
    return index


def _cut_between_blocks(mol: Chem.Mol) -> Chem.Mol:
    """The unit cut, if it is not already, where two of its blocks meet: at the first C-type/X-type main-chain bond.

    A unit may be written cut anywhere along its period (the canonical form cuts next to a heteroatom, which can fall
    inside a linkage: ``*OC(=O)CCC(*)=O``). Blocks never span the cut, so a cut inside a linkage or a carbon segment
    would split it into two blocks; cutting at a block boundary gives the same blocks however the unit was written.
    A unit with no such bond (``*O[Si](C)(C)*``, ``*CC*``) is one block around its period and is kept as it is."""
    conn = connection_atoms(mol)
    if _is_x_type(mol.GetAtomWithIdx(conn.head_atom)) != _is_x_type(mol.GetAtomWithIdx(conn.tail_atom)):
        return mol
    for index in cut_bonds(mol, conn):
        bond = mol.GetBondWithIdx(index)
        if _is_x_type(bond.GetBeginAtom()) != _is_x_type(bond.GetEndAtom()):
            return shift(mol, index, conn)
    return mol


def decompose(smiles: str) -> Decomposition:
    """Blocks and side groups of the repeat unit ``smiles`` (see the module docstring), cut at a block boundary."""
    mol = _cut_between_blocks(parse_repeat_unit(smiles))
    conn = connection_atoms(mol)
    path = [conn.head_atom] if conn.head_atom == conn.tail_atom else list(
        Chem.GetShortestPath(mol, conn.head_atom, conn.tail_atom))
    stars = {conn.head_star, conn.tail_star}
    skeleton = _main_chain(mol, path)
    chain = set(skeleton)
    side_bonds = []
    for group, links in _side_components(mol, skeleton, stars):
        if len(links) == 1 and links[0].GetBondType() == Chem.BondType.SINGLE:
            side_bonds.append(links[0])
        else:
            skeleton |= group
    rw = Chem.RWMol(mol)
    for atom in rw.GetAtoms():
        atom.SetIntProp("orig", atom.GetIdx())
        atom.SetBoolProp("main", atom.GetIdx() in chain)
    rw.GetAtomWithIdx(conn.head_star).SetProp("role", "h")
    rw.GetAtomWithIdx(conn.tail_star).SetProp("role", "t")
    for a, b in zip(path[:-1], path[1:]):
        bond = mol.GetBondBetweenAtoms(a, b)
        if bond.GetBondType() == Chem.BondType.SINGLE and not bond.IsInRing() and (
                _is_x_type(mol.GetAtomWithIdx(a)) != _is_x_type(mol.GetAtomWithIdx(b))):
            rw.RemoveBond(a, b)
            _dummy(rw, a, "t")
            _dummy(rw, b, "h")
    for bond in side_bonds:
        main, side = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        if main not in skeleton:
            main, side = side, main
        rw.RemoveBond(main, side)
        _dummy(rw, main, "slot" if _optional_slot(mol.GetAtomWithIdx(main)) else "required")
        rw.GetAtomWithIdx(_dummy(rw, side, "attach")).SetIntProp("host", main)
    cut = rw.GetMol()
    Chem.SanitizeMol(cut)
    order = {atom: k for k, atom in enumerate(path)}
    blocks = []
    sides_at: dict[int, list[str]] = {}
    for frag in Chem.GetMolFrags(cut, asMols=True, sanitizeFrags=True):
        roles = {a.GetIdx(): a.GetProp("role") for a in frag.GetAtoms() if a.HasProp("role")}
        if "attach" in roles.values():
            (star,) = [i for i, r in roles.items() if r == "attach"]
            host = frag.GetAtomWithIdx(star).GetIntProp("host")
            sides_at.setdefault(host, []).append(side_group_text(frag, star))
        else:
            blocks.append(frag)
    ranked = []
    for frag in blocks:
        on_path = [a.GetIntProp("orig") for a in frag.GetAtoms() if a.HasProp("orig") and a.GetIntProp("orig") in order]
        template, atom_orig = block_template(frag, reverse=False)
        fills = [sides_at.get(orig, []) for orig in atom_orig]
        ranked.append((min(order[i] for i in on_path), template, fills, block_template(frag, reverse=True)[0]))
    ranked.sort(key=lambda item: item[0])
    return Decomposition(templates=[r[1] for r in ranked], fills=[r[2] for r in ranked],
                         reversed=[r[3] for r in ranked])


def side_group_text(frag: Chem.Mol, star: int) -> str:
    """SMILES of a side group written from its attachment atom, ring labels renumbered from %50; a leading ``-``
    when the attachment atom is aromatic (so the bond to the host is single whatever the host is)."""
    tokens = tokenize(Chem.MolToSmiles(frag, rootedAtAtom=star))
    assert tokens[0] == "*", tokens
    tokens = tokens[1:]
    if tokens and tokens[0] in BONDS:
        tokens = tokens[1:]
    labels: dict[str, str] = {}
    out = []
    for token in tokens:
        if is_ring_label(token):
            if token not in labels:
                labels[token] = ring_label(_SIDE_LABEL_BASE + len(labels))
            out.append(labels[token])
        else:
            out.append(token)
    text = "".join(out)
    return "-" + text if text[0].islower() else text


def block_template(frag: Chem.Mol, reverse: bool) -> tuple[Template, list[int]]:
    """The template of a block fragment (head/tail junction dummies, slot dummies) and, per position, the original
    atom index it stands for. With ``reverse`` the block is written from its tail (head and tail swapped)."""
    frag = Chem.Mol(frag)
    optional = [a.GetIdx() for a in frag.GetAtoms() if a.HasProp("role") and a.GetProp("role") == "slot"]
    rw = Chem.RWMol(frag)
    for idx in optional:
        rw.GetAtomWithIdx(idx).SetAtomicNum(1)
    for atom in rw.GetAtoms():
        if atom.HasProp("role") and atom.GetProp("role") == "required":
            atom.SetIsotope(_SLOT_ISOTOPE)
    frag = Chem.RemoveHs(rw.GetMol(), sanitize=True)
    role = {a.GetIdx(): a.GetProp("role") for a in frag.GetAtoms() if a.HasProp("role")}
    head_role, tail_role = ("t", "h") if reverse else ("h", "t")
    (head_star,) = [i for i, r in role.items() if r == head_role]
    (tail_star,) = [i for i, r in role.items() if r == tail_role]
    smiles = Chem.MolToSmiles(frag, rootedAtAtom=head_star)
    tokens = tokenize(smiles)
    atom_order = list(frag.GetProp("_smilesAtomOutputOrder").strip("[],").split(","))
    atom_order = [int(i) for i in atom_order if i != ""]
    atom_of_token = {}
    k = 0
    for t, token in enumerate(tokens):
        if is_atom(token):
            atom_of_token[t] = atom_order[k]
            k += 1
    head_atom = frag.GetAtomWithIdx(head_star).GetNeighbors()[0].GetIdx()
    tail_atom = frag.GetAtomWithIdx(tail_star).GetNeighbors()[0].GetIdx()
    required: dict[int, int] = {}
    for idx, r in role.items():
        if r == "required":
            host = frag.GetAtomWithIdx(idx).GetNeighbors()[0].GetIdx()
            required[host] = required.get(host, 0) + 1
    drop = _dummy_token_spans(tokens, atom_of_token, set(role))
    kept = [(t, tok) for t, tok in enumerate(tokens) if t not in drop]
    pieces, positions, origins, current = [], [], [], []
    for n, (t, token) in enumerate(kept):
        current.append(token)
        atom = atom_of_token.get(t)
        if atom is None:
            continue
        follow = n + 1
        while follow < len(kept) and (is_ring_label(kept[follow][1]) or (
                kept[follow][1] in BONDS and follow + 1 < len(kept) and is_ring_label(kept[follow + 1][1]))):
            follow += 1
        a = frag.GetAtomWithIdx(atom)
        on_chain = a.HasProp("main") and a.GetBoolProp("main")
        capacity = a.GetTotalNumHs() if on_chain and not tokens[t].startswith("[") else 0
        if atom in (head_atom, tail_atom) or capacity or required.get(atom):
            positions.append((follow, Position(
                element="C" if a.GetAtomicNum() == 6 else "N" if a.GetAtomicNum() == 7 else "other",
                required=required.get(atom, 0), capacity=capacity, head=atom == head_atom, tail=atom == tail_atom)))
            origins.append(a.GetIntProp("orig") if a.HasProp("orig") else -1)
    texts = [tok for _, tok in kept]
    cuts = [p for p, _ in positions]
    start = 0
    for cut_at in cuts:
        pieces.append("".join(texts[start:cut_at]))
        start = cut_at
    pieces.append("".join(texts[start:]))
    ends = ("X" if _is_x_type(frag.GetAtomWithIdx(head_atom)) else "C") + (
        "X" if _is_x_type(frag.GetAtomWithIdx(tail_atom)) else "C")
    return Template(pieces=tuple(pieces), positions=tuple(p for _, p in positions), ends=ends), origins


def _dummy_token_spans(tokens: list[str], atom_of_token: dict[int, int], dummies: set[int]) -> set[int]:
    """Token indices to delete so that every dummy atom (and its branch parentheses and bond) disappears."""
    drop: set[int] = set()
    for t, atom in atom_of_token.items():
        if atom not in dummies:
            continue
        drop.add(t)
        before = t - 1
        if before >= 0 and tokens[before] in BONDS:
            drop.add(before)
            before -= 1
        if t == 0 and len(tokens) > 1 and tokens[1] in BONDS:
            drop.add(1)
        if before >= 0 and tokens[before] == "(" and t + 1 < len(tokens) and tokens[t + 1] == ")":
            drop.update((before, t + 1))
    return drop
