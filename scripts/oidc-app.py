#!/usr/bin/env python3
"""An application that signs people in with Roster over OpenID Connect, built on authlib (an implementation nobody
here wrote): discovery, the authorization code flow with state, nonce and PKCE (S256), the token request with
client_secret_basic or client_secret_post, the id_token verified against Roster's JWKS (signature, iss, aud, nonce,
exp), the authorization response's iss (RFC 9207), and userinfo.

Usage: oidc-app.py --issuer URL [--port 0]

Prints "ready PORT" once listening; its redirect URI is http://localhost:PORT/callback.
  POST /configure  {"client_id", "client_secret", "organization"?, "auth_method"?}
  GET /login       starts a sign-in (?login_hint=EMAIL passes one on)
  GET /callback    ends it: a page with the verified claims (<pre id="claims">) and userinfo (<pre id="userinfo">),
                   or the error (<p id="error">)
"""
import argparse
import html
import json
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--port", type=int, default=0)
    a = parser.parse_args()
    settings = {}
    pending = {}

    def metadata():
        found = requests.get(a.issuer + "/.well-known/openid-configuration", timeout=10).json()
        assert found["issuer"] == a.issuer, found["issuer"]
        return found

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body, headers=()):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def session(self):
            return OAuth2Session(
                settings["client_id"], settings["client_secret"], scope="openid email profile",
                redirect_uri=f"http://localhost:{self.server.server_address[1]}/callback",
                code_challenge_method="S256", token_endpoint_auth_method=settings.get("auth_method",
                                                                                      "client_secret_basic"))

        def do_POST(self):
            if self.path != "/configure":
                return self.send(404, "not found")
            settings.clear()
            settings.update(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send(200, "configured")

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/login":
                verifier, nonce = generate_token(48), generate_token(20)
                extra = {"nonce": nonce}
                if settings.get("organization"):
                    extra["organization"] = settings["organization"]
                if "login_hint" in query:
                    extra["login_hint"] = query["login_hint"]
                uri, state = self.session().create_authorization_url(
                    metadata()["authorization_endpoint"], code_verifier=verifier, **extra)
                pending[state] = (verifier, nonce)
                return self.send(302, "", [("Location", uri)])
            if url.path != "/callback":
                return self.send(404, "not found")
            try:
                if "error" in query:
                    raise ValueError(f"{query['error']}: {query.get('error_description')}")
                verifier, nonce = pending.pop(query.get("state"))  # an unknown state is refused
                if query.get("iss") != a.issuer:
                    raise ValueError(f"iss {query.get('iss')}")
                found = metadata()
                client = self.session()
                token = client.fetch_token(
                    found["token_endpoint"], grant_type="authorization_code", code=query["code"],
                    code_verifier=verifier)
                keys = JsonWebKey.import_key_set(requests.get(found["jwks_uri"], timeout=10).json())
                claims = JsonWebToken(["RS256"]).decode(
                    token["id_token"], keys, claims_options={
                        "iss": {"essential": True, "value": a.issuer},
                        "aud": {"essential": True, "value": settings["client_id"]},
                        "nonce": {"essential": True, "value": nonce},
                        "sub": {"essential": True}, "exp": {"essential": True}})
                claims.validate(leeway=60)
                userinfo = client.get(found["userinfo_endpoint"]).json()
                self.send(200, "<!doctype html><html><body><h1>Signed in</h1>"
                          f"<pre id=\"claims\">{html.escape(json.dumps(dict(claims), sort_keys=True))}</pre>"
                          f"<pre id=\"userinfo\">{html.escape(json.dumps(userinfo, sort_keys=True))}</pre>"
                          "</body></html>")
            except Exception as error:  # the test reads the reason on the page
                self.send(400, f"<!doctype html><html><body><p id=\"error\">{html.escape(repr(error))}</p>"
                          "</body></html>")

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
