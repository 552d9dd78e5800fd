#!/usr/bin/env python3
"""Precision, recall and latency per incident class from the detection
matrix's lines (DetectionMatrixTests), and false incidents per hour of
healthy running. Reads stdin, prints one figure per line."""
import sys
from collections import defaultdict

runs = defaultdict(list)        # class -> [(found, latency or None)]
paced = []                      # (workload, fault, found, latency) of the point-to-point-paced workloads
incidents = defaultdict(list)   # class -> [correct]
healthy_seconds = healthy_incidents = 0
wrong = []
for line in sys.stdin:
    f = line.split()
    if len(f) < 2:
        continue
    if f[1] == "run" and len(f) >= 7:
        runs[f[4]].append((f[5] == "1", None if f[6] == "-" else float(f[6])))
        if f[2] in ("pipeline", "stencil"):
            paced.append((f[2], f[3], f[5] == "1", f[6]))
    elif f[1] == "incident" and len(f) >= 6:
        incidents[f[4]].append(f[5] == "1")
        if f[5] != "1":
            wrong.append(" ".join(f[2:])[:220])
    elif f[1] == "healthy" and len(f) >= 5:
        healthy_seconds += int(f[3])
        healthy_incidents += int(f[4])

def median(values):
    values = sorted(values)
    return values[(len(values) - 1) // 2] if values else None

for cls in sorted(set(runs) | set(incidents)):
    found = [ok for ok, _ in runs[cls]]
    latencies = [s for ok, s in runs[cls] if ok and s is not None]
    raised = incidents[cls]
    precision = f"{sum(raised) / len(raised):.2f}" if raised else "-"
    recall = f"{sum(found) / len(found):.2f}" if found else "-"
    lat = f"median_s {median(latencies):.2f} worst_s {max(latencies):.2f}" if latencies else "median_s - worst_s -"
    print(f"detection_matrix {cls} precision {precision} ({sum(raised)}/{len(raised)} raised right) "
          f"recall {recall} ({sum(found)}/{len(found)} runs) {lat}")
hours = healthy_seconds / 3600
rate = f"{healthy_incidents / hours:.1f}" if hours else "-"
print(f"detection_matrix false_incidents_per_hour {rate} ({healthy_incidents} in {healthy_seconds} s of healthy running; goal 0)")
# Programs paced by point-to-point traffic: each fault's latency against its goal.
goals = {"stop": 5, "kill": 3, "slowrank": 30, "slowlink": 30, "datadown": 5, "nodedown": 3}
for workload, fault, found, latency in paced:
    print(f"detection_matrix paced {workload} {fault} found {int(found)} latency_s {latency} goal_s {goals.get(fault, '-')}")
for w in wrong:
    print(f"detection_matrix wrong {w}")
