#!/usr/bin/env python3
"""A real SMTP server for Kindly's tests (aiosmtpd), delivering into the test Dovecot.

Accepted mail is stored with `doveadm save` in the given folder, so a test can see what arrived.
The mode file switches behaviour between messages: `ok`, `tempfail N` (answer 451 to the next N
messages), `permfail` (answer 550). AUTH PLAIN/LOGIN is offered and checked.

usage: smtp_sink.py PORT DOVECOT_CONFIG USER FOLDER MODE_FILE AUTH_USER AUTH_PASSWORD [CERT KEY]
With CERT and KEY, STARTTLS is offered and required before AUTH and mail.
"""
import asyncio
import ssl
import subprocess
import sys
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
