using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Containment;

/// <summary>Tells a human about a new incident. Called once per incident.</summary>
public interface IIncidentNotifier
{
    /// <summary>True when at least one configured channel accepted the notification (or none is configured).</summary>
    Task<bool> NotifyAsync(Incident incident, NotifyConfig config, CancellationToken cancellationToken);
}
