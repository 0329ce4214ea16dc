using System.Diagnostics;
using System.Text;
using SpamTrace.Policy.Greylisting;

namespace SpamTrace.Tests.Policy.Greylisting;

public sealed class SenderNormaliserTests
{
    [Theory]
    // VERP and numbered list senders: the extension goes, whole numbers become '#'.
    [InlineData("list-bounces+bob=example.org@lists.example.com", "list-bounces@lists.example.com")]
    [InlineData("bounce-12345-67@news.example.com", "bounce-#-#@news.example.com")]
    [InlineData("bounce.12345@news.example.com", "bounce.#@news.example.com")]
    [InlineData("user123@example.com", "user123@example.com")]
    [InlineData("12345@example.com", "#@example.com")]
    [InlineData("a_12@example.com", "a_12@example.com")]
    // BATV: the ten-character tag goes, in either order; uppercase tags are not recognised (postgrey's regex is case-sensitive).
    [InlineData("prvs=0123456789=alice@example.com", "alice@example.com")]
    [InlineData("prvs=alice=0123abcdef@example.com", "alice@example.com")]
    [InlineData("prvs=0123ABCDEF=alice@example.com", "alice@example.com")]
    [InlineData("prvs=abc=alice@example.com", "alice@example.com")]
    // SRS: the original sender, stable across forwarder hashes and days.
    [InlineData("SRS0=HHH=TT=example.org=alice@forwarder.example", "srs=alice=example.org@forwarder.example")]
    [InlineData("SRS0=a1b2=Q7=example.org=alice@forwarder.example", "srs=alice=example.org@forwarder.example")]
    [InlineData("SRS0+x9y8=ZZ=example.org=alice@forwarder.example", "srs=alice=example.org@forwarder.example")]
    [InlineData("SRS1=HHH=first.example==HHH=TT=example.org=alice@second.example", "srs=alice=example.org@second.example")]
    [InlineData("SRS0=HHH=TT=example.org=bounce-12345@forwarder.example", "srs=bounce-#=example.org@forwarder.example")]
    // Not addresses, or nothing to fold.
    [InlineData("", "")]
    [InlineData("postmaster", "postmaster")]
    [InlineData("alice@example.com", "alice@example.com")]
    public void Folds_per_message_parts(string sender, string expected) => Assert.Equal(expected, SenderNormaliser.Normalise(sender));

    [Fact]
    public void Without_srs_folding_an_srs_sender_keeps_its_hash_and_timestamp_as_postgrey_does() =>
        Assert.Equal("SRS0=a1b2=Q7=example.org=alice@forwarder.example", SenderNormaliser.Normalise("SRS0=a1b2=Q7=example.org=alice@forwarder.example", foldSrs: false));

    /// <summary>
    /// Differential: postgrey's own do_sender_substitutions (taken from the installed /usr/sbin/postgrey and run by
    /// perl) and ours agree on realistic and random senders.
    /// </summary>
    [SkippableFact]
    public void Agrees_with_postgreys_own_substitution_on_thousands_of_senders()
    {
        Skip.IfNot(File.Exists("/usr/sbin/postgrey"), "postgrey is not installed (deps/greylist.txt)");
        var source = File.ReadAllText("/usr/sbin/postgrey");
        var start = source.IndexOf("sub do_sender_substitutions", StringComparison.Ordinal);
        var end = source.IndexOf("# split network and host part", start, StringComparison.Ordinal);
        Skip.If(start < 0 || end < 0, "postgrey's do_sender_substitutions not found");
        var senders = Senders(new Random(20261207), 3000);
        var script = Path.GetTempFileName();
        File.WriteAllText(script, "use strict; package postgrey;\n" + source[start..end] + "\nwhile (my $l = <STDIN>) { chomp $l; print postgrey->do_sender_substitutions($l), \"\\n\"; }\n");
        try
        {
            var psi = new ProcessStartInfo("perl", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using var perl = Process.Start(psi)!;
            var output = perl.StandardOutput.ReadToEndAsync();
            foreach (var s in senders)
            {
                perl.StandardInput.Write(s + "\n");
            }
            perl.StandardInput.Close();
            var lines = output.GetAwaiter().GetResult().Split('\n');
            perl.WaitForExit();
            Assert.Equal(0, perl.ExitCode);
            var differences = senders.Select((s, i) => (s, theirs: lines[i], ours: SenderNormaliser.Normalise(s, foldSrs: false)))
                .Where(x => x.theirs != x.ours).Take(10).ToList();
            Assert.True(differences.Count == 0, string.Join("\n", differences.Select(d => $"{d.s}: postgrey {d.theirs}, ours {d.ours}")));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static List<string> Senders(Random random, int count)
    {
        const string alphabet = "abcXYZ0123456789-_.+=@";
        var fixedCases = new List<string>
        {
            "list-bounces+bob=example.org@lists.example.com", "bounce-12345-67@news.example.com", "prvs=0123456789=alice@example.com",
            "prvs=alice=0123abcdef@example.com", "prvs=0123456789=0123456789@example.com", "prvs=a=b=c@example.com",
            "SRS0=HHH=TT=example.org=alice@forwarder.example", "12@34@example.com", "@example.com", "a@", "1.2.3@example.com",
            "msprvs1=19011GAbmOTUy=bounces-123@bounce.example.com", "bounces+12345-abcd-bob=example.org@em.example.net",
            "0100018c0123abcd-1234abcd-5678-90ab-cdef-1234567890ab-000000@amazonses.com", "x_1@example.com", "1_x@example.com",
        };
        var result = new List<string>(fixedCases);
        while (result.Count < count)
        {
            var length = random.Next(1, 30);
            var text = new StringBuilder();
            for (var i = 0; i < length; i++)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }
            var s = text.ToString();
            result.Add(random.Next(4) switch
            {
                0 => "prvs=" + s + "@example.com",
                1 => s + "@example.com",
                2 => s,
                _ => "prvs=" + Tag(random) + "=" + s + "@example.com",
            });
        }
        return result;
    }

    private static string Tag(Random random) => new([.. Enumerable.Range(0, 10).Select(_ => "0123456789abcdef"[random.Next(16)])]);
}
