"""Batched random walks of the free parameters of a solution region.

The walk updates every free parameter of a region with the
Ornstein-Uhlenbeck step ``theta <- (1 - a) theta + a s xi`` (xi standard
normal, Braun, Grant & Saxe, ICML 2025, Section 4) and maps every step through
the region's constructive formula, so every step is exactly a member of the
region. Steps are generated and mapped in blocks with stacked linear algebra,
because per-step Python overhead would dominate for small networks.
"""

import numbers
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.utils import check_random_state

from ..linear._regions import (
    draw_free_parameters,
    free_parameter_shapes,
    weights_from_free_parameters,
)
from ..utils._threads import single_blas_thread_if

# Budget of float64 values a block of steps may hold in its largest arrays;
# 2**19 values (4 MiB) keep a block in a typical L2/L3 cache.
_BLOCK_VALUES = 2**19
_MAX_BLOCK_STEPS = 256

# Noise values per block from which a worker thread draws the noise. A
# general solution with 100 hidden units and 50 features walks about 8,000
# values per step in blocks of 12 steps, and gains from the thread.
_THREADED_NOISE_VALUES = 2**15

# Relative tolerance on the fitted outputs of a walked general or
# least-squares solution. The construction is exact, so a larger value means
# that the walked T became ill-conditioned.
_WALK_RTOL = 1e-8

# Parameters that the region's formula only adds to the batched weights, so
# that an unbatched value broadcasts over the steps. A parameter pinned at
# zero is passed without batch axes, which saves projecting a zero matrix at
# every step (the MRNS's never-observed weights, with null_scale=0).
_ADDED_PARAMETERS = {("mrns", "G2")}

# Below this width the batched matrices are small and BLAS threads cost more
# than they save, so the walk runs BLAS on one thread.
_SINGLE_THREAD_MAX_HIDDEN = 256


def blas_threads_for(n_hidden):
    """Return a context manager limiting BLAS threads for a walk of this width."""
    return single_blas_thread_if(n_hidden <= _SINGLE_THREAD_MAX_HIDDEN)


def walk_generator(random_state):
    """Return the numpy Generator of the walk noise for a ``random_state``.

    An integer seeds an SFC64 generator directly, which costs less than
    building a RandomState; a RandomState or None gives a seed drawn from it.
    """
    if isinstance(random_state, numbers.Integral):
        return np.random.Generator(np.random.SFC64(int(random_state)))
    seed = check_random_state(random_state).randint(0, 2**32, size=4)
    return np.random.Generator(np.random.SFC64(seed))


def noise_factors(estimator, region, task, n_hidden):
    """Return the multiplier of the walk noise of every free parameter.

    The noise of a parameter is in the units of the estimator's own draws:
    ``scale`` for the parameters of general and least-squares solutions,
    ``null_scale`` for the never-observed weights G2 of an MRNS, and one for
    the rotation R. A parameter the estimator pins to zero stays zero.
    """
    factors = {}
    for name in free_parameter_shapes(region, task, n_hidden):
        if name == "R":
            factors[name] = 1.0
        elif name == "G2":
            factors[name] = float(getattr(estimator, "null_scale", 0.0))
        else:
            factors[name] = float(getattr(estimator, "scale", 1.0))
    return factors


def start_parameters(estimator, region, task, n_hidden, rng):
    """Return the free parameters of the walk's first step.

    The estimator's own ``free_parameters_`` when it belongs to ``region``;
    otherwise a random member of ``region`` drawn from ``rng`` with the
    estimator's scales.
    """
    if region == estimator._region:
        return {
            name: np.array(value) for name, value in estimator.free_parameters_.items()
        }
    factors = noise_factors(estimator, region, task, n_hidden)
    return draw_free_parameters(
        region,
        task,
        n_hidden,
        rng,
        scale=factors.get("T", 1.0),
        null_scale=factors.get("G2", 0.0),
    )


def ornstein_uhlenbeck(previous, noise, decay, gains):
    """Return ``theta_1 .. theta_L`` of ``theta_t = decay theta_(t-1) + gains xi_t``.

    ``previous`` (n_values,) is theta_0, ``noise`` (L, n_values) contains the
    xi_t and is overwritten with the result, and ``gains`` (n_values,) are the
    per-value noise multipliers. A loop over the L steps with in-place row
    updates touches each value twice; on this workload it measured faster
    than a cumulative-sum closed form or ``scipy.signal.lfilter``, which
    filters every value as a separate series.
    """
    noise *= gains
    scratch = np.empty_like(previous)
    np.multiply(previous, decay, out=scratch)
    noise[0] += scratch
    for step in range(1, noise.shape[0]):
        np.multiply(noise[step - 1], decay, out=scratch)
        noise[step] += scratch
    return noise


def _prefetched(pool, function, arguments, depth):
    """Yield ``function(a)`` for each argument, computed ``depth`` calls ahead in ``pool``."""
    pending = deque()
    for argument in arguments:
        pending.append(pool.submit(function, argument))
        if len(pending) > depth:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class RegionWalk:
    """Random walk of one region's free parameters, mapped to weights in blocks.

    Parameters
    ----------
    task : TaskDecomposition
    region : {"gls", "lss", "mrns", "mwns"}
    theta : dict of str to ndarray
        Free parameters of the first step.
    factors : dict of str to float
        Noise multiplier of each parameter, see :func:`noise_factors`.
    step_size, noise_scale : float
        The Ornstein-Uhlenbeck constants a and s.
    Xc : ndarray of shape (n_samples, n_features)
        Centred inputs whose hidden activity is computed at every step.
    rng : numpy.random.Generator
        Source of the walk noise.
    """

    def __init__(self, task, region, theta, factors, step_size, noise_scale, Xc, rng):
        self.task = task
        self.region = region
        self.theta = theta
        self.factors = factors
        self.decay = 1.0 - step_size
        self.gain = step_size * noise_scale
        self.Xc = Xc
        self.rng = rng
        self._hidden_map = self._readout_to_hidden()
        self._layout()

    def _readout_to_hidden(self):
        """Return J with hidden activity ``Xc W1.T = J W2``, for MRNS and MWNS.

        On these regions the readout fixes the rotation R of the hidden
        units (``W2 = M N^(1/2) R.T`` or ``U S^(1/2) R.T``), so the hidden
        activity follows from W2 with a fixed (n_samples, n_outputs) matrix,
        which costs less than ``Xc W1.T`` when n_outputs < n_features. The
        never-observed weights G2 do not act on training inputs.
        """
        task = self.task
        if self.region == "mrns":
            A, s = task.input_basis, task.input_singular_values
            return ((self.Xc @ A) / s) @ task.fit_sample @ task.fit_left.T
        if self.region == "mwns":
            return (self.Xc @ task.ls_right) @ task.ls_left.T
        return None

    def block_steps(self, n_hidden):
        """Return the number of steps per block for networks of this size."""
        task = self.task
        n_samples = self.Xc.shape[0]
        per_step = n_hidden * (n_hidden + 2 * task.n_features + task.n_outputs)
        per_step += n_samples * n_hidden
        return int(np.clip(_BLOCK_VALUES // max(per_step, 1), 8, _MAX_BLOCK_STEPS))

    def _layout(self):
        """Split the parameters into walked ones (one flat vector) and pinned ones."""
        names = sorted(self.theta)
        walked = [n for n in names if self.factors[n] > 0 and self.theta[n].size]
        gains = [
            np.full(self.theta[n].size, self.gain * self.factors[n]) for n in walked
        ]
        self._walked = walked
        self._pinned = [n for n in names if n not in walked]
        self._gains = np.concatenate(gains) if gains else np.zeros(0)
        self._flat = (
            np.concatenate([self.theta[n].ravel() for n in walked])
            if walked
            else np.zeros(0)
        )

    def draw_noise(self, n_steps):
        """Draw the standard normal noise of ``n_steps`` steps of the walked values."""
        return self.rng.standard_normal((n_steps, self._flat.size))

    def _advance(self, n_steps):
        """Draw the noise of ``n_steps`` steps and return their free parameters."""
        return self._next_parameters(self.draw_noise(n_steps))

    def _block_length(self, theta, first_step):
        """Return the number of steps a block maps, step 0 included in the first."""
        walked = self._walked[0] if self._walked else None
        if walked is None:
            # Every parameter is pinned: the batched ones carry the length.
            walked = max(theta, key=lambda name: theta[name].ndim)
        return theta[walked].shape[0] + (1 if first_step == 0 else 0)

    def _next_parameters(self, noise):
        """Advance the walk by one block of noise and return its free parameters."""
        n_steps = noise.shape[0]
        flat = ornstein_uhlenbeck(self._flat, noise, self.decay, self._gains)
        self._flat = flat[-1].copy()

        block, offset = {}, 0
        for name in self._walked:
            shape = self.theta[name].shape
            size = self.theta[name].size
            values = flat[:, offset : offset + size].reshape((n_steps,) + shape)
            block[name] = np.ascontiguousarray(values)
            self.theta[name] = block[name][-1]
            offset += size
        powers = self.decay ** np.arange(1, n_steps + 1)
        for name in self._pinned:
            previous = self.theta[name]
            if not np.any(previous):
                if (self.region, name) in _ADDED_PARAMETERS:
                    block[name] = previous
                else:
                    block[name] = np.broadcast_to(previous, (n_steps,) + previous.shape)
                continue
            block[name] = powers.reshape((-1,) + (1,) * previous.ndim) * previous
            self.theta[name] = block[name][-1]
        return block

    def map_parameters(self, theta, out=None):
        """Return ``(W1, W2, H)`` of a batch of free parameters; H is the hidden activity.

        ``out`` (n_steps, n_samples, n_hidden), when given, receives H, which
        saves a copy when the walk records every step.
        """
        W1, W2 = weights_from_free_parameters(self.region, self.task, theta)
        if self._hidden_map is not None:
            H = np.matmul(self._hidden_map, W2, out=out)
        else:
            H = np.matmul(self.Xc, np.swapaxes(W1, -1, -2), out=out)
        return W1, W2, H

    def check_block(self, W1, W2, first_step):
        """Raise if a walked general or least-squares step misses the fit."""
        if self.region not in ("gls", "lss"):
            return
        task = self.task
        A, s = task.input_basis, task.input_singular_values
        fitted = (task.ls_map @ A) * s
        scale = np.linalg.norm(fitted)
        if scale == 0:
            return
        reached = ((W2 @ W1) @ A) * s
        errors = np.linalg.norm(reached - fitted, axis=(-2, -1)) / scale
        worst = int(np.argmax(errors))
        if errors[worst] > _WALK_RTOL:
            raise RuntimeError(
                f"Step {first_step + worst} of the walk misses the fitted outputs "
                f"by a relative {errors[worst]:.2e}, more than {_WALK_RTOL:.0e}: "
                f"the walked parameters became ill-conditioned. Lower "
                f"noise_scale or step_size."
            )

    def blocks(self, n_steps, n_hidden, hidden_out=None):
        """Yield ``(first_step, W1, W2, H)`` blocks covering steps 0 to n_steps.

        The first block starts with step 0, the starting parameters. The
        block size depends only on the network's shape, so two walks with
        the same generator state give the same steps. ``hidden_out``
        (n_steps + 1, n_samples, n_hidden), when given, receives the hidden
        activity of every step, and each H yielded is a view of it.
        """
        start = {name: value[np.newaxis] for name, value in self.theta.items()}
        block_steps = self.block_steps(n_hidden)
        counts = (
            min(block_steps, n_steps - done) for done in range(0, n_steps, block_steps)
        )
        # Drawing the noise and advancing the walked parameters is a large
        # share of a step for large blocks, so a worker thread prepares the
        # next blocks while this one is mapped. It advances the blocks in
        # order, so the steps do not change.
        threaded = n_steps > block_steps and (
            self._flat.size * block_steps >= _THREADED_NOISE_VALUES
        )
        pool = ThreadPoolExecutor(max_workers=1) if threaded else None
        try:
            if pool is None:
                blocks = (self._advance(count) for count in counts)
            else:
                blocks = _prefetched(pool, self._advance, counts, depth=2)
            first_step = 0
            for theta in blocks:
                n_block = self._block_length(theta, first_step)
                if first_step == 0:
                    theta = {
                        name: values
                        if values.ndim < start[name].ndim
                        else np.concatenate([start[name], values])
                        for name, values in theta.items()
                    }
                out = None
                if hidden_out is not None:
                    out = hidden_out[first_step : first_step + n_block]
                with blas_threads_for(n_hidden):
                    W1, W2, H = self.map_parameters(theta, out=out)
                    self.check_block(W1, W2, first_step)
                yield first_step, W1, W2, H
                first_step += n_block
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
