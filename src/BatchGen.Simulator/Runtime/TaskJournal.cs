using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchGen.Simulator;

/// <summary>One created task as the journal keeps it: the task and the submit identity that made it.</summary>
internal sealed record JournalEntry(string Provider, string DecisionKey, int Occurrence, string? IdempotencyKey, SimTask Task);

/// <summary>
/// The simulated providers' memory across restarts, kept in a state directory: <c>tasks.jsonl</c> (one line per
/// created task, appended and flushed before the submit is answered, as a real provider has the task once it
/// answers) and <c>signing-key</c> (the key of the result-file URLs, so URLs handed out before a restart still work).
/// A task's whole life is fixed when it is created, so the task alone tells its state at any later instant.
/// Credits charged, per-key concurrency, Idempotency-Key replays and the submit counters are rebuilt from the lines.
/// </summary>
internal sealed class TaskJournal : IDisposable
{
    public const string TasksFileName = "tasks.jsonl";

    public const string SigningKeyFileName = "signing-key";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        IgnoreReadOnlyProperties = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new ReadOnlySetConverter() },
    };

    private readonly Lock gate = new();
    private readonly FileStream stream;

    private TaskJournal(string directory, FileStream stream, IReadOnlyList<JournalEntry> entries, byte[] signingKey)
    {
        Directory = directory;
        this.stream = stream;
        Entries = entries;
        SigningKey = signingKey;
    }

    public string Directory { get; }

    /// <summary>The tasks found at open, in creation order.</summary>
    public IReadOnlyList<JournalEntry> Entries { get; }

    public byte[] SigningKey { get; }

    /// <summary>
    /// Opens (creating) the state directory and reads it. Holds <c>tasks.jsonl</c> open for writing, so a second
    /// simulator on the same directory is refused. A torn last line (the process died while writing it) is dropped.
    /// </summary>
    /// <exception cref="SimulatorConfigException">The directory is in use, unreadable, or holds a damaged journal.</exception>
    public static TaskJournal Open(string directory)
    {
        var full = Path.GetFullPath(directory);
        var path = Path.Combine(full, TasksFileName);
        FileStream stream;
        try
        {
            System.IO.Directory.CreateDirectory(full);
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new SimulatorConfigException($"{path}: cannot open the simulator state ({ex.Message.ReplaceLineEndings(" ")}); another simulator may be using it", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SimulatorConfigException($"{path}: cannot open the simulator state ({ex.Message.ReplaceLineEndings(" ")}); choose a writable directory", ex);
        }

        try
        {
            var entries = Read(stream, path);
            return new TaskJournal(full, stream, entries, LoadSigningKey(Path.Combine(full, SigningKeyFileName)));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends one created task and flushes it to the OS (it survives the process being killed).</summary>
    public void Append(JournalEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, Json);
        lock (gate)
        {
            stream.Write(line);
            stream.WriteByte((byte)'\n');
            stream.Flush();
        }
    }

    /// <summary>Forgets every task (<c>POST /_sim/reset</c>).</summary>
    public void Clear()
    {
        lock (gate)
        {
            stream.SetLength(0);
            stream.Flush();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            stream.Dispose();
        }
    }

    private static List<JournalEntry> Read(FileStream stream, string path)
    {
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        var entries = new List<JournalEntry>(lines.Length);
        long keep = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var last = i == lines.Length - 1;
            if (lines[i].Length == 0)
            {
                keep += last ? 0 : 1;
                continue;
            }

            if (Parse(lines[i]) is { } entry)
            {
                entries.Add(entry);
                keep += Encoding.UTF8.GetByteCount(lines[i]) + (last ? 0 : 1);
            }
            else if (!last)
            {
                throw new SimulatorConfigException(string.Create(CultureInfo.InvariantCulture, $"{path}:{i + 1}: not a simulator task record; move the directory away to start the simulated providers afresh"));
            }

            // else: the last line, torn by a crash while it was written (that submit was never answered): dropped.
        }

        // New lines go after the last whole one, on a line of their own.
        stream.SetLength(keep);
        stream.Seek(0, SeekOrigin.End);
        if (keep > 0 && bytes[keep - 1] != (byte)'\n')
        {
            stream.WriteByte((byte)'\n');
        }

        return entries;
    }

    private static JournalEntry? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<JournalEntry>(line, Json);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private static byte[] LoadSigningKey(string path)
    {
        if (File.Exists(path) && File.ReadAllBytes(path) is { Length: 32 } existing)
        {
            return existing;
        }

        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllBytes(path, key);
        return key;
    }
}

/// <summary>Sets of output indexes (<see cref="SimTask.ExpiredOutputs"/>) as JSON arrays.</summary>
internal sealed class ReadOnlySetConverter : JsonConverter<IReadOnlySet<int>>
{
    public override IReadOnlySet<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<HashSet<int>>(ref reader, options) ?? [];

    public override void Write(Utf8JsonWriter writer, IReadOnlySet<int> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.Order().ToArray(), options);
}
