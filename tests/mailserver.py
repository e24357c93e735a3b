"""A real SMTP server for tests (aiosmtpd) that records what it accepts.

It can answer a scripted reply per recipient (``451`` then ``250``, or ``550`` forever) and hold
DATA replies on request, so a test can kill a worker while SMTP transactions are in flight. It counts
sessions (EHLOs), NOOPs and QUITs, can answer NOOP with another reply, and can hang up on every
client (``SMTPServer.disconnect``), as a server restarting or timing out idle clients does.
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
        self.sessions = 0  # EHLOs seen: one per SMTP session a client opened
        self.noops = 0
        self.quits = 0
        self.noop_reply = None  # e.g. "421 4.4.2 Closing idle connection"; None answers 250
        self.clients = []  # the server side of every session still connected

    def script(self, recipient, *replies):
        self.scripts[recipient.lower()] = list(replies)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # what aiosmtpd does itself when there is no hook
        with self.lock:
            self.sessions += 1
            self.clients = [client for client in self.clients if client.transport is not None]
            self.clients.append(server)
        return responses

    async def handle_NOOP(self, server, session, envelope, arg):
        with self.lock:
            self.noops += 1
            reply = self.noop_reply
        return reply or "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        with self.lock:
            self.quits += 1
        return "221 Bye"

    def hang_up(self):
        """Close every client connection from the server side (run in the server's loop)."""
        with self.lock:
            clients, self.clients = self.clients, []
        for client in clients:
            if client.transport is not None:
                client.transport.close()

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

    def disconnect(self):
        """Hang up on every connected client, as a server timing out idle sessions does."""
        loop = self.controller.loop
        done = threading.Event()

        def hang_up():
            self.handler.hang_up()
            loop.call_soon(done.set)

        loop.call_soon_threadsafe(hang_up)
        done.wait(5)

    def stop(self):
        # Hang up first: stopping the loop alone would leave the clients' sockets open, unread.
        self.disconnect()
        self.controller.stop()

    def restart(self):
        """Stop (dropping every client) and listen again on the same port with the same handler."""
        self.stop()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        return self.start()


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
