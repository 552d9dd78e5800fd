#!/usr/bin/env python3
"""The demo's story after a fault, told from the server's read API
($VIGIL_API): the incident and how long after the fault it was raised,
what recovery decided, each step of the restart, training again, and the
job's goodput. Exits 0 once training again (or, for a fault recovery does
not restart, once the incident stands for 20 s); 1 after 120 s without.
With --notes TOKEN_FILE each line is also written on the timeline as a
note, which vigil top shows over its views.
    demo-story.py VIGIL_BIN FAULT_NS [--notes TOKEN_FILE]"""
import json, os, subprocess, sys, time, urllib.request

api = os.environ["VIGIL_API"]
vigil = sys.argv[1]
fault_ns = int(sys.argv[2])
token_file = sys.argv[4] if sys.argv[3:4] == ["--notes"] else None
t0 = time.time()
NOTE_CHARACTERS = 200  # what `vigil note` takes (OperatorNote.maxLength)


def get(path):
    with urllib.request.urlopen(f"http://{api}{path}", timeout=5) as answer:
        return json.load(answer)


def say(text, noted=True):
    """A line of the story; the ones that carry it (not each recovery step) are noted too."""
    print(f"demo  +{time.time_ns() / 1e9 - fault_ns / 1e9:5.1f}s after the fault  {text}", flush=True)
    if token_file and noted:
        note(f"demo: {text}")


def note(text):
    """The line on the timeline (vigil note), cut to a note's length; the story goes on if it is refused."""
    text = " ".join(text.split())
    text = text if len(text) <= NOTE_CHARACTERS else text[:NOTE_CHARACTERS - 1] + "…"
    written = subprocess.run([vigil, "note", "--token-file", token_file, "--job", "demo", "--", text],
                             capture_output=True, text=True, timeout=15)
    if written.returncode != 0:
        print(f"demo: the note was not written: {written.stderr.strip()}", file=sys.stderr, flush=True)


def since_fault(ns):
    return f"{(ns - fault_ns) / 1e9:.1f} s after the fault"


told, states, raised_at = set(), {}, None
while time.time() - t0 < 120:
    for stored in get("/v1/incidents?job=demo"):
        incident = stored["incident"]
        if incident["detectedNs"] < fault_ns or stored["id"] in told:
            continue
        told.add(stored["id"])
        raised_at = raised_at or time.time()
        suspects = ", ".join(s["node"] + (f" rank {s['rank']}" if s.get("rank") is not None else "") for s in incident["suspects"])
        say(f"INCIDENT {incident['incidentClass']}: {suspects or 'no suspect'}, "
            f"detected {since_fault(incident['detectedNs'])} — {incident['evidence']['summary']}")
    for recovery in get("/v1/recoveries?job=demo"):
        if recovery["decidedNs"] < fault_ns or states.get(recovery["id"]) == recovery["state"]:
            continue
        states[recovery["id"]] = state = recovery["state"]
        plan = recovery.get("plan") or {}
        if state in ("stopping", "launching", "starting") and "decided" not in told:
            told.add("decided")
            hosts = ",".join(h["host"] for h in plan.get("hosts", []))
            step = plan.get("fromStep")
            say(f"RECOVERY: cordon {', '.join(plan.get('cordon', [])) or 'nothing'}; restart on {hosts}"
                + (f" from checkpoint step {step}" if step is not None else " from the start"))
        trouble = state in ("ignored", "waiting", "gave-up", "failed")
        say(f"recovery {recovery['id']}: {state}" + (f" ({'; '.join(recovery['why'])})" if trouble else ""), noted=trouble)
        if state == "training":
            restored = recovery.get("restoredStep")
            say(f"TRAINING AGAIN on attempt {recovery['attempt'] + 1}"
                + (f", resumed from step {restored}" if restored is not None else "")
                + f", {since_fault(recovery['firstStepNs'])}")
            marks = [("fault_to_incident", fault_ns, recovery["detectedNs"]),
                     ("incident_to_decision", recovery["detectedNs"], recovery["decidedNs"]),
                     ("stop", recovery["decidedNs"], recovery.get("stoppedNs")),
                     ("launch", recovery.get("stoppedNs"), recovery.get("launchedNs")),
                     ("to_first_step", recovery.get("launchedNs"), recovery["firstStepNs"]),
                     ("fault_to_training", fault_ns, recovery["firstStepNs"])]
            say("PHASES " + " ".join(f"{name}_s {(end - start) / 1e9:.2f}" for name, start, end in marks if start and end),
                noted=False)
            for goodput in get("/v1/goodput?job=demo"):
                wall = goodput["endNs"] - goodput["startedNs"]
                lost = ", ".join(f"{cause} {ns / 1e9:.1f} s" for cause, ns in sorted(goodput["lostNs"].items()) if ns)
                say(f"GOODPUT: ETTR {goodput['productiveNs'] / wall:.3f} over {wall / 1e9:.0f} s, "
                    f"{goodput['restarts']} restart(s); lost: {lost or 'nothing'}")
            sys.exit(0)
    acting = any(state in ("stopping", "launching", "starting") for state in states.values())
    if raised_at and not acting and time.time() - raised_at > 20:
        say("the incident stands; recovery does not restart for it (see vigil recovery list)")
        sys.exit(0)
    time.sleep(0.25)
say("no recovery within 120 s of the fault")
sys.exit(1)
