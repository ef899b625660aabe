"""The report's figure sections on their quick settings."""

import json

import pytest

from sklearn_dln.report._figure4 import PANELS
from sklearn_dln.report._progress import Progress
from sklearn_dln.report._sections import ReportContext, available_sections


@pytest.fixture
def context(tmp_path):
    return ReportContext(
        out_dir=tmp_path,
        random_state=0,
        quick=True,
        draw=False,
        progress=Progress(1, quiet=True),
    )


@pytest.fixture(scope="module")
def figure4_section(tmp_path_factory):
    context = ReportContext(
        out_dir=tmp_path_factory.mktemp("figure4"),
        random_state=0,
        quick=True,
        draw=False,
        progress=Progress(1, quiet=True),
    )
    _, run = available_sections()["4"]
    return run(context)


@pytest.mark.parametrize("key", ["1", "3"])
def test_figure_section_claims_hold(context, key):
    """Sections 1 and 3 return JSON-ready numbers and claims that all hold."""
    _, run = available_sections()[key]
    section = run(context)
    json.dumps(section)
    assert section["claims"]
    for claim in section["claims"]:
        assert claim["holds"], claim


@pytest.mark.slow
def test_figure4_section_is_json_ready(figure4_section):
    """Figure 4 returns JSON-ready numbers and at least one claim per panel."""
    json.dumps(figure4_section)
    assert set(figure4_section["numbers"]) == {"task", *PANELS}
    panels = {claim["panel"] for claim in figure4_section["claims"]}
    assert panels == set(PANELS)
    assert "60 inputs of 16 features" in figure4_section["description"]


# Claims of Figure 4 that are exact consequences of the closed forms, so they
# hold on any seed and walk length, quick or full.
EXACT_CLAIMS = [
    "RSA between MRNS and MWNS solutions stays constant along walks",
    "two MRNS walks, and two MWNS walks, of the same function have RSA 1",
    "RSA between MRNS and MWNS is below 1 even for the same function",
    "every walk keeps the network's outputs on the training inputs",
    "under input noise every LSS minimises the expected loss",
    "under input noise the expected loss is constant along LSS walks",
    "under scaled parameter noise the MRNS has the lowest expected loss",
    "under scaled parameter noise the expected loss is constant along MRNS walks",
    "with whitened inputs (X^T X = I) the MRNS and MWNS coincide",
]


@pytest.mark.slow
@pytest.mark.parametrize("text", EXACT_CLAIMS)
def test_figure4_exact_claim_holds(figure4_section, text):
    """Each claim that the closed forms make exact holds on the quick walks."""
    matches = [c for c in figure4_section["claims"] if c["claim"].startswith(text)]
    assert len(matches) == 1
    assert matches[0]["holds"], matches[0]


@pytest.mark.slow
def test_figure4_covariance_whitening_differs(figure4_section):
    """With X^T X = P I and P > 1 the MRNS and MWNS differ by a layer rescaling."""
    (claim,) = [
        c
        for c in figure4_section["claims"]
        if c["claim"].startswith("with covariance-whitened inputs (X^T X / P = I)")
    ]
    assert claim["holds"]
    whitened = figure4_section["numbers"]["D"]["whitened"]["covariance"]
    assert whitened["rsa_mrns_mwns"] == pytest.approx(1.0, abs=1e-9)
    assert whitened["relative_difference_mrns_mwns"]["rsm"] > 1.0
