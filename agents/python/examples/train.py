"""A data-parallel trainer (numpy + mpi4py) that checkpoints with Vigil.

Linear regression, every rank on its own shard of the data, gradients
averaged with an allreduce every step; the parameters and the step are
checkpointed every --every steps and the run resumes from the newest
complete checkpoint. At the end rank 0 prints the parameters' digest:

    TRAIN_PY_RESULT step=S digest=HEX resumed=R

    mpirun -np 4 python3 train.py --steps 40 --every 10
"""
import argparse
import hashlib

from mpi4py import MPI
import numpy as np

import vigil_ckpt


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--params", type=int, default=4096)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    data = np.random.default_rng(1000 + rank)
    x = data.standard_normal((64, args.params))
    y = x @ np.linspace(-1, 1, args.params) + 0.01 * data.standard_normal(64)
    w = np.zeros(args.params)
    step = np.zeros(1, dtype=np.int64)

    ckpt = vigil_ckpt.Checkpointer()
    ckpt.register("w", w)
    ckpt.register("step", step)
    resumed = ckpt.restore()
    grad = np.empty_like(w)
    for s in range(max(resumed, 0) + 1, args.steps + 1):
        batch = slice((s * 8) % 64, (s * 8) % 64 + 8)
        local = 2 * x[batch].T @ (x[batch] @ w - y[batch]) / 8          # reads w: the copy overlaps it
        comm.Allreduce(local, grad, op=MPI.SUM)
        ckpt.before_update(60)
        w -= 0.001 * grad / size
        step[0] = s
        if s % args.every == 0:
            ckpt.save(s)
    ckpt.wait(vigil_ckpt.LOCAL, 120)
    ckpt.finalize()
    if rank == 0:
        print(f"TRAIN_PY_RESULT step={int(step[0])} digest={hashlib.sha256(w.tobytes()).hexdigest()[:16]} "
              f"resumed={resumed}", flush=True)


if __name__ == "__main__":
    main()
