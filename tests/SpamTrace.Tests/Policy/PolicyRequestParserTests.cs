using System.Buffers;
using System.Text;
using SpamTrace.Policy.Protocol;

namespace SpamTrace.Tests.Policy;

public class PolicyRequestParserTests
{
    private static (ParseStatus Status, PolicyRequest Request, PolicyRequestParser Parser) ParseAll(string text, int maxLine = 8192)
    {
        var parser = new PolicyRequestParser(maxLine);
        var request = new PolicyRequest();
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text));
        var status = parser.TryParse(ref buffer, request);
        return (status, request, parser);
    }

    [Fact]
    public void Parses_every_attribute_of_postfix_2_1_to_3_8_and_keeps_what_decisions_need()
    {
        var (status, r, _) = ParseAll(PolicyTestSupport.Request("END-OF-MESSAGE", "alice@example.com", recipientCount: 7));
        Assert.Equal(ParseStatus.Complete, status);
        Assert.True(r.IsAccessPolicy);
        Assert.Equal(ProtocolState.EndOfMessage, r.State);
        Assert.Equal("alice@example.com", r.SaslUsername);
        Assert.Equal("alice@example.com", r.Sender);
        Assert.Equal("192.0.2.10", r.ClientAddress);
        Assert.Equal(7, r.RecipientCount);
        Assert.Equal("4ABC123", r.QueueId);
        Assert.Equal(12345, r.Size);
        Assert.Equal(0, r.UnknownAttributes);
        Assert.Equal(0, r.RepeatedAttributes);
    }

    [Fact]
    public void Unknown_attributes_are_ignored_and_a_repeated_attribute_keeps_its_last_value()
    {
        var (status, r, _) = ParseAll("request=smtpd_access_policy\nfuture_attribute=1\nsasl_username=a\nsasl_username=b\nprotocol_state=RCPT\n\n");
        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal("b", r.SaslUsername);
        Assert.Equal(1, r.UnknownAttributes);
        Assert.Equal(1, r.RepeatedAttributes);
        Assert.Equal(ProtocolState.Rcpt, r.State);
    }

    [Fact]
    public void Bytes_split_at_every_position_give_the_same_request()
    {
        var text = PolicyTestSupport.Request("RCPT", "user@example.com") + PolicyTestSupport.Request("END-OF-MESSAGE", "second@example.com", recipientCount: 3);
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var split = 1; split < bytes.Length; split += 7)
        {
            var parser = new PolicyRequestParser();
            var request = new PolicyRequest();
            var pending = new List<byte>();
            var completed = new List<(string?, ProtocolState, int)>();
            foreach (var chunk in new[] { bytes[..split], bytes[split..] })
            {
                pending.AddRange(chunk);
                var buffer = new ReadOnlySequence<byte>(pending.ToArray());
                while (true)
                {
                    var status = parser.TryParse(ref buffer, request);
                    Assert.NotEqual(ParseStatus.Error, status);
                    if (status == ParseStatus.NeedMoreData)
                    {
                        break;
                    }
                    completed.Add((request.SaslUsername, request.State, request.RecipientCount));
                    request.Reset();
                }
                pending = [.. buffer.ToArray()];
            }
            Assert.Equal([("user@example.com", ProtocolState.Rcpt, 0), ("second@example.com", ProtocolState.EndOfMessage, 3)], completed);
        }
    }

    [Fact]
    public void A_request_split_into_many_segments_parses()
    {
        var bytes = Encoding.UTF8.GetBytes(PolicyTestSupport.Request("RCPT", "seg@example.com"));
        var buffer = Segments.Of(bytes, 3);
        var parser = new PolicyRequestParser();
        var request = new PolicyRequest();
        Assert.Equal(ParseStatus.Complete, parser.TryParse(ref buffer, request));
        Assert.Equal("seg@example.com", request.SaslUsername);
        Assert.Equal(0, buffer.Length);
    }

    [Theory]
    [InlineData("request=smtpd_access_policy\nno equals sign\n\n", "line without '='")]
    [InlineData("=value\n\n", "attribute without a name")]
    [InlineData("\n", "empty request")]
    public void Malformed_requests_are_protocol_errors(string text, string error)
    {
        var (status, _, parser) = ParseAll(text);
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(error, parser.Error);
    }

    [Fact]
    public void An_oversized_line_is_an_error_even_before_its_newline_arrives()
    {
        var (status, _, parser) = ParseAll("request=smtpd_access_policy\nccert_subject=" + new string('x', 5000), maxLine: 1024);
        Assert.Equal(ParseStatus.Error, status);
        Assert.Contains("longer than 1024", parser.Error);
        (status, _, _) = ParseAll("ccert_subject=" + new string('x', 5000) + "\n\n", maxLine: 1024);
        Assert.Equal(ParseStatus.Error, status);
    }

    [Fact]
    public void An_oversized_request_is_an_error()
    {
        var many = string.Concat(Enumerable.Range(0, 5000).Select(i => $"x{i}=yyyyyyyyyyyyyyyy\n"));
        var parser = new PolicyRequestParser(8192, 65536);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(many + "\n"));
        Assert.Equal(ParseStatus.Error, parser.TryParse(ref buffer, new PolicyRequest()));
        Assert.Contains("request larger", parser.Error);
    }

    [Fact]
    public void Crlf_line_ends_are_tolerated()
    {
        var (status, r, _) = ParseAll("request=smtpd_access_policy\r\nprotocol_state=RCPT\r\nsasl_username=u\r\n\r\n");
        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal("u", r.SaslUsername);
        Assert.Equal(ProtocolState.Rcpt, r.State);
    }

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public static ReadOnlySequence<byte> Of(byte[] bytes, int size)
        {
            var first = new Segments(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
            var last = first;
            for (var at = size; at < bytes.Length; at += size)
            {
                var next = new Segments(bytes.AsMemory(at, Math.Min(size, bytes.Length - at)), at);
                last.Next = next;
                last = next;
            }
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
