using MimeKit;

namespace SpamTrace.Bounces.Input;

/// <summary>One message read from an input, named so errors and reports can point at it (file, or file#n in an mbox).</summary>
public sealed record MailboxEntry(string Name, MimeMessage Message);
