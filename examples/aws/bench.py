#!/usr/bin/env python3
"""Benchmarks instance-aws against a real EC2 API endpoint on loopback (a moto server): converge a group of SIZE
cattle from `group commit`, then ROUNDS times terminate one instance through the EC2 API and time its replacement.

    cargo build --workspace --all-features
    python3 examples/aws/bench.py [--size 100] [--rounds 5] [--poll-interval 1s] [--infrakit target/debug/infrakit]

Needs python3 with moto[server] (scripts/install-deps installs it). Times are measured here, by polling the endpoint
every 50 ms through boto3 (an independent client): converge = commit to SIZE instances running and the group
converged; replacement = TerminateInstances answered to SIZE running again without the victim. Prints one JSON line
per measure and a summary. Everything it starts is stopped at the end (the group destroyed, the processes killed).
"""
import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import boto3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(what, limit, check, every=0.05):
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > limit:
            raise SystemExit(f"timed out after {limit} s waiting for {what}")
        time.sleep(every)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--poll-interval", default="1s")
    ap.add_argument("--infrakit", default=os.path.join(root, "target", "debug", "infrakit"))
    args = ap.parse_args()

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_REGION="us-east-1", AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", MOTO_ENABLE_AMI_VALIDATION="true")
    home = tempfile.mkdtemp(prefix="infrakit-aws-bench-")
    plugins = os.path.join(home, "plugins")
    env["INFRAKIT_PLUGINS_DIR"] = plugins
    procs = []
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait("the endpoint", 60, lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0)
        ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing")
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        procs.append(subprocess.Popen([args.infrakit, "plugin", "start", "group", "instance-aws", "flavor-vanilla",
                                       "--poll-interval", args.poll_interval], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait("the plugins", 60, lambda: all(os.path.exists(os.path.join(plugins, n))
                                            for n in ("group", "instance-aws", "flavor-vanilla")))

        def live():
            f = [{"Name": "tag:infrakit.group", "Values": ["bench"]},
                 {"Name": "instance-state-name", "Values": ["pending", "running"]}]
            pages = ec2.get_paginator("describe_instances").paginate(Filters=f)
            return {i["InstanceId"] for p in pages for r in p["Reservations"] for i in r["Instances"]}

        def converged():
            out = subprocess.run([args.infrakit, "group", "describe", "bench"], env=env, capture_output=True)
            try:
                return json.loads(out.stdout).get("Converged") is True
            except ValueError:
                return False

        spec = {"ID": "bench", "Properties": {
            "Allocation": {"Size": args.size},
            "Instance": {"Plugin": "instance-aws", "Properties": {"RunInstancesInput": {"ImageId": image}}},
            "Flavor": {"Plugin": "flavor-vanilla", "Properties": {}}}}
        start = time.monotonic()
        subprocess.run([args.infrakit, "group", "commit", "-"], env=env, input=json.dumps(spec).encode(),
                       check=True, stdout=subprocess.DEVNULL)
        wait(f"{args.size} running", 600, lambda: len(live()) == args.size, every=0.2)
        running = time.monotonic() - start
        wait("the group converged", 600, converged, every=0.2)
        total = time.monotonic() - start
        print(json.dumps({"measure": "converge", "size": args.size, "running_s": round(running, 2),
                          "converged_s": round(total, 2)}), flush=True)

        times = []
        for n in range(args.rounds):
            time.sleep(3)  # past the young-death window: a loss, not a crash loop
            victim = random.choice(sorted(live()))
            t0 = time.monotonic()
            ec2.terminate_instances(InstanceIds=[victim])
            t = wait("a replacement", 300, lambda: (lambda now: len(now) == args.size and victim not in now)(live()))
            times.append(t)
            print(json.dumps({"measure": "terminate_to_replacement", "round": n + 1, "size": args.size,
                              "seconds": round(t, 3)}), flush=True)
        if times:
            print(json.dumps({"measure": "terminate_to_replacement", "rounds": len(times),
                              "min": round(min(times), 3), "median": round(statistics.median(times), 3),
                              "max": round(max(times), 3), "poll_interval": args.poll_interval}), flush=True)
        every = ["pending", "running", "shutting-down", "terminated", "stopping", "stopped"]
        f = [{"Name": "tag:infrakit.group", "Values": ["bench"]}, {"Name": "instance-state-name", "Values": every}]
        pages = ec2.get_paginator("describe_instances").paginate(Filters=f)
        total = sum(len(r["Instances"]) for p in pages for r in p["Reservations"])
        print(json.dumps({"measure": "launches", "expected": args.size + len(times), "launched": total}), flush=True)
        subprocess.run([args.infrakit, "group", "destroy", "bench", "--yes"], env=env, stdout=subprocess.DEVNULL)
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


if __name__ == "__main__":
    main()
