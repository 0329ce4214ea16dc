"""What every lab scenario needs: the run's environment, senders (SMTP with a chosen source address, sendmail,
PHP), the routing table that says what "the Internet" will answer, waiting for the queue to settle, and the
manifest that tells the tests what was done. Standard library only: the lab runs on a bare Debian.
"""
import datetime
import json
import os
import random
import re
import smtplib
import ssl
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

QUEUED_AS = re.compile(r"queued as ([0-9A-Za-z]+)")

WORDS = ("offer", "invoice", "meeting", "update", "report", "account", "delivery", "payment", "notice", "summary",
         "reminder", "project", "order", "review", "request", "travel", "budget", "draft", "agenda", "photos")
SPAM_SUBJECTS = ("You have won a prize", "Cheap meds online", "Your account is suspended - verify now",
                 "Crypto opportunity inside", "Invoice overdue: pay today", "Hot singles near you",
                 "Make $5000 a week from home", "Your package is waiting", "Urgent business proposal")
LEGIT_SUBJECTS = ("Re: project meeting", "Minutes of Monday", "Quote request", "Holiday photos", "Re: invoice 2231",
                  "Lunch tomorrow?", "Draft contract", "Weekly report")
FREEMAIL = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "ymail.com", "live.com")
OTHER_DOMAINS = ("mailbox.example", "biz-mail.example", "shop.example", "greylist.example", "oldcorp.example",
                 "partner.example", "clients.example", "news.example")


class Lab:
    """One started lab run (RUN_DIR/env written by lab/start.sh)."""

    def __init__(self, run_dir):
        self.run_dir = os.path.abspath(run_dir)
        env_path = os.path.join(self.run_dir, "env")
        if not os.path.exists(env_path):
            raise SystemExit(f"lab: no lab run in {self.run_dir} (start it with lab/start.sh {self.run_dir})")
        self.env = {}
        with open(env_path, encoding="utf-8") as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    self.env[k] = v
        self.conf = self.env["LAB_CONFIG_DIR"]
        self.domain = self.env["LAB_DOMAIN"]
        self.filter_on = self.env.get("LAB_FILTER", "1") != "0"
        self.routes = []
        with open(self.env["LAB_ROUTES_FILE"], encoding="utf-8") as f:
            for line in f:
                regex, sink, status = line.rstrip("\n").split("\t")
                self.routes.append((re.compile(regex), sink, status))

    def users(self):
        with open(self.env["LAB_USERS_FILE"], encoding="utf-8") as f:
            return dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)

    def ensure_user(self, user, password):
        """Adds (or re-passwords) a SASL user with a mailbox; Dovecot re-reads its passwd-file, Postfix its map."""
        if "@" not in user:
            user = f"{user}@{self.domain}"
        users = self.users()
        if users.get(user) == password:
            return user
        users[user] = password
        with open(self.env["LAB_USERS_FILE"], "w", encoding="utf-8") as f:
            f.writelines(f"{u}\t{p}\n" for u, p in users.items())
        dove = os.path.join(self.run_dir, "etc/dovecot/users")
        with open(dove + ".new", "w", encoding="utf-8") as f:
            f.writelines(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in users.items())
        subprocess.run(["chgrp", "dovecot", dove + ".new"], check=True)
        os.chmod(dove + ".new", 0o640)
        os.replace(dove + ".new", dove)
        vmailbox = os.path.join(self.conf, "vmailbox")
        with open(vmailbox, encoding="utf-8") as f:
            lines = [l for l in f if l.split("\t", 1)[0] != user]
        local, dom = user.split("@", 1)
        lines.append(f"{user}\t{dom}/{local}/\n")
        with open(vmailbox, "w", encoding="utf-8") as f:
            f.writelines(lines)
        past = time.time() - 3  # Postfix waits for tables younger than a second
        os.utime(vmailbox, (past, past))
        subprocess.run(["postmap", "-c", self.conf, f"hash:{vmailbox}"], check=True)
        return user

    def route(self, address):
        """(sink, expected final status) for a recipient, from the same table that built transport(5)."""
        for regex, sink, status in self.routes:
            if regex.search(address.lower()):
                return sink, status
        return "accept", "sent"

    def filter_mode(self):
        try:
            with open(self.env["LAB_FILTER_MODE_FILE"], encoding="ascii") as f:
                return f.read().strip() or "pass"
        except OSError:
            return "pass"

    def set_filter_mode(self, mode):
        with open(self.env["LAB_FILTER_MODE_FILE"], "w", encoding="ascii") as f:
            f.write(mode + "\n")

    def expected_status(self, address, filtered):
        if filtered and self.filter_mode() == "tempfail":
            return "deferred"
        return self.route(address)[1]

    def postqueue(self):
        out = subprocess.run(["postqueue", "-c", self.conf, "-j"], capture_output=True, text=True, check=True).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def settle(self, timeout=90, quiet=1.0):
        """Waits until nothing is in maildrop, incoming or active, twice in a row `quiet` seconds apart."""
        deadline = time.monotonic() + timeout
        calm_since = None
        maildrop = os.path.join(self.env["LAB_QUEUE_DIR"], "maildrop")
        while time.monotonic() < deadline:
            busy = any(m.get("queue_name") in ("incoming", "active") for m in self.postqueue())
            busy = busy or bool(os.listdir(maildrop))
            if busy:
                calm_since = None
            elif calm_since is None:
                calm_since = time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                return True
            time.sleep(0.2)
        return False

    def filtered(self, server_ip):
        """Whether mail accepted on this listener address goes through the content filter."""
        return self.filter_on and server_ip in ("127.0.0.1", "127.0.0.3")


class Picker:
    """Seeded draws of addresses, IPs and texts, so a scenario replays exactly from its seed."""

    # Receivers refuse nothing: recipients only at domains the accepting sink answers, none that does not exist.
    refusal_free = False
    ACCEPTING = ("gmail.com", "mailbox.example", "biz-mail.example", "shop.example", "partner.example",
                 "clients.example", "news.example")

    def __init__(self, seed):
        self.seed = seed
        self.rng = random.Random(seed)
        self.used_ips = set()

    def ip(self):
        """A remote client: 198.18.0.0/15 (benchmark range, local to the lab namespace's lo), many /24s."""
        while True:
            ip = f"198.{self.rng.randint(18, 19)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
            if ip not in self.used_ips:
                self.used_ips.add(ip)
                return ip

    def office_ip(self):
        """A legitimate user's office or home: 203.0.113.0/24 (not .25, the server's own public address)."""
        while True:
            ip = f"203.0.113.{self.rng.randint(30, 254)}"
            if ip not in self.used_ips:
                self.used_ips.add(ip)
                return ip

    def ips(self, n):
        return [self.ip() for _ in range(n)]

    def local_part(self):
        return f"{self.rng.choice(WORDS)}{self.rng.choice(('', '.', '_'))}{self.rng.choice(WORDS)}{self.rng.randint(1, 999)}"

    def external_recipient(self, dead_share=0.1, domains=None):
        domains = domains or (FREEMAIL * 2 + OTHER_DOMAINS)
        if Picker.refusal_free:
            domains = tuple(d for d in domains if d in Picker.ACCEPTING) or Picker.ACCEPTING
            dead_share = 0.0
        local = self.local_part()
        if self.rng.random() < dead_share:
            local = f"{self.rng.choice(('gone', 'nosuchuser', 'olduser'))}.{local}"
        return f"{local}@{self.rng.choice(domains)}"

    def message_id(self, host):
        return f"<{uuid.UUID(int=self.rng.getrandbits(128)).hex}@{host}>"


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def build_message(sender_header, recipients, subject, body, message_id, extra_headers=()):
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
    lines = [f"From: {sender_header}", f"To: {', '.join(recipients)}", f"Subject: {subject}", f"Date: {date}",
             f"Message-ID: {message_id}", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    lines.extend(extra_headers)
    return "\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n"


def smtp_send(server, port, source_ip, sender, recipients, message, auth=None, helo="client.invalid", tls=False):
    """One SMTP transaction from source_ip. Returns what the tests need: accepted?, queue ID, refused, reply."""
    result = {"accepted": False, "queue_id": None, "refused": {}, "reply": None}
    try:
        with smtplib.SMTP(server, port, local_hostname=helo, source_address=(source_ip, 0), timeout=60) as smtp:
            smtp.ehlo()
            if tls:
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                smtp.starttls(context=ctx)
                smtp.ehlo()
            if auth:
                smtp.login(auth[0], auth[1])
            code, text = smtp.mail(sender)
            if code != 250:
                result["reply"] = f"{code} {text.decode(errors='replace')}"
                return result
            good = []
            for rcpt in recipients:
                code, text = smtp.rcpt(rcpt)
                if code in (250, 251):
                    good.append(rcpt)
                else:
                    result["refused"][rcpt] = f"{code} {text.decode(errors='replace')}"
            if not good:
                result["reply"] = next(iter(result["refused"].values()))
                smtp.rset()
                return result
            code, text = smtp.data(message.encode())
            reply = f"{code} {text.decode(errors='replace')}"
            result["reply"] = reply
            if code == 250:
                result["accepted"] = True
                m = QUEUED_AS.search(reply)
                result["queue_id"] = m.group(1) if m else None
    except smtplib.SMTPAuthenticationError as exc:
        result["reply"] = f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
    except (smtplib.SMTPException, OSError) as exc:
        result["reply"] = f"error: {exc}"
    return result


def swaks_auth_failure(server, source_ip, user, password, mechanism="LOGIN"):
    """A failed SASL login with swaks (as a brute-force bot does it): STARTTLS, AUTH, quit."""
    proc = subprocess.run(["swaks", "--server", server, "--local-interface", source_ip, "-tls", "--auth", mechanism,
                           "--auth-user", user, "--auth-password", password, "--quit-after", "AUTH",
                           "--helo", "User", "--silent", "1"],
                          capture_output=True, text=True, timeout=60, check=False)
    return proc.returncode


def parallel(tasks, workers=4):
    """Runs callables concurrently (several bots at once), keeping their results in order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda t: t(), tasks))


class Manifest:
    """What a scenario did, for the tests to compare with what Postfix logged and queued."""

    def __init__(self, lab, scenario, seed, params):
        self.lab = lab
        self.lock = threading.Lock()
        self.data = {
            "schema": "spamtrace-lab-manifest/1",
            "scenario": scenario,
            "seed": seed,
            "run_dir": lab.run_dir,
            "netns": lab.env["LAB_NETNS"],
            "config_dir": lab.conf,
            "maillog": lab.env["LAB_MAILLOG"],
            "content_filter": lab.filter_on,
            "filter_mode": lab.filter_mode(),
            "started": now_iso(),
            "finished": None,
            "params": params,
            "expected_culprits": [],
            "legitimate_senders": [],
            "auth_failures": [],
            "messages": [],
            "rejections": [],
        }

    def culprit(self, **fields):
        self.data["expected_culprits"].append(fields)

    def legitimate(self, **fields):
        if fields not in self.data["legitimate_senders"]:
            self.data["legitimate_senders"].append(fields)

    def auth_failure(self, user, client_ip, rc):
        with self.lock:
            self.data["auth_failures"].append({"user": user, "client_ip": client_ip, "swaks_exit": rc})

    def message(self, role, origin, sender, recipients, message_id, server=None, result=None, filtered=False,
                subject=None, spam_marked=False, status_override=None):
        """Records one submitted message; recipients get the status the lab's routing predicts."""
        entry = {
            "role": role,
            "origin": origin,
            "sender": sender,
            "message_id": message_id,
            "subject": subject,
            "server": server,
            "filtered": filtered,
            "accepted": True if result is None else result["accepted"],
            "queue_id": None if result is None else result["queue_id"],
            "reply": None if result is None else result["reply"],
            "recipients": [],
        }
        if filtered and self.data["filter_mode"] == "tempfail":
            entry["filter_tempfail"] = True
        if filtered and self.data["filter_mode"] == "discard-spam" and spam_marked:
            entry["filter_blocked"] = True
        refused = {} if result is None else result["refused"]
        for rcpt in recipients:
            if rcpt in refused:
                entry["recipients"].append({"address": rcpt, "expected": "rejected", "reply": refused[rcpt]})
            elif not entry["accepted"]:
                entry["recipients"].append({"address": rcpt, "expected": "rejected", "reply": entry["reply"]})
            else:
                sink, status = self.lab.route(rcpt)
                if filtered and self.data["filter_mode"] == "tempfail":
                    status = "deferred"
                elif filtered and self.data["filter_mode"] == "discard-spam" and spam_marked:
                    status, sink = "discarded", "content-filter"
                elif status_override:
                    status = status_override
                entry["recipients"].append({"address": rcpt, "expected": status, "sink": sink})
        with self.lock:
            self.data["messages"].append(entry)
        return entry

    def rejection(self, **fields):
        with self.lock:
            self.data["rejections"].append(fields)

    def write(self, name=None):
        self.data["finished"] = now_iso()
        msgs = self.data["messages"]
        self.data["summary"] = {
            "messages": len(msgs),
            "accepted": sum(1 for m in msgs if m["accepted"]),
            "recipients": sum(len(m["recipients"]) for m in msgs),
            "by_role": {r: sum(1 for m in msgs if m["role"] == r) for r in sorted({m["role"] for m in msgs})},
            "expected_status": {s: sum(1 for m in msgs for r in m["recipients"] if r["expected"] == s)
                                for s in sorted({r["expected"] for m in msgs for r in m["recipients"]})},
            "auth_failures": len(self.data["auth_failures"]),
            "rejections": len(self.data["rejections"]),
        }
        out_dir = self.lab.env["LAB_MANIFEST_DIR"]
        os.makedirs(out_dir, exist_ok=True)
        name = name or f"{self.data['scenario']}-{datetime.datetime.now().strftime('%H%M%S%f')}"
        path = os.path.join(out_dir, name + ".json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(self.data, f, indent=2)
            f.write("\n")
        os.replace(path + ".tmp", path)
        return path
