namespace SpamTrace.Logs.Parsing;

/// <summary>Which parser family a syslog tag belongs to.</summary>
internal enum ProgramFamily : byte
{
    Foreign,
    Postfix,
    Amavis,
    Dovecot,
}

/// <summary>The Postfix program (last component of the tag) a payload parser is chosen by.</summary>
internal enum PostfixDaemon : byte
{
    Other,
    Smtpd,
    Cleanup,
    Qmgr,
    Pickup,
    /// <summary>smtp, lmtp, local, virtual, pipe, error, retry, discard.</summary>
    Delivery,
    /// <summary>bounce, defer, trace.</summary>
    Bounce,
    Postsuper,
    Anvil,
    Postscreen,
    /// <summary>Daemons whose normal lines carry nothing the analysis needs (master, tlsmgr, scache...).</summary>
    Informational,
}

internal static class ProgramClassifier
{
    /// <summary>
    /// Postfix tags start with "postfix" (postfix/, postfix-out/, postfix-smo/submission/) or carry a custom
    /// syslog_name with a slash before a Postfix program name (mail-out/smtp); amavisd-new logs as amavis or
    /// amavisd; dovecot as dovecot (or its processes).
    /// </summary>
    public static ProgramFamily Classify(ReadOnlySpan<byte> tag)
    {
        if (tag.StartsWith("postfix"u8))
        {
            return ProgramFamily.Postfix;
        }
        int slash = tag.LastIndexOf((byte)'/');
        if (slash >= 0 && Daemon(tag.Slice(slash + 1)) != PostfixDaemon.Other)
        {
            return ProgramFamily.Postfix;
        }
        if (tag.StartsWith("amavis"u8))
        {
            return ProgramFamily.Amavis;
        }
        if (tag.StartsWith("dovecot"u8) || tag.EndsWith("-login"u8))
        {
            return ProgramFamily.Dovecot;
        }
        return ProgramFamily.Foreign;
    }

    public static PostfixDaemon Daemon(ReadOnlySpan<byte> d)
    {
        switch (d.Length)
        {
            case 4:
                if (d.SequenceEqual("smtp"u8) || d.SequenceEqual("lmtp"u8) || d.SequenceEqual("pipe"u8))
                {
                    return PostfixDaemon.Delivery;
                }
                if (d.SequenceEqual("qmgr"u8))
                {
                    return PostfixDaemon.Qmgr;
                }
                break;
            case 5:
                if (d.SequenceEqual("smtpd"u8))
                {
                    return PostfixDaemon.Smtpd;
                }
                if (d.SequenceEqual("local"u8) || d.SequenceEqual("error"u8) || d.SequenceEqual("retry"u8))
                {
                    return PostfixDaemon.Delivery;
                }
                if (d.SequenceEqual("anvil"u8))
                {
                    return PostfixDaemon.Anvil;
                }
                if (d.SequenceEqual("oqmgr"u8) || d.SequenceEqual("nqmgr"u8))
                {
                    return PostfixDaemon.Qmgr;
                }
                if (d.SequenceEqual("defer"u8) || d.SequenceEqual("trace"u8))
                {
                    return PostfixDaemon.Bounce;
                }
                if (d.SequenceEqual("flush"u8) || d.SequenceEqual("spawn"u8) || d.SequenceEqual("showq"u8) || d.SequenceEqual("qmqpd"u8))
                {
                    return PostfixDaemon.Informational;
                }
                break;
            case 6:
                if (d.SequenceEqual("pickup"u8))
                {
                    return PostfixDaemon.Pickup;
                }
                if (d.SequenceEqual("bounce"u8))
                {
                    return PostfixDaemon.Bounce;
                }
                if (d.SequenceEqual("master"u8) || d.SequenceEqual("tlsmgr"u8) || d.SequenceEqual("scache"u8) || d.SequenceEqual("verify"u8))
                {
                    return PostfixDaemon.Informational;
                }
                break;
            case 7:
                if (d.SequenceEqual("cleanup"u8))
                {
                    return PostfixDaemon.Cleanup;
                }
                if (d.SequenceEqual("virtual"u8) || d.SequenceEqual("discard"u8))
                {
                    return PostfixDaemon.Delivery;
                }
                if (d.SequenceEqual("dnsblog"u8) || d.SequenceEqual("postmap"u8) || d.SequenceEqual("postlog"u8))
                {
                    return PostfixDaemon.Informational;
                }
                break;
            default:
                if (d.SequenceEqual("postsuper"u8))
                {
                    return PostfixDaemon.Postsuper;
                }
                if (d.SequenceEqual("postscreen"u8))
                {
                    return PostfixDaemon.Postscreen;
                }
                if (d.SequenceEqual("tlsproxy"u8) || d.SequenceEqual("postfix-script"u8) || d.SequenceEqual("trivial-rewrite"u8)
                    || d.SequenceEqual("proxymap"u8) || d.SequenceEqual("postalias"u8) || d.SequenceEqual("postqueue"u8)
                    || d.SequenceEqual("postdrop"u8) || d.SequenceEqual("sendmail"u8) || d.SequenceEqual("postconf"u8)
                    || d.SequenceEqual("postlogd"u8) || d.SequenceEqual("postmulti"u8) || d.SequenceEqual("postkick"u8)
                    || d.SequenceEqual("postlock"u8) || d.SequenceEqual("postcat"u8))
                {
                    return PostfixDaemon.Informational;
                }
                break;
        }
        return PostfixDaemon.Other;
    }
}
