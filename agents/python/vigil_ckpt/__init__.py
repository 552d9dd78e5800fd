"""Vigil's checkpoint client for Python: libvigil's vigil.h over ctypes.

libvigil must be in the process (the job runs under vigil, or with
LD_PRELOAD=libvigil.so); $VIGIL_LIBVIGIL names the library otherwise.
Regions are registered by their buffer: numpy arrays, bytearrays, anything
with a writable, contiguous buffer. They must stay alive, at the same
address, until finalize(): the background copy reads them.
"""
import ctypes
import os

STAGED, LOCAL, COMMITTED, SHARED, BUDDY = 0, 1, 2, 3, 4

_ERRORS = {-1: "EINVAL", -2: "EFAILED", -3: "ETIMEDOUT", -4: "ENOMEM", -5: "EIO", -6: "EBUSY"}


class CheckpointError(Exception):
    """A libvigil checkpoint call failed: `code` (e.g. "EFAILED") and why."""

    def __init__(self, call, code, reason):
        self.call, self.code, self.reason = call, _ERRORS.get(code, str(code)), reason
        super().__init__(f"{call}: {self.code}: {reason}")


class _Options(ctypes.Structure):
    _fields_ = [("job", ctypes.c_char_p), ("local_dir", ctypes.c_char_p), ("shared_dir", ctypes.c_char_p),
                ("staging_bytes", ctypes.c_size_t)]


class _Stats(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in
                ("saves", "failures", "blocked_ns", "staged_bytes", "flushed_bytes", "flush_ns", "checksum_ns",
                 "staging_high_water")] + [("last_local_step", ctypes.c_long)]


def _library():
    named = os.environ.get("VIGIL_LIBVIGIL")
    lib = ctypes.CDLL(named) if named else ctypes.CDLL(None)
    try:
        lib.vigil_ckpt_init
    except AttributeError:
        raise CheckpointError("load", -1, "libvigil is not in this process (run under vigil, LD_PRELOAD=libvigil.so, "
                                          "or set VIGIL_LIBVIGIL)") from None
    lib.vigil_ckpt_init.argtypes = [ctypes.POINTER(_Options)]
    lib.vigil_ckpt_register.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t]
    lib.vigil_ckpt_save.argtypes = [ctypes.c_long]
    lib.vigil_ckpt_before_update.argtypes = [ctypes.c_double]
    lib.vigil_ckpt_wait.argtypes = [ctypes.c_int, ctypes.c_double]
    lib.vigil_ckpt_restore.argtypes = [ctypes.POINTER(ctypes.c_long)]
    lib.vigil_ckpt_stats_get.argtypes = [ctypes.POINTER(_Stats)]
    lib.vigil_ckpt_finalize.argtypes = [ctypes.c_double]
    lib.vigil_ckpt_error.restype = ctypes.c_char_p
    return lib


def _address(buffer):
    """The start and size of a writable, contiguous buffer, and what keeps it alive."""
    view = memoryview(buffer)
    if view.readonly or not view.c_contiguous:
        raise CheckpointError("register", -1, "a region must be a writable, C-contiguous buffer")
    holder = (ctypes.c_char * view.nbytes).from_buffer(view) if view.nbytes else None
    return (ctypes.addressof(holder) if holder is not None else None), view.nbytes, (view, holder)


class Checkpointer:
    """One rank's checkpoints (after MPI_Init, e.g. `from mpi4py import MPI`)."""

    def __init__(self, job=None, local_dir=None, shared_dir=None, staging_bytes=0):
        self._lib = _library()
        self._kept = []
        encode = lambda s: s.encode() if s is not None else None
        options = _Options(encode(job), encode(local_dir), encode(shared_dir), staging_bytes)
        self._check("init", self._lib.vigil_ckpt_init(ctypes.byref(options)))

    def _check(self, call, code):
        if code != 0:
            raise CheckpointError(call, code, self._lib.vigil_ckpt_error().decode(errors="replace"))

    def register(self, name, buffer):
        """Saved and restored under `name` (unique, under 64 bytes), before the first save."""
        address, size, keep = _address(buffer)
        self._check("register", self._lib.vigil_ckpt_register(name.encode(), address, size))
        self._kept.append(keep)

    def save(self, step):
        """Starts a checkpoint of every region at `step`; returns at once."""
        self._check("save", self._lib.vigil_ckpt_save(step))

    def before_update(self, timeout=60.0):
        """Waits until this rank's copy is done: after it the state may change."""
        self._check("before_update", self._lib.vigil_ckpt_before_update(timeout))

    def wait(self, level=LOCAL, timeout=60.0):
        """Waits until the newest checkpoint reached `level` (STAGED, LOCAL, COMMITTED, SHARED, BUDDY)."""
        self._check("wait", self._lib.vigil_ckpt_wait(level, timeout))

    def restore(self):
        """Collective: the newest complete step whose shards verify, read into the regions; -1 for none."""
        step = ctypes.c_long(-1)
        self._check("restore", self._lib.vigil_ckpt_restore(ctypes.byref(step)))
        return step.value

    def stats(self):
        """This rank's figures since init, as a dict."""
        out = _Stats()
        self._check("stats", self._lib.vigil_ckpt_stats_get(ctypes.byref(out)))
        return {name: getattr(out, name) for name, _ in _Stats._fields_}

    def finalize(self, timeout=60.0):
        """Waits for the flush under way, stops the threads; the regions are free again."""
        code = self._lib.vigil_ckpt_finalize(timeout)
        self._kept = []
        self._check("finalize", code)
