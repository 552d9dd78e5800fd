"""What a checkpoint costs a Python training loop, per rank: a plain copy of
the state (numpy.copyto), numpy.save of it and an fsync in the training
thread, and Vigil's lazy checkpoint (save, a forward and backward that
sleep as a rank driving a GPU does, then before_update: the time spent in
those two calls, Python's own included). The worst rank's
median over the rounds, one line:

    ckpt_bench_py bytes B memcpy_ms M numpy_save_fsync_ms S blocked_ms V

    mpirun -np 2 python3 ckpt_bench.py DIR [--mib 512] [--compute-ms 1000] [--rounds 3]
"""
import argparse
import os
import statistics
import time

from mpi4py import MPI
import numpy as np

import vigil_ckpt


def timed_ms(work):
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1e3


def numpy_save_fsync(path, state):
    with open(path, "wb") as out:
        np.save(out, state)
        out.flush()
        os.fsync(out.fileno())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--mib", type=int, default=512)
    parser.add_argument("--compute-ms", type=float, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    rank = comm.Get_rank()
    state = np.random.default_rng(rank).random(args.mib << 17)   # float64: MiB × 2^20 / 8
    scratch = np.empty_like(state)
    os.makedirs(args.dir, exist_ok=True)
    path = os.path.join(args.dir, f"numpy-rank-{rank}.npy")
    ckpt = vigil_ckpt.Checkpointer(job="bench-py", local_dir=args.dir, staging_bytes=state.nbytes)
    ckpt.register("state", state)
    memcpy, synchronous, blocked = [], [], []
    for step in range(1, args.rounds + 1):
        memcpy.append(timed_ms(lambda: np.copyto(scratch, state)))
        synchronous.append(timed_ms(lambda: numpy_save_fsync(path, state)))
        os.unlink(path)
        saving = timed_ms(lambda: ckpt.save(step))
        time.sleep(args.compute_ms / 1e3)   # forward and backward: the state does not change
        blocked.append(saving + timed_ms(ckpt.before_update))
        ckpt.wait(vigil_ckpt.LOCAL, timeout=120)
        comm.Barrier()
    ckpt.finalize()
    ranks = comm.gather((statistics.median(memcpy), statistics.median(synchronous), statistics.median(blocked)))
    if rank == 0:
        worst = tuple(map(max, *ranks))
        print("ckpt_bench_py bytes %d memcpy_ms %.1f numpy_save_fsync_ms %.1f blocked_ms %.2f"
              % (state.nbytes * comm.Get_size(), *worst))


if __name__ == "__main__":
    main()
