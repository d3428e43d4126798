using BatchGen.Cli.Ledger;

namespace BatchGen.Tests.Cli;

/// <summary>--ledger / --batch: which backend they select and what they refuse, never echoing a password.</summary>
public sealed class LedgerSelectionTests
{
    [Fact]
    public void Problem_BatchWithoutPostgres_IsRefused()
    {
        new LedgerSelection("out/ledger.db", "b1").Problem().ShouldBe("--batch names a batch inside a PostgreSQL ledger: use it with --ledger postgres://... (or BATCHGEN_LEDGER)");
        new LedgerSelection(null, "b1").Problem().ShouldNotBeNull();
    }

    [Fact]
    public void Problem_MalformedPostgresAddress_NamesTheOptionNotThePassword()
    {
        var problem = new LedgerSelection("postgres://u:pa55word@db/x?what=1", null).Problem();

        problem.ShouldNotBeNull();
        problem.ShouldStartWith("--ledger: ");
        problem.ShouldNotContain("pa55word");
    }

    [Theory]
    [InlineData("postgres://u:p@db/x", true)]
    [InlineData("Host=db;Database=x;Username=u", true)]
    [InlineData("/srv/ledgers/nightly.db", false)]
    public void IsPostgres_Value_SelectsTheBackend(string value, bool postgres)
    {
        var selection = LedgerSelection.From(value, null);

        selection.Address.ShouldBe(value);
        selection.IsPostgres.ShouldBe(postgres);
        selection.Problem().ShouldBeNull();
    }

    [Fact]
    public void Resolve_PostgresWithBatchName_TargetsThatBatchWithoutOutputDirectory()
    {
        var (target, error) = LedgerTarget.Resolve("nightly-does-not-exist-as-a-file", null, new LedgerSelection("postgres://u:secret@db:5433/x", "2026-11-28"));

        error.ShouldBeNull();
        target!.Batch.ShouldBe(new BatchGen.Ledger.Postgres.PostgresBatch("nightly-does-not-exist-as-a-file", "2026-11-28"));
        target.OutputDirectory.ShouldBeNull();
        target.Display.ShouldBe("postgres://u@db:5433/x batch 'nightly-does-not-exist-as-a-file' (--batch 2026-11-28)");
    }
}
