namespace SpamTrace.Audit.Config;

/// <summary>A configuration that cannot be read: the message names the file and line.</summary>
public sealed class ConfigException(string message) : Exception(message);
