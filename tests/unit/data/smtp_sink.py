#!/usr/bin/python3
"""smtp_sink.py — the SMTP server that tests/unit/test_mailer.c sends to (aiosmtpd, Debian's
python3-aiosmtpd: run it with /usr/bin/python3, a pyenv python3 on PATH lacks the module).

Usage: smtp_sink.py DIR [plain|starttls|smtps]

Listens on 127.0.0.1 on a port the system picks and prints that port on a line of its own
once it accepts connections. Each message it accepts is written, before the 250 reply, to
DIR/N.eml (the bytes received after DATA, dot-unstuffed), DIR/N.envelope ("from ADDR" then
one "to ADDR" line a recipient), and what Python's own mail parser (email.policy.default, a
reader independent of ours) makes of it: DIR/N.parsed ("subject: …", "from: …", "to: …",
"date: ISO 8601", "defects: COUNT") and DIR/N.body (the decoded text). N counts from 1.

The flag is in the address, so one sink serves every case: a recipient whose local part
starts with "reject" gets 550 (permanent), one starting with "defer" gets 451 (transient).
The mode (default plain) picks the transport: "starttls" offers STARTTLS, "smtps" speaks TLS
from the first byte, both with smtp_sink.pem (127.0.0.1), and both offer AUTH, which takes
the user "notify" with the password "secret" only.
Stops on SIGTERM, or when the test that started it is gone.
"""
import asyncio
import email
import email.policy
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

LIFETIME_SECONDS = 300


class Handler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("defer"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, str(self.count))
        lines = ["from " + envelope.mail_from] + ["to " + a for a in envelope.rcpt_tos]
        write(base + ".envelope", ("\n".join(lines) + "\n").encode())
        write(base + ".eml", envelope.content)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        defects = len(message.defects) + sum(len(message[k].defects) for k in message.keys())
        parsed = ["subject: " + str(message["subject"]), "from: " + str(message["from"]),
                  "to: " + str(message["to"]), "date: " + message["date"].datetime.isoformat(),
                  "defects: %d" % defects]
        write(base + ".parsed", ("\n".join(parsed) + "\n").encode())
        write(base + ".body", message.get_content().encode())
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"notify"
          and auth_data.password == b"secret")
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


def write(path, data):
    """Writes a file whole or not at all, so the test never reads half of one."""
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.rename(path + ".tmp", path)


async def main():
    folder = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else "plain"
    loop = asyncio.get_running_loop()
    handler = Handler(folder)
    context = None
    if mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(os.path.join(os.path.dirname(__file__), "smtp_sink.pem"))

    def session():
        if mode == "starttls":
            return SMTP(handler, hostname="sink.test", tls_context=context,
                        authenticator=authenticate)
        if mode == "smtps":  # the transport is TLS already, which aiosmtpd cannot see
            return SMTP(handler, hostname="sink.test", authenticator=authenticate,
                        auth_require_tls=False)
        return SMTP(handler, hostname="sink.test")

    server = await loop.create_server(session, "127.0.0.1", 0,
                                      ssl=context if mode == "smtps" else None)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    parent = os.getppid()
    waited = 0.0
    while not stop.is_set() and os.getppid() == parent and waited < LIFETIME_SECONDS:
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except asyncio.TimeoutError:
            waited += 0.5
    server.close()


asyncio.run(main())
