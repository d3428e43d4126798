using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Cli;

/// <summary>
/// The help text of every command, approved against checked-in files (tests/.../Cli/Approved). A change to the
/// CLI surface shows up as a diff; set BATCHGEN_APPROVE=1 to rewrite the files after checking the new text.
/// </summary>
public sealed class HelpTests
{
    public static TheoryData<string> Commands => new() { "", "validate", "plan", "run", "retry", "status", "report", "export", "review", "votes", "schedule", "sim", "schema", "ledger", "ledger copy", "bench" };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_MatchesApprovedText(string command)
    {
        string[] args = command.Length == 0 ? ["--help"] : [.. command.Split(' '), "--help"];
        var result = await CliProcess.RunAsync(AppContext.BaseDirectory, args);

        result.ExitCode.ShouldBe(0, result.StdErr);
        var name = command.Length == 0 ? "root" : command.Replace(' ', '-');
        var approved = Path.Combine(ApprovedDirectory(), $"help-{name}.txt");
        var actual = result.StdOut.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("BATCHGEN_APPROVE") == "1")
        {
            await File.WriteAllTextAsync(approved, actual);
        }

        File.Exists(approved).ShouldBeTrue($"{approved} is missing: review the help text and create it with BATCHGEN_APPROVE=1");

        actual.ShouldBe(await File.ReadAllTextAsync(approved), $"help of '{name}' changed; check it, then rerun with BATCHGEN_APPROVE=1");
    }

    private static string ApprovedDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "BatchGen.IntegrationTests", "Cli", "Approved");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/BatchGen.IntegrationTests/Cli/Approved not found above the test binaries");
    }
}
