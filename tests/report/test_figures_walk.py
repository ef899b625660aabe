"""The report's figure sections 1, 3 and 4 on their quick settings."""

import json

import pytest

from sklearn_dln.report._cli import main
from sklearn_dln.report._sections import ReportContext, available_sections


class _SilentProgress:
    def note(self, message):
        pass


@pytest.fixture
def context(tmp_path):
    return ReportContext(
        out_dir=tmp_path,
        random_state=0,
        quick=True,
        draw=False,
        progress=_SilentProgress(),
    )


@pytest.mark.parametrize("key", ["1", "3", "4"])
def test_figure_section_claims_hold(context, key):
    """Each section returns JSON-ready numbers and claims that all hold."""
    _, run = available_sections()[key]
    section = run(context)
    json.dumps(section)
    assert section["claims"]
    for claim in section["claims"]:
        assert claim["holds"], claim


@pytest.mark.slow
def test_report_quick_figures_written(tmp_path):
    """sklearn-dln report --quick --figures 1,3,4 writes the three figures."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "report"
    status = main(
        ["report", "--quick", "--quiet", "--figures", "1,3,4", "--out", str(out)]
    )
    assert status == 0
    for name in ("figure1_mrns_walk.png", "figure3_elephant.png", "figure4_drift.png"):
        assert (out / name).is_file()
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["sections"]) == {"1", "3", "4"}
