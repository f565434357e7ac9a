"""LAMMPS (in-process) and OpenMM give the same energy components for the same parameterised system."""

import numpy as np
import pytest
from rdkit import Chem
from rdkit.Chem import AllChem

from polyloop.simulate.engines import lammps, openmm
from polyloop.simulate.engines.lammps_data import write_data_file
from polyloop.simulate.system import System
from polyloop.simulate.topology import enumerate_topology

LJ = {"C": (0.086, 3.4), "H": (0.0157, 2.6), "O": (0.21, 3.0), "F": (0.061, 3.1), "Cl": (0.265, 3.47)}


def synthetic_system(smiles: str, seed: int = 1) -> System:
    """A System with arbitrary but valid parameters (the engines are under test here, not the force field)."""
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    AllChem.EmbedMolecule(mol, randomSeed=seed)
    AllChem.MMFFOptimizeMolecule(mol)
    AllChem.ComputeGasteigerCharges(mol)
    charges = np.array([a.GetDoubleProp("_GasteigerCharge") for a in mol.GetAtoms()])
    charges -= charges.mean()
    top = enumerate_topology(mol)
    elements = tuple(a.GetSymbol() for a in mol.GetAtoms())
    return System(
        elements=elements, types=elements, charges=charges, lj=LJ,
        masses=np.array([a.GetMass() for a in mol.GetAtoms()]),
        bonds=top.bonds, bond_params=np.tile([300.0, 1.45], (len(top.bonds), 1)),
        angles=top.angles, angle_params=np.tile([50.0, 109.5], (len(top.angles), 1)),
        dihedrals=top.dihedrals, dihedral_terms=[((0.2, 3, 0.0), (0.5, 1, 180.0))] * len(top.dihedrals),
        impropers=top.improper_centres, improper_params=np.tile([1.1, -1, 2], (len(top.improper_centres), 1)),
        positions=mol.GetConformer().GetPositions(),
    )


@pytest.mark.parametrize("smiles", ["CC(=O)OCC(F)Cl", "c1ccccc1OCCO", "CCCCCC"])
def test_lammps_and_openmm_agree_per_component(smiles: str) -> None:
    system = synthetic_system(smiles)
    by_lammps, by_openmm = lammps.single_point(system).as_dict(), openmm.single_point(system).as_dict()
    for name in by_lammps:
        assert by_lammps[name] == pytest.approx(by_openmm[name], rel=1e-3, abs=0.01), name
    assert abs(by_lammps["dihedral"]) > 0.1 and abs(by_lammps["coulomb"]) > 0.01  # the terms are really exercised


def test_data_file_counts(tmp_path) -> None:
    system = synthetic_system("CC(=O)OC")
    text = write_data_file(system, tmp_path / "system.data").read_text()
    assert f"{system.n_atoms} atoms" in text and f"{len(system.dihedrals)} dihedrals" in text
    assert "1 bond types" in text  # all bonds share one parameter set
    assert "Dihedral Coeffs # fourier" in text and "Improper Coeffs # cvff" in text
