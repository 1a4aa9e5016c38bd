#!/usr/bin/env python3
"""Generate CVSS oracle test data for patchcycle's `catalog::cvss` module.

Oracle: PyPI package `cvss` (RedHatProductSecurity/cvss), version 3.6
        (`pip install cvss==3.6`; classes CVSS2, CVSS3, CVSS4).

Outputs (next to this script):
  cvss-vectors.tsv   one `vector<TAB>expected_base_score` per line; lines starting
                     with `#` are comments. The score is formatted with one decimal.
  cvss-invalid.txt   one invalid vector per line (each must be rejected).

What "expected_base_score" means per version:
  * v2 / v3.x: `CVSS2(v).scores()[0]` / `CVSS3(v).scores()[0]`, i.e. the base score;
    temporal/environmental metrics in the vector do not influence it. The oracle does
    not accept the NVD-style `(...)` wrapping of v2 vectors, so wrapped vectors are
    scored on their unwrapped form.
  * v4.0: CVSS-B, the score over the base metrics only. `CVSS4(v).base_score`
    applies threat/environmental metrics (it computes CVSS-BT/BE/BTE when they are
    present), so for vectors that carry optional metrics the oracle is run on the
    vector with every non-base metric removed. The full vector is still run through
    the oracle to check that it parses.

The data is deterministic (fixed seed). Re-run with `python3 gen_cvss_vectors.py`.
"""

import itertools
import os
import random
import sys
from importlib.metadata import version

from cvss import CVSS2, CVSS3, CVSS4

SEED = 20240601
HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------- v2
V2_BASE = [
    ("AV", ["L", "A", "N"]),
    ("AC", ["H", "M", "L"]),
    ("Au", ["M", "S", "N"]),
    ("C", ["N", "P", "C"]),
    ("I", ["N", "P", "C"]),
    ("A", ["N", "P", "C"]),
]
V2_OPT = [
    ("E", ["U", "POC", "F", "H", "ND"]),
    ("RL", ["OF", "TF", "W", "U", "ND"]),
    ("RC", ["UC", "UR", "C", "ND"]),
    ("CDP", ["N", "L", "LM", "MH", "H", "ND"]),
    ("TD", ["N", "L", "M", "H", "ND"]),
    ("CR", ["L", "M", "H", "ND"]),
    ("IR", ["L", "M", "H", "ND"]),
    ("AR", ["L", "M", "H", "ND"]),
]

# --------------------------------------------------------------------------- v3
V3_BASE = [
    ("AV", ["N", "A", "L", "P"]),
    ("AC", ["L", "H"]),
    ("PR", ["N", "L", "H"]),
    ("UI", ["N", "R"]),
    ("S", ["U", "C"]),
    ("C", ["H", "L", "N"]),
    ("I", ["H", "L", "N"]),
    ("A", ["H", "L", "N"]),
]
V3_OPT = [
    ("E", ["X", "H", "F", "P", "U"]),
    ("RL", ["X", "U", "W", "T", "O"]),
    ("RC", ["X", "C", "R", "U"]),
    ("CR", ["X", "H", "M", "L"]),
    ("IR", ["X", "H", "M", "L"]),
    ("AR", ["X", "H", "M", "L"]),
    ("MAV", ["X", "N", "A", "L", "P"]),
    ("MAC", ["X", "L", "H"]),
    ("MPR", ["X", "N", "L", "H"]),
    ("MUI", ["X", "N", "R"]),
    ("MS", ["X", "U", "C"]),
    ("MC", ["X", "H", "L", "N"]),
    ("MI", ["X", "H", "L", "N"]),
    ("MA", ["X", "H", "L", "N"]),
]

# --------------------------------------------------------------------------- v4
V4_BASE = [
    ("AV", ["N", "A", "L", "P"]),
    ("AC", ["L", "H"]),
    ("AT", ["N", "P"]),
    ("PR", ["N", "L", "H"]),
    ("UI", ["N", "P", "A"]),
    ("VC", ["H", "L", "N"]),
    ("VI", ["H", "L", "N"]),
    ("VA", ["H", "L", "N"]),
    ("SC", ["H", "L", "N"]),
    ("SI", ["H", "L", "N"]),
    ("SA", ["H", "L", "N"]),
]
V4_OPT = [
    ("E", ["X", "A", "P", "U"]),
    ("CR", ["X", "H", "M", "L"]),
    ("IR", ["X", "H", "M", "L"]),
    ("AR", ["X", "H", "M", "L"]),
    ("MAV", ["X", "N", "A", "L", "P"]),
    ("MAC", ["X", "L", "H"]),
    ("MAT", ["X", "N", "P"]),
    ("MPR", ["X", "N", "L", "H"]),
    ("MUI", ["X", "N", "P", "A"]),
    ("MVC", ["X", "H", "L", "N"]),
    ("MVI", ["X", "H", "L", "N"]),
    ("MVA", ["X", "H", "L", "N"]),
    ("MSC", ["X", "H", "L", "N"]),
    ("MSI", ["X", "S", "H", "L", "N"]),
    ("MSA", ["X", "S", "H", "L", "N"]),
    ("S", ["X", "N", "P"]),
    ("AU", ["X", "N", "Y"]),
    ("R", ["X", "A", "U", "I"]),
    ("V", ["X", "D", "C"]),
    ("RE", ["X", "L", "M", "H"]),
    ("U", ["X", "Clear", "Green", "Amber", "Red"]),
]
V4_BASE_NAMES = {name for name, _ in V4_BASE}


def join(parts):
    return "/".join("%s:%s" % kv for kv in parts)


def random_base(rng, defs):
    return [(name, rng.choice(values)) for name, values in defs]


def random_optional(rng, defs):
    """A random non-empty subset of optional metrics, kept in canonical order."""
    k = rng.randint(1, len(defs))
    chosen = sorted(rng.sample(range(len(defs)), k))
    return [(defs[i][0], rng.choice(defs[i][1])) for i in chosen]


def maybe_shuffle(rng, parts, probability):
    parts = list(parts)
    if rng.random() < probability:
        rng.shuffle(parts)
    return parts


def fmt(score):
    return "%.1f" % float(score)


def v2_expected(vector):
    body = vector
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    return CVSS2(body).scores()[0]


def v3_expected(vector):
    return CVSS3(vector).scores()[0]


def v4_base_only(vector):
    prefix, body = vector.split("/", 1)
    kept = [f for f in body.split("/") if f.split(":", 1)[0] in V4_BASE_NAMES]
    return prefix + "/" + "/".join(kept)


def v4_expected(vector):
    CVSS4(vector)  # the full vector must be accepted by the oracle
    return CVSS4(v4_base_only(vector)).base_score


# Well-known vectors (specification examples, NVD examples, edge cases).
KNOWN = [
    # CVSS v2 (CVSS v2 guide examples and NVD classics)
    "AV:N/AC:L/Au:N/C:N/I:N/A:C",
    "AV:N/AC:L/Au:N/C:C/I:C/A:C",
    "AV:L/AC:H/Au:N/C:C/I:C/A:C",
    "AV:N/AC:L/Au:N/C:P/I:P/A:P",
    "(AV:N/AC:L/Au:N/C:P/I:P/A:P)",
    "AV:N/AC:M/Au:N/C:N/I:P/A:N",
    "AV:N/AC:L/Au:N/C:N/I:N/A:N",
    "AV:L/AC:H/Au:M/C:N/I:N/A:N",
    "AV:L/AC:H/Au:M/C:P/I:N/A:N",
    "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C",
    "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H",
    "AV:L/AC:H/Au:N/C:C/I:C/A:C/E:POC/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:M",
    # CVSS v3.1 / v3.0 (specification examples document and classics)
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
    "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
    "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N",
    "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/RL:X/RC:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MPR:X/MUI:X/MS:X/MC:X/MI:X/MA:X",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:H/IR:H/AR:H/MAV:P/MAC:H/MPR:H/MUI:R/MS:C/MC:N/MI:N/MA:N",
    "CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N",
    "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
    "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
    "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N",
    "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
    # CVSS v4.0 (specification / FIRST calculator examples and edge cases)
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L",
    "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:L",
    "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/CR:L/IR:L/AR:L/MAV:P/MSI:S/MSA:S",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/U:Red",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:X/R:X/V:X/RE:X/U:X",
    "CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N",
]

# Vectors that must be rejected. Each is also checked to be rejected by the oracle.
INVALID = [
    # --- v3.x
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",  # missing A
    "CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # missing AV
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H",  # missing S
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",  # duplicate
    "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # duplicate
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/E:P",  # duplicate optional
    "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # X not allowed in base
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:P/S:U/C:H/I:H/A:H",  # UI:P is a v4 value
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:X/C:H/I:H/A:H",  # invalid scope
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:H",  # unknown metric
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:Z",  # invalid optional value
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:Q",  # invalid optional value
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:OF",  # v2 value
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",  # trailing slash
    "CVSS:3.1//AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # empty component
    "CVSS:3.1/av:n/ac:l/pr:n/ui:n/s:u/c:h/i:h/a:h",  # wrong case
    "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # unsupported version
    "CVSS:3/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # unsupported version
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H",  # extra colon
    "CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # missing colon
    "CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # empty value
    "CVSS:3.1/:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # empty metric name
    "CVSS:3.1",  # no metrics at all
    "CVSS:3.1/",  # no metrics at all
    "CVSS:3.0/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H",  # v4 metric in v3.0
    "CVSS:3.1/AV:N/AC:L/Au:N/PR:N/UI:N/S:U/C:H/I:H/A:H",  # v2 metric in v3.1
    "CVSS:3.1/AV:N /AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # embedded whitespace
    "CVSS:3.1/AV:\u039d/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # non-ASCII look-alike
    "CVSS:3.1|AV:N|AC:L|PR:N|UI:N|S:U|C:H|I:H|A:H",  # wrong separator
    # --- v4.0
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",  # missing SA
    "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  # missing AT
    "CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # v3 metrics with v4 prefix
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  # UI:R is v3
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N",  # S only for MSI
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSC:S",  # no S for MSC
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/E:A",  # duplicate
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:X/MAV:N",  # duplicate
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/VC:H/SC:N/SI:N/SA:N",  # duplicate base
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red",  # wrong case
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Purple",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:Y",
    "CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  # X not in base
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:X/",  # trailing slash
    "CVSS:4.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",  # unsupported
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/XX:Y",  # unknown
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MS:C",  # v3 metric
    # --- v2
    "AV:N/AC:L/Au:N/C:P/I:P",  # missing A
    "AV:N/AC:L/AU:N/C:P/I:P/A:P",  # wrong case
    "AV:N/AC:L/Au:N/C:P/I:P/A:H",  # H is not a v2 impact value
    "AV:P/AC:L/Au:N/C:P/I:P/A:P",  # P is not a v2 access vector
    "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X",  # X is not a v2 value (ND is)
    "AV:N/AC:L/Au:N/C:P/I:P/A:P/AV:N",  # duplicate
    "AV:N/AC:L/Au:N/C:P/I:P/A:P/CDP:ND/CDP:H",  # duplicate optional
    "(AV:N/AC:L/Au:N/C:P/I:P/A:P",  # unbalanced parenthesis
    "AV:N/AC:L/Au:N/C:P/I:P/A:P)",  # unbalanced parenthesis
    "((AV:N/AC:L/Au:N/C:P/I:P/A:P))",  # double parentheses
    "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",  # no such prefix for v2
    "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # v3 vector without prefix
    "not a vector",
    "CVSS:",
    # --- input bounding (not rejected by the oracle: the vector is just too long)
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/" + "/".join(["E:X"] * 130),
]


def oracle_for(vector):
    if vector.startswith("CVSS:3"):
        return CVSS3
    if vector.startswith("CVSS:4"):
        return CVSS4
    return CVSS2


def main():
    rng = random.Random(SEED)
    rows = []  # (vector, expected)
    seen = set()

    def add(vector, expected_fn):
        """Adds a row unless the vector is already present; returns whether it did."""
        if vector in seen:
            return False
        seen.add(vector)
        rows.append((vector, fmt(expected_fn(vector))))
        return True

    # Known vectors first.
    for v in KNOWN:
        if v.startswith("CVSS:4"):
            add(v, v4_expected)
        elif v.startswith("CVSS:3"):
            add(v, v3_expected)
        else:
            add(v, v2_expected)

    # v3.1: every one of the 2,592 base-metric combinations ...
    for combo in itertools.product(*[values for _, values in V3_BASE]):
        v = "CVSS:3.1/" + join(zip([n for n, _ in V3_BASE], combo))
        add(v, v3_expected)
    # ... plus random vectors carrying temporal/environmental metrics.
    n = 0
    while n < 450:
        parts = random_base(rng, V3_BASE) + random_optional(rng, V3_OPT)
        v = "CVSS:3.1/" + join(maybe_shuffle(rng, parts, 0.1))
        n += add(v, v3_expected)

    # v3.0: random vectors, 30% with optional metrics (all 2,592 base combinations
    # of v3.0 and v3.1 and all 104,976 of v4.0 were also cross-checked once, see the
    # report; they are not committed to keep the file small).
    n = 0
    while n < 500:
        parts = random_base(rng, V3_BASE)
        if rng.random() < 0.3:
            parts += random_optional(rng, V3_OPT)
        v = "CVSS:3.0/" + join(maybe_shuffle(rng, parts, 0.1))
        n += add(v, v3_expected)

    # v2: every one of the 729 base-metric combinations ...
    for combo in itertools.product(*[values for _, values in V2_BASE]):
        v = join(zip([n for n, _ in V2_BASE], combo))
        add(v, v2_expected)
    # ... plus random vectors with temporal/environmental metrics and/or parentheses.
    n = 0
    while n < 100:
        parts = random_base(rng, V2_BASE)
        if rng.random() < 0.7:
            parts += random_optional(rng, V2_OPT)
        v = join(maybe_shuffle(rng, parts, 0.1))
        if rng.random() < 0.4:
            v = "(" + v + ")"
        n += add(v, v2_expected)

    # v4.0: random base vectors, 30% with threat/environmental/supplemental metrics.
    n = 0
    while n < 3000:
        parts = random_base(rng, V4_BASE)
        if rng.random() < 0.3:
            parts += random_optional(rng, V4_OPT)
        v = "CVSS:4.0/" + join(maybe_shuffle(rng, parts, 0.05))
        n += add(v, v4_expected)

    unique = rows

    counts = {}
    for vector, _ in unique:
        key = vector[:8] if vector.startswith("CVSS:") else "v2"
        counts[key] = counts.get(key, 0) + 1

    oracle_version = version("cvss")
    with open(os.path.join(HERE, "cvss-vectors.tsv"), "w", encoding="utf-8") as f:
        f.write("# Generated by gen_cvss_vectors.py (seed %d).\n" % SEED)
        f.write("# Oracle: PyPI package cvss (RedHatProductSecurity) %s.\n" % oracle_version)
        f.write("# Columns: vector<TAB>expected_base_score (v4.0: CVSS-B over base metrics).\n")
        f.write("# Rows: %s\n" % ", ".join("%s=%d" % kv for kv in sorted(counts.items())))
        for vector, expected in unique:
            f.write("%s\t%s\n" % (vector, expected))

    # Invalid vectors: check that the oracle rejects them as well.
    accepted = []
    for v in INVALID:
        body = v
        try:
            oracle_for(body)(body)
        except Exception:
            continue
        accepted.append(v)
    long_ones = [v for v in accepted if len(v) > 512]
    unexpected = [v for v in accepted if len(v) <= 512]
    with open(os.path.join(HERE, "cvss-invalid.txt"), "w", encoding="utf-8") as f:
        for v in INVALID:
            f.write(v + "\n")

    print("oracle cvss", oracle_version)
    print("valid rows:", len(unique), counts)
    print("invalid rows:", len(INVALID))
    if long_ones:
        print("accepted by the oracle but over the 512-byte bound:", len(long_ones))
    if unexpected:
        print("ERROR: oracle accepts these 'invalid' vectors:", unexpected)
        sys.exit(1)


if __name__ == "__main__":
    main()
