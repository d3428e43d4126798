using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Cli.Run;

/// <summary>
/// Lets <c>run</c> skip rewriting reports that would come out byte for byte the same: the ledger records, beside the
/// reports it last wrote, a key made of a hash of every ledger row they are built from, the settings they depend on
/// (batch name, axes, charge rules, simulated, directory, the BatchGen build) and each file's size and modification
/// time. A re-run of a finished batch then reads no report input twice and writes nothing. Never used when a link to
/// the output store or a price from the manifest (a job never submitted) could differ: those reports are rewritten.
/// </summary>
internal static class ReportFreshness
{
    /// <summary>Ledger meta key of the last reports written by <c>run</c>.</summary>
    public const string MetaKey = "reports_written";

    /// <summary>The key of reports built from the ledger as it is now, or null when they must be rewritten anyway.</summary>
    public static async Task<string?> KeyAsync(ILedger ledger, ReportInput settings, RunFacts facts, CancellationToken cancellationToken)
    {
        if (settings.Links is not null || facts.Unpriced > 0)
        {
            return null;
        }

        if (await ledger.ReportDataHashAsync(cancellationToken).ConfigureAwait(false) is not { } data)
        {
            return null;
        }

        var text = new StringBuilder()
            .Append(typeof(ReportWriter).Assembly.ManifestModule.ModuleVersionId.ToString("N")).Append('\n')
            .Append(settings.BatchName).Append('\n')
            .AppendJoin('\u001f', settings.Axes).Append('\n')
            .AppendJoin('\u001f', settings.ChargeFailedProviders.Order(StringComparer.Ordinal)).Append('\n')
            .Append(settings.Simulated).Append('\n')
            .Append(settings.OutputRoot).Append('\n')
            .Append(data);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>True when the reports recorded under <paramref name="key"/> are all still there, untouched.</summary>
    public static async Task<bool> IsCurrentAsync(ILedger ledger, string key, CancellationToken cancellationToken)
    {
        var recorded = await ledger.GetMetaAsync(MetaKey, cancellationToken).ConfigureAwait(false);
        if (recorded is null || !recorded.StartsWith(key + "\n", StringComparison.Ordinal))
        {
            return false;
        }

        var files = recorded[(key.Length + 1)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return files.Length > 0 && files.All(line => line == Stamp(line[..line.IndexOf('\t', StringComparison.Ordinal)]));
    }

    /// <summary>Records <paramref name="key"/> with the files just written.</summary>
    public static Task RecordAsync(ILedger ledger, string key, IReadOnlyList<string> written, CancellationToken cancellationToken) =>
        ledger.SetMetaAsync(MetaKey, key + "\n" + string.Join('\n', written.Select(Stamp)), cancellationToken);

    /// <summary>Forgets the last key (reports being rewritten, or written without one).</summary>
    public static Task ForgetAsync(ILedger ledger, CancellationToken cancellationToken) =>
        ledger.SetMetaAsync(MetaKey, string.Empty, cancellationToken);

    private static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists
            ? string.Create(CultureInfo.InvariantCulture, $"{path}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}")
            : $"{path}\tmissing";
    }
}
