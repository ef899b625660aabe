"""Control of the BLAS thread count around small or narrow linear algebra.

On small matrices, or on few columns, OpenBLAS spends more time starting and
synchronising its threads than it saves. The code paths that only see such
matrices (random walks of narrow networks, ReLU moves, the noise
experiment) therefore run BLAS on one thread inside a context manager. The
limit is lifted when the block ends, and the process-wide setting is kept.
"""

from contextlib import nullcontext
from functools import lru_cache


@lru_cache(maxsize=1)
def _threadpool_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def single_blas_thread():
    """Return a context manager that runs BLAS and LAPACK on one thread."""
    return _threadpool_controller().limit(limits=1, user_api="blas")


def single_blas_thread_if(condition):
    """Return :func:`single_blas_thread` when ``condition`` holds, else a no-op."""
    return single_blas_thread() if condition else nullcontext()
