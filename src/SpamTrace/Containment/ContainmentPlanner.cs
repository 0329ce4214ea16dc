using SpamTrace.Queue;

namespace SpamTrace.Containment;

/// <summary>
/// Builds a plan: lists each instance's queue, selects messages that match (reading the queue files of every
/// candidate when the selector needs the SASL login, uid or client: never sampled here), and adds the blocks.
/// Nothing is changed; <see cref="ContainmentExecutor"/> does that.
/// </summary>
public sealed class ContainmentPlanner(IReadOnlyList<PostfixInstance> instances, SubmissionLogIndex? logs = null)
{
    private const int MaxIdsInCommand = 20;

    public ContainmentPlan Build(ContainmentRequest request)
    {
        if (request.Targets.Count == 0)
        {
            throw new ContainmentException("nothing to contain: no selector and no culprit");
        }
        foreach (var target in request.Targets)
        {
            target.Selector.Validate();
        }
        var plan = new ContainmentPlan();
        plan.Advice.AddRange(request.Advice);
        foreach (var instance in instances)
        {
            if (request.Action != QueueAction.None)
            {
                PlanQueueStep(instance, request, plan);
            }
            var changes = plan.Steps.Count;
            foreach (var target in request.Targets)
            {
                PlanBlocks(instance, target, request, plan);
            }
            if (plan.Steps.Skip(changes).Any(s => s.Kind is StepKind.MapEntry or StepKind.Postconf or StepKind.ServiceOverride))
            {
                plan.Steps.Add(new PlanStep
                {
                    Kind = StepKind.Reload,
                    Instance = instance.ConfigDirectory,
                    Description = $"reload Postfix ({instance.Name}) so the new maps and settings take effect",
                    Commands = [instance.Display("postfix", "reload")],
                });
            }
        }
        if (request.Action == QueueAction.Delete)
        {
            plan.Warnings.Add("delete cannot be undone: prefer hold (the default), review, then delete the held mail");
        }
        return plan;
    }

    private void PlanQueueStep(PostfixInstance instance, ContainmentRequest request, ContainmentPlan plan)
    {
        var stats = new QueueReadStatistics();
        var listing = instance.ListQueue(stats);
        if (stats.BadLines > 0)
        {
            plan.Warnings.Add($"{instance.Name}: {stats.BadLines} unreadable queue listing lines skipped ({string.Join("; ", stats.BadLineSamples)})");
        }
        var chosen = new List<string>();
        var chosenSet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in request.Targets)
        {
            var selector = target.Selector;
            var report = new SelectionReport { Selector = $"{target.Label}: {selector.Describe()}", Instance = instance.Name, Listed = listing.Count };
            plan.Selections.Add(report);
            var candidates = listing.Where(selector.MatchesListing).ToList();
            report.MixedRecipientsSkipped = listing.Count(m => selector.IsMixedRecipients(m) && MatchesAllBut(selector, m));
            report.Candidates = candidates.Count;
            if (selector.QueueIds is { } ids)
            {
                var present = listing.Select(m => m.QueueId).ToHashSet(StringComparer.Ordinal);
                report.RequestedIdsNotInQueue = ids.Count(id => !present.Contains(id));
            }
            if (selector.NeedsQueueFiles)
            {
                var gone = new HashSet<string>(StringComparer.Ordinal);
                var files = instance.ReadQueueFiles(candidates.Select(m => m.QueueId), gone);
                foreach (var file in files.Values)
                {
                    logs?.Complete(file); // content-filter copies: the login/uid of their first queue ID
                }
                report.LeftQueueWhileReading = gone.Count;
                candidates = candidates.Where(m => files.TryGetValue(m.QueueId, out var f) && selector.MatchesQueueFile(f)).ToList();
            }
            foreach (var message in candidates)
            {
                if (!NeedsAction(request.Action, message))
                {
                    report.AlreadyInState++;
                    continue;
                }
                report.Selected++;
                report.SelectedRecipients += message.Recipients.Count;
                if (chosenSet.Add(message.QueueId))
                {
                    chosen.Add(message.QueueId);
                }
            }
        }
        if (chosen.Count == 0)
        {
            return;
        }
        var (flag, verb) = request.Action switch
        {
            QueueAction.Hold => ("-h", "hold"),
            QueueAction.Release => ("-H", "release from hold"),
            QueueAction.Requeue => ("-r", "requeue"),
            _ => ("-d", "DELETE"),
        };
        plan.Steps.Add(new PlanStep
        {
            Kind = request.Action switch
            {
                QueueAction.Hold => StepKind.Hold,
                QueueAction.Release => StepKind.Release,
                QueueAction.Requeue => StepKind.Requeue,
                _ => StepKind.Delete,
            },
            Instance = instance.ConfigDirectory,
            Description = $"{verb} {chosen.Count:N0} messages ({instance.Name})",
            Commands = [QueueIdsCommand(instance.Display("postsuper", flag, "-"), chosen)],
            QueueIds = chosen,
        });
    }

    /// <summary>
    /// The queue step as a command that can be pasted: the IDs fed to postsuper on stdin when they are few, else a
    /// comment (a pasted postsuper reading the terminal would wait for input).
    /// </summary>
    private static string QueueIdsCommand(string postsuper, List<string> ids) =>
        ids.Count <= MaxIdsInCommand
            ? $"printf '%s\\n' {string.Join(' ', ids.Select(PostfixInstance.ShellQuote))} | {postsuper}"
            : $"# {postsuper} with the {ids.Count:N0} verified queue IDs on stdin, one per line (listed with --json and in the journal)";

    /// <summary>Mixed-recipient messages are worth reporting only if they match everything else.</summary>
    private static bool MatchesAllBut(QueueSelector selector, QueuedMessage message) =>
        new QueueSelector { Senders = selector.Senders, QueueIds = selector.QueueIds, Since = selector.Since }.MatchesListing(message);

    private static bool NeedsAction(QueueAction action, QueuedMessage message) => action switch
    {
        QueueAction.Hold => !message.IsHeld,
        QueueAction.Release => message.IsHeld,
        QueueAction.Requeue => !message.IsHeld,
        _ => true,
    };

    private static void PlanBlocks(PostfixInstance instance, ContainmentTarget target, ContainmentRequest request, ContainmentPlan plan)
    {
        var selector = target.Selector;
        if (target.BlockLogins && selector.SaslUsers.Count > 0)
        {
            PlanAccessMap(instance, "check_sasl_access", "spamtrace_sasl_access",
                selector.SaslUsers.Select(u => $"{u} {request.LoginBlockAction}").ToList(), "block the SASL login(s) " + string.Join(", ", selector.SaslUsers), plan);
            if (request.Policy is { } policy)
            {
                foreach (var user in selector.SaslUsers)
                {
                    plan.Steps.Add(new PlanStep
                    {
                        Kind = StepKind.PolicyBlock,
                        Instance = instance.ConfigDirectory,
                        Description = $"add {user} to the running policy service's block list",
                        PolicyUser = user,
                        PolicyBlockCommand = policy.Block(user),
                        PolicyReleaseCommand = policy.Release(user),
                        Commands = [string.Join(' ', policy.Block(user).Select(PostfixInstance.ShellQuote))],
                    });
                }
            }
            plan.Advice.Add($"change the password of {string.Join(", ", selector.SaslUsers)} before lifting the block (spamtrace contain --undo ID)");
        }
        if (target.BlockSenders)
        {
            var exact = selector.Senders.Where(s => s != "<>").ToList();
            if (exact.Count > 0)
            {
                PlanAccessMap(instance, "check_sender_access", "spamtrace_sender_access",
                    exact.Select(s => $"{(s.StartsWith('@') ? s[1..] : s)} {request.SenderBlockAction}").ToList(), "block the sender(s) " + string.Join(", ", exact), plan);
            }
        }
        if (target.StopLocalSubmission && selector.Uids.Count > 0)
        {
            PlanSubmitUsers(instance, selector.Uids, request, plan);
        }
        if (target.CloseRelay)
        {
            PlanCloseRelay(instance, request, plan);
        }
    }

    private static void PlanAccessMap(PostfixInstance instance, string restriction, string defaultName, List<string> lines, string why, ContainmentPlan plan)
    {
        // The same map, list and master.cf coverage as diagnose's advice (AccessCheck).
        var access = AccessCheck.Read(instance, restriction, defaultName, p => Pending(instance, p, plan));
        var (type, path) = (access.MapType, access.MapPath);
        var warnings = new List<string>(access.Warnings);
        var keys = lines.Select(l => l.Split(' ')[0]).ToList();
        var present = File.Exists(path) ? AccessMapFile.KeysIn(File.ReadAllLines(path)) : [];
        var fresh = lines.Where((_, i) => !present.Contains(keys[i])).ToList();
        foreach (var key in keys.Where(present.Contains))
        {
            warnings.Add($"{path} already has an entry for {key}: left as it is");
        }
        if (fresh.Count > 0)
        {
            plan.Steps.Add(new PlanStep
            {
                Kind = StepKind.MapEntry,
                Instance = instance.ConfigDirectory,
                Description = $"{why}: add {fresh.Count} line(s) to {path}",
                MapType = type,
                MapPath = path,
                MapLines = fresh,
                Commands = [.. fresh.Select(l => $"echo {PostfixInstance.ShellQuote(l)} >> {PostfixInstance.ShellQuote(path)}   # --apply writes it atomically"),
                    .. type == "texthash" ? Array.Empty<string>() : [instance.Display("postmap", $"{type}:{path}")]],
                Warnings = warnings,
            });
        }
        if (!access.Wired)
        {
            // Not wired in yet: first in smtpd_relay_restrictions (or the recipient list when the relay list is empty).
            plan.Steps.Add(new PlanStep
            {
                Kind = StepKind.Postconf,
                Instance = instance.ConfigDirectory,
                Description = $"wire {restriction} {access.Map} into {access.Parameter} (first, before permit_sasl_authenticated)",
                Parameter = access.Parameter,
                OldValue = PendingExplicit(instance, access.Parameter, plan),
                NewValue = access.NewValue,
                Commands = [instance.Display("postconf", "-e", $"{access.Parameter} = {access.NewValue}")],
            });
        }
        foreach (var o in access.OverridesMissingCheck)
        {
            var current = PendingOverride(instance, o, plan);
            if (RestrictionLists.Tokens(current.Value).Contains(restriction))
            {
                continue;
            }
            var value = access.NewOverrideValue(current);
            plan.Steps.Add(new PlanStep
            {
                Kind = StepKind.ServiceOverride,
                Instance = instance.ConfigDirectory,
                Description = $"add {restriction} {access.Map} to master.cf's {o.ServiceName}, whose -o {o.Name} replaces main.cf's",
                Parameter = o.Key,
                OldValue = o.Value,
                NewValue = value,
                Commands = [instance.Display("postconf", "-P", $"{o.Key}={value}")],
            });
        }
        if (access.ServicesChecked is not null)
        {
            plan.Advice.Add($"{restriction}: {access.Coverage()}");
        }
    }

    /// <summary>A service override as an earlier step of this plan leaves it (a second block adds to the first).</summary>
    private static ServiceParameter PendingOverride(PostfixInstance instance, ServiceParameter o, ContainmentPlan plan) =>
        plan.Steps.LastOrDefault(s => s.Kind == StepKind.ServiceOverride && s.Instance == instance.ConfigDirectory && s.Parameter == o.Key) is { } earlier
            ? o with { Value = earlier.NewValue! }
            : o;

    private static void PlanSubmitUsers(PostfixInstance instance, List<int> uids, ContainmentRequest request, ContainmentPlan plan)
    {
        var names = new List<string>();
        foreach (var uid in uids)
        {
            if (uid == 0)
            {
                plan.Warnings.Add("uid 0 (root): not excluded from submitting; find the script instead");
                continue;
            }
            var name = request.UserName(uid);
            if (name is null)
            {
                plan.Warnings.Add($"uid {uid} has no user name here: cannot exclude it in authorized_submit_users");
                continue;
            }
            names.Add(name);
        }
        if (names.Count == 0)
        {
            return;
        }
        var old = PendingExplicit(instance, "authorized_submit_users", plan);
        var current = Pending(instance, "authorized_submit_users", plan);
        var tokens = RestrictionLists.Tokens(current);
        var add = names.Where(n => !tokens.Contains("!" + n)).Select(n => "!" + n).ToList();
        if (add.Count == 0)
        {
            return;
        }
        var value = string.Join(", ", add.Concat(tokens.Count == 0 ? ["static:anyone"] : tokens));
        plan.Steps.Add(new PlanStep
        {
            Kind = StepKind.Postconf,
            Instance = instance.ConfigDirectory,
            Description = $"stop local user(s) {string.Join(", ", names)} from submitting mail with sendmail/mail()",
            Parameter = "authorized_submit_users",
            OldValue = old,
            NewValue = value,
            Commands = [instance.Display("postconf", "-e", $"authorized_submit_users = {value}")],
        });
        plan.Advice.Add($"find the script(s) run as {string.Join(", ", names)} (X-PHP-Originating-Script headers, web server logs) before allowing it again");
    }

    private static void PlanCloseRelay(PostfixInstance instance, ContainmentRequest request, ContainmentPlan plan)
    {
        var relay = RestrictionLists.Tokens(Pending(instance, "smtpd_relay_restrictions", plan));
        var changes = new List<(string, string)> { ("mynetworks", request.ClosedMyNetworks) };
        if (!relay.Contains("reject_unauth_destination") && !relay.Contains("defer_unauth_destination"))
        {
            // Keep the access checks we (or the admin) put first, then the closed list.
            var checks = new List<string>();
            for (var i = 0; i + 1 < relay.Count; i++)
            {
                if (relay[i].StartsWith("check_", StringComparison.Ordinal) && relay[i].EndsWith("_access", StringComparison.Ordinal))
                {
                    checks.Add($"{relay[i]} {relay[i + 1]}");
                }
            }
            changes.Add(("smtpd_relay_restrictions", string.Join(", ", checks.Append(request.ClosedRelayRestrictions))));
        }
        foreach (var (parameter, value) in changes)
        {
            var current = Pending(instance, parameter, plan);
            if (NormalizeList(current) == NormalizeList(value))
            {
                continue;
            }
            plan.Steps.Add(new PlanStep
            {
                Kind = StepKind.Postconf,
                Instance = instance.ConfigDirectory,
                Description = $"close the open relay: {parameter} from '{current}' to '{value}'",
                Parameter = parameter,
                OldValue = PendingExplicit(instance, parameter, plan),
                NewValue = value,
                Commands = [instance.Display("postconf", "-e", $"{parameter} = {value}")],
                Warnings = parameter == "mynetworks" ? ["hosts that relayed legitimately from mynetworks must now authenticate (SASL)"] : [],
            });
        }
    }

    /// <summary>The value a parameter will have when the steps planned so far have run: later steps build on earlier ones.</summary>
    private static string Pending(PostfixInstance instance, string parameter, ContainmentPlan plan) =>
        plan.Steps.LastOrDefault(s => s.Kind == StepKind.Postconf && s.Instance == instance.ConfigDirectory && s.Parameter == parameter)?.NewValue
        ?? instance.PostconfEffective(parameter);

    /// <summary>The explicit value before the step: a value planned by an earlier step counts as explicit.</summary>
    private static string? PendingExplicit(PostfixInstance instance, string parameter, ContainmentPlan plan) =>
        plan.Steps.LastOrDefault(s => s.Kind == StepKind.Postconf && s.Instance == instance.ConfigDirectory && s.Parameter == parameter)?.NewValue
        ?? instance.PostconfExplicit(parameter);

    private static string NormalizeList(string value) => string.Join(",", RestrictionLists.Tokens(value));
}
