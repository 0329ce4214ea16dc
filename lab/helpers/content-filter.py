#!/usr/bin/python3
"""An amavisd-new look-alike after-queue content filter for the lab.

Postfix hands each message to 127.0.0.1:10024 (transport smtp-amavis, with XFORWARD); this filter re-injects it
into Postfix on 127.0.0.1:10025, forwarding the XFORWARD attributes (so the second smtpd logs orig_queue_id and
orig_client), answers Postfix with amavis' reply text ("250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok:
queued as NEWID") and logs an amavis-style "Passed CLEAN" / "Blocked SPAM" line into the Postfix maillog through
postlog. The behaviour is switched at run time by the one word in the mode file:
  pass          re-inject everything (the default)
  tempfail      answer 451 4.5.0 (amavis broken: mail piles up deferred in the queue)
  discard-spam  messages carrying "X-Lab-Spam: yes" are discarded as amavis' D_DISCARD does; others pass
Only the standard library: the lab must run on a bare Debian.
"""
import argparse
import os
import random
import smtplib
import socketserver
import string
import subprocess
import sys
import threading
import time

ARGS = None
COUNTER = 0
COUNTER_LOCK = threading.Lock()


def log_line(text):
    """Writes to the Postfix maillog (postlog -> postlogd), like amavis' syslog lines, plus our own log."""
    try:
        subprocess.run(["postlog", "-c", ARGS.postfix_config, "-t", "amavis", "-p", "info", text],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=10, check=False)
    except Exception as exc:  # logging must never stop mail
        print(f"postlog failed: {exc}", file=sys.stderr, flush=True)
    print(text, flush=True)


def current_mode():
    try:
        with open(ARGS.mode_file, encoding="ascii") as f:
            return f.read().strip() or "pass"
    except OSError:
        return "pass"


def next_task_id():
    global COUNTER
    with COUNTER_LOCK:
        COUNTER += 1
        return f"({os.getpid():05d}-{COUNTER:02d})"


def mail_id():
    return "".join(random.choice(string.ascii_letters + string.digits + "-_") for _ in range(12))


def header_value(message, name):
    """First header value of a raw message (bytes), unfolded; empty when absent."""
    head = message.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    prefix = name.lower().encode() + b":"
    for i, line in enumerate(lines):
        if line.lower().startswith(prefix):
            value = line[len(prefix):]
            for cont in lines[i + 1:]:
                if cont[:1] in (b" ", b"\t"):
                    value += b" " + cont.strip()
                else:
                    break
            return value.strip().decode("utf-8", "replace")
    return ""


class FilterSession(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        xforward = {}
        sender = None
        recipients = []
        self.reply("220 [127.0.0.1] ESMTP amavisd-new service ready")
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb in ("EHLO", "LHLO"):
                xforward = {}
                self.wfile.write(b"250-[127.0.0.1]\r\n250-VRFY\r\n250-PIPELINING\r\n250-SIZE\r\n"
                                 b"250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
                                 b"250 XFORWARD NAME ADDR PORT PROTO HELO IDENT SOURCE\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                xforward = {}
                self.reply("250 [127.0.0.1]")
            elif verb == "XFORWARD":
                for item in arg.split():
                    if "=" in item:
                        k, v = item.split("=", 1)
                        xforward[k.upper()] = v
                self.reply("250 2.5.0 Ok XFORWARD")
            elif verb == "MAIL":
                sender = arg[5:].strip().split(" ")[0].strip("<>") if arg.upper().startswith("FROM:") else ""
                recipients = []
                self.reply("250 2.1.0 Sender " + sender + " OK")
            elif verb == "RCPT":
                rcpt = arg[3:].strip().split(" ")[0].strip("<>") if arg.upper().startswith("TO:") else ""
                recipients.append(rcpt)
                self.reply("250 2.1.5 Recipient " + rcpt + " OK")
            elif verb == "DATA":
                if sender is None or not recipients:
                    self.reply("503 5.5.1 Error: need MAIL and RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                body = self.read_data()
                if body is None:
                    return
                self.reply(self.process(xforward, sender, recipients, body))
                # XFORWARD_README: the attributes last for one mail transaction. Keeping them would tag the next
                # message on this cached connection with the previous one's queue ID and client.
                sender, recipients, xforward = None, [], {}
            elif verb == "RSET":
                sender, recipients, xforward = None, [], {}
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 [127.0.0.1] amavisd-new closing transmission channel")
                return
            else:
                self.reply("502 5.5.2 Error: command not recognized")

    def read_data(self):
        chunks = []
        while True:
            raw = self.rfile.readline(1 << 20)
            if not raw:
                return None
            if raw in (b".\r\n", b".\n"):
                return b"".join(chunks)
            if raw.startswith(b".."):
                raw = raw[1:]
            chunks.append(raw)

    def process(self, xforward, sender, recipients, body):
        started = time.monotonic()
        task = next_task_id()
        queue_id = xforward.get("IDENT", "")
        client_ip = xforward.get("ADDR", "127.0.0.1")
        client_port = xforward.get("PORT", "0")
        message_id = header_value(body, "Message-ID") or "-"
        outbound = any(not r.lower().endswith("@" + ARGS.local_domain) for r in recipients)
        bank = "{RelayedOutbound}" if outbound else "{RelayedInbound}"
        who = f"[{client_ip}]:{client_port} [{client_ip}] <{sender}> -> " + ",".join(f"<{r}>" for r in recipients)
        ident = f"Queue-ID: {queue_id}, Message-ID: {message_id}, mail_id: {mail_id()}"
        mode = current_mode()
        if mode == "tempfail":
            log_line(f"{task} (!)TROUBLE in check_mail: lab filter in tempfail mode, {who}, {ident}")
            return "451 4.5.0 Error in processing, id=" + task.strip("()") + ", lab filter in tempfail mode"
        if mode == "discard-spam" and header_value(body, "X-Lab-Spam").lower() == "yes":
            elapsed = int((time.monotonic() - started) * 1000)
            log_line(f"{task} Blocked SPAM {bank}, {who}, {ident}, Hits: 12.5, size: {len(body)}, {elapsed} ms")
            return f"250 2.7.0 Ok, discarded, id={task.strip('()')} - spam"
        try:
            reply = self.reinject(xforward, sender, recipients, body)
        except (OSError, smtplib.SMTPException) as exc:
            log_line(f"{task} (!)FWD from <{sender}> via SMTP: [127.0.0.1]:10025 failed: {exc}")
            return "451 4.5.0 Error in processing, id=" + task.strip("()") + ", forwarding failed"
        code, text = reply
        elapsed = int((time.monotonic() - started) * 1000)
        if 200 <= code < 300:
            queued_as = text.rsplit(" ", 1)[-1] if "queued as" in text else "-"
            log_line(f"{task} Passed CLEAN {bank}, {who}, {ident}, Hits: -, size: {len(body)}, "
                     f"queued_as: {queued_as}, {elapsed} ms")
            return f"250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): {code} {text}"
        log_line(f"{task} (!)FWD from <{sender}> via SMTP: [127.0.0.1]:10025 rejected: {code} {text}")
        return f"{code} {text}"

    def reinject(self, xforward, sender, recipients, body):
        host, port = ARGS.reinject.rsplit(":", 1)
        with smtplib.SMTP(host, int(port), local_hostname="localhost", timeout=120) as smtp:
            smtp.ehlo("localhost")
            if xforward and smtp.has_extn("xforward"):
                first = " ".join(f"{k}={v}" for k, v in xforward.items() if k in ("NAME", "ADDR", "PORT", "PROTO", "HELO"))
                second = " ".join(f"{k}={v}" for k, v in xforward.items() if k in ("IDENT", "SOURCE"))
                for attrs in (first, second):
                    if attrs:
                        code, text = smtp.docmd("XFORWARD", attrs)
                        if code != 250:
                            raise smtplib.SMTPResponseException(code, text)
            code, text = smtp.mail(sender)
            if code != 250:
                return code, text.decode("utf-8", "replace")
            for rcpt in recipients:
                code, text = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    smtp.rset()
                    return code, text.decode("utf-8", "replace")
            code, text = smtp.data(body)
            return code, text.decode("utf-8", "replace")


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:10024")
    parser.add_argument("--reinject", default="127.0.0.1:10025")
    parser.add_argument("--postfix-config", required=True)
    parser.add_argument("--mode-file", required=True)
    parser.add_argument("--local-domain", default="lab.example")
    ARGS = parser.parse_args()
    host, port = ARGS.listen.rsplit(":", 1)
    with Server((host, int(port)), FilterSession) as server:
        print(f"content filter listening on {ARGS.listen}, re-injecting to {ARGS.reinject}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
