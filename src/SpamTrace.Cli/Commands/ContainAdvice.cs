using SpamTrace.Containment;
using SpamTrace.Forensics;
using SpamTrace.Queue;

namespace SpamTrace.Cli.Commands;

/// <summary>diagnose's advice on the server itself: block logins with the map, list and master.cf services contain would use.</summary>
internal static class ContainAdvice
{
    public static void UseServerAccessCheck(Diagnosis diagnosis, string? configDirectory)
    {
        if (!diagnosis.Culprits.Any(c => c.Id.Kind == CulpritKind.Sasl))
        {
            return;
        }
        AccessCheck access;
        try
        {
            access = AccessCheck.Read(new PostfixInstance(new ProcessRunner(), configDirectory), AccessCheck.SaslRestriction, AccessCheck.SaslMapFile);
        }
        catch (Exception e) when (e is QueueToolException or ContainmentException or IOException or System.ComponentModel.Win32Exception)
        {
            return; // the advice then assumes Postfix's defaults and says master.cf was not checked
        }
        foreach (var c in diagnosis.Culprits)
        {
            c.Actions = ActionPlanner.For(c, access);
        }
    }
}
