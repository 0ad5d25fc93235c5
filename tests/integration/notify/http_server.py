#!/usr/bin/python3
"""An HTTP(S) server for the Teams and webhook notifier tests.

Listens on 127.0.0.1 on a free port and prints "PORT <n>" once ready. Answers POSTs with the
scripted statuses of --responses, in order, repeating the last: "429:2" is 429 with
Retry-After: 2, "400:echo" is 400 whose body quotes the request's Authorization header.
Each request is stored as NNN.json: path, headers, body, whether the body is JSON, and (with
--hmac-secret) whether its signature header holds the right HMAC-SHA256.
"""
import argparse
import hashlib
import hmac
import json
import os
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--responses", default="200")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--hmac-secret")
    ap.add_argument("--signature-header", default="X-Drkit-Signature-256")
    args = ap.parse_args()
    script = args.responses.split(",")
    lock = threading.Lock()
    state = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state["n"] += 1
                n = state["n"]
            record = {"path": self.path, "headers": dict(self.headers.items()),
                      "body": body.decode("utf-8", "replace")}
            try:
                record["json"] = json.loads(body)
            except ValueError:
                record["json"] = None
            if args.hmac_secret is not None:
                expected = "sha256=" + hmac.new(args.hmac_secret.encode(), body,
                                                hashlib.sha256).hexdigest()
                got = self.headers.get(args.signature_header, "")
                record["signature_valid"] = hmac.compare_digest(got, expected)
            path = os.path.join(args.outdir, "%03d.json" % n)
            with open(path + ".tmp", "w") as f:
                json.dump(record, f, indent=1)
            os.rename(path + ".tmp", path)

            spec = script[min(n, len(script)) - 1].split(":")
            status = int(spec[0])
            extra = {}
            text = "ok" if status < 300 else "server says no (%d)" % status
            if len(spec) > 1 and spec[1] == "echo":
                text = "bad token: %s" % self.headers.get("Authorization", "")
            elif len(spec) > 1:
                extra["Retry-After"] = spec[1]
            payload = text.encode()
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
