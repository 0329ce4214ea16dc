using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace SpamTrace.Policy.Greylisting.Store;

/// <summary>
/// The embedded store's greylisting tables, in the policy store's SQLite file (its own connection; the file is in WAL
/// mode). Memory holds only hashes and times; the triplet text lives here, for explain.
/// </summary>
internal sealed class GreylistSqlite : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly bool _readOnly;

    public GreylistSqlite(string path, bool readOnly = false)
    {
        _readOnly = readOnly;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !readOnly)
        {
            Directory.CreateDirectory(directory);
        }
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate };
        _connection = new SqliteConnection(builder.ToString());
        _connection.Open();
        if (readOnly)
        {
            Execute("PRAGMA busy_timeout=5000;");
            return;
        }
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS greylist_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS greylist_triplets (hash INTEGER PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL, triplet TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS greylist_clients (hash INTEGER PRIMARY KEY, address TEXT NOT NULL, count INTEGER NOT NULL, last INTEGER NOT NULL);
            """);
        // State files are private: they name who mails whom.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static bool HasTables(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        using var db = new GreylistSqlite(path, readOnly: true);
        using var command = db._connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'greylist_triplets'";
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>The hash seed of this file, made once: the same triplet must hash the same after a restart.</summary>
    public ulong Seed()
    {
        lock (_lock)
        {
            using var read = _connection.CreateCommand();
            read.CommandText = "SELECT value FROM greylist_meta WHERE name = 'seed'";
            if (read.ExecuteScalar() is long stored)
            {
                return unchecked((ulong)stored);
            }
            if (_readOnly)
            {
                return 0;
            }
            var seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));
            using var write = _connection.CreateCommand();
            write.CommandText = "INSERT INTO greylist_meta(name, value) VALUES('seed', $v)";
            write.Parameters.AddWithValue("$v", seed);
            write.ExecuteNonQuery();
            return unchecked((ulong)seed);
        }
    }

    public void LoadTriplets(Action<ulong, long, long> add) => Load("SELECT hash, first, last FROM greylist_triplets", add);

    public void LoadClients(Action<ulong, long, long> add) => Load("SELECT hash, count, last FROM greylist_clients", add);

    private void Load(string sql, Action<ulong, long, long> add)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                add(unchecked((ulong)reader.GetInt64(0)), reader.GetInt64(1), reader.GetInt64(2));
            }
        }
    }

    /// <summary>One change to write: the entry's current values, or Exists false to delete it.</summary>
    public readonly record struct Change(ulong Hash, bool Exists, long A, long B, string Text);

    public void Save(IReadOnlyList<Change> triplets, IReadOnlyList<Change> clients)
    {
        if (triplets.Count == 0 && clients.Count == 0)
        {
            return;
        }
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            Write(transaction, triplets,
                "INSERT INTO greylist_triplets(hash, first, last, triplet) VALUES($h, $a, $b, $t) ON CONFLICT(hash) DO UPDATE SET first = excluded.first, last = excluded.last",
                "DELETE FROM greylist_triplets WHERE hash = $h");
            Write(transaction, clients,
                "INSERT INTO greylist_clients(hash, count, last, address) VALUES($h, $a, $b, $t) ON CONFLICT(hash) DO UPDATE SET count = excluded.count, last = excluded.last",
                "DELETE FROM greylist_clients WHERE hash = $h");
            transaction.Commit();
        }
    }

    private void Write(SqliteTransaction transaction, IReadOnlyList<Change> changes, string upsertSql, string deleteSql)
    {
        using var upsert = _connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = upsertSql;
        var h = upsert.Parameters.Add("$h", SqliteType.Integer);
        var a = upsert.Parameters.Add("$a", SqliteType.Integer);
        var b = upsert.Parameters.Add("$b", SqliteType.Integer);
        var t = upsert.Parameters.Add("$t", SqliteType.Text);
        using var delete = _connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = deleteSql;
        var dh = delete.Parameters.Add("$h", SqliteType.Integer);
        foreach (var change in changes)
        {
            if (change.Exists)
            {
                h.Value = unchecked((long)change.Hash);
                a.Value = change.A;
                b.Value = change.B;
                t.Value = change.Text;
                upsert.ExecuteNonQuery();
            }
            else
            {
                dh.Value = unchecked((long)change.Hash);
                delete.ExecuteNonQuery();
            }
        }
    }

    public List<TripletRecord> Find(string needle, int max)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT triplet, first, last FROM greylist_triplets WHERE instr(triplet, $n) > 0 ORDER BY last DESC LIMIT $m";
            command.Parameters.AddWithValue("$n", needle.ToLowerInvariant());
            command.Parameters.AddWithValue("$m", max);
            using var reader = command.ExecuteReader();
            var result = new List<TripletRecord>();
            while (reader.Read())
            {
                result.Add(new TripletRecord(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
            }
            return result;
        }
    }

    public ClientEntry Client(ulong hash)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT count, last FROM greylist_clients WHERE hash = $h";
            command.Parameters.AddWithValue("$h", unchecked((long)hash));
            using var reader = command.ExecuteReader();
            return reader.Read() ? new ClientEntry { Exists = true, Count = reader.GetInt64(0), Last = reader.GetInt64(1) } : default;
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
