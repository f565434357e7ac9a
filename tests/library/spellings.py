"""Test data: groups of spellings of one polymer, and pairs of different polymers."""

EQUIVALENT_GROUPS = {
    "polyethylene": ["*CC*", "*CCCC*", "*C*", "[*]CC[*]", "*CCCCCC*"],
    "polypropylene (atactic)": ["*CC(C)*", "*C(C)C*", "CC(*)C*", "*CC(C)CC(C)*"],
    "polystyrene": ["*CC(c1ccccc1)*", "*C(c1ccccc1)C*", "c1ccc(cc1)C(*)C*", "*C(C*)c1ccccc1"],
    "poly(vinyl chloride)": ["*CC(Cl)*", "*C(Cl)C*", "ClC(*)C*"],
    "poly(ethylene oxide)": ["*OCC*", "*CCO*", "*COC*", "*OCCOCC*", "*CCOCCO*"],
    "PMMA": ["*CC(C)(C(=O)OC)*", "*C(C)(C(=O)OC)C*", "COC(=O)C(C)(*)C*"],
    "nylon-6": ["*NCCCCCC(=O)*", "*C(=O)CCCCCN*", "*CCCCCC(=O)N*", "*CCC(=O)NCCC*"],
    "nylon-6,6": ["*NCCCCCCNC(=O)CCCCC(=O)*", "*C(=O)CCCCC(=O)NCCCCCCN*", "*CCCNC(=O)CCCCC(=O)NCCC*",
                  "*NCCCCCCNC(=O)CCCCC(=O)NCCCCCCNC(=O)CCCCC(=O)*"],
    "PET": ["*OCCOC(=O)c1ccc(cc1)C(=O)*", "*c1ccc(cc1)C(=O)OCCOC(=O)*", "*CCOC(=O)c1ccc(cc1)C(=O)O*"],
    "PTFE": ["*C(F)(F)C(F)(F)*", "*C(F)(F)*", "FC(F)(*)C(F)(F)*"],
    "PDMS": ["*[Si](C)(C)O*", "*O[Si](C)(C)*", "*O[Si](C)(C)O[Si](C)(C)*"],
    "bisphenol-A polycarbonate": ["*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)*", "*c1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)O*",
                                  "CC(C)(c1ccc(OC(*)=O)cc1)c1ccc(O*)cc1"],
    "poly(2,6-dimethylphenylene oxide)": ["*Oc1c(C)cc(cc1C)*", "*c1cc(C)c(O*)c(C)c1"],
    "poly(p-phenylene)": ["*c1ccc(*)cc1", "*c1ccc(cc1)*", "*c1ccc(cc1)c1ccc(*)cc1", "*C1=CC=C(*)C=C1"],
    "Kevlar": ["*NC(=O)c1ccc(cc1)C(=O)Nc1ccc(cc1)*", "*c1ccc(cc1)NC(=O)c1ccc(cc1)C(=O)N*"],
    "PEEK": ["*Oc1ccc(cc1)Oc1ccc(cc1)C(=O)c1ccc(cc1)*", "*c1ccc(cc1)Oc1ccc(cc1)Oc1ccc(cc1)C(=O)*"],
    "polyacrylonitrile": ["*CC(C#N)*", "*C(C#N)C*", "N#CC(*)C*"],
    "poly(vinyl alcohol)": ["*CC(O)*", "*C(O)C*", "*CC(O)CC(O)*"],
    "PVDF": ["*CC(F)(F)*", "*C(F)(F)C*", "*CC(F)(F)CC(F)(F)*"],
    "cis-1,4-polybutadiene": ["*C/C=C\\C*", "*/C=C\\CC*", "*CC/C=C\\*", "*C/C=C\\CC/C=C\\C*"],
    "poly(lactic acid)": ["*OC(C)C(=O)*", "*C(=O)OC(C)*", "*C(C)C(=O)O*"],
    "polycaprolactone": ["*OCCCCCC(=O)*", "*C(=O)CCCCCO*", "*CCCOC(=O)CC*"],
    "isotactic polypropylene": ["*C[C@H](C)*", "*[C@@H](C)C*", "*C[C@H](C)C[C@H](C)*"],
    "poly(vinyl acetate)": ["*CC(OC(C)=O)*", "*C(OC(=O)C)C*"],
    "polyurethane (HDI-BDO)": ["*OC(=O)NCCCCCCNC(=O)OCCCC*", "*NC(=O)OCCCCOC(=O)NCCCCCC*"],
    "Kapton": ["*c1ccc(Oc2ccc(N3C(=O)c4cc5C(=O)N(*)C(=O)c5cc4C3=O)cc2)cc1",
               "*c1ccc(Oc2ccc(-n3c(=O)c4cc5c(=O)n(*)c(=O)c5cc4c3=O)cc2)cc1"],
    "labelled connection points": ["[*:1]CC(C)[*:2]", "[1*]CC(C)[2*]", "*CC(C)*"],
    "polysulfone (Udel)": ["*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)Oc1ccc(cc1)S(=O)(=O)c1ccc(cc1)*",
                           "*c1ccc(cc1)S(=O)(=O)c1ccc(cc1)Oc1ccc(cc1)C(C)(C)c1ccc(cc1)O*"],
}

DIFFERENT_PAIRS = [
    ("*CC(Cl)*", "*CC(Cl)C(Cl)C*"),  # head-to-tail vs head-to-head/tail-to-tail PVC
    ("*CC(F)(F)*", "*CC(F)(F)C(F)(F)C*"),  # head-to-tail vs head-to-head PVDF
    ("*c1ccc(*)cc1", "*c1cccc(*)c1"),  # para vs meta phenylene
    ("*c1ccc(*)cc1", "*c1ccccc1*"),  # para vs ortho phenylene
    ("*NCCCCCC(=O)*", "*NCCCCCCNC(=O)CCCCC(=O)*"),  # nylon-6 vs nylon-6,6
    ("*NCCCCCC(=O)*", "*NCCCCCCC(=O)*"),  # nylon-6 vs nylon-7
    ("*CC(c1ccccc1)*", "*CC(C)(c1ccccc1)*"),  # polystyrene vs poly(alpha-methylstyrene)
    ("*CC*", "*CC(C)*"),  # polyethylene vs polypropylene
    ("*C/C=C\\C*", "*C/C=C/C*"),  # cis vs trans polybutadiene
    ("*C[C@H](C)C[C@H](C)*", "*C[C@H](C)C[C@@H](C)*"),  # isotactic vs syndiotactic polypropylene
    ("*OCC*", "*OC*"),  # poly(ethylene oxide) vs polyoxymethylene
    ("*OCC*", "*OCC(C)*"),  # poly(ethylene oxide) vs poly(propylene oxide)
    ("*CC(C)(C(=O)OC)*", "*CC(C(=O)OC)*"),  # PMMA vs PMA
    ("*OCCOC(=O)c1ccc(cc1)C(=O)*", "*OCCCCOC(=O)c1ccc(cc1)C(=O)*"),  # PET vs PBT
    ("*CC(F)(F)*", "*C(F)C(F)*"),  # PVDF vs poly(1,2-difluoroethylene)
    ("*NC(=O)c1ccc(cc1)C(=O)Nc1ccc(cc1)*", "*NC(=O)c1cccc(c1)C(=O)Nc1cccc(c1)*"),  # Kevlar vs Nomex
    ("*CC(C)*", "*C(C)C(C)*"),  # polypropylene vs poly(2-butene)
    ("*OC(C)C(=O)*", "*OCCCCCC(=O)*"),  # PLA vs PCL
    ("*O[C@@H](C)C(=O)*", "*O[C@H](C)C(=O)*"),  # poly(L-lactide) vs poly(D-lactide)
    ("*OCCOC(=O)*", "*OCCC(=O)*"),  # poly(ethylene carbonate) vs poly(3-hydroxypropionate)
    ("*CC(O)*", "*CCO*"),  # poly(vinyl alcohol) vs poly(ethylene oxide): isomers
]
