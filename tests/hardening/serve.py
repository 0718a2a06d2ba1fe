"""A listener outside the sandbox, for the hardening suites.

    serve.py KIND WHERE READY LOG

KIND is tcp, udp, unix, abstract or dns; WHERE is a port (0: any free
one), a socket path, or an abstract name.  Once listening, the port (or
WHERE) is written to READY.  Every connection or datagram received is
logged to LOG, so a test can tell that nothing arrived.
"""
import os
import socket
import struct
import sys


def log(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


def ready(path, what):
    with open(path + ".new", "w") as f:
        f.write(str(what))
    os.rename(path + ".new", path)


def stream(sock, name, logfile):
    sock.listen(16)
    while True:
        conn, _ = sock.accept()
        log(logfile, "connection")
        try:
            conn.sendall(("hello from %s\n" % name).encode())
        except OSError:
            pass
        conn.close()


def qname(query):
    """The name asked, dotted."""
    labels, i = [], 12
    while query[i] != 0:
        labels.append(query[i + 1:i + 1 + query[i]].decode(errors="replace"))
        i += query[i] + 1
    return ".".join(labels)


def answer(query):
    """A reply to a DNS query: 192.0.2.7 for any name asked."""
    ident, _, qdcount = struct.unpack(">HHH", query[:6])
    end = 12
    while query[end] != 0:
        end += query[end] + 1
    question = query[12:end + 5]
    header = struct.pack(">HHHHHH", ident, 0x8180, 1, 1, 0, 0)
    record = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([192, 0, 2, 7])
    return header + question + record


def main():
    kind, where, readyfile, logfile = sys.argv[1:5]
    if kind in ("tcp", "udp", "dns"):
        udp = kind != "tcp"
        sock = socket.socket(socket.AF_INET,
                             socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", int(where)))
        port = sock.getsockname()[1]
        if not udp:
            sock.listen(16)
        ready(readyfile, port)
        if kind == "tcp":
            stream(sock, "port %d" % port, logfile)
        while True:
            data, peer = sock.recvfrom(4096)
            log(logfile, data.decode(errors="replace") if kind == "udp"
                else "query " + qname(data))
            if kind == "dns":
                sock.sendto(answer(data), peer)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(("\0" + where) if kind == "abstract" else where)
    sock.listen(16)
    ready(readyfile, where)
    stream(sock, kind, logfile)


main()
