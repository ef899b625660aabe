"""The full report on its quick settings: every figure, claim and summary."""

import json

import numpy as np
import pytest

from sklearn_dln.report._cli import main
from sklearn_dln.report._summary import claims_markdown

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    pytest.importorskip("matplotlib")
    out = tmp_path_factory.mktemp("report")
    status = main(["report", "--quick", "--quiet", "--out", str(out)])
    return status, out


@pytest.mark.slow
def test_report_quick_exits_successfully(quick_report):
    """sklearn-dln report --quick on the bundled tasks exits with status 0."""
    status, _ = quick_report
    assert status == 0


@pytest.mark.slow
def test_report_quick_has_every_figure(quick_report):
    """The summary has sections 1, 3, 4 and 5, each with a written PNG."""
    _, out = quick_report
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary["sections"]) == ["1", "3", "4", "5"]
    for key, section in summary["sections"].items():
        assert section["title"]
        assert len(section["figures"]) == 1, key
        png = out / section["figures"][0]
        assert png.read_bytes()[:8] == PNG_SIGNATURE, png


@pytest.mark.slow
def test_report_quick_claims_have_verdicts(quick_report):
    """Every claim has a text, a non-empty evidence string and a boolean verdict."""
    _, out = quick_report
    summary = json.loads((out / "summary.json").read_text())
    for key, section in summary["sections"].items():
        assert section["claims"], key
        for claim in section["claims"]:
            assert isinstance(claim["claim"], str) and claim["claim"]
            assert isinstance(claim["evidence"], str) and claim["evidence"]
            assert isinstance(claim["holds"], bool)


@pytest.mark.slow
def test_report_quick_figure4_panels(quick_report):
    """Figure 4 has claims for each of its panels A to D."""
    _, out = quick_report
    section = json.loads((out / "summary.json").read_text())["sections"]["4"]
    assert {claim["panel"] for claim in section["claims"]} == {"A", "B", "C", "D"}


@pytest.mark.slow
def test_report_quick_markdown_lists_every_claim(quick_report):
    """summary.md has one claims-table row per claim, with its verdict."""
    _, out = quick_report
    summary = json.loads((out / "summary.json").read_text())
    markdown = (out / "summary.md").read_text()
    n_claims = sum(len(s["claims"]) for s in summary["sections"].values())
    rows = [
        line
        for line in markdown.splitlines()
        if line.endswith(("| yes |", "| **no** |"))
    ]
    assert len(rows) == n_claims


@pytest.mark.slow
def test_report_selects_figures(tmp_path):
    """--figures 3,1 runs and draws only those two figures, in report order."""
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(0)
    data = tmp_path / "small.npz"
    np.savez(data, X=rng.normal(size=(12, 5)), Y=rng.normal(size=(12, 3)))
    out = tmp_path / "report"
    status = main(
        [
            "report",
            "--quick",
            "--quiet",
            "--data",
            str(data),
            "--figures",
            "3,1",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary["sections"]) == ["1", "3"]
    assert (out / "figure1_mrns_walk.png").is_file()
    assert (out / "figure3_elephant.png").is_file()
    assert not (out / "figure4_walks.png").exists()


def test_claims_table_escapes_pipes():
    """A '|' inside the evidence does not add a column to the claims table."""
    sections = {
        "4": {
            "claims": [
                {
                    "claim": "c",
                    "evidence": "largest |RSA - 1| 1e-16",
                    "holds": True,
                    "panel": "B",
                }
            ]
        }
    }
    row = claims_markdown(sections).splitlines()[4]
    assert row.startswith("| 4B | c |")
    assert row.replace("\\|", "").count("|") == 5
