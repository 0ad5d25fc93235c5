#!/usr/bin/python3
"""A small HTTP proxy for the notify tests: CONNECT tunnels and absolute-form requests.

Listens on 127.0.0.1 on a free port and prints "PORT <n>" once ready. Each request head is
stored as NNN.json (method, target, Proxy-Authorization). With --require-auth USER:PASS a
request without those Basic credentials gets 407.
"""
import argparse
import base64
import json
import os
import select
import socket
import socketserver
import threading
from urllib.parse import urlsplit


def pipe(a, b):
    socks = [a, b]
    while True:
        readable, _, _ = select.select(socks, [], [], 60)
        if not readable:
            return
        for s in readable:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--require-auth")
    args = ap.parse_args()
    lock = threading.Lock()
    state = {"n": 0}
    expected = None
    if args.require_auth:
        expected = "Basic " + base64.b64encode(args.require_auth.encode()).decode()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            conn = self.request
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(1)
                if not chunk:
                    return
                head += chunk
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            with lock:
                state["n"] += 1
                n = state["n"]
            path = os.path.join(args.outdir, "%03d.json" % n)
            with open(path + ".tmp", "w") as f:
                json.dump({"method": method, "target": target,
                           "proxy_authorization": headers.get("proxy-authorization")}, f)
            os.rename(path + ".tmp", path)
            if expected and headers.get("proxy-authorization") != expected:
                conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                             b"Proxy-Authenticate: Basic realm=\"test\"\r\n"
                             b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                return
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)))
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                pipe(conn, upstream)
                upstream.close()
                return
            # Absolute form: forward with an origin-form target, without the proxy header.
            url = urlsplit(target)
            upstream = socket.create_connection((url.hostname, url.port or 80))
            origin = (url.path or "/") + ("?" + url.query if url.query else "")
            out = ["%s %s HTTP/1.1" % (method, origin)]
            out += [l for l in lines[1:] if l and not l.lower().startswith("proxy-authorization")]
            upstream.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
            pipe(conn, upstream)
            upstream.close()

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
