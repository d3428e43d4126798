using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BatchGen.TestSupport;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for the tests: initdb into a fresh temporary directory (as the unprivileged
/// <c>postgres</c> user when the tests run as root, which PostgreSQL refuses), started with pg_ctl on 127.0.0.1 at a
/// free port, with password authentication over TCP. One cluster per test process, started on first use; stopped
/// (immediate) and deleted when its last user releases it (and, as a net, when the process exits). Each test class takes its own database (<see cref="PostgresDatabase"/>).
/// Safety nets: a cluster left by a test process that is gone (its owner pid recorded beside the data) is stopped and
/// deleted by the next start, and the data directory name holds "batchgen" so scripts/kill-test-leftovers.sh finds it.
/// Missing binaries are a failure, not a skip: scripts/install-deps.sh installs them.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    public const string SuperUser = "batchgen";

    private const string Prefix = "batchgen-pg-";

    private static readonly Lock Gate = new();

    private static PostgresCluster? _current;

    private static int _users;

    private readonly string _root;

    private readonly string? _runAs;

    private int _stopped;

    private PostgresCluster(string root, int port, string password, string? runAs)
    {
        _root = root;
        Port = port;
        Password = password;
        _runAs = runAs;
    }

    /// <summary>
    /// Takes the process-wide cluster, starting it when nobody holds it; a start failure fails the test that asks.
    /// Every <see cref="Acquire"/> is paired with a <see cref="Release"/>; the last release stops and deletes it.
    /// </summary>
    public static PostgresCluster Acquire()
    {
        lock (Gate)
        {
            _current ??= Start();
            _users++;
            return _current;
        }
    }

    /// <summary>Gives the cluster back; the last holder stops it (immediate) and deletes its directory.</summary>
    public static void Release()
    {
        lock (Gate)
        {
            if (_users > 0 && --_users == 0 && _current is { } cluster)
            {
                _current = null;
                cluster.Stop();
            }
        }
    }

    public int Port { get; }

    /// <summary>The superuser's password (random per cluster): tests check it never shows.</summary>
    public string Password { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>A libpq-style URL for <paramref name="database"/> (what a user passes to --ledger).</summary>
    public string Url(string database) => $"postgres://{SuperUser}:{Password}@127.0.0.1:{Port}/{database}";

    /// <summary>An Npgsql connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={SuperUser};Password={Password};Database={database};Pooling=false;Timeout=15";

    /// <summary>Creates a database with a unique name and returns it.</summary>
    public string CreateDatabase(string hint)
    {
        var safe = new string(hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30).ToArray());
        var name = $"t_{safe}_{Guid.NewGuid().ToString("N")[..8]}";
        Psql("postgres", $"CREATE DATABASE {name};");
        return name;
    }

    /// <summary>Drops a database (closing its connections). Never throws: the cluster is deleted at exit anyway.</summary>
    public void DropDatabase(string name)
    {
        try
        {
            Psql("postgres", $"DROP DATABASE IF EXISTS {name} WITH (FORCE);");
        }
        catch (InvalidOperationException)
        {
            // The whole cluster goes at process exit.
        }
    }

    /// <summary>Runs SQL through psql over TCP (password auth) and returns its output (unaligned, tuples only).</summary>
    public string Psql(string database, string sql)
    {
        var info = new ProcessStartInfo(Path.Combine(BinDirectory, "psql"))
        {
            ArgumentList = { "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", SuperUser, "-d", database, "-c", sql },
            Environment = { ["PGPASSWORD"] = Password, ["PGCONNECT_TIMEOUT"] = "15" },
        };
        return Run(info, TimeSpan.FromSeconds(60), "psql");
    }

    private static PostgresCluster Start()
    {
        var initdb = Path.Combine(BinDirectory, "initdb");
        if (!File.Exists(initdb))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({initdb} is missing): run `bash scripts/install-deps.sh` (installs the Debian package postgresql)");
        }

        SweepLeftovers();
        var runAs = Environment.UserName == "root" || IsRoot() ? ServiceUser() : null;
        var root = Path.Combine(Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var password = Guid.NewGuid().ToString("N");
        var pwfile = Path.Combine(root, "pwfile");
        File.WriteAllText(pwfile, password + "\n");
        if (runAs is not null)
        {
            Chown(root, runAs);
        }

        var cluster = new PostgresCluster(root, 0, password, runAs);
        try
        {
            cluster.RunAsOwner(TimeSpan.FromMinutes(2), "initdb", initdb, "-D", cluster.DataDirectory, "-U", SuperUser, "--pwfile", pwfile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            File.Delete(pwfile);
            return StartServer(cluster);
        }
        catch
        {
            cluster.Stop();
            throw;
        }
    }

    /// <summary>Starts the server on a free port; a port taken between the probe and the start is retried (3 times).</summary>
    private static PostgresCluster StartServer(PostgresCluster cluster)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var started = new PostgresCluster(cluster._root, port, cluster.Password, cluster._runAs);
            try
            {
                started.StartProcess();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => started.Stop();
                return started;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely the port was taken meanwhile: try another.
            }
        }
    }

    /// <summary>
    /// A cluster of its own for a test that stops the server under a run (never the shared one); the caller disposes
    /// it, which stops and deletes it.
    /// </summary>
    public static PostgresCluster StartPrivate() => Start();

    /// <summary>Stops the server at once (immediate shutdown, like a crash), keeping its data.</summary>
    public void Halt()
    {
        RunAsOwner(TimeSpan.FromSeconds(60), "pg_ctl stop", Path.Combine(BinDirectory, "pg_ctl"), "stop", "-m", "immediate", "-w", "-t", "30", "-D", DataDirectory);
    }

    /// <summary>Starts the halted server again on the same port and waits until it answers.</summary>
    public void Resume() => StartProcess();

    public void Dispose() => Stop();

    private void StartProcess()
    {
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_root} -c fsync=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB";
        RunAsOwner(TimeSpan.FromMinutes(2), "pg_ctl start", Path.Combine(BinDirectory, "pg_ctl"),
            "start", "-w", "-t", "90", "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-o", options);
        WaitReady();
    }

    /// <summary>Waits (bounded) until the server accepts an authenticated query.</summary>
    private void WaitReady()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (Psql("postgres", "SELECT 1;").Trim() == "1")
                {
                    return;
                }
            }
            catch (InvalidOperationException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                // Not accepting yet.
            }

            if (deadline.Elapsed >= TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"PostgreSQL on 127.0.0.1:{Port} did not become ready within 60 s (log: {Path.Combine(_root, "server.log")})");
            }

            using var pause = new ManualResetEventSlim();
            pause.Wait(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Stops the server (immediate) and deletes the directory; then kills a postmaster that did not stop.</summary>
    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                RunAsOwner(TimeSpan.FromSeconds(30), "pg_ctl stop", Path.Combine(BinDirectory, "pg_ctl"), "stop", "-m", "immediate", "-w", "-t", "20", "-D", DataDirectory);
            }
        }
        catch (InvalidOperationException)
        {
            KillPostmaster(DataDirectory);
        }

        KillPostmaster(DataDirectory);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The OS temp cleaner takes it.
        }
    }

    /// <summary>Clusters of test processes that are gone: stopped and deleted.</summary>
    private static void SweepLeftovers()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var ownerFile = Path.Combine(dir, "owner.pid");
            if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile).Trim(), out var owner) || Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            KillPostmaster(Path.Combine(dir, "data"));
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the OS temp cleaner.
            }
        }
    }

    private static void KillPostmaster(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First().Trim(), out var pid)
                && File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains(dataDirectory, StringComparison.Ordinal))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private string RunAsOwner(TimeSpan timeout, string what, string program, params string[] arguments)
    {
        var info = _runAs is null ? new ProcessStartInfo(program) : new ProcessStartInfo("/usr/sbin/runuser", ["-u", _runAs, "--", program]);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.WorkingDirectory = _root;
        return Run(info, timeout, what);
    }

    private static string Run(ProcessStartInfo info, TimeSpan timeout, string what)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["LC_ALL"] = "C.UTF-8";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{what} did not finish within {timeout.TotalSeconds} s");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit {process.ExitCode}): {stderr.Result.Trim()} {stdout.Result.Trim()}");
        }

        return stdout.Result;
    }

    private static bool IsRoot() => File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal)) is { } uid
        && uid.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];

    /// <summary>The system user the cluster runs as under root: postgres (the Debian package creates it), else batchgen-test.</summary>
    private static string ServiceUser()
    {
        if (UserExists("postgres"))
        {
            return "postgres";
        }

        if (!UserExists("batchgen-test"))
        {
            Run(new ProcessStartInfo("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "batchgen-test"]), TimeSpan.FromSeconds(30), "useradd batchgen-test");
        }

        return "batchgen-test";
    }

    private static bool UserExists(string name) =>
        File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    private static void Chown(string path, string user) =>
        Run(new ProcessStartInfo("chown", ["-R", user, path]), TimeSpan.FromSeconds(30), "chown");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A database of its own in the shared cluster for one test class (xunit class fixture); dropped at the end.</summary>
public sealed class PostgresDatabase : IDisposable
{
    public PostgresDatabase()
    {
        Cluster = PostgresCluster.Acquire();
        try
        {
            Name = Cluster.CreateDatabase("db");
        }
        catch
        {
            PostgresCluster.Release();
            throw;
        }
    }

    public PostgresCluster Cluster { get; }

    public string Name { get; }

    public string Url => Cluster.Url(Name);

    public string ConnectionString => Cluster.ConnectionString(Name);

    public void Dispose()
    {
        Cluster.DropDatabase(Name);
        PostgresCluster.Release();
    }
}
