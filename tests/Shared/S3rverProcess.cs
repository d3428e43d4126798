using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using BatchGen.Core.Storage;

namespace BatchGen.TestSupport;

/// <summary>
/// A real S3-compatible server for tests: s3rver (installed by scripts/install-deps.sh into .tools/s3rver) on
/// 127.0.0.1, a port the kernel picks, a fresh temp directory, and one bucket. Ready when it printed its listening
/// line and answered a ListBuckets; stopped (whole process tree) on dispose, whatever the outcome. Counts what it
/// stored per key from its log, so a test can tell how often an object was uploaded. Path-style addressing,
/// credentials S3RVER/S3RVER.
/// </summary>
public sealed partial class S3rverProcess : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";

    public const string SecretKey = "S3RVER";

    /// <summary>How long a start may take on a busy machine.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private static int _exitHooked;

    private readonly Lock _gate = new();
    private readonly StringBuilder _log = new();
    private readonly ConcurrentDictionary<string, int> _stored = new(StringComparer.Ordinal);
    private readonly string _root;
    private Process? _process;
    private TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private S3rverProcess(string bucket)
    {
        Bucket = bucket;
        _root = Path.Combine(Path.GetTempPath(), "batchgen-tests", "s3rver-" + Guid.NewGuid().ToString("N"));
        DataDirectory = Path.Combine(_root, "data");
        Directory.CreateDirectory(DataDirectory);
    }

    public string Bucket { get; }

    /// <summary>Where s3rver keeps buckets and objects (survives <see cref="StopAsync"/> for a restart).</summary>
    public string DataDirectory { get; }

    public int Port { get; private set; }

    public Uri Endpoint => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));

    /// <summary>The server's log so far, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_gate)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Credentials and endpoint for a child process (the CLI) that talks to this server.</summary>
    public static IReadOnlyDictionary<string, string> ChildEnvironment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = S3StoreDefaults.Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    public static AWSCredentials Credentials => new BasicAWSCredentials(AccessKey, SecretKey);

    /// <summary>The path to the s3rver launcher: BATCHGEN_S3RVER, else &lt;repo&gt;/.tools/s3rver/node_modules/.bin/s3rver.</summary>
    public static string Locate()
    {
        if (System.Environment.GetEnvironmentVariable("BATCHGEN_S3RVER") is { Length: > 0 } fromEnv)
        {
            return File.Exists(fromEnv) ? fromEnv : throw new InvalidOperationException($"BATCHGEN_S3RVER={fromEnv} does not exist");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BatchGen.sln")))
            {
                var launcher = Path.Combine(dir.FullName, ".tools", "s3rver", "node_modules", ".bin", "s3rver");
                return File.Exists(launcher)
                    ? launcher
                    : throw new InvalidOperationException($"s3rver is not installed at {launcher}: run `bash scripts/install-deps.sh` (CI does) so the object storage tests can run");
            }
        }

        throw new InvalidOperationException($"no BatchGen.sln above {AppContext.BaseDirectory}: cannot find .tools/s3rver (run `bash scripts/install-deps.sh`, or set BATCHGEN_S3RVER)");
    }

    /// <summary>Starts s3rver and creates <paramref name="bucket"/>. Fails (never skips) when s3rver is not installed.</summary>
    public static async Task<S3rverProcess> StartAsync(string bucket = "batchgen-test")
    {
        var server = new S3rverProcess(bucket);
        try
        {
            await server.LaunchAsync(port: 0);
            using var client = server.CreateClient();
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client for checks and set-up (path-style, the S3RVER credentials). The caller disposes it.</summary>
    public AmazonS3Client CreateClient() => new(Credentials, new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = S3StoreDefaults.Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        MaxErrorRetry = 0,
    });

    /// <summary>Store settings for this server's bucket under <paramref name="prefix"/>.</summary>
    public S3StoreSettings Settings(string prefix = "") =>
        new(Bucket, S3StoreSettings.NormalizePrefix(prefix)) { Endpoint = Endpoint, Region = S3StoreDefaults.Region, ForcePathStyle = true };

    /// <summary>An object store on this server with the test credentials.</summary>
    public S3ObjectStore CreateStore(string prefix = "", TimeProvider? time = null, S3TransferOptions? transfer = null) =>
        new(Settings(prefix), time ?? TimeProvider.System, Credentials, transfer);

    /// <summary>How many times s3rver stored an object under <paramref name="key"/> (single PUT or completed multipart).</summary>
    public int StoredCount(string key) => _stored.TryGetValue(key, out var count) ? count : 0;

    /// <summary>Every key stored so far with its count.</summary>
    public IReadOnlyDictionary<string, int> StoredCounts() => new Dictionary<string, int>(_stored, StringComparer.Ordinal);

    /// <summary>Kills the server (whole tree) and waits for it; the data directory stays for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is not null)
        {
            await KillTreeAsync(process);
        }
    }

    /// <summary>Starts the server again on the same port and data directory (the bucket and its objects are still there).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync(Port);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner takes it.
        }
    }

    private async Task LaunchAsync(int port)
    {
        var launcher = Locate();
        _listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var info = new ProcessStartInfo(launcher)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _root,
        };
        foreach (var arg in (string[])["-d", DataDirectory, "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--no-vhost-buckets"])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["FORCE_COLOR"] = "0";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"s3rver exited before it listened:\n{RecentOutput}"));
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {launcher}");
        }

        Register(process);
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Port = await _listening.Task.WaitAsync(StartTimeout);
            await WaitUntilAnsweringAsync();
        }
        catch (TimeoutException)
        {
            await StopAsync();
            throw new TimeoutException($"s3rver did not start within {StartTimeout.TotalSeconds} s:\n{RecentOutput}");
        }
    }

    /// <summary>Ready = a ListBuckets answered (bounded in time).</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        using var deadline = new CancellationTokenSource(StartTimeout);
        using var client = CreateClient();
        while (true)
        {
            try
            {
                await client.ListBucketsAsync(deadline.Token);
                return;
            }
            catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }

    private void OnLine(string? raw)
    {
        if (raw is null)
        {
            return;
        }

        var line = Ansi().Replace(raw, string.Empty);
        lock (_gate)
        {
            _log.AppendLine(line);
        }

        if (Listening().Match(line) is { Success: true } listening)
        {
            _listening.TrySetResult(int.Parse(listening.Groups["port"].Value, CultureInfo.InvariantCulture));
        }
        else if (Stored().Match(line) is { Success: true } stored && stored.Groups["bucket"].Value == Bucket)
        {
            _stored.AddOrUpdate(stored.Groups["key"].Value, 1, (_, n) => n + 1);
        }
    }

    private static void Register(Process process)
    {
        if (Interlocked.Exchange(ref _exitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                foreach (var running in Running.Values)
                {
                    try
                    {
                        running.Kill(entireProcessTree: true);
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // Already gone.
                    }
                }
            };
        }

        Running[process.Id] = process;
    }

    private static async Task KillTreeAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(wait.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            // Already reaped or stuck in the kernel: nothing more a test can do.
        }
        finally
        {
            Running.TryRemove(new KeyValuePair<int, Process>(process.Id, process));
            process.Dispose();
        }
    }

    [GeneratedRegex(@"S3rver listening on [^:\s]+:(?<port>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Listening();

    [GeneratedRegex("Stored object \"(?<key>.*)\" in bucket \"(?<bucket>[^\"]+)\" successfully", RegexOptions.CultureInvariant)]
    private static partial Regex Stored();

    [GeneratedRegex(@"\x1B\[[0-9;]*m", RegexOptions.CultureInvariant)]
    private static partial Regex Ansi();
}
