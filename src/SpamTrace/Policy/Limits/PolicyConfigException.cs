namespace SpamTrace.Policy.Limits;

/// <summary>The config file is invalid; each error reads "file:line: message".</summary>
public sealed class PolicyConfigException(IReadOnlyList<string> errors)
    : Exception(errors.Count == 1 ? errors[0] : $"{errors[0]} (and {errors.Count - 1} more)")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
