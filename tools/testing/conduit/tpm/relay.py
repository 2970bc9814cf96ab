#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Relay between the conduit test firmware's secure UART and swtpm.

QEMU's second serial port (the secure PL011) carries two things from the
firmware: the call log (text) and TPM commands, each sent as one frame:
the byte 0x01 (never in log text), then the command, whose 10-byte header
holds its size at offset 2 (big endian). This relay listens on a unix
socket for QEMU's chardev, writes the text to the call-log file byte for
byte (what `-serial file:LOG` would have written), hands each command to
swtpm's data socket in one write of exactly its size, and sends swtpm's
response back to the UART. The other direction carries responses only.

It ends when QEMU closes the connection (exit 0, or 1 if anything went
wrong on the way); it never waits forever: QEMU must connect within
--accept-timeout, swtpm must answer within --response-timeout (else the
firmware gets a TPM_RC_FAILURE response). Errors go to stderr.

usage: relay.py --listen SOCK --swtpm DATA_SOCK [--log FILE] [-v]
"""
import argparse
import os
import signal
import socket
import struct
import sys
import time

MARKER = 0x01
HEADER = 10
MAX_COMMAND = 64 * 1024
TPM_RC_FAILURE = 0x101


def err(msg):
    print(f"relay: {msg}", file=sys.stderr, flush=True)


def failure_response():
    """What the firmware gets when swtpm cannot answer."""
    return struct.pack(">HII", 0x8001, HEADER, TPM_RC_FAILURE)


class Swtpm:
    """swtpm's data channel: one command per write, response by its size."""

    def __init__(self, path, connect_timeout, response_timeout):
        self.path = path
        self.response_timeout = response_timeout
        self.sock = None
        self.dead = None
        deadline = time.monotonic() + connect_timeout
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                self.sock = s
                return
            except OSError as e:
                s.close()
                if time.monotonic() > deadline:
                    raise OSError(f"cannot connect to swtpm at {path}: {e}") from e
                time.sleep(0.05)

    def _recv_exact(self, n, deadline):
        out = bytearray()
        while len(out) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"swtpm did not answer within {self.response_timeout} s")
            self.sock.settimeout(left)
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("swtpm closed its data socket")
            out += chunk
        return bytes(out)

    def command(self, cmd):
        """Returns (response, error); a failed swtpm stays failed."""
        if self.dead:
            return failure_response(), self.dead
        try:
            self.sock.settimeout(self.response_timeout)
            sent = self.sock.send(cmd)
            if sent != len(cmd):
                # swtpm takes each read as one whole command: no second write.
                raise ConnectionError(f"short write to swtpm: {sent} of {len(cmd)} bytes")
            deadline = time.monotonic() + self.response_timeout
            head = self._recv_exact(HEADER, deadline)
            size = struct.unpack(">I", head[2:6])[0]
            if size < HEADER or size > MAX_COMMAND:
                raise ConnectionError(f"swtpm response with bad size {size}")
            return head + self._recv_exact(size - HEADER, deadline), None
        except (OSError, TimeoutError) as e:
            self.dead = str(e) or e.__class__.__name__
            return failure_response(), self.dead


class Relay:
    def __init__(self, conn, tpm, log, verbose):
        self.conn, self.tpm, self.log, self.verbose = conn, tpm, log, verbose
        self.frame = None          # bytearray while inside a frame
        self.errors = 0
        self.commands = 0
        self.log_bytes = 0
        self.tpm_seconds = 0.0

    def text(self, data):
        if data:
            self.log.write(data)
            self.log.flush()
            self.log_bytes += len(data)

    def feed(self, data):
        while data:
            if self.frame is None:
                i = data.find(MARKER)
                if i < 0:
                    self.text(data)
                    return
                self.text(data[:i])
                data = data[i + 1:]
                self.frame = bytearray()
                continue
            need = HEADER if len(self.frame) < HEADER else \
                struct.unpack(">I", self.frame[2:6])[0]
            take = need - len(self.frame)
            self.frame += data[:take]
            data = data[take:]
            if len(self.frame) < HEADER:
                continue
            size = struct.unpack(">I", self.frame[2:6])[0]
            if size < HEADER or size > MAX_COMMAND:
                self.errors += 1
                err(f"frame with bad command size {size} (header {self.frame.hex()}); "
                    "answering TPM_RC_FAILURE")
                bad, self.frame = bytes(self.frame), None
                self.reply(failure_response())
                self.text(bad)
                continue
            if len(self.frame) == size:
                cmd, self.frame = bytes(self.frame), None
                self.command(cmd)

    def command(self, cmd):
        self.commands += 1
        t0 = time.monotonic()
        rsp, failed = self.tpm.command(cmd)
        dt = time.monotonic() - t0
        self.tpm_seconds += dt
        if failed:
            self.errors += 1
            err(f"command {self.commands} (cc=0x{struct.unpack('>I', cmd[6:10])[0]:x}, "
                f"{len(cmd)} bytes): swtpm failed: {failed}; answering TPM_RC_FAILURE")
        elif self.verbose:
            err(f"cc=0x{struct.unpack('>I', cmd[6:10])[0]:x} size={len(cmd)} -> "
                f"rc=0x{struct.unpack('>I', rsp[6:10])[0]:x} size={len(rsp)} "
                f"in {dt * 1000:.2f} ms")
        self.reply(rsp)

    def reply(self, rsp):
        try:
            self.conn.sendall(rsp)
        except OSError as e:
            self.errors += 1
            err(f"cannot send the response to QEMU: {e}")

    def run(self):
        while True:
            try:
                data = self.conn.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                break
            self.feed(data)
        if self.frame is not None:
            self.errors += 1
            err(f"QEMU closed the UART inside a frame ({len(self.frame)} bytes of a command)")
        if self.verbose:
            err(f"done: {self.commands} TPM commands ({self.tpm_seconds * 1000:.1f} ms in "
                f"swtpm), {self.log_bytes} log bytes, {self.errors} errors")
        return 1 if self.errors else 0


def listen(path):
    """Listen on PATH; the socket appears under its name only once it
    accepts, so a caller may wait for the file and then start QEMU."""
    tmp = path + ".tmp"
    for p in (path, tmp):
        if os.path.exists(p):
            os.unlink(p)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(tmp)
    srv.listen(1)
    os.rename(tmp, path)
    return srv


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", required=True, help="unix socket for QEMU's chardev (client)")
    ap.add_argument("--swtpm", required=True, help="swtpm's data socket (--server type=unixio)")
    ap.add_argument("--log", default="/dev/null", help="call-log file (truncated)")
    ap.add_argument("--accept-timeout", type=float, default=60.0)
    ap.add_argument("--connect-timeout", type=float, default=10.0)
    ap.add_argument("--response-timeout", type=float, default=60.0)
    ap.add_argument("-v", "--verbose", action="store_true", help="one stderr line per command")
    args = ap.parse_args()

    def on_signal(signum, _frame):
        err(f"killed by signal {signum}")
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        log = open(args.log, "wb")
    except OSError as e:
        err(f"cannot open the log {args.log}: {e}")
        return 1
    try:
        tpm = Swtpm(args.swtpm, args.connect_timeout, args.response_timeout)
        srv = listen(args.listen)
    except OSError as e:
        err(str(e))
        return 1
    srv.settimeout(args.accept_timeout)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        err(f"QEMU did not connect to {args.listen} within {args.accept_timeout} s")
        return 1
    finally:
        srv.close()
        try:
            os.unlink(args.listen)
        except OSError:
            pass
    conn.settimeout(None)
    with conn, log:
        return Relay(conn, tpm, log, args.verbose).run()


if __name__ == "__main__":
    sys.exit(main())
