namespace SpamTrace.Bounces.Input;

/// <summary>An input that cannot be read; the message names the file (and the message within it).</summary>
public sealed class BounceInputException(string message, Exception? inner = null) : Exception(message, inner);
