#!/usr/bin/env python3
"""Writes a database the way a running Roster release does, for the upgrade tests.

    scripts/make-upgrade-fixture.py ROSTER_BINARY DATABASE FACTS_JSON

DATABASE is a new SQLite file or an empty PostgreSQL database (postgres://...). The script makes tokens and
custom fields with the command line, an administrator, then starts `roster serve` and provisions people and
groups over SCIM as Okta would, sets "ignore unknown extension attributes" through the console, and stops the
server with SIGTERM, so the activity log is written. FACTS_JSON records what the upgrade test checks: the
token secrets, every resource's id and ETag, the administrator's password. The committed fixtures under
Tests/Fixtures were made with this script and the release named in their README.
"""
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

roster, database, facts_path = sys.argv[1:4]
env_db = ["--database", database]


def cli(*args, stdin=None):
    result = subprocess.run([roster, *args, *env_db], input=stdin, capture_output=True, text=True, check=True)
    return result.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


cli("migrate")
okta = json.loads(cli("token", "create", "--description", "Okta", "--json"))
entra = json.loads(cli("token", "create", "--description", "Entra ID", "--json"))
spare = json.loads(cli("token", "create", "--description", "Spare", "--inactive", "--json"))
cli("field", "add", "--name", "Cost Center Code")
cli("field", "add", "--name", "Badge Level", "--type", "select", "--option", "Gold", "--option", "Silver",
    "--namespace", "roster")
cli("admin", "create", "ada", stdin="correct horse battery\n")

port = free_port()
server = subprocess.Popen([roster, "serve", "--port", str(port), *env_db], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env={"ROSTER_PASSWORD_COST": "4", "PATH": "/usr/bin"})
base = f"http://127.0.0.1:{port}"
for _ in range(200):
    try:
        urllib.request.urlopen(base + "/healthz")
        break
    except OSError:
        time.sleep(0.05)

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ROSTER = "urn:ietf:params:scim:schemas:extension:roster:2.0:User"


def scim(method, path, body=None, token=okta["token"], agent="Okta SCIM Client 1.0.0"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + "/scim/v2" + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    request.add_header("User-Agent", agent)
    if data:
        request.add_header("Content-Type", "application/scim+json; charset=utf-8")
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read().decode()
            return response.status, dict(response.headers), json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, dict(error.headers), json.loads(text) if text else None


def user(name, given, family, **extra):
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name,
            "name": {"givenName": given, "familyName": family}, "active": True,
            "emails": [{"value": name, "type": "work", "primary": True}]}
    body.update(extra)
    status, _, created = scim("POST", "/Users", body)
    assert status == 201, (status, created)
    return created["id"]


alice = user("alice@example.com", "Alice", "Archer", **{ENTERPRISE: {"department": "R&D", "cost-center-code": "CC-1"},
                                                         ROSTER: {"badge-level": "Gold"}})
bob = user("bob@example.com", "Bob", "Baker", **{ENTERPRISE: {"manager": {"value": alice}}})
carol = user("carol@example.com", "Carol", "Cole", title="Sales Lead")
dave = user("dave@example.com", "Dave", "Dunn")
erin = user("erin@example.com", "Erin", "Eke")
assert scim("PATCH", f"/Users/{dave}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}]})[0] == 200
assert scim("DELETE", f"/Users/{erin}")[0] == 204
assert scim("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                               "userName": "ALICE@example.com"})[0] == 409
assert scim("GET", "/Users", token="roster_wrong")[0] == 401

status, _, engineering = scim("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                                  "displayName": "Engineering", "members": [{"value": alice}]})
assert status == 201
status, _, sales = scim("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                            "displayName": "Sales"}, token=entra["token"],
                        agent="Azure Active Directory SCIM Client")
assert status == 201
assert scim("PATCH", f"/Groups/{engineering['id']}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": bob}]}]})[0] == 204
assert scim("PATCH", f"/Groups/{sales['id']}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": carol}]}]},
            token=entra["token"], agent="Azure Active Directory SCIM Client")[0] == 204

# The console: sign in, then turn on "ignore unknown extension attributes".
jar = {}


def console(method, path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items()))
    if data:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Origin", base)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request)
    except urllib.error.HTTPError as error:
        response = error
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";")[0].split("=", 1)
        jar[name] = value
    return response.status, response.read().decode()


def csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


_, page = console("GET", "/admin/sign-in")
status, _ = console("POST", "/admin/sign-in", {"username": "ada", "password": "correct horse battery",
                                                "csrf": csrf(page)})
assert status == 303, status
_, page = console("GET", "/admin/fields")
status, _ = console("POST", "/admin/fields/settings", {"ignoreUnknown": "yes", "csrf": csrf(page)})
assert status == 303, status

resources = {}
for name, path in [("alice", f"/Users/{alice}"), ("bob", f"/Users/{bob}"), ("carol", f"/Users/{carol}"),
                   ("dave", f"/Users/{dave}"), ("engineering", f"/Groups/{engineering['id']}"),
                   ("sales", f"/Groups/{sales['id']}")]:
    status, headers, body = scim("GET", path)
    assert status == 200
    resources[name] = {"id": body["id"], "etag": headers["ETag"], "representation": body}

server.send_signal(signal.SIGTERM)
server.wait(timeout=20)

facts = {
    "tokens": {"okta": okta, "entra": entra, "spare": spare},
    "admin": {"username": "ada", "password": "correct horse battery"},
    "deleted": erin,
    "resources": resources,
}
with open(facts_path, "w") as f:
    json.dump(facts, f, indent=2, sort_keys=True)
print("wrote", database, "and", facts_path)
