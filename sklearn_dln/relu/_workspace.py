"""Work arrays carved out of one allocation, with arrays that take turns in memory.

glibc's malloc serves a request at or above its mmap threshold with fresh
pages from the kernel, and gives freed heap memory back to the kernel once
more than twice the threshold lies free at the top of the heap. The
threshold rises to the size of the largest mapped block freed so far, up to
32 MiB on 64-bit systems (mallopt(3), M_MMAP_THRESHOLD). Writing to fresh
memory costs a page fault per 4 KiB page.

So separate arrays of 4 MiB leave a threshold of 4 MiB, the heap they used
is trimmed after every call, and the next call faults on all its pages
again. One block below 32 MiB raises the threshold to its own size, and
from the third call on malloc returns memory that the process has already
touched. A block above 32 MiB is mapped afresh on every call. On the
two-core machine of ``benchmarks/bench_relu.py``, six separate 3.9 MiB
arrays took 10.6 ms to allocate and fill (5,968 page faults), one 23.4 MiB
block 0.5 ms (no faults), and one 34 MiB block 4.0 ms on every call. The RSM
fit therefore takes its large work arrays as views of one block, and arrays
that are never needed at the same time share memory.
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
    regions : list
        The regions of the block, in order. A region is a dict that maps
        each name to ``(shape, order)``, with ``order`` "C" or "F", for
        arrays that are in use at the same time and get disjoint memory.
        It may instead be a tuple of such dicts that take turns. Each dict
        starts at the region's start, so arrays of different dicts share
        memory, and the caller must be done with one dict's arrays before
        it writes another's.
    """

    def __init__(self, dtype, regions):
        dtype = np.dtype(dtype)
        step = max(_ALIGNMENT_BYTES // dtype.itemsize, 1)
        layout, start = {}, 0
        for region in regions:
            end = start
            for turn in region if isinstance(region, tuple) else (region,):
                offset = start
                for name, (shape, order) in turn.items():
                    layout[name] = (offset, shape, order)
                    offset += -(-int(np.prod(shape)) // step) * step
                end = max(end, offset)
            start = end

        self._block = np.empty(start, dtype=dtype)
        self._memory = {
            name: self._block[offset : offset + int(np.prod(shape))]
            for name, (offset, shape, _) in layout.items()
        }
        self._views = {
            name: self._memory[name].reshape(shape, order=order)
            for name, (_, shape, order) in layout.items()
        }

    @property
    def nbytes(self):
        """Size of the block in bytes."""
        return self._block.nbytes

    def __getitem__(self, name):
        return self._views[name]

    def view(self, name, shape, order):
        """Return the leading entries of array ``name``'s memory as an array of
        ``shape`` and ``order``, for a problem smaller than the one it was made for."""
        size = int(np.prod(shape))
        memory = self._memory[name]
        if size > memory.shape[0]:
            raise ValueError(
                f"a {shape} view needs {size} entries, but array {name!r} has "
                f"{memory.shape[0]}; create the workspace with shapes at least "
                "this large."
            )
        return memory[:size].reshape(shape, order=order)


def store_result(view, result):
    """Return ``view`` holding ``result``.

    A routine asked to write into ``view`` returns it, or a new array when it
    could not (scipy's wrappers copy an argument of the wrong layout), in
    which case ``result`` is copied in.
    """
    if not np.shares_memory(result, view):
        view[...] = result
    return view
