#!/usr/bin/python3
"""Lab scenarios: the incidents our users live through, played against a running lab (run inside its namespace
by lab/scenario.sh). Each draws what it is not told from its seed, waits for the queue to settle and writes a
manifest (JSON) whose path is the last line printed on stdout.
"""
import argparse
import json
import os
import pwd
import random
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no root-owned __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labkit import (FREEMAIL, LEGIT_SUBJECTS, SPAM_SUBJECTS, Lab, Manifest, Picker, build_message,  # noqa: E402
                    parallel, smtp_send, swaks_auth_failure)

SPAM_BODY = "Dear friend,\n\nClick http://promo.invalid/{token} to claim your reward today.\n\nBest regards\n"
LEGIT_BODY = "Hi,\n\nas discussed, here is the {word}. Let me know what you think.\n\nCheers\n"


def listener(lab, args, kind):
    """(address, port, filtered) of the listener a scenario talks to; --no-filter picks the unfiltered twin."""
    base = {"mx": ("127.0.0.1", 25), "submission": ("127.0.0.1", 587), "open-relay": ("127.0.0.3", 25)}[kind]
    ip = base[0]
    if args.no_filter:
        ip = {"127.0.0.1": "127.0.0.2", "127.0.0.3": "127.0.0.4"}[ip]
    return ip, base[1], lab.filtered(ip)


def legit_traffic(lab, pick, manifest, users, count, args):
    """Normal users: each from a stable address of its own, to a few colleagues and partners, authenticated."""
    server, port, filtered = listener(lab, args, "submission")
    all_users = lab.users()
    tasks = []
    for user in users:
        ip = pick.office_ip()
        helo = user.split("@")[0] + "-laptop.lab.example"
        manifest.legitimate(kind="sasl", user=user, client_ip=ip)
        for _ in range(count):
            rcpts = [pick.external_recipient(dead_share=0.0, domains=("partner.example", "clients.example", "gmail.com"))
                     for _ in range(pick.rng.randint(1, 2))]
            if pick.rng.random() < 0.5:
                rcpts.append(pick.rng.choice([u for u in all_users if u != user] or [user]))
            subject = pick.rng.choice(LEGIT_SUBJECTS)
            mid = pick.message_id("lab.example")
            msg = build_message(user, rcpts, subject, LEGIT_BODY.format(word=pick.rng.choice(("draft", "report"))), mid)

            def send(user=user, ip=ip, rcpts=rcpts, msg=msg, mid=mid, subject=subject, helo=helo):
                res = smtp_send(server, port, ip, user, rcpts, msg, auth=(user, all_users[user]), helo=helo, tls=True)
                manifest.message("legit", {"kind": "sasl", "user": user, "client_ip": ip}, user, rcpts, mid,
                                 f"{server}:{port}", res, filtered, subject)
            tasks.append(send)
    return tasks


def pick_users(lab, pick, names, count, exclude=()):
    users = [u for u in lab.users() if u not in exclude]
    if names:
        return [n if "@" in n else f"{n}@{lab.domain}" for n in names.split(",") if n]
    pick.rng.shuffle(users)
    return sorted(users[:count])


def stolen_password(lab, args):
    pick = Picker(args.seed)
    victim = args.user or pick.rng.choice(sorted(lab.users()))
    if "@" not in victim:
        victim = f"{victim}@{lab.domain}"
    password = args.password or lab.users().get(victim) or f"pw-{pick.rng.getrandbits(32):08x}"
    victim = lab.ensure_user(victim, password)
    attacker_ips = args.ips.split(",") if args.ips else pick.ips(args.ip_count)
    brute_ips = attacker_ips[: max(1, min(len(attacker_ips), args.brute_ips))]
    legit_users = pick_users(lab, pick, args.legit_users, args.legit_user_count, exclude=(victim,))
    params = {"user": victim, "password": password, "count": args.count, "rcpts_per_msg": args.rcpts,
              "attacker_ips": attacker_ips, "brute_ips": brute_ips, "auth_failures": args.auth_failures,
              "legit_users": legit_users, "legit_count": args.legit_count, "sender": args.sender or victim,
              "no_filter": args.no_filter}
    manifest = Manifest(lab, "stolen-password", args.seed, params)
    manifest.culprit(kind="sasl", user=victim, client_ips=attacker_ips)
    server, port, filtered = listener(lab, args, "submission")

    # 1. Brute force: wrong passwords for the victim and a few other names, from the attacker's first addresses.
    others = [victim] * 3 + [f"{n}@{lab.domain}" for n in ("admin", "info", "test", "sales")]
    failures = []
    for i in range(args.auth_failures):
        ip = brute_ips[i % len(brute_ips)]
        who = others[i % len(others)]
        guess = f"{pick.rng.choice(('123456', 'password', 'qwerty', 'letmein', 'welcome1'))}{i}"
        failures.append(lambda ip=ip, who=who, guess=guess: (who, ip, swaks_auth_failure(f"{server}:{port}", ip, who, guess)))
    for who, ip, rc in parallel(failures, workers=args.workers):
        manifest.auth_failure(who, ip, rc)

    # 2. The flood: the stolen account from many addresses, many recipients each; legit users at the same time.
    tasks = []
    sender = args.sender or victim
    for i in range(args.count):
        ip = attacker_ips[i % len(attacker_ips)]
        rcpts = sorted({pick.external_recipient(dead_share=args.dead_share) for _ in range(args.rcpts)})
        subject = pick.rng.choice(SPAM_SUBJECTS)
        mid = pick.message_id(pick.rng.choice(("lab.example", "mail.lab.example", "localhost")))
        body = SPAM_BODY.format(token=f"{pick.rng.getrandbits(40):010x}")
        msg = build_message(f"\"Support Team\" <{sender}>", rcpts, subject, body, mid, ("X-Lab-Spam: yes",))

        def send(ip=ip, rcpts=rcpts, msg=msg, mid=mid, subject=subject):
            res = smtp_send(server, port, ip, sender, rcpts, msg, auth=(victim, password), helo="User", tls=True)
            manifest.message("spam", {"kind": "sasl", "user": victim, "client_ip": ip}, sender, rcpts, mid,
                             f"{server}:{port}", res, filtered, subject)
        tasks.append(send)
    tasks += legit_traffic(lab, pick, manifest, legit_users, args.legit_count, args)
    pick.rng.shuffle(tasks)
    parallel(tasks, workers=args.workers)
    return manifest


PHP_SENDER = r"""<?php
// Sends every job of the JSON file given as argument with mail(), as a hijacked web script does.
$jobs = json_decode(file_get_contents($argv[1]), true);
foreach ($jobs as $job) {
    $headers = "From: " . $job["from"] . "\r\nMessage-ID: " . $job["message_id"];
    foreach ($job["headers"] as $h) { $headers .= "\r\n" . $h; }
    if (!mail($job["to"], $job["subject"], $job["body"], $headers)) { fwrite(STDERR, "mail() failed\n"); exit(1); }
}
"""


def run_php(lab, script_path, jobs, run_as):
    """Runs the PHP script as the web server user; mail() goes through the lab's sendmail (-C its config)."""
    jobs_path = script_path + ".jobs.json"
    with open(jobs_path, "w", encoding="utf-8") as f:
        json.dump(jobs, f)
    pw = pwd.getpwnam(run_as)
    os.chown(jobs_path, pw.pw_uid, pw.pw_gid)
    sendmail_path = f"/usr/sbin/sendmail -t -i -C {lab.conf}"
    cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--",
           "php", "-n", "-d", f"sendmail_path={sendmail_path}", "-d", "mail.add_x_header=On", script_path, jobs_path]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False,
                          env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": pw.pw_dir})
    if proc.returncode != 0:
        raise SystemExit(f"lab: php {script_path} failed ({proc.returncode}): {proc.stderr.strip()[:500]}")


def place_script(lab, site, relative, owner):
    """Writes the PHP sender at www/<site>/<relative>, owned by `owner` (PHP's X-PHP-Originating-Script uid)."""
    path = os.path.join(lab.run_dir, "www", site, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(PHP_SENDER)
    pw = pwd.getpwnam(owner)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    d = os.path.join(lab.run_dir, "www")
    for root, dirs, _ in os.walk(d):
        os.chmod(root, 0o755)
    return path


def cron_mail(lab, pick, manifest, count, to):
    """The legitimate neighbour: root's cron job output, through sendmail, as cron sends it."""
    for i in range(count):
        mid = pick.message_id("mail.lab.example")
        subject = "Cron <root@mail> /usr/local/sbin/backup.sh"
        rcpts = [to if "@" in to else f"{to}@{lab.domain}"]  # as Postfix rewrites a bare local name
        msg = build_message("root (Cron Daemon)", rcpts, subject, f"backup finished: {pick.rng.randint(100, 999)} files\n",
                            mid, ("X-Cron-Env: <SHELL=/bin/sh>", "X-Cron-Env: <HOME=/root>"))
        subprocess.run(["/usr/sbin/sendmail", "-C", lab.conf, "-t", "-i"], input=msg.replace("\r\n", "\n"),
                       text=True, check=True, timeout=60)
        manifest.message("legit", {"kind": "local", "uid": 0, "user": "root", "program": "cron"},
                         f"root@{lab.domain}", rcpts, mid, "sendmail", None, lab.filter_on, subject)
    manifest.legitimate(kind="local", uid=0, user="root")


def hacked_script(lab, args):
    pick = Picker(args.seed)
    script = args.script or pick.rng.choice(("wp-cache.php", "class-wp-mailer.php", "xmlrpc-helper.php", "db-backup.php",
                                             "thumb.php", "wp-conf1g.php"))
    site = args.site or pick.rng.choice(("shop.lab.example", "blog.lab.example", "www.lab.example"))
    run_as = args.run_as
    pw = pwd.getpwnam(run_as)
    rel_dir = pick.rng.choice(("wp-content/uploads/2024/03", "wp-includes/js", "wp-content/plugins/seo-tools"))
    script_path = place_script(lab, site, os.path.join(rel_dir, script), run_as)
    legit_path = place_script(lab, site, "contact.php", run_as)
    sender = f"{run_as}@{lab.domain}"
    params = {"script": script, "script_path": script_path, "site": site, "run_as": run_as, "uid": pw.pw_uid,
              "count": args.count, "rcpts_per_msg": args.rcpts, "legit_script": "contact.php",
              "legit_count": args.legit_count, "cron_count": args.cron_count, "cron_to": args.cron_to}
    manifest = Manifest(lab, "hacked-script", args.seed, params)
    manifest.culprit(kind="local", uid=pw.pw_uid, user=run_as, script=script, script_path=script_path)
    filtered = lab.filter_on
    spam_jobs, legit_jobs = [], []
    for _ in range(args.count):
        rcpts = sorted({pick.external_recipient(dead_share=args.dead_share) for _ in range(args.rcpts)})
        mid = pick.message_id(site)
        subject = pick.rng.choice(SPAM_SUBJECTS)
        spam_jobs.append({"to": ", ".join(rcpts), "subject": subject, "message_id": mid,
                          "from": f"\"PayPal Service\" <service@{site}>", "headers": ["X-Lab-Spam: yes"],
                          "body": SPAM_BODY.format(token=f"{pick.rng.getrandbits(40):010x}"), "rcpts": rcpts})
    for _ in range(args.legit_count):
        rcpts = [f"shop-owner@clients.example"]
        mid = pick.message_id(site)
        legit_jobs.append({"to": ", ".join(rcpts), "subject": "Contact form: question about an order",
                           "message_id": mid, "from": f"\"{site}\" <{sender}>", "headers": [],
                           "body": "A visitor asked about order 1234.\n", "rcpts": rcpts})
    origin = {"kind": "local", "uid": pw.pw_uid, "user": run_as}
    if legit_jobs:
        run_php(lab, legit_path, legit_jobs, run_as)
        for job in legit_jobs:
            manifest.message("legit", dict(origin, script="contact.php"), sender, job["rcpts"], job["message_id"],
                             "sendmail", None, filtered, job["subject"])
    run_php(lab, script_path, spam_jobs, run_as)
    for job in spam_jobs:
        manifest.message("spam", dict(origin, script=script), sender, job["rcpts"], job["message_id"], "sendmail",
                         None, filtered, job["subject"])
    cron_mail(lab, pick, manifest, args.cron_count, args.cron_to)
    return manifest


def open_relay(lab, args):
    pick = Picker(args.seed)
    clients = args.ips.split(",") if args.ips else pick.ips(args.ip_count)
    params = {"client_ips": clients, "count": args.count, "rcpts_per_msg": args.rcpts, "probe_correct": args.probes,
              "no_filter": args.no_filter}
    manifest = Manifest(lab, "open-relay", args.seed, params)
    manifest.culprit(kind="relay", client_ips=clients)
    server, port, filtered = listener(lab, args, "open-relay")
    tasks = []
    for i in range(args.count):
        ip = clients[i % len(clients)]
        rcpts = sorted({pick.external_recipient(dead_share=args.dead_share) for _ in range(args.rcpts)})
        sender = f"{pick.local_part()}@{pick.rng.choice(('promo-deals.example', 'bulk-sender.example', 'gmail.com'))}"
        mid = pick.message_id("bulk-sender.example")
        subject = pick.rng.choice(SPAM_SUBJECTS)
        msg = build_message(sender, rcpts, subject, SPAM_BODY.format(token=i), mid, ("X-Lab-Spam: yes",))

        def send(ip=ip, rcpts=rcpts, msg=msg, mid=mid, sender=sender, subject=subject):
            res = smtp_send(server, port, ip, sender, rcpts, msg, helo=f"[{ip}]")
            manifest.message("spam", {"kind": "relay", "client_ip": ip}, sender, rcpts, mid, f"{server}:{port}", res,
                             filtered, subject)
        tasks.append(send)
    # The correctly configured MX answers the same client "Relay access denied".
    for i in range(args.probes):
        ip = clients[i % len(clients)]
        rcpt = pick.external_recipient(dead_share=0)
        res = smtp_send("127.0.0.1", 25, ip, f"probe{i}@bulk-sender.example", [rcpt],
                        build_message("x@bulk-sender.example", [rcpt], "probe", "probe\n", pick.message_id("x")), helo=f"[{ip}]")
        manifest.rejection(client_ip=ip, server="127.0.0.1:25", recipient=rcpt, expected="554 5.7.1 Relay access denied",
                           reply=next(iter(res["refused"].values()), res["reply"]))
    parallel(tasks, workers=args.workers)
    return manifest


def backscatter(lab, args):
    pick = Picker(args.seed)
    clients = args.ips.split(",") if args.ips else pick.ips(args.ip_count)
    params = {"client_ips": clients, "count": args.count, "domain": "legacy.example", "probe_correct": args.probes,
              "no_filter": args.no_filter}
    manifest = Manifest(lab, "backscatter", args.seed, params)
    manifest.culprit(kind="backscatter", domain="legacy.example")
    server, port, filtered = listener(lab, args, "open-relay")  # the listener without recipient validation
    forged_domains = tuple(args.forged_domains.split(",")) if args.forged_domains else FREEMAIL + ("clients.example",)
    tasks = []
    for i in range(args.count):
        ip = clients[i % len(clients)]
        rcpt = f"{pick.local_part()}@legacy.example"
        forged = pick.external_recipient(dead_share=0.15, domains=forged_domains)
        mid = pick.message_id(forged.split("@")[1])
        subject = pick.rng.choice(SPAM_SUBJECTS)
        msg = build_message(forged, [rcpt], subject, SPAM_BODY.format(token=i), mid, ("X-Lab-Spam: yes",))

        def send(ip=ip, rcpt=rcpt, forged=forged, msg=msg, mid=mid, subject=subject):
            res = smtp_send(server, port, ip, forged, [rcpt], msg, helo=f"[{ip}]")
            entry = manifest.message("inbound-spam", {"kind": "smtp", "client_ip": ip}, forged, [rcpt], mid,
                                     f"{server}:{port}", res, filtered, subject)
            # The backend refuses the unknown user; our bounce then goes to the forged sender: the backscatter.
            entry["expected_bounce_to"] = {"address": forged, "expected": lab.route(forged)[1] if forged else None}
        tasks.append(send)
    for i in range(args.probes):
        ip = clients[i % len(clients)]
        rcpt = f"{pick.local_part()}@legacy.example"
        res = smtp_send("127.0.0.1", 25, ip, f"x{i}@gmail.com", [rcpt],
                        build_message(f"x{i}@gmail.com", [rcpt], "probe", "probe\n", pick.message_id("x")), helo=f"[{ip}]")
        manifest.rejection(client_ip=ip, server="127.0.0.1:25", recipient=rcpt,
                           expected="550 5.1.1 User unknown in relay recipient table",
                           reply=next(iter(res["refused"].values()), res["reply"]))
    parallel(tasks, workers=args.workers)
    return manifest


def contact_form(lab, pick, manifest, count, site="www.lab.example", run_as="www-data"):
    """A site's legitimate contact form: mail() from contact.php to the one fixed address of the shop owner."""
    path = place_script(lab, site, "contact.php", run_as)
    pw = pwd.getpwnam(run_as)
    sender = f"{run_as}@{lab.domain}"
    jobs = [{"to": "shop-owner@clients.example", "subject": "Contact form: question about an order",
             "message_id": pick.message_id(site), "from": f"\"{site}\" <{sender}>", "headers": [],
             "body": f"A visitor asked about order {pick.rng.randint(1000, 9999)}.\n", "rcpts": ["shop-owner@clients.example"]}
            for _ in range(count)]
    run_php(lab, path, jobs, run_as)
    origin = {"kind": "local", "uid": pw.pw_uid, "user": run_as, "script": "contact.php"}
    for job in jobs:
        manifest.message("legit", origin, sender, job["rcpts"], job["message_id"], "sendmail", None, lab.filter_on, job["subject"])
    manifest.legitimate(kind="local", uid=pw.pw_uid, user=run_as, script="contact.php")


def incident(lab, args):
    from incident import incident as play
    handlers = {"stolen-password": stolen_password, "hacked-script": hacked_script, "open-relay": open_relay,
                "backscatter": backscatter, "contact-form": contact_form, "www-uid": pwd.getpwnam("www-data").pw_uid}
    return play(lab, args, handlers)


def legit(lab, args):
    pick = Picker(args.seed)
    users = pick_users(lab, pick, args.users, args.user_count)
    manifest = Manifest(lab, "legit", args.seed, {"users": users, "count": args.count, "no_filter": args.no_filter})
    parallel(legit_traffic(lab, pick, manifest, users, args.count, args), workers=args.workers)
    return manifest


def queue_states(lab, args):
    """Deferred (greylisting, content filter down), bounced, held and filter-blocked messages from one user."""
    pick = Picker(args.seed)
    user = args.user or pick.rng.choice(sorted(lab.users()))
    if "@" not in user:
        user = f"{user}@{lab.domain}"
    password = lab.users()[user]
    manifest = Manifest(lab, "queue-states", args.seed, {"user": user, "count": args.count, "hold": args.hold})
    server, port, filtered = listener(lab, args, "submission")
    ip = pick.office_ip()
    manifest.legitimate(kind="sasl", user=user, client_ip=ip)
    kinds = ["greylist.example", "oldcorp.example", "partner.example"]
    held_ids = []
    for i in range(args.count):
        rcpt = f"{pick.local_part()}@{kinds[i % len(kinds)]}"
        mid = pick.message_id("lab.example")
        msg = build_message(user, [rcpt], "Re: order", "see attached\n", mid)
        res = smtp_send(server, port, ip, user, [rcpt], msg, auth=(user, password), helo="office-pc", tls=True)
        manifest.message("legit", {"kind": "sasl", "user": user, "client_ip": ip}, user, [rcpt], mid,
                         f"{server}:{port}", res, filtered, "Re: order")
    if filtered and args.tempfail:
        lab.settle(timeout=60)  # what was sent before must pass the filter before it starts failing
        lab.set_filter_mode("tempfail")
        manifest.data["filter_mode"] = "tempfail"
        for i in range(args.tempfail):
            rcpt = f"{pick.local_part()}@partner.example"
            mid = pick.message_id("lab.example")
            res = smtp_send(server, port, ip, user, [rcpt], build_message(user, [rcpt], "Offer", "hello\n", mid),
                            auth=(user, password), helo="office-pc", tls=True)
            manifest.message("legit", {"kind": "sasl", "user": user, "client_ip": ip}, user, [rcpt], mid,
                             f"{server}:{port}", res, filtered, "Offer")
        lab.settle(timeout=60)
        lab.set_filter_mode("pass")
        manifest.data["filter_mode"] = "pass"
    if filtered and args.blocked:
        # The filter in discard-spam mode: amavis logs "Blocked SPAM" and the message goes no further.
        lab.settle(timeout=60)
        lab.set_filter_mode("discard-spam")
        manifest.data["filter_mode"] = "discard-spam"
        for i in range(args.blocked):
            rcpt = pick.external_recipient(dead_share=0)
            mid = pick.message_id("lab.example")
            res = smtp_send(server, port, ip, user, [rcpt],
                            build_message(user, [rcpt], "Cheap meds", "buy now\n", mid, ("X-Lab-Spam: yes",)),
                            auth=(user, password), helo="office-pc", tls=True)
            manifest.message("filtered-spam", {"kind": "sasl", "user": user, "client_ip": ip}, user, [rcpt], mid,
                             f"{server}:{port}", res, filtered, "Cheap meds", spam_marked=True)
        lab.settle(timeout=60)
        lab.set_filter_mode("pass")
        manifest.data["filter_mode"] = "pass"
    # Hold a few deferred messages, as an admin does with postsuper -h while investigating.
    lab.settle(timeout=60)
    deferred = [m for m in lab.postqueue() if m.get("queue_name") == "deferred" and m.get("sender") == user]
    for m in sorted(deferred, key=lambda m: m["queue_id"])[: args.hold]:
        subprocess.run(["postsuper", "-c", lab.conf, "-h", m["queue_id"]], check=True, capture_output=True)
        held_ids.append(m["queue_id"])
    manifest.data["held_queue_ids"] = held_ids
    return manifest


def expire(lab, args):
    """Mail that can never be delivered (greylisted forever) until Postfix gives up: delay warning, then expiry."""
    if lab.env.get("LAB_PROFILE") != "fast-expiry":
        raise SystemExit("lab: the expire scenario needs a lab started with LAB_PROFILE=fast-expiry")
    pick = Picker(args.seed)
    user = args.user or pick.rng.choice(sorted(lab.users()))
    if "@" not in user:
        user = f"{user}@{lab.domain}"
    password = lab.users()[user]
    manifest = Manifest(lab, "expire", args.seed, {"user": user, "count": args.count})
    manifest.legitimate(kind="sasl", user=user)
    server, port, filtered = listener(lab, args, "submission")
    ip = pick.office_ip()
    queued = []
    for i in range(args.count):
        rcpt = f"{pick.local_part()}@greylist.example"
        mid = pick.message_id("lab.example")
        res = smtp_send(server, port, ip, user, [rcpt], build_message(user, [rcpt], "Quarterly report", "attached\n", mid),
                        auth=(user, password), helo="office-pc", tls=True)
        entry = manifest.message("legit", {"kind": "sasl", "user": user, "client_ip": ip}, user, [rcpt], mid,
                                 f"{server}:{port}", res, filtered, "Quarterly report", status_override="expired")
        entry["expected_notifications"] = ["delay", "bounce"]
        queued.append(rcpt)
    # Wait until Postfix has given up on every one of them (a delay warning first, then "expired").
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        left = [m for m in lab.postqueue() if any(r["address"] in queued for r in m.get("recipients", []))
                and m.get("sender") == user]
        if not left:
            break
        time.sleep(0.5)
    else:
        raise SystemExit(f"lab: messages did not expire within {args.timeout} s")
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", required=True, help="the lab run directory")
    sub = parser.add_subparsers(dest="scenario", required=True)

    def common(p):
        p.add_argument("--seed", type=int, default=None, help="random seed (default: drawn and recorded)")
        p.add_argument("--no-filter", action="store_true", help="use the listener without the content filter")
        p.add_argument("--no-settle", action="store_true", help="do not wait for the queue to settle")
        p.add_argument("--workers", type=int, default=4, help="concurrent SMTP clients")
        p.add_argument("--dead-share", type=float, default=0.1, help="share of recipients that do not exist (550 5.1.1)")
        p.add_argument("--name", default=None, help="manifest file name (without .json)")
        return p

    p = common(sub.add_parser("stolen-password", help="brute force, then one account floods from many addresses"))
    p.add_argument("--user"); p.add_argument("--password"); p.add_argument("--sender")
    p.add_argument("--count", type=int, default=40); p.add_argument("--rcpts", type=int, default=5)
    p.add_argument("--ips", help="comma-separated attacker addresses (in 198.18.0.0/15)"); p.add_argument("--ip-count", type=int, default=12)
    p.add_argument("--brute-ips", type=int, default=2); p.add_argument("--auth-failures", type=int, default=10)
    p.add_argument("--legit-users"); p.add_argument("--legit-user-count", type=int, default=2)
    p.add_argument("--legit-count", type=int, default=3)
    p = common(sub.add_parser("hacked-script", help="a PHP script run by www-data calls mail() in a loop"))
    p.add_argument("--script"); p.add_argument("--site"); p.add_argument("--run-as", default="www-data")
    p.add_argument("--count", type=int, default=30); p.add_argument("--rcpts", type=int, default=3)
    p.add_argument("--legit-count", type=int, default=2); p.add_argument("--cron-count", type=int, default=1)
    p.add_argument("--cron-to", default="root")
    p = common(sub.add_parser("open-relay", help="unauthenticated clients relay through a too-wide mynetworks"))
    p.add_argument("--ips"); p.add_argument("--ip-count", type=int, default=3)
    p.add_argument("--count", type=int, default=20); p.add_argument("--rcpts", type=int, default=4)
    p.add_argument("--probes", type=int, default=2)
    p = common(sub.add_parser("backscatter", help="mail to unknown users of a domain without validation, bounced"))
    p.add_argument("--ips"); p.add_argument("--ip-count", type=int, default=4)
    p.add_argument("--count", type=int, default=20); p.add_argument("--probes", type=int, default=2)
    p.add_argument("--forged-domains", help="comma-separated domains of the forged senders (default: free mail and clients.example)")
    p = common(sub.add_parser("incident", help="randomized: one or two attacks beside ordinary, bulk and roaming senders, after earlier days"))
    p.add_argument("--kinds", help="comma-separated attacks instead of a draw: " + ",".join(("stolen-password", "hacked-script", "open-relay", "backscatter")))
    p.add_argument("--refusals", choices=("draw", "none", "some"), default="draw", help="receivers refuse nothing (none), as routed (some), or drawn")
    p.add_argument("--days", type=int, default=None, help="days of ordinary traffic before the attack day (default: drawn, 0-4)")
    p = common(sub.add_parser("legit", help="ordinary users sending ordinary mail"))
    p.add_argument("--users"); p.add_argument("--user-count", type=int, default=3)
    p.add_argument("--count", type=int, default=3)
    p = common(sub.add_parser("queue-states", help="deferred, bounced and held messages; content filter down"))
    p.add_argument("--user"); p.add_argument("--count", type=int, default=6)
    p.add_argument("--hold", type=int, default=1); p.add_argument("--tempfail", type=int, default=2)
    p.add_argument("--blocked", type=int, default=1, help="spam messages the filter discards (Blocked SPAM)")
    p = common(sub.add_parser("expire", help="undeliverable mail until delay warning and expiry (LAB_PROFILE=fast-expiry)"))
    p.add_argument("--user"); p.add_argument("--count", type=int, default=2)
    p.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()

    lab = Lab(args.run)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 2**31)
    if args.scenario == "hacked-script":
        args.no_filter = False  # local submission: the global content_filter decides
    print(f"lab: scenario {args.scenario} seed {args.seed}", file=sys.stderr, flush=True)
    started = time.monotonic()
    handler = {"stolen-password": stolen_password, "hacked-script": hacked_script, "open-relay": open_relay,
               "backscatter": backscatter, "legit": legit, "queue-states": queue_states, "expire": expire,
               "incident": incident}[args.scenario]
    manifest = handler(lab, args)
    settled = True if args.no_settle else lab.settle()
    manifest.data["settled"] = settled
    manifest.data["duration_s"] = round(time.monotonic() - started, 2)
    path = manifest.write(args.name)
    s = manifest.data["summary"]
    print(f"lab: {args.scenario}: {s['messages']} messages ({s['accepted']} accepted), {s['recipients']} recipients, "
          f"{s['auth_failures']} auth failures, {manifest.data['duration_s']} s", file=sys.stderr)
    print(path)
    if not settled:
        print("lab: warning: the queue did not settle in time", file=sys.stderr)


if __name__ == "__main__":
    main()
