#!/usr/bin/env python3
"""The tutorial's time server in Python 3: socketserver, one thread per client, time.ctime().

Usage: tutorial_time_server.py tcp|udp PORT [--quiet]
Used by netkit's interop tests (a peer for timeclient) and by bench/time.sh (the baseline).
"""
import socketserver
import sys
import time

QUIET = "--quiet" in sys.argv


class TCPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        if not QUIET:
            print("connection from", self.client_address, flush=True)
        self.request.sendall((time.ctime() + "\r\n").encode("ascii"))


class UDPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request[1]
        sock.sendto((time.ctime() + "\r\n").encode("ascii"), self.client_address)


def main():
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "tcp":
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        socketserver.ThreadingTCPServer.daemon_threads = True
        server = socketserver.ThreadingTCPServer(("127.0.0.1", port), TCPHandler)
    else:
        server = socketserver.UDPServer(("127.0.0.1", port), UDPHandler)
    print("listening on", port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
