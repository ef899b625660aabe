"""Work arrays carved out of one allocation.

On Linux, numpy calls madvise(MADV_HUGEPAGE) on allocations of 4 MiB or more
(``numpy/_core/src/multiarray/alloc.c``), so that the kernel may back them by
transparent huge pages of 2 MiB. A 1,000 x 1,024 float32 array is
just under that size, so each one is backed by 4 KiB pages, and writing a
fresh one costs about a thousand page faults. On a two-core machine, eight
such arrays took 15 ms to fill where one block of the same total size took
under 1 ms. The RSM fit therefore takes its large work arrays as views of one
block.
"""

import numpy as np

# Each array starts a multiple of 64 bytes, the cache-line size, after the
# start of the block, so that arrays do not share cache lines.
_ALIGNMENT_BYTES = 64


class Workspace:
    """Named arrays of one dtype, views of a single block.

    Parameters
    ----------
    dtype : numpy dtype
        The dtype of every array.
    shapes : dict
        Maps each name to ``(shape, order)``, with ``order`` "C" or "F".
    """

    def __init__(self, dtype, shapes):
        dtype = np.dtype(dtype)
        step = max(_ALIGNMENT_BYTES // dtype.itemsize, 1)
        offsets, total = {}, 0
        for name, (shape, _) in shapes.items():
            offsets[name] = total
            size = int(np.prod(shape))
            total += -(-size // step) * step

        self._block = np.empty(total, dtype=dtype)
        self._views = {
            name: self._block[offsets[name] : offsets[name] + int(np.prod(shape))].reshape(
                shape, order=order
            )
            for name, (shape, order) in shapes.items()
        }

    def __getitem__(self, name):
        return self._views[name]

    def store(self, name, result):
        """Return the array ``name`` holding ``result``.

        A routine asked to write into the array returns it, or a new array
        when it could not (scipy's wrappers copy an argument of the wrong
        layout), in which case ``result`` is copied in.
        """
        view = self._views[name]
        if not np.shares_memory(result, view):
            view[...] = result
        return view
