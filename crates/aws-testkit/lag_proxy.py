"""An EC2 endpoint whose instance listing lags behind launches: forwards every request to the upstream endpoint
(a moto server) and hides, from DescribeInstances answers, every instance launched through it less than LAG seconds
ago, as EC2's eventually consistent listing may.

    python3 lag_proxy.py UPSTREAM_URL PORT LAG_SECONDS
"""
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM, PORT, LAG = sys.argv[1].rstrip("/"), int(sys.argv[2]), float(sys.argv[3])
LAUNCHED = {}  # instance ID -> when its RunInstances answer passed through
LOCK = threading.Lock()


def local(tag):
    return tag.rsplit("}", 1)[-1]


def launched(data):
    root = ET.fromstring(data)
    now = time.monotonic()
    with LOCK:
        for el in root.iter():
            if local(el.tag) == "instanceId" and el.text:
                LAUNCHED.setdefault(el.text, now)


def hide(data):
    root = ET.fromstring(data)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if ns:
        ET.register_namespace("", ns)
    now = time.monotonic()
    with LOCK:
        young = {i for i, t in LAUNCHED.items() if now - t < LAG}
    for rset in [e for e in root.iter() if local(e.tag) == "reservationSet"]:
        for res in list(rset):
            ids = [e.text for e in res.iter() if local(e.tag) == "instanceId"]
            if any(i in young for i in ids):
                rset.remove(res)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        skip = {"host", "content-length", "connection", "accept-encoding"}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        request = urllib.request.Request(UPSTREAM + self.path, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                status, data, kind = answer.status, answer.read(), answer.headers.get("Content-Type", "text/xml")
        except urllib.error.HTTPError as e:
            status, data, kind = e.code, e.read(), e.headers.get("Content-Type", "text/xml")
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        if status == 200 and action == "RunInstances":
            launched(data)
        elif status == 200 and action == "DescribeInstances":
            data = hide(data)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
