using System.Buffers.Text;
using System.Text;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Logs.Correlation;

/// <summary>
/// Turns parsed events, in log order, into message chains and session events. Streams: a chain is
/// passed to the observer as soon as all its queue files are finished and then forgotten, so memory
/// holds only the messages still open.
/// </summary>
public sealed partial class Correlator : IChunkConsumer
{
    /// <summary>An SMTP session that got a queue ID but never reached qmgr is dropped after this long.</summary>
    private static readonly long AbandonedTicks = TimeSpan.FromHours(1).Ticks;
    /// <summary>A queued message silent this long is given up (Postfix's default maximal_queue_lifetime is 5 days).</summary>
    private static readonly long SilentTicks = TimeSpan.FromDays(6).Ticks;
    private static readonly long SweepIntervalTicks = TimeSpan.FromMinutes(10).Ticks;

    private readonly ILogObserver _observer;
    private readonly LogEngineOptions _options;
    private readonly ChainAssembler _assembler;
    private readonly StringPool _pool = new();
    // Values that repeat in bursts: a sender's address on each of its messages, a recipient on both hops of a
    // re-injected message (_values); a receiver's refusal on every recipient it defers (_replyBytes, kept as bytes);
    // a reject or auth-failure text on a guessing client's session lines (_replies). Sharing saves decoding and memory.
    // Small on purpose: a cache keeps its values alive through collections, and at 8192 slots the strings it held
    // were promoted by the GC for nothing (1 GB benchmark log: 1.63 s and 128 MB with 8192/4096 slots, 1.41-1.46 s
    // and 112 MB with 64/16; repeats come close together).
    private readonly RecentStrings _values = new(slotsLog2: 6);
    private readonly RecentStrings _replies = new(slotsLog2: 4);
    private readonly RecentBytes _replyBytes = new(slotsLog2: 4);
    private readonly Dictionary<string, HostState> _hosts = new(StringComparer.Ordinal);
    private readonly byte[]? _hostFilter;
    private byte[] _lastHostBytes = [];
    private HostState? _lastHost;
    private LogInput? _input;

    public Correlator(ILogObserver observer, LogEngineOptions options)
    {
        _observer = observer;
        _options = options;
        _assembler = new ChainAssembler(EmitChain);
        _hostFilter = options.Host is null ? null : Encoding.UTF8.GetBytes(options.Host);
    }

    public long EmittedChains => _assembler.EmittedChains;

    /// <summary>Messages still being followed (for memory accounting in benchmarks).</summary>
    public int OpenMessages => _hosts.Values.Sum(h => h.OpenCount);

    public void Consume(LogChunk chunk)
    {
        _input = chunk.Input;
        var buffer = chunk.Buffer;
        foreach (ref readonly var ev in chunk.ParsedEvents)
        {
            if (ev.Kind is EventKind.Unknown or EventKind.Ignored or EventKind.Foreign)
            {
                continue;
            }
            var line = buffer.AsSpan(ev.LineStart, ev.LineLength);
            Handle(line, in ev);
        }
        foreach (var host in _hosts.Values)
        {
            _assembler.Advance(host);
            if (host.NowTicks >= host.NextSweepTicks)
            {
                Sweep(host);
                host.NextSweepTicks = host.NowTicks + SweepIntervalTicks;
            }
        }
    }

    public void Complete() => _assembler.Flush(_hosts.Values);

    private void Handle(ReadOnlySpan<byte> line, in LogEvent ev)
    {
        var hostBytes = ev.Host.Of(line);
        if (_hostFilter is not null && !hostBytes.SequenceEqual(_hostFilter))
        {
            return;
        }
        var host = HostFor(hostBytes);
        var ticks = ev.Time.UtcTicks;
        if (ticks > host.NowTicks)
        {
            host.NowTicks = ticks;
        }
        else if (ticks == 0)
        {
            ticks = host.NowTicks;
        }

        switch (ev.Kind)
        {
            case EventKind.SmtpdReject:
            case EventKind.SaslAuthFailed:
            case EventKind.DovecotAuthFailure:
            case EventKind.DovecotLogin:
            case EventKind.PostscreenEvent:
                HandleSession(host, line, in ev, ticks);
                if (ev.Kind == EventKind.SmtpdReject && !ev.QueueId.IsEmpty)
                {
                    HandleMessage(host, line, in ev, ticks);
                }
                return;
            case EventKind.SmtpdConnect:
            case EventKind.SmtpdDisconnect:
            case EventKind.AnvilStatistics:
            case EventKind.PostfixWarning:
                return;
        }
        if (ev.Kind == EventKind.SmtpProblem && ev.QueueId.IsEmpty)
        {
            return;
        }
        if (!ev.QueueId.IsEmpty)
        {
            HandleMessage(host, line, in ev, ticks);
        }
    }

    private HostState HostFor(ReadOnlySpan<byte> hostBytes)
    {
        if (_lastHost is not null && hostBytes.SequenceEqual(_lastHostBytes))
        {
            return _lastHost;
        }
        var name = Encoding.UTF8.GetString(hostBytes);
        if (!_hosts.TryGetValue(name, out var state))
        {
            state = new HostState(name);
            _hosts[name] = state;
        }
        _lastHostBytes = hostBytes.ToArray();
        _lastHost = state;
        return state;
    }

    /// <summary>
    /// Finds the record for the line's queue ID, or starts one: a reused short ID after "removed" starts anew,
    /// but only on an entry line; a straggler after "removed" joins the finished record, or is dropped
    /// (and counted) when its chain has just been emitted.
    /// </summary>
    private OpenMessage? Lookup(HostState host, ReadOnlySpan<byte> line, in LogEvent ev, long ticks)
    {
        var idBytes = ev.QueueId.Of(line);
        var id = QueueKey.From(idBytes);
        if (host.TryGetOpen(id, out var open))
        {
            return open;
        }
        if (ev.Kind is not (EventKind.SmtpdClient or EventKind.PickupUid or EventKind.CleanupMessageId))
        {
            if (host.TryGetFinished(id, out var finished))
            {
                return finished;
            }
            if (host.WasJustEmitted(id, ticks))
            {
                LateLines++;
                return null;
            }
        }
        return Create(host, id, idBytes, ticks);
    }

    /// <summary>Re-injected messages whose filter-claimed parent the parent's own delivery line contradicted.</summary>
    public long ClaimMismatches { get; private set; }

    /// <summary>Lines about a message whose chain had already been emitted (logged after its "removed").</summary>
    public long LateLines { get; private set; }

    private OpenMessage Create(HostState host, QueueKey key, ReadOnlySpan<byte> queueId, long ticks)
    {
        var time = new DateTime(ticks, DateTimeKind.Utc);
        var record = new MessageRecord { Host = host.Name, QueueId = Latin1(queueId), FirstSeenUtc = time, LastSeenUtc = time };
        var message = new OpenMessage(record, key)
        {
            LastTicks = ticks,
        };
        if (_options.KeepLines)
        {
            message.Record.Lines = [];
        }
        host.AddOpen(message);
        _assembler.Start(message);
        return message;
    }

    /// <summary>The record a line names as a second queue ID (a child, a notification), created if not seen yet.</summary>
    private OpenMessage Named(HostState host, ReadOnlySpan<byte> idBytes, long ticks)
    {
        var id = QueueKey.From(idBytes);
        return host.TryGetOpenOrFinished(id, out var found) ? found : Create(host, id, idBytes, ticks);
    }

    private void Sweep(HostState host)
    {
        List<OpenMessage>? stale = null;
        foreach (var m in host.OpenMessages)
        {
            var idle = host.NowTicks - m.LastTicks;
            if (idle > SilentTicks || (!m.EnteredQueue && idle > AbandonedTicks && m.Record.Origin != OriginKind.Unknown))
            {
                (stale ??= []).Add(m);
            }
        }
        if (stale is null)
        {
            return;
        }
        foreach (var m in stale)
        {
            _assembler.Evict(host, m);
        }
    }

    private void EmitChain(MessageChain chain)
    {
        if (_options.SinceUtc is { } since && chain.FirstSeenUtc < since)
        {
            return;
        }
        if (_options.UntilUtc is { } until && chain.FirstSeenUtc >= until)
        {
            return;
        }
        _observer.OnChain(chain);
    }

    /// <summary>A queue ID as a string, byte for byte (IDs are ASCII; a corrupt one stays one character per byte).</summary>
    private static string Latin1(ReadOnlySpan<byte> bytes) => System.Text.Encoding.Latin1.GetString(bytes);

    private static string? Str(ReadOnlySpan<byte> line, TextRange range) => range.ToStringOrNull(line);

    /// <summary>Postfix's delay= ("0.4", "546", "2.16"): a fast path for plain decimals, the general parser for anything else.</summary>
    internal static double? Seconds(ReadOnlySpan<byte> text)
    {
        // An integer and a power of ten, both exact in a double, divide to the correctly rounded value: the same
        // double the general parser returns, without its cost on every delivery line.
        const int MaxDigits = 15;
        long whole = 0;
        var fraction = 0;
        var seenDot = false;
        var digits = 0;
        foreach (var b in text)
        {
            if (b == (byte)'.' && !seenDot)
            {
                seenDot = true;
                continue;
            }
            if ((uint)(b - '0') > 9 || ++digits > MaxDigits)
            {
                return Utf8Parser.TryParse(text, out double value, out var consumed) && consumed == text.Length ? value : null;
            }
            whole = (whole * 10) + (b - '0');
            fraction += seenDot ? 1 : 0;
        }
        if (digits == 0)
        {
            return null;
        }
        return fraction == 0 ? whole : whole / PowersOfTen[fraction];
    }

    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
}
