#!/usr/bin/python3
"""smtp_sink.py — an SMTP server for the API tests (Debian python3-aiosmtpd): saves every
message it accepts, byte for byte, as DIR/<n>.eml with DIR/<n>.json holding the envelope,
so that a test can read what the server sent.

Usage: smtp_sink.py PORT DIR. Prints "ready PORT" once it listens on 127.0.0.1; stops on
SIGTERM or SIGINT. A recipient whose local part starts with "reject" is refused with 550
(a permanent failure); everything else is accepted.
"""
import asyncio
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("reject"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = f"{os.getpid()}-{self.count:04d}"
        path = os.path.join(self.folder, name)
        with open(path + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        with open(path + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        # The .eml appears last and whole: a reader never sees half a message.
        os.rename(path + ".json.tmp", path + ".json")
        os.rename(path + ".eml.tmp", path + ".eml")
        return "250 OK: queued"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"ready {port}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    asyncio.set_event_loop(asyncio.new_event_loop())
    main()
