namespace SpamTrace.Tests.Correlation;

/// <summary>delay= seconds: the fast path must return exactly what the general parser returns.</summary>
public class DelaySecondsTests
{
    [Theory]
    [InlineData("0.4")]
    [InlineData("546")]
    [InlineData("2.16")]
    [InlineData("0.01")]
    [InlineData("0")]
    [InlineData("123456.789")]
    [InlineData("0.1")]
    [InlineData("0.3")]
    [InlineData("9.99")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1e3")]
    [InlineData("1234567890123456789")]
    public void Fast_path_agrees_with_the_general_parser(string text) => AssertAgrees(text);

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("abc")]
    [InlineData("-1")]
    public void Anything_else_is_not_a_number_or_is_what_the_general_parser_says(string text) => AssertAgrees(text);

    private static void AssertAgrees(string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        double? expected = System.Buffers.Text.Utf8Parser.TryParse(bytes, out double v, out var n) && n == bytes.Length ? v : null;
        Assert.Equal(expected, SpamTrace.Logs.Correlation.Correlator.Seconds(bytes));
    }

    [Fact]
    public void Every_two_decimal_delay_up_to_a_thousand_seconds_is_exact()
    {
        for (var i = 0; i <= 100_000; i++)
        {
            var text = (i / 100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + (i % 100).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
            var bytes = System.Text.Encoding.ASCII.GetBytes(text);
            System.Buffers.Text.Utf8Parser.TryParse(bytes, out double expected, out _);
            Assert.Equal(expected, SpamTrace.Logs.Correlation.Correlator.Seconds(bytes));
        }
    }
}
