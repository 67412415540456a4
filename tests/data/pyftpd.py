"""pyftpdlib for netkit's interop tests: PORT HOME LO-HI; user and password from the
environment (NK_FTP_USER, NK_FTP_PASSWORD), full permissions in HOME, MLSD and MFMT; the
address from NK_FTP_HOST (default 127.0.0.1; ::1 for the IPv6 tests)."""
import logging
import os
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

port, home, ports = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lo, hi = (int(p) for p in ports.split("-"))
auth = DummyAuthorizer()
auth.add_user(os.environ["NK_FTP_USER"], os.environ["NK_FTP_PASSWORD"], home, perm="elradfmwMT")
handler = FTPHandler
handler.authorizer = auth
handler.passive_ports = range(lo, hi)
handler.permit_foreign_addresses = False
logging.basicConfig(level=logging.INFO)
FTPServer((os.environ.get("NK_FTP_HOST", "127.0.0.1"), port), handler).serve_forever()
