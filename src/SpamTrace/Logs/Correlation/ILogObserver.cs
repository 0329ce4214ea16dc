namespace SpamTrace.Logs.Correlation;

/// <summary>Receives what the correlator reconstructs, as soon as it is complete (streaming, bounded memory).</summary>
public interface ILogObserver
{
    void OnChain(MessageChain chain);

    void OnSessionEvent(SessionEvent e);
}
