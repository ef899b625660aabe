"""The sklearn-dln report command on small tasks and on bad input."""

import json
import subprocess
import sys

import numpy as np
import pytest

from sklearn_dln.report._cli import main


@pytest.fixture
def npz_task(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 5))
    Y = X @ rng.normal(size=(5, 3)) + 0.1 * rng.normal(size=(12, 3))
    path = tmp_path / "small.npz"
    np.savez(path, X=X, Y=Y)
    return path


def _run(args, capsys):
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_report_on_npz_task_writes_summary(npz_task, tmp_path, capsys):
    """The report on a small task writes its summaries with the expected numbers."""
    out = tmp_path / "report"
    status, _, err = _run(
        ["report", "--data", str(npz_task), "--out", str(out), "--figures", "none"], capsys
    )
    assert status == 0
    assert "[1/2]" in err
    summary = json.loads((out / "summary.json").read_text())
    result = summary["tasks"]["small"]
    mse = list(result["mse"].values())
    np.testing.assert_allclose(mse, mse[0], rtol=1e-9)
    assert result["rsa_across_seeds"]["mrns"] == pytest.approx(1.0, abs=1e-9)
    assert result["rsa_across_seeds"]["mwns"] == pytest.approx(1.0, abs=1e-9)
    assert result["rsa_across_seeds"]["gls"] < 1 - 1e-6
    assert result["rsa_across_seeds"]["lss"] < 1 - 1e-6
    assert set(result["fit_seconds"]) == {"gls", "lss", "mrns", "mwns"}
    assert "| MRNS |" in (out / "summary.md").read_text()


def test_report_draws_one_figure_per_solution_type(npz_task, tmp_path, capsys):
    """With matplotlib, each solution type gets a PNG of H and its RSM."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "report"
    status, _, _ = _run(
        ["report", "--data", str(npz_task), "--out", str(out), "--figures", "none",
         "--n-hidden", "4", "--random-state", "3", "--quiet"],
        capsys,
    )
    assert status == 0
    for region in ("gls", "lss", "mrns", "mwns"):
        png = out / f"small_{region}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    settings = json.loads((out / "summary.json").read_text())["settings"]
    assert settings["n_hidden"] == 4
    assert settings["random_state"] == 3


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "data file not found"),
        (b"not a zip archive", "is not an .npz archive"),
        ("npy", "is not an .npz archive"),
        ("directory", "is a directory"),
        ({"X": np.ones((4, 2))}, "no array named Y"),
        ({"X": np.ones((4, 2)), "Y": np.ones(3)}, "X has 4 samples but Y has 3"),
        ({"X": np.full((4, 2), np.nan), "Y": np.ones(4)}, "NaN or infinite"),
        ({"X": np.ones(4), "Y": np.ones(4)}, "X must be a 2-D array"),
        ({"X": np.array([["a", "b"]] * 3), "Y": np.ones(3)}, "must hold real numbers"),
    ],
    ids=["missing", "not-npz", "npy", "directory", "no-Y", "lengths", "nan", "1d", "strings"],
)
def test_report_rejects_bad_data_file(content, message, tmp_path, capsys):
    """A missing or malformed file gives a one-line error and exit status 2."""
    path = tmp_path / "bad.npz"
    if content == "npy":
        path = tmp_path / "array.npy"
        np.save(path, np.ones((4, 2)))
    elif content == "directory":
        path = tmp_path
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, dict):
        np.savez(path, **content)
    status, _, err = _run(["report", "--data", str(path), "--out", str(tmp_path / "r")], capsys)
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_report_rejects_too_narrow_network(npz_task, tmp_path, capsys):
    """--n-hidden below the task's rank is reported in one line, exit status 2."""
    status, _, err = _run(
        ["report", "--data", str(npz_task), "--out", str(tmp_path / "r"), "--n-hidden", "1",
         "--figures", "none", "--quiet"],
        capsys,
    )
    assert status == 2
    assert "--n-hidden 1 is narrower than a task needs: 'small' has rank 3" in err
    assert "Use --n-hidden 3 or more" in err
    assert not (tmp_path / "r").exists()


def test_report_rejects_unknown_figure(npz_task, tmp_path, capsys):
    """An unknown figure key is rejected with the list of available ones."""
    status, _, err = _run(
        ["report", "--data", str(npz_task), "--out", str(tmp_path / "r"), "--figures", "99"],
        capsys,
    )
    assert status == 2
    assert "unknown figure 99" in err


def test_report_runs_as_python_module(npz_task, tmp_path):
    """python -m sklearn_dln report works like the console script."""
    out = tmp_path / "report"
    completed = subprocess.run(
        [sys.executable, "-m", "sklearn_dln", "report", "--data", str(npz_task),
         "--out", str(out), "--figures", "none", "--quiet"],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert (out / "summary.json").is_file()


def test_report_rejects_empty_figure_list(npz_task, tmp_path, capsys):
    """An empty --figures value is an error, not a silent 'none'."""
    status, _, err = _run(
        ["report", "--data", str(npz_task), "--out", str(tmp_path / "r"), "--figures", ""],
        capsys,
    )
    assert status == 2
    assert "--figures is empty" in err


def test_command_prints_version(capsys):
    """sklearn-dln --version prints the package version and exits 0."""
    import sklearn_dln

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert sklearn_dln.__version__ in capsys.readouterr().out


def test_report_rank_zero_task_has_notice(tmp_path, capsys):
    """Targets that do not depend on the inputs get a notice, not silent blanks."""
    rng = np.random.default_rng(0)
    path = tmp_path / "zero.npz"
    np.savez(path, X=rng.normal(size=(20, 4)), Y=np.zeros((20, 3)))
    out = tmp_path / "report"
    status, _, _ = _run(
        ["report", "--data", str(path), "--out", str(out), "--figures", "none", "--quiet"],
        capsys,
    )
    assert status == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["tasks"]["zero"]["rank"] == 0
    assert summary["tasks"]["zero"]["rsa_across_seeds"]["mrns"] is None
    assert any("rank 0" in notice for notice in summary["notices"])
