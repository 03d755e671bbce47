#!/usr/bin/env python3
"""A running SAML identity provider for Roster's end-to-end sign-in test: it takes an AuthnRequest over the
HTTP-Redirect binding, answers it with a response signed by signxml (through saml-idp.py's builders), and posts it
to the request's ACS URL from the browser, as Okta and Entra ID do.

Usage: saml-idp-server.py --key-dir DIR [--port 0] [--nameid ann@example.com]

Prints "ready PORT" once listening. Writes DIR/idp-metadata.xml naming http://localhost:PORT/sso as its SSO URL.
  GET /sso?SAMLRequest=…&RelayState=…   the sign-in: a page that posts the signed response to the ACS URL
  GET /user?nameid=EMAIL                who signs in from now on
"""
import argparse
import base64
import html
import importlib.util
import os
import types
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("saml_idp", os.path.join(here, "saml-idp.py"))
saml_idp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(saml_idp)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--key-dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--nameid", default="ann@example.com")
    a = parser.parse_args()
    key, certificate = saml_idp.kept_key(a.key_dir)
    state = {"nameid": a.nameid, "requests": 0}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, status, body, content_type="text/html; charset=utf-8"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            if url.path == "/user":
                state["nameid"] = query["nameid"][0]
                return self.send(200, "ok", "text/plain")
            if url.path != "/sso":
                return self.send(404, "not found", "text/plain")
            # The HTTP-Redirect binding: base64 of raw DEFLATE.
            xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
            request = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
            issuer = request.find(f"{{{saml_idp.A}}}Issuer").text
            acs = request.get("AssertionConsumerServiceURL")
            state["requests"] += 1
            target = types.SimpleNamespace(acs=acs, audience=issuer)
            response = saml_idp.signed_assertion(
                saml_idp.response_xml(target, nameid=state["nameid"], request_id=request.get("ID")), key, certificate)
            encoded = base64.b64encode(etree.tostring(response)).decode()
            relay = query.get("RelayState", [""])[0]
            self.send(200, f"""<!doctype html><html><body><form method="post" action="{html.escape(acs)}">
<input type="hidden" name="SAMLResponse" value="{encoded}">
<input type="hidden" name="RelayState" value="{html.escape(relay)}"><button>Continue</button></form>
<script>document.forms[0].submit()</script></body></html>""")

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    port = server.server_address[1]
    der = base64.b64encode(
        certificate.public_bytes(saml_idp.serialization.Encoding.DER)).decode()
    with open(os.path.join(a.key_dir, "idp-metadata.xml"), "w") as handle:
        handle.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
      <ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://localhost:{port}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
""")
    print(f"ready {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
