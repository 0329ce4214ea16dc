namespace SpamTrace.Queue;

/// <summary>A Postfix tool failed or said something we cannot use; the message names the command.</summary>
public sealed class QueueToolException(string message) : IOException(message);
