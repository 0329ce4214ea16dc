using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Containment;

/// <summary>
/// Sends an incident by email through the local MTA (MailKit, plain SMTP to notify.smtpHost) and/or as a JSON POST
/// to notify.webhook. The mail goes through port 25 of the local Postfix, not smtpd submission with SASL, so a
/// contained account never blocks its own report.
/// </summary>
public sealed class IncidentNotifier(HttpClient? http = null) : IIncidentNotifier
{
    private readonly HttpClient _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

    public async Task<bool> NotifyAsync(Incident incident, NotifyConfig config, CancellationToken cancellationToken)
    {
        var delivered = config.EmailTo is null && config.Webhook is null;
        Exception? failure = null;
        if (config.EmailTo is not null)
        {
            try
            {
                await SendEmailAsync(incident, config, cancellationToken).ConfigureAwait(false);
                delivered = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ex;
            }
        }
        if (config.Webhook is not null)
        {
            try
            {
                using var response = await _http.PostAsJsonAsync(config.Webhook, new
                {
                    type = "spamtrace.policy.incident",
                    id = incident.Id,
                    user = incident.User,
                    at = incident.At,
                    reason = incident.Reason,
                    evidence = incident.Evidence,
                }, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                delivered = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ex;
            }
        }
        if (!delivered && failure is not null)
        {
            throw failure;
        }
        return delivered;
    }

    public static MimeMessage BuildEmail(Incident incident, NotifyConfig config)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(config.EmailFrom));
        foreach (var to in config.EmailTo!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            message.To.Add(MailboxAddress.Parse(to));
        }
        // The user name comes from SMTP AUTH: keep it out of header syntax beyond plain text.
        message.Subject = $"[spamtrace] account contained: {Sanitize(incident.User)} ({incident.Reason})";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                spamtrace policy contained the SASL account {incident.User} at {incident.At:u} (incident {incident.Id}).
                Its mail is answered with the containment action (HOLD by default: kept in the hold queue, not sent).

                {incident.Evidence}

                Next steps: change the account's password, review the held mail (postqueue -p; postcat -q ID),
                then run: spamtrace policy release {incident.User}
                """,
        };
        return message;
    }

    private static string Sanitize(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).Take(200).ToArray());

    private static async Task SendEmailAsync(Incident incident, NotifyConfig config, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = 15000 };
        await client.ConnectAsync(config.SmtpHost, config.SmtpPort, SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
        await client.SendAsync(BuildEmail(incident, config), cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
    }
}
