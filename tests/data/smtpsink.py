"""Byte-exact SMTP sink for netkit's tests (tests/integration/util/smtpsink.rs starts it).

Run with Debian's /usr/bin/python3 (package python3-aiosmtpd 1.4):
    smtpsink.py CONFIG.json
CONFIG: port, dir, hostname, cert/key (null: no STARTTLS), require_starttls, users
({name: password}, empty: no AUTH), auth_required, data_size_limit, refuse ({rcpt: reply}).

Every accepted message N (from 1, across connections) is written to DIR/N.eml (the DATA
bytes after dot-unstuffing, CRLF kept, without the final ".") and then DIR/N.json (helo,
esmtp, tls, auth, mail_from, mail_options, rcpt_tos, rcpt_options); both atomically
(tmp + rename), so a reader that sees N.json sees the whole N.eml.

Quirks of aiosmtpd 1.4: it upper-cases MAIL/RCPT parameters (ENVID=abc -> ENVID=ABC); any
RCPT parameter or an unknown MAIL parameter gets "555 ... not recognized" (no DSN);
lines over 1000 bytes get "500 Line too long"; no PIPELINING or CHUNKING in EHLO.
"""

import asyncio
import json
import logging
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


class Handler:
    def __init__(self, cfg):
        self.dir = cfg["dir"]
        self.refuse = cfg.get("refuse") or {}
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        # Per recipient, unlike aiosmtpd's flat envelope.rcpt_options.
        if not hasattr(envelope, "nk_rcpt_options"):
            envelope.nk_rcpt_options = []
        envelope.nk_rcpt_options.append(list(rcpt_options))
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        base = os.path.join(self.dir, str(n))
        write_atomic(base + ".eml", envelope.original_content)
        auth = None
        if session.authenticated:
            login = getattr(session.auth_data, "login", b"")
            if isinstance(login, bytes):
                login = login.decode("utf-8", "replace")
            auth = {"user": login, "mechanism": getattr(session, "nk_mechanism", None)}
        meta = {
            "helo": session.host_name,
            "esmtp": bool(session.extended_smtp),
            "tls": session.ssl is not None,
            "auth": auth,
            "mail_from": envelope.mail_from,
            "mail_options": list(envelope.mail_options),
            "rcpt_tos": list(envelope.rcpt_tos),
            "rcpt_options": getattr(envelope, "nk_rcpt_options", []),
            "smtp_utf8": bool(envelope.smtp_utf8),
        }
        write_atomic(base + ".json", json.dumps(meta, indent=1).encode())
        return "250 2.0.0 Ok: queued as %d" % n


class Sink(SMTP):
    """aiosmtpd 1.4 lists AUTH in EHLO even with no authenticator; hide it then."""

    def __init__(self, handler, offer_auth, **kwargs):
        self.nk_offer_auth = offer_auth
        super().__init__(handler, **kwargs)

    async def push(self, status):
        if not self.nk_offer_auth and status.startswith("250-AUTH"):
            return
        await super().push(status)


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    handler = Handler(cfg)
    tls = None
    if cfg.get("cert"):
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cfg["cert"], cfg["key"])
    users = {
        u.encode("utf-8"): p.encode("utf-8") for u, p in (cfg.get("users") or {}).items()
    }

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and users.get(auth_data.login) == auth_data.password
        )
        if ok:
            session.nk_mechanism = mechanism
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def factory():
        kwargs = dict(
            decode_data=False,
            enable_SMTPUTF8=True,
            hostname=cfg.get("hostname") or "sink.netkit.test",
            auth_require_tls=False,
            tls_context=tls,
            require_starttls=bool(cfg.get("require_starttls")),
            data_size_limit=cfg.get("data_size_limit") or 33554432,
        )
        if users:
            kwargs["authenticator"] = authenticator
            kwargs["auth_required"] = bool(cfg.get("auth_required"))
            # Only PLAIN and LOGIN verify against a password table.
            kwargs["auth_exclude_mechanism"] = []
        return Sink(handler, offer_auth=bool(users), **kwargs)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    for host in ("127.0.0.1", "::1"):
        loop.run_until_complete(loop.create_server(factory, host=host, port=cfg["port"]))
    logging.info("smtpsink listening on port %d", cfg["port"])
    loop.run_forever()


if __name__ == "__main__":
    main()
