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
    parser.add_argument(
        "--secret-file", required=True, help="read on each request (the secrets may come later), a secret a line")
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail-while")
    parser.add_argument("--hang-while")
    parser.add_argument(
        "--tls-dir",
        help="serve https: make a CA (ca.pem, for Roster's --webhook-ca-file) and a certificate for localhost here")
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
                    secrets = handle.read().split()
                headers = {name: value for name, value in self.headers.items()}
                for index, secret in enumerate(secrets):  # any of the endpoints' secrets, a line each
                    try:
                        Webhook(secret).verify(body, headers)
                        break
                    except WebhookVerificationError:
                        if index == len(secrets) - 1:
                            raise
                else:
                    raise ValueError("no secret yet")
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
    if arguments.tls_dir:
        import ssl

        certificate, key = make_certificates(arguments.tls_dir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


def make_certificates(folder):
    """A CA, and a certificate it signs for the name localhost only (no IP address: a URL with 127.0.0.1 must
    fail the name check)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    window = (now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=1))
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Roster test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(window[0]).not_valid_after(window[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(window[0]).not_valid_after(window[1])
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    os.makedirs(folder, exist_ok=True)
    paths = [os.path.join(folder, name) for name in ("ca.pem", "localhost.pem", "localhost.key")]
    with open(paths[0], "wb") as handle:
        handle.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths[1], "wb") as handle:
        handle.write(leaf.public_bytes(serialization.Encoding.PEM))
    with open(paths[2], "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths[1], paths[2]


if __name__ == "__main__":
    main()
