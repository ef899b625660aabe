"""scikit-learn's estimator checks on every public estimator of sklearn_dln."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_dln.utils import all_estimators

# Check names mapped to the reason they are expected to fail, per estimator.
EXPECTED_FAILED_CHECKS = {}


def _instances():
    for name, cls in all_estimators():
        yield cls()


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(
    list(_instances()), expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    """Each estimator passes scikit-learn's common estimator checks."""
    check(estimator)
