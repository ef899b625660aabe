"""Tests of the noise-robustness experiment on ReLU networks and its report section."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_dln.analysis import ROBUSTNESS_VARIANTS, measure_relu_robustness
from sklearn_dln.relu import ReLUMLPClassifier

TINY = {
    "n_hidden": 32,
    "max_iter": 5,
    "parameter_noise": [0.2, 0.0],
    "input_noise": [0.0, 0.5],
    "n_repeats": 2,
}


@pytest.fixture(scope="module")
def tiny_result():
    return measure_relu_robustness(**TINY, random_state=0)


def test_measure_relu_robustness_table_structure(tiny_result):
    """The table has one row per noise type, level and network."""
    table = tiny_result.table
    assert set(table) == {
        "noise", "noise_level", "variant", "error_mean", "error_sem", "n_repeats"
    }
    for column in table.values():
        assert column.shape == (2 * 2 * 5,)
    assert set(table["variant"]) == set(ROBUSTNESS_VARIANTS)
    assert set(table["noise"]) == {"parameter", "input"}
    assert np.all((table["error_mean"] >= 0) & (table["error_mean"] <= 1))
    assert np.all(table["n_repeats"] == 2)
    assert_array_equal(tiny_result.parameter_noise, [0.0, 0.2])


def test_measure_relu_robustness_errors_and_networks(tiny_result):
    """Raw errors, networks and the no-noise results have the documented shapes."""
    for noise in ("parameter", "input"):
        for variant in ROBUSTNESS_VARIANTS:
            assert tiny_result.errors[noise][variant].shape == (2, 2)
    widths = {
        name: network.coefs_[0].shape[1] for name, network in tiny_result.networks.items()
    }
    assert widths == {
        "minimal": 32, "scale": 32, "nuisance": 64, "duplicate": 64, "input_null": 32
    }
    for network in tiny_result.networks.values():
        assert isinstance(network, ReLUMLPClassifier)
    assert tiny_result.X_test.shape == (450, 64)
    assert tiny_result.input_null_dim >= 3
    for name in ("scale", "nuisance", "duplicate"):
        assert tiny_result.max_output_change[name] < 1e-10
    minimal_error = tiny_result.clean_error["minimal"]
    for name in ("scale", "nuisance", "duplicate"):
        assert tiny_result.clean_error[name] == minimal_error
    zero_level = tiny_result.errors["parameter"]["minimal"][0]
    assert_array_equal(zero_level, [minimal_error, minimal_error])


def test_measure_relu_robustness_claims_structure(tiny_result):
    """Each claim states its evidence and a boolean verdict, and maybe a note."""
    assert len(tiny_result.claims) == 4
    for claim in tiny_result.claims:
        assert {"claim", "evidence", "holds"} <= set(claim) <= {
            "claim", "evidence", "holds", "note"
        }
        assert isinstance(claim["holds"], bool)
        assert claim["evidence"]


def test_measure_relu_robustness_as_frame():
    """as_frame returns the table as a pandas DataFrame."""
    pd = pytest.importorskip("pandas")
    result = measure_relu_robustness(
        n_hidden=8, max_iter=2, parameter_noise=[0.1], input_noise=[0.1],
        n_repeats=1, as_frame=True,
    )
    assert isinstance(result.table, pd.DataFrame)
    assert result.table.shape == (10, 6)


def test_measure_relu_robustness_reproducible():
    """The same random_state gives the same curves."""
    settings = {**TINY, "n_hidden": 8, "max_iter": 2}
    first = measure_relu_robustness(**settings, random_state=4)
    second = measure_relu_robustness(**settings, random_state=4)
    assert_array_equal(first.table["error_mean"], second.table["error_mean"])


def test_measure_relu_robustness_rejects_bad_levels():
    """Negative, empty and non-finite noise levels raise ValueError."""
    for bad in ([-0.1], [], [np.nan]):
        with pytest.raises(ValueError, match="parameter_noise must be"):
            measure_relu_robustness(**{**TINY, "parameter_noise": bad})
    with pytest.raises(ValueError, match="n_copies"):
        measure_relu_robustness(**TINY, n_copies=1)


@pytest.mark.slow
def test_measure_relu_robustness_minimal_beats_expansions():
    """At the largest parameter noise the minimal network beats scale and nuisance."""
    result = measure_relu_robustness(
        n_hidden=256,
        max_iter=30,
        parameter_noise=[0.0, 0.2],
        input_noise=[0.0],
        n_repeats=20,
        random_state=0,
    )
    top = {name: values[-1].mean() for name, values in result.errors["parameter"].items()}
    assert top["minimal"] < top["scale"]
    assert top["minimal"] < top["nuisance"]


@pytest.mark.slow
def test_figure5_section_quick_run(tmp_path):
    """The quick report section returns its claims and writes its PNG."""
    pytest.importorskip("matplotlib")
    from sklearn_dln.report._progress import Progress
    from sklearn_dln.report._sections import ReportContext, available_sections

    title, run = available_sections()["5"]
    context = ReportContext(
        out_dir=tmp_path, random_state=0, quick=True, draw=True,
        progress=Progress(1, quiet=True),
    )
    section = run(context)
    assert section["title"] == title
    assert section["figures"] == ["figure5_relu_robustness.png"]
    assert (tmp_path / "figure5_relu_robustness.png").stat().st_size > 10_000
    assert len(section["claims"]) == 4
    assert section["numbers"]["n_hidden"] == 256
    assert set(section["numbers"]["rsa_with_minimal"]) == {"scale", "nuisance"}
