#!/usr/bin/env python3
"""A fault-injecting InfraKit plugin (instance and flavor on one socket), standard library only.

Tests run it in its own process and drive the group controller against it over a real socket.
Usage: fault_plugin.py <plugins-dir> <name> <faults.json> <truth.json>

<faults.json> is read at every call, so a test changes the faults while it runs; every key is optional:
  list_lag_s        a new instance shows in DescribeInstances only this long after Provision returned
  provision_delay_s Provision takes this long
  validate_delay_s  Flavor.Validate and Instance.Validate take this long
  healthy_delay_s   Flavor.Healthy takes this long (a hanging check)
  destroy_fails     Destroy fails (the instance stays)
  remove            IDs of instances that vanish behind the controller's back (a crash)
<truth.json> is rewritten after every change with what really exists, whatever the listing says:
  {"alive": [{"ID", "LogicalID", "Attachments"}], "peak": N, "created": N, "attachment_peak": {"<ID>": N}}
"""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_plugin  # noqa: E402  (the JSON-RPC server both test plugins use)

INSTANCES = {}
LOCK = threading.Lock()
COUNTER = [0]
PEAK = [0]
ATTACHMENT_PEAK = {}
FAULTS_PATH = ""
TRUTH_PATH = ""


def faults():
    try:
        with open(FAULTS_PATH) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def pause(key):
    delay = float(faults().get(key, 0) or 0)
    if delay > 0:
        time.sleep(delay)


def write_truth():
    # Called with LOCK held.
    alive = [{"ID": d["ID"], "LogicalID": d["LogicalID"], "Attachments": d["Attachments"]} for d in INSTANCES.values()]
    PEAK[0] = max(PEAK[0], len(alive))
    holders = {}
    for d in alive:
        for a in d["Attachments"] or []:
            holders[a.get("ID")] = holders.get(a.get("ID"), 0) + 1
    for k, n in holders.items():
        ATTACHMENT_PEAK[k] = max(ATTACHMENT_PEAK.get(k, 0), n)
    tmp = TRUTH_PATH + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"alive": alive, "peak": PEAK[0], "created": COUNTER[0], "attachment_peak": ATTACHMENT_PEAK}, f)
    os.rename(tmp, TRUTH_PATH)


def provision(params):
    pause("provision_delay_s")
    spec = params.get("Spec") or {}
    with LOCK:
        COUNTER[0] += 1
        iid = "fault-%d" % COUNTER[0]
        INSTANCES[iid] = {
            "ID": iid,
            "LogicalID": spec.get("LogicalID"),
            "Tags": spec.get("Tags") or {},
            "Attachments": spec.get("Attachments"),
            "created": time.monotonic(),
        }
        write_truth()
    return {"Type": params.get("Type", ""), "ID": iid}


def describe(params):
    want = params.get("Tags") or {}
    f = faults()
    lag = float(f.get("list_lag_s", 0) or 0)
    now = time.monotonic()
    with LOCK:
        gone = [i for i in f.get("remove") or [] if INSTANCES.pop(i, None) is not None]
        if gone:
            write_truth()
        found = [
            {"ID": d["ID"], "LogicalID": d["LogicalID"], "Tags": d["Tags"]}
            for d in INSTANCES.values()
            if all(d["Tags"].get(k) == v for k, v in want.items()) and now - d["created"] >= lag
        ]
    return {"Type": params.get("Type", ""), "Descriptions": sorted(found, key=lambda d: d["ID"]) or None}


def destroy(params):
    if faults().get("destroy_fails"):
        raise RuntimeError("destroy failed (injected)")
    with LOCK:
        if INSTANCES.pop(params.get("Instance"), None) is None:
            raise KeyError("no such instance: %s" % params.get("Instance"))
        write_truth()
    return {"Type": params.get("Type", ""), "OK": True}


def label(params):
    with LOCK:
        INSTANCES[params["Instance"]]["Tags"].update(params.get("Labels") or {})
    return {"Type": params.get("Type", ""), "OK": True}


def validate(params):
    pause("validate_delay_s")
    return {"Type": params.get("Type", ""), "OK": True}


def healthy(params):
    pause("healthy_delay_s")
    return {"Type": params.get("Type", ""), "Health": 1}


METHODS = {
    "Handshake.Implements": lambda p: {"APIs": [{"Name": "Instance", "Version": "0.5.0"},
                                                {"Name": "Flavor", "Version": "0.1.0"}]},
    "Handshake.Types": lambda p: {"Types": {"Instance/0.5.0": ["."], "Flavor/0.1.0": ["."]}},
    "Instance.Validate": validate,
    "Instance.Provision": provision,
    "Instance.DescribeInstances": describe,
    "Instance.Destroy": destroy,
    "Instance.Label": label,
    "Flavor.Validate": validate,
    "Flavor.Prepare": lambda p: {"Type": p.get("Type", ""), "Spec": p.get("Spec")},
    "Flavor.Healthy": healthy,
    "Flavor.Drain": lambda p: {"Type": p.get("Type", ""), "OK": True},
}


def main():
    global FAULTS_PATH, TRUTH_PATH
    plugins_dir, name, FAULTS_PATH, TRUTH_PATH = sys.argv[1:5]
    with LOCK:
        write_truth()
    python_plugin.serve(plugins_dir, name, METHODS)


if __name__ == "__main__":
    main()
