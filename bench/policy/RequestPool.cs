using System.Text;

namespace SpamTrace.PolicyBench;

/// <summary>
/// Pre-built realistic requests: the full Postfix 3.8 attribute set (~30 attributes), hundreds of users each sending
/// from its own address, a varying instance per message, RCPT requests followed by one END-OF-MESSAGE per message.
/// Built once so the generator spends its CPU on the wire, not on formatting.
/// </summary>
internal sealed class RequestPool
{
    private readonly byte[][] _requests;

    public RequestPool(int users, int ips, int count, int seed)
    {
        var random = new Random(seed);
        var list = new List<byte[]>(count);
        var message = 0;
        while (list.Count < count)
        {
            var user = random.Next(users);
            var ip = $"10.{user % ips / 250}.{user % ips % 250}.{7 + user % 3}";
            var recipients = 1 + random.Next(3);
            var instance = $"{random.Next(0x10000, 0xfffff):x}.{message++:x}.0";
            for (var r = 0; r < recipients; r++)
            {
                list.Add(Build("RCPT", user, ip, instance, $"rcpt{random.Next(100000)}@dest{random.Next(50)}.example", 0));
            }
            list.Add(Build("END-OF-MESSAGE", user, ip, instance, "", recipients));
        }
        _requests = [.. list];
    }

    private RequestPool(List<byte[]> requests)
    {
        _requests = [.. requests];
    }

    /// <summary>
    /// Inbound mail for greylisting: unauthenticated RCPTs from 2,000 clients in 1,000 networks of the benchmarking
    /// range 198.18.0.0/15, list senders with per-message numbers, 5,000 recipients; about 8,000 distinct triplets
    /// that recur, so a run sees first attempts, early retries and passes.
    /// </summary>
    public static RequestPool Inbound(int count, int seed)
    {
        var random = new Random(seed);
        var list = new List<byte[]>(count);
        var triplets = Enumerable.Range(0, 8000).Select(_ =>
        {
            var net = random.Next(1000);
            var ip = $"198.{18 + net / 500}.{net % 250}.{1 + random.Next(2)}";
            var domain = random.Next(500);
            return (ip, domain, recipient: $"user{random.Next(5000)}@our.example");
        }).ToArray();
        var message = 0;
        while (list.Count < count)
        {
            var (ip, domain, recipient) = triplets[random.Next(triplets.Length)];
            var host = $"mta{domain}.list{domain}.example";
            list.Add(Encoding.ASCII.GetBytes(new StringBuilder()
                .Append("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n")
                .Append("client_address=").Append(ip).Append('\n')
                .Append("client_name=").Append(host).Append('\n')
                .Append("client_port=").Append(40000 + message % 20000).Append('\n')
                .Append("reverse_client_name=").Append(host).Append('\n')
                .Append("server_address=192.0.2.1\nserver_port=25\n")
                .Append("helo_name=").Append(host).Append('\n')
                .Append("sender=bounce-").Append(random.Next(1_000_000)).Append("@list").Append(domain).Append(".example\n")
                .Append("recipient=").Append(recipient).Append('\n')
                .Append("recipient_count=0\nqueue_id=\n")
                .Append("instance=").Append($"{random.Next(0x10000, 0xfffff):x}.{message++:x}.0").Append('\n')
                .Append("size=0\netrn_domain=\nstress=\nsasl_method=\nsasl_username=\nsasl_sender=\n")
                .Append("ccert_subject=\nccert_issuer=\nccert_fingerprint=\nccert_pubkey_fingerprint=\n")
                .Append("encryption_protocol=TLSv1.3\nencryption_cipher=TLS_AES_256_GCM_SHA384\nencryption_keysize=256\n")
                .Append("policy_context=\ncompatibility_level=3.6\nmail_version=3.7.11\n\n")
                .ToString()));
        }
        return new RequestPool(list);
    }

    public int Count => _requests.Length;

    public byte[] this[int index] => _requests[index % _requests.Length];

    private static byte[] Build(string state, int user, string ip, string instance, string recipient, int recipientCount)
    {
        var text = new StringBuilder()
            .Append("request=smtpd_access_policy\n")
            .Append("protocol_state=").Append(state).Append('\n')
            .Append("protocol_name=ESMTP\n")
            .Append("client_address=").Append(ip).Append('\n')
            .Append("client_name=host-").Append(ip.Replace('.', '-')).Append(".dyn.example.net\n")
            .Append("client_port=").Append(40000 + user).Append('\n')
            .Append("reverse_client_name=host-").Append(ip.Replace('.', '-')).Append(".dyn.example.net\n")
            .Append("server_address=192.0.2.1\n")
            .Append("server_port=587\n")
            .Append("helo_name=[").Append(ip).Append("]\n")
            .Append("sender=user").Append(user).Append("@example.com\n")
            .Append("recipient=").Append(recipient).Append('\n')
            .Append("recipient_count=").Append(recipientCount).Append('\n')
            .Append("queue_id=").Append(state == "END-OF-MESSAGE" ? "4Xk2Lq1Zs8z9vR" : "").Append('\n')
            .Append("instance=").Append(instance).Append('\n')
            .Append("size=").Append(2000 + user * 7 % 50000).Append('\n')
            .Append("etrn_domain=\n")
            .Append("stress=\n")
            .Append("sasl_method=PLAIN\n")
            .Append("sasl_username=user").Append(user).Append("@example.com\n")
            .Append("sasl_sender=\n")
            .Append("ccert_subject=\n")
            .Append("ccert_issuer=\n")
            .Append("ccert_fingerprint=\n")
            .Append("ccert_pubkey_fingerprint=\n")
            .Append("encryption_protocol=TLSv1.3\n")
            .Append("encryption_cipher=TLS_AES_256_GCM_SHA384\n")
            .Append("encryption_keysize=256\n")
            .Append("policy_context=\n")
            .Append("compatibility_level=3.6\n")
            .Append("mail_version=3.7.11\n")
            .Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
