#!/usr/bin/env python3
"""A real SMTP server for Kindly's tests (aiosmtpd), delivering into the test Dovecot.

Accepted mail is stored with `doveadm save` in the given folder, so a test can see what arrived.
The mode file switches behaviour between messages: `ok`, `tempfail N` (answer 451 to the next N
messages), `permfail` (answer 550). AUTH PLAIN/LOGIN is offered and checked.

usage: smtp_sink.py PORT DOVECOT_CONFIG USER FOLDER MODE_FILE AUTH_USER AUTH_PASSWORD [CERT KEY]
With CERT and KEY, STARTTLS is offered and required before AUTH and mail.
With SMTP_SINK_INTROSPECTION_URL set, AUTH XOAUTH2 is offered too: the bearer token is POSTed
(`token=…`) to that URL, which must answer {"active": true, "email": AUTH_USER}.
"""
import asyncio
import base64
import json
import os
import ssl
import subprocess
import sys
import urllib.parse
import urllib.request
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, config, user, folder, mode_file, auth_user, auth_password = sys.argv[1:8]


def mode():
    try:
        with open(mode_file) as f:
            return f.read().split()
    except FileNotFoundError:
        return ["ok"]


class Deliver:
    async def handle_DATA(self, server, session, envelope):
        words = mode()
        if words[:1] == ["permfail"]:
            return "550 5.7.1 Recipient address rejected: mailbox unavailable"
        if words[:1] == ["tempfail"] and int(words[1]) > 0:
            with open(mode_file, "w") as f:
                f.write(f"tempfail {int(words[1]) - 1}")
            return "451 4.3.0 Temporary local problem, try again later"
        done = subprocess.run(
            ["doveadm", "-c", config, "save", "-u", user, "-m", folder],
            input=envelope.original_content,
            capture_output=True,
        )
        if done.returncode != 0:
            return "451 4.3.0 Could not deliver: " + done.stderr.decode(errors="replace").strip()
        return "250 2.0.0 OK delivered"


def introspect(url, token):
    body = urllib.parse.urlencode({"token": token}).encode()
    with urllib.request.urlopen(url, data=body, timeout=10) as answer:
        return json.load(answer)


async def auth_XOAUTH2(self, server, args):
    # The initial response: base64("user=U\x01auth=Bearer TOKEN\x01\x01").
    if len(args) < 2:
        return AuthResult(success=False)
    try:
        text = base64.b64decode(args[1], validate=True).decode()
    except Exception:
        return AuthResult(success=False)
    fields = dict(f.split("=", 1) for f in text.split("\x01") if "=" in f)
    token = fields.get("auth", "").removeprefix("Bearer ")
    try:
        info = await asyncio.to_thread(introspect, os.environ["SMTP_SINK_INTROSPECTION_URL"], token)
    except Exception:
        return AuthResult(success=False)
    ok = info.get("active") is True and info.get("email") == fields.get("user") == auth_user
    return AuthResult(success=ok)


if os.environ.get("SMTP_SINK_INTROSPECTION_URL"):
    Deliver.auth_XOAUTH2 = auth_XOAUTH2


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == auth_user \
        and auth_data.password.decode() == auth_password
    return AuthResult(success=ok)


tls = {}
if len(sys.argv) > 9:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(sys.argv[8], sys.argv[9])
    tls = {"tls_context": context, "require_starttls": True}

controller = Controller(
    Deliver(), hostname="127.0.0.1", port=int(port), authenticator=authenticate, auth_require_tls=bool(tls), **tls
)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
