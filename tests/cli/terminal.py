"""Runs docspace-people as a person at a terminal would, for tests/cli/terminal.rs.

The binary's stdin is a pipe (`... | docspace-people user delete --from -`; with
"stdin": null, the terminal), its stdout a file, and its stderr a pseudo-terminal, which
is also its controlling terminal (or, with "ctty": false, no terminal is: a new session
without one, as under cron). The
test drives this script with one JSON command a line on stdin; each gets one JSON
answer a line on stdout:

  {"start": {"argv": [...], "env": {...}, "stdin": "...", "ctty": true}}
  {"expect": "text"}   wait until the terminal showed text
  {"send": "y\\n"}      type on the terminal
  {"finish": true}     wait for the exit: code, stdout, all the terminal showed, and
                       whether the terminal's settings are as they were before the start
"""

import fcntl
import json
import os
import sys
import tempfile
import termios
import threading
import time

# Generous: a loaded CI machine is slow, and a test that passes never waits this long.
TIMEOUT = 60


def main():
    master, slave = os.openpty()
    slave_name = os.ttyname(slave)
    shown = bytearray()
    lock = threading.Lock()

    def read_terminal():
        # Ends with EIO once every process that had the terminal open has exited.
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            with lock:
                shown.extend(data)

    def text():
        with lock:
            return shown.decode("utf-8", "replace")

    reader = threading.Thread(target=read_terminal, daemon=True)
    pid = None
    out = tempfile.TemporaryFile()
    before = None
    for line in sys.stdin:
        command = json.loads(line)
        if "start" in command:
            spec = command["start"]
            before = termios.tcgetattr(slave)
            stdin_read, stdin_write = os.pipe() if spec["stdin"] is not None else (slave, None)
            pid = os.fork()
            if pid == 0:
                try:
                    os.setsid()
                    if spec["ctty"]:
                        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                    os.dup2(stdin_read, 0)
                    os.dup2(out.fileno(), 1)
                    os.dup2(slave, 2)
                    os.closerange(3, 1024)
                    os.execve(spec["argv"][0], spec["argv"], spec["env"])
                finally:
                    os._exit(127)
            if stdin_write is not None:
                os.close(stdin_read)
            os.close(slave)
            reader.start()
            if stdin_write is not None:
                os.write(stdin_write, spec["stdin"].encode())
                os.close(stdin_write)
            answer({"ok": True})
        elif "expect" in command:
            deadline = time.monotonic() + TIMEOUT
            while command["expect"] not in text() and time.monotonic() < deadline:
                time.sleep(0.01)
            answer({"ok": command["expect"] in text(), "tty": text()})
        elif "send" in command:
            os.write(master, command["send"].encode())
            answer({"ok": True})
        elif "finish" in command:
            deadline = time.monotonic() + TIMEOUT
            status = None
            while status is None and time.monotonic() < deadline:
                done, raw = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = raw
                else:
                    time.sleep(0.01)
            if status is None:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            reader.join(TIMEOUT)
            again = os.open(slave_name, os.O_RDWR | os.O_NOCTTY)
            after = termios.tcgetattr(again)
            os.close(again)
            out.seek(0)
            answer(
                {
                    "timeout": status is None,
                    "code": os.waitstatus_to_exitcode(status) if status is not None else None,
                    "stdout": out.read().decode("utf-8", "replace"),
                    "tty": text(),
                    "same_settings": before == after,
                    "settings_before": repr(before),
                    "settings_after": repr(after),
                }
            )
            return


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


main()
