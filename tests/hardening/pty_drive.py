"""An interactive outer shell on a fresh pty, typed into like a user would.

    pty_drive.py ROWS COLS COMMAND...

Starts /bin/sh -i as a session leader with the pty as its controlling
terminal, sized ROWS x COLS, types each COMMAND and waits for it to
finish, then types one last line and waits for its output: whatever was
pushed into the terminal's input meanwhile has been read and run by the
shell by then.  Prints the whole transcript; exits 3 when the shell
stops answering.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

DEADLINE = 60


def read_until(fd, transcript, needle):
    end = time.time() + DEADLINE
    while needle not in transcript[0]:
        left = end - time.time()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        transcript[0] += chunk.decode(errors="replace")
    return True


def main():
    rows, cols = int(sys.argv[1]), int(sys.argv[2])
    commands = sys.argv[3:]
    env = {k: v for k, v in os.environ.items() if k not in ("ENV", "PS1")}
    env["PS1"] = "outer$ "
    pid, fd = pty.fork()
    if pid == 0:
        os.execve("/bin/sh", ["sh", "-i"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    transcript = [""]
    good = read_until(fd, transcript, "outer$ ")
    # Arithmetic in the marker: the shell's output of it differs from
    # the echo of the typed line, so only a finished command matches.
    for i, command in enumerate(commands):
        if not good:
            break
        os.write(fd, ("%s; echo step-$((%d + 1))-done\n" % (command, i))
                 .encode())
        good = read_until(fd, transcript, "step-%d-done" % (i + 1))
    if good:
        os.write(fd, b"echo end-of-$((20 + 22))\n")
        good = read_until(fd, transcript, "end-of-42")
    os.write(fd, b"exit\n")
    time.sleep(0.2)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    sys.stdout.write(transcript[0].replace("\r", ""))
    sys.exit(0 if good else 3)


main()
