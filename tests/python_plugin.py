#!/usr/bin/env python3
"""A minimal InfraKit instance plugin in Python, standard library only.

It proves the protocol is language neutral: `infrakit plugin ls` discovers it and `infrakit instance ...` drives it.
Usage: python_plugin.py <plugins-dir> <name>
It listens on <plugins-dir>/<name> (JSON-RPC 2.0 over HTTP/1.1 on a UNIX socket) and keeps instances in memory.
"""
import http.server
import json
import os
import signal
import socketserver
import sys
import threading

INSTANCES = {}
LOCK = threading.Lock()
COUNTER = [0]


def provision(params):
    spec = params.get("Spec") or {}
    with LOCK:
        COUNTER[0] += 1
        iid = "py-%d" % COUNTER[0]
        INSTANCES[iid] = {"ID": iid, "LogicalID": spec.get("LogicalID"), "Tags": spec.get("Tags") or {}}
    return {"Type": params.get("Type", ""), "ID": iid}


def describe(params):
    want = params.get("Tags") or {}
    with LOCK:
        found = [d for d in INSTANCES.values() if all(d["Tags"].get(k) == v for k, v in want.items())]
    return {"Type": params.get("Type", ""), "Descriptions": sorted(found, key=lambda d: d["ID"]) or None}


def destroy(params):
    with LOCK:
        if INSTANCES.pop(params.get("Instance"), None) is None:
            raise KeyError("no such instance: %s" % params.get("Instance"))
    return {"Type": params.get("Type", ""), "OK": True}


def label(params):
    with LOCK:
        INSTANCES[params["Instance"]]["Tags"].update(params.get("Labels") or {})
    return {"Type": params.get("Type", ""), "OK": True}


METHODS = {
    "Handshake.Implements": lambda p: {"APIs": [{"Name": "Instance", "Version": "0.5.0"}]},
    "Handshake.Types": lambda p: {"Types": {"Instance/0.5.0": ["."]}},
    "Instance.Validate": lambda p: {"Type": p.get("Type", ""), "OK": True},
    "Instance.Provision": provision,
    "Instance.DescribeInstances": describe,
    "Instance.Destroy": destroy,
    "Instance.Label": label,
}


def handler_for(methods):
    """A request handler answering JSON-RPC 2.0 calls with `methods` (name -> function of params)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            req = json.loads(body)
            method = methods.get(req.get("method"))
            answer = {"jsonrpc": "2.0", "id": req.get("id")}
            try:
                if method is None:
                    raise KeyError('rpc: can\'t find method "%s"' % req.get("method"))
                answer["result"] = method(req.get("params") or {})
            except Exception as e:  # every failure is a JSON-RPC error, as in Go (code -32000, the message verbatim)
                message = str(e.args[0]) if e.args else str(e)
                answer["error"] = {"code": -32000, "message": message, "data": None}
            out = (json.dumps(answer) + "\n").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    return Handler


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hung up (a call cut at its timeout, a controller that exited) is not an error here.
        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


def serve(plugins_dir, name, methods):
    """Listens on <plugins_dir>/<name> until SIGTERM."""
    path = os.path.join(plugins_dir, name)
    if os.path.exists(path):
        os.unlink(path)
    server = Server(path, handler_for(methods))
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    finally:
        os.unlink(path)


def main():
    serve(sys.argv[1], sys.argv[2], METHODS)


if __name__ == "__main__":
    main()
