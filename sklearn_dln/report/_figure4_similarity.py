"""Panels A and B of Figure 4: linear predictivity and RSA along walks.

Both panels compare the hidden activity of the walks on the main task (the
sources) with that of independent walks, on the same task (within a
function) or on the second task (across functions), step by step.
"""

import numpy as np

from ..analysis import linear_predictivity, rsa
from ._figure4_walks import COMPARED_TYPES
from ._rules import (
    all_at_least,
    all_at_most,
    depends_mostly_on_rows,
    exceeds_by,
    fluctuates,
    is_constant,
    make_claim,
    peak_to_peak,
    variance_shares,
)

# Target walks of each comparison, as attributes of Figure4Walks.
CONDITIONS = {"within": "same_function", "across": "other_function"}
CONDITION_WORDS = {"within": "within a function", "across": "across functions"}

# In-sample ridge R^2 with alpha = 1, averaged uniformly over target units:
# the setting of Figure 4 of Braun, Grant & Saxe (ICML 2025).
RIDGE_ALPHA = 1.0

TASK_AGNOSTIC = ("lss",)
TASK_SPECIFIC = ("mrns", "mwns")

# Panel A rules. "Depends mostly on the solution type": the source/target
# type pair explains at least half of the variance of the walk-mean R^2 over
# type pairs and the two function conditions. "Predicts": R^2 at least 0.8
# at every evaluated step. "Not the reverse": at every step the reverse R^2 is
# at least 0.2 lower.
TYPE_SHARE_MIN = 0.5
PREDICTS_MIN = 0.8
ASYMMETRY_MIN = 0.2

# Panel B rules. "Fluctuates": the RSA spans a range of at least 0.05 along
# the walk. "Constant": its range is at most 1e-9 (roundoff). "Below 1": at
# least 1e-3 below 1 at every step.
FLUCTUATION_MIN = 0.05
CONSTANT_ATOL = 1e-9
BELOW_ONE_MIN = 1e-3


def _ordered_pairs():
    return [(a, b) for a in COMPARED_TYPES for b in COMPARED_TYPES]


def _unordered_pairs():
    return [(a, b) for i, a in enumerate(COMPARED_TYPES) for b in COMPARED_TYPES[i:]]


def _pair_key(a, b, arrow):
    return f"{a}{arrow}{b}"


def _along_walks(walks, pairs, score, label, progress):
    """Return ``{condition: {(a, b): scores at the evaluated steps}}``."""
    steps = walks.eval_steps
    total = len(CONDITIONS) * len(pairs)
    scores, done = {}, 0
    for condition, group in CONDITIONS.items():
        targets = getattr(walks, group)
        scores[condition] = {}
        for a, b in pairs:
            progress.bar(label, done, total)
            source_path = walks.source[a].hidden_representations_
            target_path = targets[b].hidden_representations_
            scores[condition][a, b] = np.array(
                [score(source_path[t], target_path[t]) for t in steps]
            )
            done += 1
    progress.bar(label, total, total)
    return scores


def _summary_numbers(scores, arrow):
    return {
        condition: {
            _pair_key(a, b, arrow): {
                "mean": float(values.mean()),
                "min": float(values.min()),
                "max": float(values.max()),
            }
            for (a, b), values in by_pair.items()
        }
        for condition, by_pair in scores.items()
    }


def _predictivity(source, target):
    return linear_predictivity(source, target, alpha=RIDGE_ALPHA, in_sample=True)


def compute_panel_a(context, walks):
    """Compute in-sample linear predictivity between every pair of walks."""
    r2 = _along_walks(
        walks, _ordered_pairs(), _predictivity, "predictivity", context.progress
    )
    numbers = {
        "ridge_alpha": RIDGE_ALPHA,
        "n_evaluated_steps": int(walks.eval_steps.size),
        "r2": _summary_numbers(r2, "->"),
    }
    type_claim, shares = _type_share_claim(r2)
    numbers.update(shares)
    claims = [type_claim]
    for condition in CONDITIONS:
        claims += _asymmetry_claims(r2[condition], condition)
    return {"numbers": numbers, "claims": claims, "arrays": {"r2": r2}}


def _type_share_claim(r2):
    """Return the claim that the type pair explains most of the R^2, and the shares."""
    pairs = _ordered_pairs()
    table = np.array(
        [[r2[condition][pair].mean() for condition in CONDITIONS] for pair in pairs]
    )
    type_share, function_share = variance_shares(table)
    shares = {
        "variance_share_type_pair": type_share,
        "variance_share_function": function_share,
    }
    claim = make_claim(
        "linear predictivity depends mostly on the solution types of source and target",
        f"of the variance of the walk-mean R^2 over {len(pairs)} type pairs x "
        f"{len(CONDITIONS)} function conditions, the type pair explains "
        f"{type_share:.0%} and same vs different function {function_share:.0%} "
        f"(rule: type pair >= {TYPE_SHARE_MIN:.0%})",
        depends_mostly_on_rows(table, TYPE_SHARE_MIN),
        panel="A",
        note="Task-specific sources predict task-specific targets of another "
        "function much less well than of the same function, so the share of "
        "same vs different function grows with how different the two tasks "
        "are. Here they are two random regression tasks on shared inputs.",
    )
    return claim, shares


def _asymmetry_claims(r2, condition):
    forward = np.array([r2[a, b] for a in TASK_AGNOSTIC for b in TASK_SPECIFIC])
    reverse = np.array([r2[b, a] for a in TASK_AGNOSTIC for b in TASK_SPECIFIC])
    gap = forward - reverse
    words = CONDITION_WORDS[condition]
    return [
        make_claim(
            f"task-agnostic (LSS) representations predict task-specific (MRNS, "
            f"MWNS) ones, {words}",
            f"lowest R^2 of LSS -> MRNS/MWNS over the walk {forward.min():.3f} "
            f"(rule: >= {PREDICTS_MIN})",
            all_at_least(forward, PREDICTS_MIN),
            panel="A",
        ),
        make_claim(
            f"task-specific (MRNS, MWNS) representations predict task-agnostic "
            f"(LSS) ones less well than the reverse, {words}",
            f"R^2 of LSS -> MRNS/MWNS minus MRNS/MWNS -> LSS at the same step: "
            f"lowest {gap.min():.3f}, mean {gap.mean():.3f} "
            f"(rule: every step >= {ASYMMETRY_MIN})",
            exceeds_by(forward, reverse, ASYMMETRY_MIN),
            panel="A",
            note="The gap between the two directions fluctuates along the walk, "
            "and the rule asks for it at every step; the mean over the walk is "
            "given beside the lowest value.",
        ),
    ]


def _euclidean_pearson_rsa(source, target):
    return rsa(source, target, rdm_metric="euclidean", compare="pearson")


def compute_panel_b(context, walks):
    """Compute the RSA between every pair of walks (Euclidean RDMs, Pearson r)."""
    r = _along_walks(
        walks, _unordered_pairs(), _euclidean_pearson_rsa, "RSA", context.progress
    )
    numbers = {
        "rdm_metric": "euclidean",
        "compare": "pearson",
        "rsa": _summary_numbers(r, "-"),
    }
    return {"numbers": numbers, "claims": _rsa_claims(r), "arrays": {"rsa": r}}


def _comparisons(keep):
    """Return the (condition, type pair) comparisons whose pair passes ``keep``."""
    return [
        (condition, pair)
        for condition in CONDITIONS
        for pair in _unordered_pairs()
        if keep(set(pair))
    ]


def _rsa_claims(r):
    agnostic = _comparisons(lambda pair: bool(pair & set(TASK_AGNOSTIC)))
    specific = _comparisons(lambda pair: pair <= set(TASK_SPECIFIC))
    agnostic_ranges = [peak_to_peak(r[c][pair]) for c, pair in agnostic]
    specific_ranges = [peak_to_peak(r[c][pair]) for c, pair in specific]
    same_type = [r["within"][t, t] for t in TASK_SPECIFIC]
    same_type_gap = max(float(np.max(np.abs(values - 1.0))) for values in same_type)
    mrns_mwns = r["within"]["mrns", "mwns"]
    return [
        make_claim(
            "RSA involving a task-agnostic (LSS) solution fluctuates along walks",
            f"smallest range along the walk over {len(agnostic)} comparisons "
            f"with an LSS, within and across functions: {min(agnostic_ranges):.3f} "
            f"(rule: every range >= {FLUCTUATION_MIN})",
            all(fluctuates(r[c][pair], FLUCTUATION_MIN) for c, pair in agnostic),
            panel="B",
        ),
        make_claim(
            "RSA between MRNS and MWNS solutions stays constant along walks",
            f"largest range along the walk over {len(specific)} comparisons: "
            f"{max(specific_ranges):.1e} (rule: every range <= {CONSTANT_ATOL:.0e})",
            all(is_constant(r[c][pair], CONSTANT_ATOL) for c, pair in specific),
            panel="B",
        ),
        make_claim(
            "two MRNS walks, and two MWNS walks, of the same function have RSA 1",
            f"largest |RSA - 1| {same_type_gap:.1e} (rule: <= {CONSTANT_ATOL:.0e})",
            all_at_most(same_type_gap, CONSTANT_ATOL),
            panel="B",
        ),
        make_claim(
            "RSA between MRNS and MWNS is below 1 even for the same function",
            f"RSA {mrns_mwns.min():.4f} to {mrns_mwns.max():.4f} "
            f"(rule: every step <= 1 - {BELOW_ONE_MIN:.0e})",
            all_at_most(mrns_mwns, 1.0 - BELOW_ONE_MIN),
            panel="B",
        ),
    ]


# Matplotlib line styles of the walk conditions in panels A and B.
_CONDITION_STYLES = {"within": "-", "across": "--"}


def draw_panel_a(axes, result, walks):
    """Draw the mean R^2 matrices within and across functions, and R^2 along walks."""
    r2 = result["arrays"]["r2"]
    labels = [t.upper() for t in COMPARED_TYPES]
    for ax, condition in zip(axes[:2], CONDITIONS):
        matrix = np.array(
            [
                [r2[condition][a, b].mean() for b in COMPARED_TYPES]
                for a in COMPARED_TYPES
            ]
        )
        ax.imshow(matrix, vmin=0.0, vmax=1.0, cmap="viridis")
        for i, a in enumerate(COMPARED_TYPES):
            for j, b in enumerate(COMPARED_TYPES):
                values = r2[condition][a, b]
                ax.text(
                    j,
                    i,
                    f"{values.mean():.2f}\n[{values.min():.2f}, {values.max():.2f}]",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="black" if values.mean() > 0.6 else "white",
                )
        ax.set_xticks(range(len(labels)), labels)
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("target")
        ax.set_ylabel("source")
        ax.set_title(f"A: R^2 {CONDITION_WORDS[condition]}\n(walk mean [min, max])")

    ax = axes[2]
    for condition, style in _CONDITION_STYLES.items():
        for a, b in [
            ("lss", "mrns"),
            ("mrns", "lss"),
            ("lss", "mwns"),
            ("mwns", "lss"),
        ]:
            ax.plot(
                walks.eval_steps,
                r2[condition][a, b],
                style,
                label=f"{a.upper()}->{b.upper()}, {condition}",
            )
    ax.set_xlabel("walk step")
    ax.set_ylabel("in-sample ridge R^2")
    ax.set_title("A: predictivity along walks")
    ax.legend(fontsize=6, ncol=2)


def draw_panel_b(axes, result, walks):
    """Draw the RSA of every pair of types along walks, within and across functions."""
    r = result["arrays"]["rsa"]
    for ax, condition in zip(axes, CONDITIONS):
        for a, b in _unordered_pairs():
            ax.plot(
                walks.eval_steps, r[condition][a, b], label=f"{a.upper()}-{b.upper()}"
            )
        ax.set_xlabel("walk step")
        ax.set_ylabel("RSA (Euclidean RDM, Pearson r)")
        ax.set_title(f"B: RSA {CONDITION_WORDS[condition]}")
        ax.legend(fontsize=6)
