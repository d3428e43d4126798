namespace BatchGen.Tests.Ledger;

/// <summary>The test cluster itself: running, on loopback, password required, one database per class.</summary>
public sealed class PostgresClusterTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public void Cluster_Started_AnswersOnLoopbackWithItsDatabase()
    {
        database.Cluster.Psql(database.Name, "SELECT current_database();").Trim().ShouldBe(database.Name);
        database.Cluster.Psql(database.Name, "SHOW server_version_num;").Trim().ShouldStartWith("15");
        database.Cluster.Psql(database.Name, "SHOW listen_addresses;").Trim().ShouldBe("127.0.0.1");
    }

    [Fact]
    public void Cluster_WrongPassword_IsRefused()
    {
        var info = new System.Diagnostics.ProcessStartInfo(System.IO.Path.Combine(PostgresCluster.BinDirectory, "psql"))
        {
            ArgumentList = { "-X", "-h", "127.0.0.1", "-p", database.Cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", PostgresCluster.SuperUser, "-d", database.Name, "-c", "SELECT 1" },
            Environment = { ["PGPASSWORD"] = "wrong" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(info)!;
        process.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        process.ExitCode.ShouldNotBe(0);
        process.StandardError.ReadToEnd().ShouldContain("password authentication failed");
    }
}
