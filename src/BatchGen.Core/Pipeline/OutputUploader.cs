using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Storage;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// upload -> check -> (remove local): puts each verified output into <c>output.store</c> under its output path, and
/// tells whether a recorded object is still there (size and SHA-256 from a HEAD). Built once per run; the caller owns
/// the store. A failure is a <see cref="StorageException"/> the stages turn into a kept local file and exit 5.
/// </summary>
public sealed class OutputUploader
{
    private readonly S3ObjectStore _store;
    private readonly string _outputDirectory;
    private readonly TimeProvider _time;

    public OutputUploader(S3ObjectStore store, OutputStoreOptions options, string outputDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        Options = options;
        _outputDirectory = outputDirectory;
        _time = time;
    }

    public OutputStoreOptions Options { get; }

    /// <summary>For messages: <c>s3://bucket/prefix</c> (and the endpoint).</summary>
    public string Display => _store.Settings.Display;

    /// <summary>
    /// Uploads the outputs of <paramref name="spec"/> that are not stored yet (a recorded object still checked by HEAD
    /// is kept). Returns the outputs with their object fields; throws <see cref="StorageException"/> on the first
    /// failure (outputs uploaded before it are stored, and found by the next run's HEAD).
    /// </summary>
    internal async Task<List<LedgerOutput>> UploadAsync(JobSpec spec, IReadOnlyList<LedgerOutput> outputs, CancellationToken cancellationToken)
    {
        var result = new List<LedgerOutput>(outputs.Count);
        foreach (var output in outputs)
        {
            if (await FindStoredAsync(spec, output, cancellationToken).ConfigureAwait(false) is { } found)
            {
                result.Add(found);
                continue;
            }

            var path = JobOutputs.PathOf(spec, output);
            var key = _store.KeyFor(path);
            var stored = await _store.PutFileAsync(Path.Combine(_outputDirectory, path), key, output.Sha256, cancellationToken).ConfigureAwait(false);
            result.Add(output with
            {
                FilePath = output.FilePath ?? path,
                Bytes = stored.Bytes,
                Sha256 = stored.Sha256,
                ObjectKey = key,
                ObjectUrl = $"s3://{_store.Settings.Bucket}/{key}",
                StoredAt = _time.GetUtcNow(),
            });
        }

        return result;
    }

    /// <summary>
    /// The output with its object fields when the object at its key (recorded, else the key it would get) is the
    /// output's file (size and SHA-256 by a HEAD); null when it is not there or differs. Finds uploads the ledger does
    /// not hold (a crash between upload and record, a ledger backend without object records).
    /// </summary>
    internal async Task<LedgerOutput?> FindStoredAsync(JobSpec spec, LedgerOutput output, CancellationToken cancellationToken)
    {
        if (output.Bytes is not { } bytes || output.Sha256 is not { } sha)
        {
            return null;
        }

        var key = output.ObjectKey ?? _store.KeyFor(JobOutputs.PathOf(spec, output));
        if (await _store.HeadAsync(key, cancellationToken).ConfigureAwait(false) is not { } stored || !stored.Matches(bytes, sha))
        {
            return null;
        }

        return output.ObjectKey is not null
            ? output
            : output with { ObjectKey = key, ObjectUrl = $"s3://{_store.Settings.Bucket}/{key}", StoredAt = _time.GetUtcNow() };
    }

    /// <summary>
    /// <c>keep_local: false</c>: deletes the local copies of outputs whose objects are recorded (call after the record
    /// is durable). A file that cannot be deleted stays; nothing is lost.
    /// </summary>
    internal void RemoveLocal(JobSpec spec, IReadOnlyList<LedgerOutput> outputs)
    {
        if (Options.KeepLocal)
        {
            return;
        }

        foreach (var output in outputs.Where(o => o.ObjectKey is not null))
        {
            try
            {
                File.Delete(Path.Combine(_outputDirectory, JobOutputs.PathOf(spec, output)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The stored object is the copy of record; a local file left behind costs disk space only.
            }
        }
    }

    /// <summary>A link to a stored object for reports: the public URL, else a presigned GET for the configured lifetime.</summary>
    public Uri LinkFor(string objectKey) => _store.LinkFor(objectKey, Options.LinkLifetime);
}
