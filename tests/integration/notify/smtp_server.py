#!/usr/bin/python3
"""A real SMTP server (aiosmtpd) for the notify tests.

Listens on 127.0.0.1 on a free port and prints "PORT <n>" once ready. Every accepted message
is stored as NNN.eml (the bytes received) and NNN.json: the envelope, the session (TLS,
AUTH user and mechanism) and the message as Python's email package parses it (decoded
headers, each MIME part). Failed AUTH attempts are appended to auth_failures.txt.

Run with Debian's /usr/bin/python3 (python3-aiosmtpd).
"""
import argparse
import asyncio
import email
import email.policy
import email.utils
import json
import logging
import os
import socket
import ssl
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Store:
    def __init__(self, outdir, fail_first):
        self.outdir = outdir
        self.fail_first = fail_first
        self.count = 0
        self.data_commands = 0

    async def handle_DATA(self, server, session, envelope):
        self.data_commands += 1
        if self.data_commands <= self.fail_first:
            return "451 4.3.0 Temporary failure, try again later"
        self.count += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.outdir, "%03d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding"),
                "content": part.get_content(),
            })
        date = msg["date"]
        parsed_date = email.utils.parsedate_to_datetime(str(date)) if date else None
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "auth_user": getattr(session, "drkit_user", None),
            "auth_mechanism": getattr(session, "drkit_mechanism", None),
            "content_type": msg.get_content_type(),
            "subject": str(msg["subject"]),
            "raw_subject": legacy["Subject"],
            "from": str(msg["from"]),
            "to": [str(a) for a in msg["to"].addresses] if msg["to"] else [],
            "cc": [str(a) for a in msg["cc"].addresses] if msg["cc"] else [],
            "has_bcc_header": msg["bcc"] is not None,
            "message_id": msg["message-id"],
            "date": str(date) if date else None,
            "date_epoch": parsed_date.timestamp() if parsed_date else None,
            "date_utc_offset": parsed_date.utcoffset().total_seconds() if parsed_date else None,
            "headers": {k: str(v) for k, v in legacy.items()},
            "parts": parts,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(summary, f, indent=1)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 OK stored as %03d" % self.count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--outdir", required=True)
    ap.add_argument("--mode", choices=["none", "starttls", "tls"], default="none")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--fail-first", type=int, default=0,
                    help="answer the first N DATA commands with 451")
    args = ap.parse_args()
    # Rejected handshakes and implicit-TLS AUTH are what the tests do on purpose: keep
    # aiosmtpd's tracebacks and warnings about them out of the test output.
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    warnings.filterwarnings("ignore", message="Session.login_data is deprecated")
    password = os.environ.get("SMTP_TEST_PASSWORD", "")

    tls = None
    if args.mode != "none":
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        session.drkit_mechanism = mechanism
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user
              and auth_data.password.decode() == password)
        if ok:
            session.drkit_user = args.user
        else:
            with open(os.path.join(args.outdir, "auth_failures.txt"), "a") as f:
                f.write(mechanism + "\n")
        return AuthResult(success=ok, handled=False)

    store = Store(args.outdir, args.fail_first)

    def factory():
        return SMTP(store, hostname="drkit-test-smtp",
                    tls_context=tls if args.mode == "starttls" else None,
                    require_starttls=args.mode == "starttls",
                    authenticator=authenticator if args.user else None,
                    auth_required=bool(args.user),
                    auth_require_tls=args.mode == "starttls")

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(loop.create_server(
        factory, sock=sock, ssl=tls if args.mode == "tls" else None))
    print("PORT %d" % sock.getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
