"""The randomized incident: one or two attacks (stolen-password, hacked-script, open-relay, backscatter) beside
ordinary, bulk and roaming senders, after several days of ordinary traffic, everything drawn from the seed.

The earlier days are played first, each as a segment of the real lab log, then the attack day. Postfix logs the
wall clock, so the incident's log (`maillog_incident` in the manifest) is the lab's maillog with each earlier
segment's lines moved back by whole days: a segment played for "3 days ago" is dated 3 days earlier. The ground
truth (`truth`) names every culprit by diagnose's kind and key and every legitimate origin.
"""
import argparse
import datetime
import os
import re

from labkit import LEGIT_SUBJECTS, Manifest, Picker, build_message, parallel, smtp_send

ACCEPTING = Picker.ACCEPTING
FIRST_NAMES = ("anna", "bruno", "chiara", "dario", "elena", "fabio", "giulia", "hugo", "irene", "jonas", "karla",
               "luca", "marta", "nils", "olga", "pietro", "rosa", "sven", "tina", "ugo", "vera", "walter")
ATTACKS = ("stolen-password", "hacked-script", "open-relay", "backscatter")
SYSLOG_TIME = re.compile(rb"^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) ")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def sub_args(seed, **fields):
    """The argparse namespace a scenario function expects, with the common options' defaults."""
    base = {"seed": seed, "no_filter": False, "no_settle": True, "workers": 4, "dead_share": 0.1, "name": None}
    base.update(fields)
    return argparse.Namespace(**base)


def ordinary_mail(lab, pick, manifest, user, ips, count, recipients, server, port, filtered, subject_pool=LEGIT_SUBJECTS):
    """`count` messages of `user` over submission, alternating between `ips`, each to a draw from `recipients`."""
    password = lab.users()[user]
    tasks = []
    for i in range(count):
        ip = ips[i % len(ips)]
        rcpts = recipients(i)
        subject = pick.rng.choice(subject_pool)
        mid = pick.message_id("lab.example")
        msg = build_message(user, rcpts, subject, "Hi,\n\nhere is the update.\n\nCheers\n", mid)
        helo = user.split("@")[0] + ("-laptop" if ip.startswith("203.") else "-phone") + ".lab.example"

        def send(ip=ip, rcpts=rcpts, msg=msg, mid=mid, subject=subject, helo=helo):
            res = smtp_send(server, port, ip, user, rcpts, msg, auth=(user, password), helo=helo, tls=True)
            manifest.message("legit", {"kind": "sasl", "user": user, "client_ip": ip}, user, rcpts, mid,
                             f"{server}:{port}", res, filtered, subject)
        tasks.append(send)
    return tasks


def shift_segments(maillog, segments, out_path):
    """Copies the maillog, moving each earlier day's lines (byte range end, days back) back by those days."""
    with open(maillog, "rb") as f:
        data = f.read()
    year = datetime.datetime.now().year
    out = []
    pos = 0
    for end, days in segments:
        for line in data[pos:end].splitlines(keepends=True):
            out.append(shift_line(line, days, year))
        pos = end
    out.append(data[pos:])
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(b"".join(out))
    os.replace(tmp, out_path)


def shift_line(line, days, year):
    m = SYSLOG_TIME.match(line)
    if not m:
        return line
    month = MONTHS.index(m.group(1).decode()) + 1
    t = datetime.datetime(year, month, int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)))
    t -= datetime.timedelta(days=days)
    day = f"{t.day:2d}" if m.group(2).startswith(b" ") else f"{t.day:02d}"  # as the log wrote it ("Dec  8" or "Dec 08")
    stamp = f"{MONTHS[t.month - 1]} {day} {t:%H:%M:%S} ".encode()
    return stamp + line[m.end():]


def incident(lab, args, handlers):
    pick = Picker(args.seed)
    rng = pick.rng
    kinds = sorted(rng.sample(ATTACKS, rng.choice((1, 1, 2))), key=ATTACKS.index) if not args.kinds else args.kinds.split(",")
    refusal_free = rng.random() < 0.5 if args.refusals == "draw" else args.refusals == "none"
    Picker.refusal_free = refusal_free
    history_days = rng.choice((0, 2, 3, 4)) if args.days is None else args.days
    names = rng.sample(FIRST_NAMES, 8)
    users = {n: f"{n}@{lab.domain}" for n in names}
    for n, u in users.items():
        lab.ensure_user(u, f"pw-{n}-{rng.getrandbits(24):06x}")
    victim, roamer, newsletter, colleagues = users[names[0]], users[names[1]], users[names[2]], [users[n] for n in names[3:6]]
    variations = {
        "refusal_free": refusal_free,
        "history_days": history_days,
        "roaming_user": rng.random() < 0.6,
        "newsletter": rng.random() < 0.6,
        "contact_form": "hacked-script" not in kinds and rng.random() < 0.6,
        "two_attacker_ips": "stolen-password" in kinds and rng.random() < 0.4,
        "attackers_in_one_net": rng.random() < 0.4,
    }
    dead = 0.0 if refusal_free else 0.1
    params = {"kinds": kinds, "variations": variations, "victim": victim if "stolen-password" in kinds else None}
    manifest = Manifest(lab, "incident", args.seed, params)
    server, port, filtered = "127.0.0.1", 587, lab.filtered("127.0.0.1")
    office = {u: pick.office_ip() for u in [victim, roamer, newsletter] + colleagues}
    remote_of_roamer = pick.ip()
    subscribers = sorted({f"{pick.local_part()}@{rng.choice(('clients.example', 'news.example', 'gmail.com'))}"
                          for _ in range(rng.randint(25, 60))})
    partners = sorted({pick.external_recipient(dead_share=0.0, domains=("partner.example", "clients.example", "gmail.com"))
                       for _ in range(12)})

    legit_origins = [{"kind": "sasl", "key": u} for u in colleagues]
    for u in colleagues:
        manifest.legitimate(kind="sasl", user=u, client_ip=office[u])
    if variations["roaming_user"]:
        legit_origins.append({"kind": "sasl", "key": roamer, "roaming": [office[roamer], remote_of_roamer]})
        manifest.legitimate(kind="sasl", user=roamer, client_ip=office[roamer])
    if variations["newsletter"]:
        legit_origins.append({"kind": "sasl", "key": newsletter, "bulk": len(subscribers)})
        manifest.legitimate(kind="sasl", user=newsletter, client_ip=office[newsletter])

    def ordinary_day():
        tasks = []
        for u in colleagues:
            tasks += ordinary_mail(lab, pick, manifest, u, [office[u]], rng.randint(2, 5),
                                   lambda i: rng.sample(partners, rng.randint(1, 2)), server, port, filtered)
        if variations["roaming_user"]:
            tasks += ordinary_mail(lab, pick, manifest, roamer, [office[roamer], remote_of_roamer], rng.randint(3, 6),
                                   lambda i: rng.sample(partners, rng.randint(1, 2)), server, port, filtered)
        if variations["newsletter"]:
            batches = [subscribers[i:i + 10] for i in range(0, len(subscribers), 10)]
            tasks += ordinary_mail(lab, pick, manifest, newsletter, [office[newsletter]], len(batches),
                                   lambda i: batches[i], server, port, filtered, ("Our monthly news", "This week at the shop"))
        rng.shuffle(tasks)
        parallel(tasks, workers=4)
        if variations["contact_form"]:
            handlers["contact-form"](lab, pick, manifest, rng.randint(2, 6))

    # The days before: ordinary traffic only (the victim too, from its office, to its partners).
    segments = []
    for days_back in range(history_days, 0, -1):
        ordinary_day()
        parallel(ordinary_mail(lab, pick, manifest, victim, [office[victim]], rng.randint(2, 4),
                               lambda i: rng.sample(partners, 1), server, port, filtered), workers=2)
        lab.settle(timeout=60)
        segments.append((os.path.getsize(lab.env["LAB_MAILLOG"]), days_back))

    # The attack day: the same ordinary traffic, then the attacks.
    ordinary_day()
    culprits = []
    for i, kind in enumerate(kinds):
        seed = args.seed * 10 + i + 1
        if kind == "stolen-password":
            n = 2 if variations["two_attacker_ips"] else rng.randint(4, 12)
            ips = one_net_ips(pick, n) if variations["attackers_in_one_net"] else None
            sub = sub_args(seed, user=victim, password=lab.users()[victim], sender=None, count=rng.randint(10, 40),
                           rcpts=rng.randint(3, 6), ips=",".join(ips) if ips else None, ip_count=n,
                           brute_ips=rng.randint(1, 2), auth_failures=rng.randint(4, 14), legit_users=None,
                           legit_user_count=0, legit_count=0, dead_share=dead)
        elif kind == "hacked-script":
            sub = sub_args(seed, script=None, site=None, run_as="www-data", count=rng.randint(12, 40),
                           rcpts=rng.randint(1, 4), legit_count=rng.randint(1, 6), cron_count=rng.randint(0, 2),
                           cron_to="root", dead_share=dead)
        elif kind == "open-relay":
            n = rng.randint(1, 4)
            ips = one_net_ips(pick, n) if variations["attackers_in_one_net"] else None
            sub = sub_args(seed, ips=",".join(ips) if ips else None, ip_count=n, count=rng.randint(8, 30),
                           rcpts=rng.randint(2, 5), probes=rng.randint(0, 2), dead_share=dead)
        else:
            domains = rng.sample(ACCEPTING if refusal_free else ("gmail.com", "clients.example", "yahoo.com", "live.com"),
                                 rng.choice((1, 2)))
            sub = sub_args(seed, ips=None, ip_count=rng.randint(1, 4), count=rng.randint(3, 10),
                           probes=rng.randint(0, 2), forged_domains=",".join(domains))
        part = handlers[kind](lab, sub)
        manifest.data.setdefault("parts", []).append({"scenario": kind, "seed": seed, "params": part.data["params"]})
        for key in ("messages", "rejections", "auth_failures"):
            manifest.data[key] += part.data[key]
        for c in part.data["expected_culprits"]:
            manifest.culprit(**c)
            culprits += truth_of(c)
        for legit in part.data["legitimate_senders"]:
            manifest.legitimate(**legit)
            if legit["kind"] == "local":
                legit_origins.append({"kind": "local", "key": str(legit["uid"])})
    if variations["contact_form"]:
        legit_origins.append({"kind": "local", "key": str(handlers["www-uid"]), "script": "contact.php"})
    if "backscatter" in kinds:
        # The clients that injected the bounced mail are its cause, never open-relay clients.
        injectors = sorted({m["origin"]["client_ip"] for m in manifest.data["messages"] if m["role"] == "inbound-spam"})
        legit_origins += [{"kind": "relay", "key": ip, "backscatter_injector": True} for ip in injectors]
    if "stolen-password" not in kinds:
        legit_origins.append({"kind": "sasl", "key": victim})
        manifest.legitimate(kind="sasl", user=victim, client_ip=office[victim])
    lab.settle(timeout=90)
    Picker.refusal_free = False

    out = os.path.join(lab.env["LAB_MANIFEST_DIR"], (args.name or f"incident-{args.seed}") + ".maillog")
    shift_segments(lab.env["LAB_MAILLOG"], segments, out)
    manifest.data["maillog_incident"] = out
    manifest.data["truth"] = {"culprits": culprits, "legitimate": dedupe(legit_origins)}
    return manifest


def one_net_ips(pick, n):
    """n attacker addresses inside one /24 of the remote-client range."""
    net = f"198.{pick.rng.randint(18, 19)}.{pick.rng.randint(0, 255)}"
    hosts = pick.rng.sample(range(2, 254), n)
    ips = [f"{net}.{h}" for h in hosts]
    pick.used_ips.update(ips)
    return ips


def truth_of(c):
    """A scenario's expected culprit as diagnose's kind and key (an open relay: one per client)."""
    if c["kind"] == "sasl":
        return [{"kind": "sasl", "key": c["user"]}]
    if c["kind"] == "local":
        return [{"kind": "local", "key": str(c["uid"]), "script": c["script"]}]
    if c["kind"] == "relay":
        return [{"kind": "relay", "key": ip} for ip in c["client_ips"]]
    return [{"kind": "bounce", "key": ""}]


def dedupe(origins):
    seen, out = set(), []
    for o in origins:
        if (o["kind"], o["key"]) not in seen:
            seen.add((o["kind"], o["key"]))
            out.append(o)
    return out
