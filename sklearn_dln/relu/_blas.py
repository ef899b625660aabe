"""Control of the BLAS thread count for small and narrow linear algebra."""

from functools import lru_cache


@lru_cache(maxsize=1)
def _threadpool_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def single_blas_thread():
    """Return a context manager that runs BLAS and LAPACK on one thread."""
    return _threadpool_controller().limit(limits=1, user_api="blas")
