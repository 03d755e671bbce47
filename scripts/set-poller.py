#!/usr/bin/env python3
"""Polls Roster's security events (RFC 8936) and verifies each SET with PyJWT, a library nobody at Roster wrote.

Usage: set-poller.py --base http://127.0.0.1:PORT --secret roster_app_... --count N [--timeout 60]

Fetches the JWK Set from /.well-known/jwks.json (PyJWKClient), polls /api/v1/security-events with
returnImmediately, verifies every SET (RS256 signature by the key its kid names, typ secevent+jwt, iss, aud = the
client id given by --audience, the claims RFC 8417 and RFC 9967 require, and that each key of "sets" is its SET's
jti), acknowledges what verified and reports what did not, until N SETs have verified. Prints one JSON line per
SET: {"jti", "claims"} or {"jti", "rejected": reason}, then {"done": count}.
"""
import argparse
import json
import sys
import time
import urllib.request

import jwt
from jwt import PyJWKClient


def post(url, secret, body):
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def verify(token, jwks, issuer, audience):
    header = jwt.get_unverified_header(token)
    if header.get("typ") != "secevent+jwt":
        raise ValueError(f"typ is {header.get('typ')!r}")
    key = jwks.get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token, key, algorithms=["RS256"], audience=audience, issuer=issuer,
        options={"require": ["iss", "iat", "jti", "aud", "events"]})
    if "sub" in claims or "exp" in claims:
        raise ValueError("a SET carries neither sub nor exp (RFC 9967 §2.1, RFC 8417 §2.2)")
    subject = claims.get("sub_id") or {}
    events = claims["events"]
    if not isinstance(events, dict) or not events:
        raise ValueError("events is empty")
    if list(events) == ["urn:roster:event:organization:delete"]:
        if subject.get("format") != "opaque" or subject.get("id") != claims.get("organization"):
            raise ValueError(f"an organization's deletion names it: {subject!r}")
        return claims
    if subject.get("format") != "scim" or not subject.get("uri"):
        raise ValueError(f"sub_id is not a scim subject: {subject!r}")
    for uri, payload in events.items():
        if not uri.startswith("urn:ietf:params:scim:event:prov:"):
            raise ValueError(f"unexpected event URI {uri}")
        has_data, has_attributes = "data" in payload, "attributes" in payload
        if uri.endswith(":full") != has_data or (has_data and has_attributes):
            raise ValueError(f"{uri}: full events carry data, others none")
    return claims


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--audience", required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--max-events", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=60)
    arguments = parser.parse_args()
    jwks = PyJWKClient(arguments.base + "/.well-known/jwks.json", cache_keys=True)
    url = arguments.base + "/api/v1/security-events"
    verified = 0
    ack, errors = [], {}
    deadline = time.time() + arguments.timeout
    first = True
    while first or (verified < arguments.count and time.time() < deadline):
        first = False
        reply = post(url, arguments.secret, {
            "ack": ack, "setErrs": errors, "maxEvents": arguments.max_events, "returnImmediately": True})
        ack, errors = [], {}
        for jti, token in reply.get("sets", {}).items():
            try:
                claims = verify(token, jwks, arguments.issuer, arguments.audience)
                if claims["jti"] != jti:
                    raise ValueError("the key in sets is not the SET's jti")
                ack.append(jti)
                verified += 1
                print(json.dumps({"jti": jti, "claims": claims}), flush=True)
            except Exception as error:  # every failure is reported, never hidden
                errors[jti] = {"err": "invalid_request", "description": str(error)}
                print(json.dumps({"jti": jti, "rejected": str(error)}), flush=True)
        if not reply.get("sets"):
            time.sleep(0.2)
    post(url, arguments.secret, {"ack": ack, "setErrs": errors, "maxEvents": 0})
    print(json.dumps({"done": verified}), flush=True)
    return 0 if verified >= arguments.count else 1


if __name__ == "__main__":
    sys.exit(main())
