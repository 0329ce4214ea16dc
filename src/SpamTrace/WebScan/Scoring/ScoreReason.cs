namespace SpamTrace.WebScan.Scoring;

/// <summary>One rule that fired: its points, what it means, where (the decoded layer, if any) and the text around it.</summary>
public sealed record ScoreReason(string RuleId, int Points, string Description, string Snippet, string? Layer);
