namespace BatchGen.Core.Ledger;

/// <summary>
/// What <see cref="SqliteLedger.SyncJobsAsync"/> found: jobs new to the ledger (now pending), jobs it already knew,
/// and ledger jobs the manifest no longer produces (kept, marked <see cref="LedgerJob.InManifest"/> = false).
/// </summary>
public sealed record LedgerSyncResult(int Added, int Existing, int Lost);
