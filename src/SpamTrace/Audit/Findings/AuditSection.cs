namespace SpamTrace.Audit.Findings;

/// <summary>
/// A table shown after the findings (the per-service relay table, DNS checks): a title, column names and rows of
/// text. Renderers escape every cell.
/// </summary>
public sealed record AuditSection(string Id, string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public string? Note { get; init; }
}
