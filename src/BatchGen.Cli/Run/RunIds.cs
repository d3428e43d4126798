using System.Globalization;
using System.Security.Cryptography;

namespace BatchGen.Cli.Run;

/// <summary>The id of one run (process) in logs and notifications: its UTC start and 4 random hex digits.</summary>
internal static class RunIds
{
    public static string Create(TimeProvider time) =>
        time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
}
