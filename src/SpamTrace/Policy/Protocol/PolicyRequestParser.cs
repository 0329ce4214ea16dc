using System.Buffers;
using System.Buffers.Text;
using SpamTrace.Common;

namespace SpamTrace.Policy.Protocol;

public enum ParseStatus
{
    /// <summary>The buffer ends inside a request: read more bytes and call again.</summary>
    NeedMoreData,
    /// <summary>A whole request (terminated by an empty line) was parsed.</summary>
    Complete,
    /// <summary>The client broke the protocol; <see cref="PolicyRequestParser.Error"/> says how. Close without reply.</summary>
    Error,
}

/// <summary>
/// Incremental parser for the policy delegation protocol: name=value lines, an empty line ends the request.
/// Consumes complete lines as they arrive (bytes split across reads are fine) so a slow client never makes it
/// re-scan, and enforces a line and a request size limit so a hostile client cannot grow memory.
/// </summary>
public sealed class PolicyRequestParser(int maxLineBytes = PolicyRequestParser.DefaultMaxLineBytes, int maxRequestBytes = PolicyRequestParser.DefaultMaxRequestBytes)
{
    public const int DefaultMaxLineBytes = 8192;
    public const int DefaultMaxRequestBytes = 65536;

    private int _requestBytes;
    private int _attributes;

    public string? Error { get; private set; }

    /// <summary>True when part of a request has been consumed and the rest is awaited.</summary>
    public bool InsideRequest => _requestBytes > 0;

    /// <summary>
    /// Parses as much of <paramref name="buffer"/> as possible into <paramref name="request"/>;
    /// on return <paramref name="buffer"/> holds what was not consumed.
    /// </summary>
    public ParseStatus TryParse(ref ReadOnlySequence<byte> buffer, PolicyRequest request)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                buffer = buffer.Slice(reader.Position);
                if (reader.Remaining > maxLineBytes)
                {
                    return Fail($"line longer than {maxLineBytes} bytes");
                }
                return ParseStatus.NeedMoreData;
            }
            _requestBytes += (int)Math.Min(line.Length + 1, int.MaxValue / 2);
            if (line.Length > maxLineBytes)
            {
                buffer = buffer.Slice(reader.Position);
                return Fail($"line longer than {maxLineBytes} bytes");
            }
            if (_requestBytes > maxRequestBytes)
            {
                buffer = buffer.Slice(reader.Position);
                return Fail($"request larger than {maxRequestBytes} bytes");
            }
            var status = line.IsSingleSegment ? ParseLine(line.FirstSpan, request) : ParseCopied(line, request);
            if (status != ParseStatus.NeedMoreData)
            {
                buffer = buffer.Slice(reader.Position);
                return status;
            }
        }
    }

    private ParseStatus ParseCopied(in ReadOnlySequence<byte> line, PolicyRequest request)
    {
        var rented = ArrayPool<byte>.Shared.Rent((int)line.Length);
        try
        {
            line.CopyTo(rented);
            return ParseLine(rented.AsSpan(0, (int)line.Length), request);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private ParseStatus ParseLine(ReadOnlySpan<byte> line, PolicyRequest request)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (line.IsEmpty)
        {
            if (_attributes == 0)
            {
                return Fail("empty request");
            }
            _attributes = 0;
            _requestBytes = 0;
            return ParseStatus.Complete;
        }
        var eq = line.IndexOf((byte)'=');
        if (eq <= 0)
        {
            return Fail(eq == 0 ? "attribute without a name" : "line without '='");
        }
        _attributes++;
        var attribute = PolicyAttributeNames.Lookup(line[..eq]);
        if (attribute == PolicyAttribute.Unknown)
        {
            request.UnknownAttributes++;
            return ParseStatus.NeedMoreData;
        }
        var bit = 1UL << (int)attribute;
        if ((request.SeenMask & bit) != 0)
        {
            request.RepeatedAttributes++;
        }
        request.SeenMask |= bit;
        Assign(attribute, line[(eq + 1)..], request);
        return ParseStatus.NeedMoreData;
    }

    private static void Assign(PolicyAttribute attribute, ReadOnlySpan<byte> value, PolicyRequest request)
    {
        switch (attribute)
        {
            case PolicyAttribute.Request:
                request.IsAccessPolicy = value.SequenceEqual("smtpd_access_policy"u8);
                break;
            case PolicyAttribute.ProtocolState:
                request.State = ParseState(value);
                break;
            case PolicyAttribute.Sender:
                request.Sender = Text(value);
                break;
            case PolicyAttribute.Recipient:
                request.Recipient = Text(value);
                break;
            case PolicyAttribute.RecipientCount:
                request.RecipientCount = Utf8Parser.TryParse(value, out int count, out var used) && used == value.Length && count >= 0 ? count : 0;
                break;
            case PolicyAttribute.ClientAddress:
                request.ClientAddress = Text(value);
                break;
            case PolicyAttribute.ClientName:
                request.ClientName = Text(value);
                break;
            case PolicyAttribute.HeloName:
                request.HeloName = Text(value);
                break;
            case PolicyAttribute.SaslUsername:
                request.SaslUsername = Text(value);
                break;
            case PolicyAttribute.Instance:
                request.Instance = Text(value);
                break;
            case PolicyAttribute.QueueId:
                request.QueueId = Text(value);
                break;
            case PolicyAttribute.Size:
                request.Size = Utf8Parser.TryParse(value, out long size, out _) ? size : 0;
                break;
            default:
                // Known but not needed for a decision: recognised, not materialised.
                break;
        }
    }

    // Keys (user, sender) must not collide: invalid UTF-8 keeps its bytes, escaped.
    private static string? Text(ReadOnlySpan<byte> value) => value.IsEmpty ? null : Utf8Text.Decode(value);

    private static ProtocolState ParseState(ReadOnlySpan<byte> value) => value switch
    {
        _ when value.SequenceEqual("RCPT"u8) => ProtocolState.Rcpt,
        _ when value.SequenceEqual("END-OF-MESSAGE"u8) => ProtocolState.EndOfMessage,
        _ when value.SequenceEqual("MAIL"u8) => ProtocolState.Mail,
        _ when value.SequenceEqual("CONNECT"u8) => ProtocolState.Connect,
        _ when value.SequenceEqual("EHLO"u8) => ProtocolState.Ehlo,
        _ when value.SequenceEqual("HELO"u8) => ProtocolState.Helo,
        _ when value.SequenceEqual("DATA"u8) => ProtocolState.Data,
        _ when value.SequenceEqual("VRFY"u8) => ProtocolState.Vrfy,
        _ when value.SequenceEqual("ETRN"u8) => ProtocolState.Etrn,
        _ => ProtocolState.Unknown,
    };

    private ParseStatus Fail(string error)
    {
        Error = error;
        return ParseStatus.Error;
    }
}
