"""scikit-learn's estimator checks on every public estimator of sklearn_dln."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_dln.utils import all_estimators

# Estimators whose constructor needs arguments: class name -> function that
# returns the instances to check. Every other estimator is checked with its
# default parameters.
INSTANCE_FACTORIES = {}

# Class name -> {check name: reason it is expected to fail}.
EXPECTED_FAILED_CHECKS = {}


def _instances():
    instances = []
    for name, cls in all_estimators():
        factory = INSTANCE_FACTORIES.get(name)
        instances.extend(factory() if factory else [cls()])
    return instances


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def test_every_estimator_is_checked():
    """Discovery finds the estimators and each one yields a checked instance."""
    names = {name for name, _ in all_estimators()}
    checked = {type(estimator).__name__ for estimator in _instances()}
    assert {"GLSRegressor", "LSSRegressor", "MRNSRegressor", "MWNSRegressor"} <= names
    assert checked == names


@parametrize_with_checks(_instances(), expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    """Each estimator passes scikit-learn's common estimator checks."""
    check(estimator)
