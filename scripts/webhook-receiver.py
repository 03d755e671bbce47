#!/usr/bin/env python3
"""A webhook receiver for Roster's tests, verifying every delivery with PyPI's `standardwebhooks` (an
implementation nobody here wrote).

Each verified delivery is appended to --out as one JSON line: {"id", "timestamp", "body"} with the body's text
exactly as received. A delivery whose signature does not verify is answered 401 and written to --out as
{"rejected": reason}. While the file --fail-while exists every delivery is answered 503; while --hang-while
exists each waits 15 s before answering (past Roster's 10 s timeout). A delivery to a path starting /trickle is
answered 200 at once and then a byte a second for a minute. Prints "listening PORT" once ready.
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

lock = threading.Lock()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret-file", required=True, help="read on each request: the secret may come later")
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail-while")
    parser.add_argument("--hang-while")
    arguments = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            if self.path.startswith("/trickle"):
                return self.trickle()
            if arguments.hang_while and os.path.exists(arguments.hang_while):
                time.sleep(15)
            if arguments.fail_while and os.path.exists(arguments.fail_while):
                return self.answer(503, b"not now")
            try:
                with open(arguments.secret_file) as handle:
                    secret = handle.read().strip()
                Webhook(secret).verify(body, {name: value for name, value in self.headers.items()})
            except (WebhookVerificationError, OSError, ValueError) as error:
                self.record({"rejected": str(error)})
                return self.answer(401, b"bad signature")
            self.record(
                {
                    "id": self.headers["webhook-id"],
                    "timestamp": self.headers["webhook-timestamp"],
                    "body": body.decode("utf-8"),
                }
            )
            self.answer(204, b"")

        def trickle(self):
            # 200 at once, then a byte a second for a minute: an answer that never ends in time.
            self.send_response(200)
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"1\r\nx\r\n")
                    self.wfile.flush()
                    time.sleep(1)
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass

        def record(self, entry):
            with lock, open(arguments.out, "a") as handle:
                handle.write(json.dumps(entry) + "\n")

        def answer(self, status, body):
            self.send_response(status)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    print(f"listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
