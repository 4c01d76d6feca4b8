#!/usr/bin/env python3
"""Drives a real headless Chromium over the DevTools protocol, for the web view's tests.

Usage: cdp.py [chromium binary]. Starts Chromium headless with a new profile in a temporary directory, opens one
page, then answers commands, one JSON object per line on standard input, with one JSON line each on standard output:

  {"cmd": "goto", "url": "http://127.0.0.1:8080/"}         -> {"ok": true} once the page has loaded
  {"cmd": "eval", "expr": "document.title"}                -> {"ok": true, "value": ...} (promises are awaited)
  {"cmd": "size", "width": 390, "height": 844, "mobile": true}  -> {"ok": true} (the viewport)
  {"cmd": "screenshot", "path": "/tmp/page.png"}            -> {"ok": true, "bytes": N} (a PNG of the viewport)
  {"cmd": "quit"}                                           -> {"ok": true}, and exits

Errors answer {"ok": false, "error": "..."}. Chromium (its whole process group) is killed and the profile removed on
quit, at the end of standard input, on SIGTERM, and when this script dies (Chromium gets SIGKILL with its parent).
Needs Debian's chromium and PyPI's websocket-client (scripts/install-deps installs both).
"""
import base64
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

LIMIT = 60.0  # seconds any one step may take


def die_with_parent():
    # PR_SET_PDEATHSIG: SIGKILL when this script exits, however it exits.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except OSError:
        pass
    os.setsid()


class Browser:
    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="infrakit-chromium-")
        args = [
            binary, "--headless", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "--window-size=1280,900", "about:blank",
        ]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
        self.ws = None
        self.next_id = 0
        port = self._port()
        self.ws = websocket.create_connection(self._page(port), timeout=LIMIT, suppress_origin=True)
        self.call("Page.enable")
        self.call("Runtime.enable")

    def _port(self):
        path = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chromium exited with {self.proc.returncode} before it listened")
            try:
                with open(path) as f:
                    first = f.readline().strip()
                if first:
                    return int(first)
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"chromium wrote no {path} within {LIMIT} s")

    def _page(self, port):
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=LIMIT) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page" and t.get("webSocketDebuggerUrl")]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.05)
        raise RuntimeError("chromium opened no page")

    def call(self, method, **params):
        """Sends a command; returns its result (events that come meanwhile are dropped)."""
        self.next_id += 1
        mine = self.next_id
        self.ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mine:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error'].get('message')}")
                return msg.get("result", {})
        raise RuntimeError(f"{method}: no answer within {LIMIT} s")

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise RuntimeError(f"the page threw: {d.get('exception', {}).get('description') or d.get('text')}")
        return r.get("result", {}).get("value")

    def goto(self, url):
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + LIMIT
        while time.monotonic() < deadline:
            if self.evaluate("document.readyState") == "complete" and self.evaluate("location.href") != "about:blank":
                return
            time.sleep(0.05)
        raise RuntimeError(f"{url} did not load within {LIMIT} s")

    def close(self):
        try:
            if self.ws is not None:
                self.ws.close()
        except Exception:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def serve(browser):
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            cmd = req.get("cmd")
            if cmd == "goto":
                browser.goto(req["url"])
                answer({"ok": True})
            elif cmd == "eval":
                answer({"ok": True, "value": browser.evaluate(req["expr"])})
            elif cmd == "size":
                browser.call("Emulation.setDeviceMetricsOverride", width=req["width"], height=req["height"],
                             deviceScaleFactor=req.get("scale", 1), mobile=req.get("mobile", False))
                answer({"ok": True})
            elif cmd == "screenshot":
                data = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
                with open(req["path"], "wb") as f:
                    f.write(data)
                answer({"ok": True, "bytes": len(data)})
            elif cmd == "quit":
                answer({"ok": True})
                return
            else:
                answer({"ok": False, "error": f"unknown command {cmd!r}"})
        except Exception as e:
            answer({"ok": False, "error": str(e)})


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else (shutil.which("chromium") or "chromium")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        browser = Browser(binary)
    except Exception as e:
        answer({"ok": False, "error": f"cannot start chromium ({binary}): {e}"})
        return 1
    try:
        answer({"ok": True, "ready": True})
        serve(browser)
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
