namespace SpamTrace.Containment;

/// <summary>A refused request (empty or ambiguous selector, unsafe value) or a step that cannot be done; the message says why.</summary>
public sealed class ContainmentException(string message) : Exception(message);
