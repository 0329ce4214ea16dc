using Microsoft.Data.Sqlite;
using SpamTrace.Policy.Containment;

namespace SpamTrace.Policy.Store;

/// <summary>
/// The embedded store's SQLite file: counters and user activity written in batches by the flush loop,
/// containment and incidents written at once (they must survive a crash right after containment).
/// One connection, serialised by a lock: writes are batched, so contention is low.
/// </summary>
internal sealed class SqlitePersistence : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    public SqlitePersistence(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, algorithm INTEGER NOT NULL, window_ms INTEGER NOT NULL, data BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS users (user TEXT PRIMARY KEY, data BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS contained (user TEXT PRIMARY KEY, since_ms INTEGER NOT NULL, incident_id INTEGER NOT NULL, reason TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS incidents (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, at_ms INTEGER NOT NULL,
                reason TEXT NOT NULL, evidence TEXT NOT NULL, notified INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS held (user TEXT NOT NULL, queue_id TEXT NOT NULL, PRIMARY KEY (user, queue_id));
            """);
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public List<(string Key, int Algorithm, long WindowMs, byte[] Data)> LoadCounters()
    {
        lock (_lock)
        {
            var result = new List<(string, int, long, byte[])>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT key, algorithm, window_ms, data FROM counters";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), (byte[])reader.GetValue(3)));
            }
            return result;
        }
    }

    public List<(string User, byte[] Data)> LoadUsers()
    {
        lock (_lock)
        {
            var result = new List<(string, byte[])>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT user, data FROM users";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
            }
            return result;
        }
    }

    public void SaveBatch(
        IReadOnlyList<(string Key, int Algorithm, long WindowMs, byte[] Data)> counters,
        IReadOnlyList<string> deletedCounters,
        IReadOnlyList<(string User, byte[] Data)> users)
    {
        if (counters.Count == 0 && deletedCounters.Count == 0 && users.Count == 0)
        {
            return;
        }
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using (var upsert = _connection.CreateCommand())
            {
                upsert.Transaction = transaction;
                upsert.CommandText = "INSERT INTO counters(key, algorithm, window_ms, data) VALUES($k, $a, $w, $d) ON CONFLICT(key) DO UPDATE SET data = excluded.data, algorithm = excluded.algorithm, window_ms = excluded.window_ms";
                var k = upsert.Parameters.Add("$k", SqliteType.Text);
                var a = upsert.Parameters.Add("$a", SqliteType.Integer);
                var w = upsert.Parameters.Add("$w", SqliteType.Integer);
                var d = upsert.Parameters.Add("$d", SqliteType.Blob);
                foreach (var counter in counters)
                {
                    k.Value = counter.Key;
                    a.Value = counter.Algorithm;
                    w.Value = counter.WindowMs;
                    d.Value = counter.Data;
                    upsert.ExecuteNonQuery();
                }
            }
            using (var delete = _connection.CreateCommand())
            {
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM counters WHERE key = $k";
                var k = delete.Parameters.Add("$k", SqliteType.Text);
                foreach (var key in deletedCounters)
                {
                    k.Value = key;
                    delete.ExecuteNonQuery();
                }
            }
            using (var upsertUser = _connection.CreateCommand())
            {
                upsertUser.Transaction = transaction;
                upsertUser.CommandText = "INSERT INTO users(user, data) VALUES($u, $d) ON CONFLICT(user) DO UPDATE SET data = excluded.data";
                var u = upsertUser.Parameters.Add("$u", SqliteType.Text);
                var d = upsertUser.Parameters.Add("$d", SqliteType.Blob);
                foreach (var user in users)
                {
                    u.Value = user.User;
                    d.Value = user.Data;
                    upsertUser.ExecuteNonQuery();
                }
            }
            transaction.Commit();
        }
    }

    public List<ContainedAccount> LoadContained()
    {
        lock (_lock)
        {
            var result = new List<ContainedAccount>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT user, since_ms, incident_id, reason FROM contained";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(new ContainedAccount(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetInt64(2), reader.GetString(3)));
            }
            return result;
        }
    }

    /// <summary>Records the incident and the containment in one transaction; returns the incident id.</summary>
    public long Contain(Incident incident)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO incidents(user, at_ms, reason, evidence, notified) VALUES($u, $t, $r, $e, 0); SELECT last_insert_rowid();";
            insert.Parameters.AddWithValue("$u", incident.User);
            insert.Parameters.AddWithValue("$t", incident.At.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$r", incident.Reason);
            insert.Parameters.AddWithValue("$e", incident.Evidence);
            var id = (long)insert.ExecuteScalar()!;
            using var contain = _connection.CreateCommand();
            contain.Transaction = transaction;
            contain.CommandText = "INSERT OR REPLACE INTO contained(user, since_ms, incident_id, reason) VALUES($u, $t, $i, $r)";
            contain.Parameters.AddWithValue("$u", incident.User);
            contain.Parameters.AddWithValue("$t", incident.At.ToUnixTimeMilliseconds());
            contain.Parameters.AddWithValue("$i", id);
            contain.Parameters.AddWithValue("$r", incident.Reason);
            contain.ExecuteNonQuery();
            transaction.Commit();
            return id;
        }
    }

    public bool Release(string user)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM contained WHERE user = $u";
            command.Parameters.AddWithValue("$u", user);
            return command.ExecuteNonQuery() > 0;
        }
    }

    public List<Incident> Incidents(int max)
    {
        lock (_lock)
        {
            var result = new List<Incident>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT id, user, at_ms, reason, evidence, notified FROM incidents ORDER BY id DESC LIMIT $m";
            command.Parameters.AddWithValue("$m", max);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(new Incident
                {
                    Id = reader.GetInt64(0),
                    User = reader.GetString(1),
                    At = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                    Reason = reader.GetString(3),
                    Evidence = reader.GetString(4),
                    Notified = reader.GetInt64(5) != 0,
                });
            }
            return result;
        }
    }

    public void RecordHeld(string user, string queueId) =>
        Write("INSERT OR IGNORE INTO held(user, queue_id) VALUES($u, $q)", ("$u", user), ("$q", queueId));

    public void ClearHeld(string user) => Write("DELETE FROM held WHERE user = $u", ("$u", user));

    public List<string> Held(string user)
    {
        lock (_lock)
        {
            var result = new List<string>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT queue_id FROM held WHERE user = $u ORDER BY rowid";
            command.Parameters.AddWithValue("$u", user);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(reader.GetString(0));
            }
            return result;
        }
    }

    private void Write(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }
            command.ExecuteNonQuery();
        }
    }

    public void MarkNotified(long id)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "UPDATE incidents SET notified = 1 WHERE id = $i";
            command.Parameters.AddWithValue("$i", id);
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }
}
