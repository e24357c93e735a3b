"""A real SMTP server for tests (aiosmtpd) that records what it accepts.

It can answer a scripted reply per recipient (``451`` then ``250``, or ``550`` forever) and hold
DATA replies on request, so a test can kill a worker while SMTP transactions are in flight.
"""

import asyncio
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []  # email.message.EmailMessage objects, in arrival order
        self.attempts = Counter()  # DATA commands per recipient, accepted or not
        self.scripts = {}  # recipient -> list of replies to give before accepting ("550 ..." repeats)
        self.holding = False
        self.waiting = 0  # DATA commands currently held

    def script(self, recipient, *replies):
        self.scripts[recipient.lower()] = list(replies)

    async def handle_DATA(self, server, session, envelope):
        recipients = [address.lower() for address in envelope.rcpt_tos]
        with self.lock:
            for address in recipients:
                self.attempts[address] += 1
            for address in recipients:
                replies = self.scripts.get(address)
                if replies:
                    reply = replies[0]
                    if not reply.startswith("5"):  # a permanent reply stays; a transient one is used once
                        replies.pop(0)
                    return reply
            if self.holding:
                self.waiting += 1
        if self.holding:
            try:
                while self.holding:  # a lost client cancels this coroutine: nothing is accepted
                    await asyncio.sleep(0.01)
            finally:
                with self.lock:
                    self.waiting -= 1
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 2.0.0 Message accepted for delivery"

    def outbox_ids(self):
        with self.lock:
            return Counter(message["X-Outbox-Id"] for message in self.messages)

    def count(self):
        with self.lock:
            return len(self.messages)

    def to(self, recipient):
        with self.lock:
            return [m for m in self.messages if recipient.lower() in str(m["To"]).lower()]


class SMTPServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()


def wait_for(predicate, *, timeout, interval=0.1, message="condition"):
    """Poll ``predicate`` until it is truthy; fail with ``message`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {message}")
        time.sleep(interval)
