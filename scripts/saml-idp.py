#!/usr/bin/env python3
"""A SAML identity provider for Roster's tests: signs responses with signxml (an implementation nobody here wrote)
and writes them, with the attacks SAML implementations fall to, into --out.

Usage: saml-idp.py --out DIR --acs URL --audience ENTITY_ID --request-id ID [--answer ID ...] [--quick]

Writes idp.pem (the certificate Roster trusts), idp-metadata.xml (the same as SAML metadata) and one response per case, each the XML as posted (not base64):
  assertion-signed, response-signed, okta-style (namespaces declared on the Response only, xs:string values with
  InclusiveNamespaces), comment-in-nameid (signed with a comment inside the NameID), tampered (NameID changed
  after signing), wrapped-extensions and wrapped-sibling (signature wrapping), duplicate-id, sha1, doctype,
  attacker-keyinfo (signed by another key whose certificate rides in KeyInfo), unsigned, unsolicited, expired,
  wrong-audience, wrong-recipient, failed-status, forged-inresponseto; and c14n.json, lxml's canonicalization of
  a few documents.
"""
import argparse
import uuid
import base64
import copy
import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import SignatureReference, XMLSigner

P = "urn:oasis:names:tc:SAML:2.0:protocol"
A = "urn:oasis:names:tc:SAML:2.0:assertion"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"


def key_and_certificate(name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256()))
    return key, certificate


def kept_key(folder):
    if folder and os.path.exists(os.path.join(folder, "idp.key")):
        with open(os.path.join(folder, "idp.key"), "rb") as handle:
            key = serialization.load_pem_private_key(handle.read(), password=None)
        with open(os.path.join(folder, "idp.crt"), "rb") as handle:
            return key, x509.load_pem_x509_certificate(handle.read())
    key, certificate = key_and_certificate("idp.example.com")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "idp.key"), "wb") as handle:
            handle.write(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        with open(os.path.join(folder, "idp.crt"), "wb") as handle:
            handle.write(certificate.public_bytes(serialization.Encoding.PEM))
    return key, certificate


def stamp(offset=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def response_xml(a, nameid="ann@example.com", request_id="_req", audience=None, recipient=None, expires=300,
                 status="urn:oasis:names:tc:SAML:2.0:status:Success", assertion_id=None, okta=False):
    assertion_id = assertion_id or "_" + uuid.uuid4().hex
    in_response = f' InResponseTo="{request_id}"' if request_id else ""
    audience = audience or a.audience
    recipient = recipient or a.acs
    declare = "" if okta else f' xmlns:saml="{A}"'
    xs = ' xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    typed = ' xsi:type="xs:string"' if okta else ""
    # Okta declares xs (its values' xsi:type) on the Assertion as well as the Response.
    return f"""<samlp:Response xmlns:samlp="{P}"{' xmlns:saml="' + A + '"' + xs if okta else ''} ID="_r1" Version="2.0" IssueInstant="{stamp()}" Destination="{a.acs}"{in_response}><saml:Issuer{declare}>https://idp.example.com</saml:Issuer><samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status><saml:Assertion{declare}{xs if okta else ''} ID="{assertion_id}" Version="2.0" IssueInstant="{stamp()}"><saml:Issuer>https://idp.example.com</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{nameid}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{stamp(expires)}" Recipient="{recipient}"{in_response}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{stamp(-60)}" NotOnOrAfter="{stamp(expires)}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{stamp()}" SessionIndex="_s1"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="first_name"><saml:AttributeValue{typed}>Ann</saml:AttributeValue></saml:Attribute><saml:Attribute Name="email"><saml:AttributeValue{typed}>{nameid}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>"""


class Signer(XMLSigner):
    def check_deprecated_methods(self):
        pass  # SHA-1 is signed only for the case Roster must refuse


def sign(element, key, certificate, algorithm="rsa-sha256", digest="sha256", inclusive=None):
    signer = Signer(signature_algorithm=algorithm, digest_algorithm=digest, c14n_algorithm=EXC)
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    # The reference names its inclusive prefixes itself, so its transform declares them (Okta's form).
    reference = SignatureReference(URI="#" + element.get("ID"), inclusive_ns_prefixes=inclusive)
    signed = signer.sign(element, key=key, cert=[pem.decode()], reference_uri=[reference], id_attribute="ID",
                         inclusive_ns_prefixes=inclusive)
    # SAML's schema puts the signature right after the Issuer.
    signature = signed.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    signed.remove(signature)
    issuer = signed.find(f"{{{A}}}Issuer")
    signed.insert(list(signed).index(issuer) + 1 if issuer is not None else 0, signature)
    return signed


def signed_assertion(text, key, certificate, **options):
    response = etree.fromstring(text)
    assertion = response.find(f"{{{A}}}Assertion")
    index = list(response).index(assertion)
    response.remove(assertion)
    response.insert(index, sign(assertion, key, certificate, **options))
    return response


XENC = "http://www.w3.org/2001/04/xmlenc#"
DS = "http://www.w3.org/2000/09/xmldsig#"


def encrypted(response, certificate_path, algorithm="aes256-gcm", tamper=False):
    """The response with its Assertion encrypted to certificate_path by xmlsec1 (an implementation nobody here wrote):
    RSA-OAEP (mgf1p) key transport, the content with `algorithm`; or, for "oaep-sha256", by this script with
    cryptography's AES-GCM and RSA-OAEP-SHA256 (xmlenc 1.1's rsa-oaep, which this xmlsec1 lacks)."""
    import subprocess
    import tempfile
    response = copy.deepcopy(response)
    assertion = response.find(f"{{{A}}}Assertion")
    if algorithm == "oaep-sha256":
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        with open(certificate_path, "rb") as handle:
            public_key = x509.load_pem_x509_certificate(handle.read()).public_key()
        content_key, iv = os.urandom(32), os.urandom(12)
        sealed = iv + AESGCM(content_key).encrypt(iv, etree.tostring(assertion), None)
        wrapped = public_key.encrypt(content_key, padding.OAEP(
            mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
        holder = etree.Element(f"{{{A}}}EncryptedAssertion", nsmap={assertion.prefix: A})
        response.replace(assertion, holder)
        holder.append(etree.fromstring(f"""<xenc:EncryptedData xmlns:xenc="{XENC}" Type="{XENC}Element"><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/><ds:KeyInfo xmlns:ds="{DS}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#rsa-oaep"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha256"/></xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>{base64.b64encode(wrapped).decode()}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{base64.b64encode(sealed).decode()}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>"""))
        return response
    uri = {"aes256-gcm": "http://www.w3.org/2009/xmlenc11#aes256-gcm", "aes128-gcm":
           "http://www.w3.org/2009/xmlenc11#aes128-gcm", "aes128-cbc": XENC + "aes128-cbc",
           "aes256-cbc": XENC + "aes256-cbc"}[algorithm]
    # Declared with the assertion's own prefix: under an ns0 lxml would rename the signed assertion's elements.
    holder = etree.Element(f"{{{A}}}EncryptedAssertion", nsmap={assertion.prefix: A})
    response.replace(assertion, holder)
    holder.append(assertion)
    template = f"""<xenc:EncryptedData xmlns:xenc="{XENC}" Type="{XENC}Element"><xenc:EncryptionMethod Algorithm="{uri}"/><ds:KeyInfo xmlns:ds="{DS}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="{XENC}rsa-oaep-mgf1p"/><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"""
    with tempfile.TemporaryDirectory() as folder:
        data, template_path = os.path.join(folder, "data.xml"), os.path.join(folder, "template.xml")
        with open(data, "wb") as handle:
            handle.write(etree.tostring(response))
        with open(template_path, "w") as handle:
            handle.write(template)
        size = "aes-128" if "128" in algorithm else "aes-256"
        output = subprocess.run(
            ["xmlsec1", "--encrypt", "--pubkey-cert-pem", certificate_path, "--session-key", size, "--xml-data", data,
             "--node-xpath", "//*[local-name()='Assertion']", template_path], capture_output=True, check=True).stdout
    result = etree.fromstring(output)
    if tamper:  # one bit of the encrypted assertion flipped
        value = result.find(f".//{{{XENC}}}EncryptedData/{{{XENC}}}CipherData/{{{XENC}}}CipherValue")
        raw = bytearray(base64.b64decode(value.text))
        raw[-40] ^= 1
        value.text = base64.b64encode(bytes(raw)).decode()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--acs", required=True)
    parser.add_argument("--audience", required=True)
    parser.add_argument("--request-id", required=True)
    parser.add_argument("--key-dir", help="keep the identity provider's key here, and use the one kept there")
    parser.add_argument("--copies", type=int, default=0, help="also write signed-1.xml … signed-N.xml")
    parser.add_argument("--nameid", default="ann@example.com", help="the NameID (and email) of the copies")
    parser.add_argument("--answer", action="append", default=[],
                        help="also write answer-ID.xml, a signed response to the request ID (repeatable)")
    parser.add_argument("--encrypt-cert", help="also write encrypted-*.xml, assertions encrypted to this PEM certificate"
                        " (and encrypt the answers)")
    parser.add_argument("--quick", action="store_true",
                        help="write only the key, metadata, copies and answers (no attack cases)")
    a = parser.parse_args()
    os.makedirs(a.out, exist_ok=True)
    key, certificate = kept_key(a.key_dir)
    attacker_key, attacker_certificate = key_and_certificate("attacker")
    with open(os.path.join(a.out, "idp.pem"), "wb") as handle:
        handle.write(certificate.public_bytes(serialization.Encoding.PEM))
    der = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    with open(os.path.join(a.out, "idp-metadata.xml"), "w") as handle:
        handle.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
      <ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso/redirect"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
""")
    cases = {}

    def plain(**options):
        return response_xml(a, request_id=a.request_id, **options)

    cases["assertion-signed"] = signed_assertion(plain(), key, certificate)
    for copy_number in range(1, a.copies + 1):
        cases[f"signed-{copy_number}"] = signed_assertion(plain(nameid=a.nameid), key, certificate)
    if a.copies:
        cases["unsolicited-1"] = signed_assertion(
            response_xml(a, request_id=None, nameid=a.nameid), key, certificate)
    for request_id in a.answer:
        cases["answer-" + request_id] = signed_assertion(
            response_xml(a, request_id=request_id, nameid=a.nameid), key, certificate)
        if a.encrypt_cert:
            cases["answer-" + request_id] = encrypted(cases["answer-" + request_id], a.encrypt_cert)
    if a.encrypt_cert:
        signed = signed_assertion(response_xml(a, request_id=a.request_id, nameid=a.nameid), key, certificate)
        for algorithm in ["aes256-gcm", "aes128-gcm", "aes128-cbc", "aes256-cbc", "oaep-sha256"]:
            cases["encrypted-" + algorithm] = encrypted(
                signed_assertion(response_xml(a, request_id=a.request_id, nameid=a.nameid), key, certificate),
                a.encrypt_cert, algorithm)
        cases["encrypted-response-signed"] = sign(
            encrypted(etree.fromstring(response_xml(a, request_id=a.request_id, nameid=a.nameid)), a.encrypt_cert),
            key, certificate)
        cases["encrypted-unsigned"] = encrypted(
            etree.fromstring(response_xml(a, request_id=a.request_id, nameid=a.nameid)), a.encrypt_cert)
        cases["encrypted-tampered"] = encrypted(signed, a.encrypt_cert, "aes128-cbc", tamper=True)
        cases["encrypted-tampered-gcm"] = encrypted(signed, a.encrypt_cert, "aes256-gcm", tamper=True)
    if a.quick:
        for name, element in cases.items():
            with open(os.path.join(a.out, name + ".xml"), "wb") as handle:
                handle.write(etree.tostring(element))
        print("written", len(cases))
        return
    cases["response-signed"] = sign(etree.fromstring(plain()), key, certificate)
    cases["okta-style"] = signed_assertion(plain(okta=True), key, certificate)
    cases["comment-in-nameid"] = signed_assertion(plain(nameid="ann@evil.com<!---->.example.com"), key, certificate)
    tampered = signed_assertion(plain(), key, certificate)
    tampered.find(f".//{{{A}}}NameID").text = "boss@example.com"
    cases["tampered"] = tampered

    # Wrapping: the genuine signed assertion kept somewhere, an evil one where a naive reader looks.
    genuine = signed_assertion(plain(), key, certificate)
    evil = etree.fromstring(plain(nameid="boss@example.com", assertion_id="_evil")).find(f"{{{A}}}Assertion")
    wrapped = copy.deepcopy(genuine)
    original = wrapped.find(f"{{{A}}}Assertion")
    extensions = etree.SubElement(wrapped, f"{{{P}}}Extensions")
    wrapped.remove(original)
    extensions.append(original)
    wrapped.insert(2, evil)
    cases["wrapped-extensions"] = wrapped
    sibling = copy.deepcopy(genuine)
    sibling.insert(2, copy.deepcopy(evil))
    cases["wrapped-sibling"] = sibling
    duplicate = copy.deepcopy(genuine)
    twin = copy.deepcopy(evil)
    twin.set("ID", duplicate.find(f"{{{A}}}Assertion").get("ID"))
    signature = duplicate.find(f"{{{A}}}Assertion").find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    hidden = duplicate.find(f"{{{A}}}Assertion")
    duplicate.remove(hidden)
    twin.insert(1, signature)
    signature.append(hidden)  # the genuine assertion inside the signature, the evil twin carrying it
    duplicate.insert(2, twin)
    cases["duplicate-id"] = duplicate

    cases["sha1"] = signed_assertion(plain(), key, certificate, algorithm="rsa-sha1", digest="sha1")
    cases["attacker-keyinfo"] = signed_assertion(plain(), attacker_key, attacker_certificate)
    cases["unsigned"] = etree.fromstring(plain())
    cases["unsolicited"] = signed_assertion(response_xml(a, request_id=None), key, certificate)
    # An IdP-initiated assertion (signed, answering nothing) in a Response the attacker wrote to answer the
    # request their own browser started.
    forged = signed_assertion(response_xml(a, request_id=None), key, certificate)
    forged.set("InResponseTo", a.request_id)
    cases["forged-inresponseto"] = forged
    cases["expired"] = signed_assertion(plain(expires=-600), key, certificate)
    cases["wrong-audience"] = signed_assertion(plain(audience="https://other.example.com"), key, certificate)
    cases["wrong-recipient"] = signed_assertion(plain(recipient="https://other.example.com/acs"), key, certificate)
    cases["failed-status"] = etree.fromstring(plain(status="urn:oasis:names:tc:SAML:2.0:status:Requester"))

    for name, element in cases.items():
        data = etree.tostring(element)
        if name == "comment-in-nameid":
            assert b"<!---->" in data
        with open(os.path.join(a.out, name + ".xml"), "wb") as handle:
            handle.write(data)
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x "boss@example.com">]>\n' + etree.tostring(
        cases["assertion-signed"])
    with open(os.path.join(a.out, "doctype.xml"), "wb") as handle:
        handle.write(doctype)
    write_c14n_cases(a.out)
    print("written", len(cases) + 1)


def write_c14n_cases(folder):
    """Documents with lxml's exclusive canonicalization of the root's first element child, for a comparison of
    Roster's canonicalization with another implementation's."""
    import json

    documents = [
        (f'<r xmlns:samlp="{P}" xmlns:xs="http://www.w3.org/2001/XMLSchema"><saml:Assertion xmlns:saml="{A}" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:unused="urn:x" ID="a">'
         '<saml:AttributeValue xsi:type="xs:string">v</saml:AttributeValue></saml:Assertion></r>', ["xs"]),
        (f'<r xmlns:samlp="{P}" xmlns:xs="http://www.w3.org/2001/XMLSchema"><saml:Assertion xmlns:saml="{A}" '
         'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="a">'
         '<saml:AttributeValue xsi:type="xs:string">v</saml:AttributeValue></saml:Assertion></r>', []),
        ('<r xmlns="urn:outer"><a><b xmlns=""><c xmlns="urn:inner"/></b></a></r>', []),
        ('<r><e xmlns:p="urn:p" xmlns:q="urn:q" z="1" q:b="2" p:a="3" a="t&#9;a&#10;b&#13;c&quot;&amp;&lt;&gt;">'
         'x &amp; y &lt; z &gt; w&#13;\n<!-- gone -->end<![CDATA[ <cdata> ]]></e></r>', []),
        ('<r xmlns:x="urn:x"><x:e xml:lang="en" x:k="v"><x:f x:k="w"/><g xmlns:x="urn:other" x:k="u"/></x:e></r>', []),
        ('<r xmlns:a="urn:a" xmlns:b="urn:b"><e><f/></e></r>', ["a", "#default"]),
    ]
    cases = []
    for document, inclusive in documents:
        element = etree.fromstring(document)[0]
        expected = etree.tostring(
            element, method="c14n", exclusive=True, with_comments=False, inclusive_ns_prefixes=inclusive or None)
        cases.append({"document": document, "inclusive": inclusive, "expected": expected.decode()})
    with open(os.path.join(folder, "c14n.json"), "w") as handle:
        json.dump(cases, handle)


if __name__ == "__main__":
    main()
