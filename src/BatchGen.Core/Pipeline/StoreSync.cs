using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Storage;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// record -> upload: after a job's outputs are saved and recorded, uploads them to <c>output.store</c>, records each
/// object (key, s3:// URL, size, SHA-256) and then, with <c>keep_local: false</c>, removes the local copies. An
/// upload that fails leaves the job succeeded with its local files and counts as a storage problem (exit 5); the
/// next run uploads what is missing. Once the store is unreachable, later uploads of the run are not tried.
/// </summary>
internal sealed class StoreSync
{
    private readonly RunContext _context;
    private readonly OutputUploader _uploader;
    private int _unreachable;

    public StoreSync(RunContext context, OutputUploader uploader)
    {
        _context = context;
        _uploader = uploader;
    }

    public OutputUploader Uploader => _uploader;

    /// <summary>Uploads <paramref name="saved"/> (verified files on disk); false when the store failed (already reported).</summary>
    public async Task<bool> StoreAsync(JobSpec spec, IReadOnlyList<LedgerOutput> saved, string? note = null)
    {
        if (Volatile.Read(ref _unreachable) == 1)
        {
            _context.ReportStorageProblem(spec.Id, null);
            return false;
        }

        List<LedgerOutput> stored;
        try
        {
            stored = await _uploader.UploadAsync(spec, saved, _context.HardStopToken).ConfigureAwait(false);
        }
        catch (StorageException ex)
        {
            if (ex.Unreachable)
            {
                Volatile.Write(ref _unreachable, 1);
            }

            _context.ReportStorageProblem(spec.Id, ex.Message);
            await _context.RecordAsync(new LedgerEvent
            {
                JobId = spec.Id,
                State = JobState.Succeeded,
                Note = $"not uploaded to the output store: {ex.Message}; the local file is kept and the next run uploads it",
            }).ConfigureAwait(false);
            return false;
        }

        // Recorded: what was uploaded now and what was found stored but not recorded.
        var uploaded = stored.Where(o => o.StoredAt is not null && !saved.Any(s => s.Index == o.Index && s.ObjectKey == o.ObjectKey && s.StoredAt == o.StoredAt)).ToList();
        if (uploaded.Count > 0)
        {
            await _context.RecordAsync(new LedgerEvent
            {
                JobId = spec.Id,
                State = JobState.Succeeded,
                Outputs = uploaded,
                Note = note ?? (uploaded.Count == 1 ? $"uploaded to {uploaded[0].ObjectUrl}" : $"{uploaded.Count} outputs uploaded to {_uploader.Display}"),
            }).ConfigureAwait(false);
        }

        _uploader.RemoveLocal(spec, stored);
        return true;
    }

    /// <summary>Removes the local copies of outputs confirmed in the store, unless <c>keep_local</c> is set.</summary>
    public void RemoveLocal(JobSpec spec, IReadOnlyList<LedgerOutput> stored) => _uploader.RemoveLocal(spec, stored);

    /// <summary>The output with its object fields when its object is in the store with its size and SHA-256, else null (StorageException when the store fails).</summary>
    public async Task<LedgerOutput?> FindStoredAsync(JobSpec spec, LedgerOutput output)
    {
        if (Volatile.Read(ref _unreachable) == 1)
        {
            throw new StorageException($"{_uploader.Display}: not asked again in this run (it could not be reached before)") { Unreachable = true };
        }

        try
        {
            return await _uploader.FindStoredAsync(spec, output, _context.StopToken).ConfigureAwait(false);
        }
        catch (StorageException ex) when (ex.Unreachable)
        {
            Volatile.Write(ref _unreachable, 1);
            throw;
        }
    }
}
