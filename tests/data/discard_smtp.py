#!/usr/bin/env python3
"""A minimal SMTP sink that discards DATA: for measuring a client's memory and time on a
1 GiB message without the server holding it (aiosmtpd keeps DATA in memory).

Usage: discard_smtp.py PORT [SIZE]   -- listens on 127.0.0.1:PORT, one session at a time,
forever. EHLO offers 8BITMIME and PIPELINING, and SIZE when given. DATA is read in 1 MiB
reads until CRLF.CRLF; the reply is `250 2.0.0 discarded N bytes` (N counts the dot-stuffed
bytes after `354`, terminator included). Each finished DATA is logged to stdout as
`data N`. Not for tests of content: nothing is kept.
"""
import socket
import sys


def session(conn, size):
    conn.sendall(b"220 discard.netkit.test ESMTP\r\n")
    buf = b""
    while True:
        while b"\r\n" not in buf:
            chunk = conn.recv(65536)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\r\n", 1)
        verb = line[:4].upper()
        if verb == b"EHLO":
            ext = [b"discard.netkit.test", b"8BITMIME", b"PIPELINING"]
            if size:
                ext.append(b"SIZE " + size.encode())
            reply = b"".join(b"250-" + e + b"\r\n" for e in ext[:-1]) + b"250 " + ext[-1] + b"\r\n"
            conn.sendall(reply)
        elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            conn.sendall(b"250 ok\r\n")
        elif verb == b"QUIT":
            conn.sendall(b"221 bye\r\n")
            return
        elif verb == b"DATA":
            conn.sendall(b"354 go\r\n")
            total, tail = len(buf), buf[-4:]
            data = b"\r\n" + buf
            done = data.find(b"\r\n.\r\n") >= 0
            while not done:
                chunk = conn.recv(1 << 20)
                if not chunk:
                    return
                total += len(chunk)
                done = (tail + chunk).find(b"\r\n.\r\n") >= 0
                tail = (tail + chunk)[-4:]
            buf = b""
            print(f"data {total}", flush=True)
            conn.sendall(b"250 2.0.0 discarded %d bytes\r\n" % total)
        else:
            conn.sendall(b"500 unknown\r\n")


def main():
    port = int(sys.argv[1])
    size = sys.argv[2] if len(sys.argv) > 2 else None
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    while True:
        conn, _ = srv.accept()
        try:
            session(conn, size)
        except OSError:
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
