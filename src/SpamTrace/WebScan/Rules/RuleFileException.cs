namespace SpamTrace.WebScan.Rules;

/// <summary>A rule file that cannot be used; the message names the file and line.</summary>
public sealed class RuleFileException(string message) : Exception(message);
