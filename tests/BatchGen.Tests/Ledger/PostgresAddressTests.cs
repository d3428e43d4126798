using BatchGen.Ledger.Postgres;

namespace BatchGen.Tests.Ledger;

/// <summary>--ledger values: URLs and connection strings, and what messages show of them.</summary>
public sealed class PostgresAddressTests
{
    [Theory]
    [InlineData("postgres://u:p@db:5432/x", true)]
    [InlineData("postgresql://db/x", true)]
    [InlineData("Host=db;Database=x", true)]
    [InlineData("out/ledger.db", false)]
    [InlineData("", false)]
    public void IsPostgres_Text_SelectsPostgresOnlyForUrlsAndConnectionStrings(string text, bool expected) =>
        PostgresAddress.IsPostgres(text).ShouldBe(expected);

    [Fact]
    public void Parse_Url_MapsEveryPartAndDisplaysWithoutPassword()
    {
        var address = PostgresAddress.Parse("postgres://fleet:p%40ss@db.example.com:6432/batches?sslmode=require&pool_size=20");

        address.Display.ShouldBe("postgres://fleet@db.example.com:6432/batches");
        address.HostPort.ShouldBe("db.example.com:6432");
        address.Builder.Password.ShouldBe("p@ss");
        address.Builder.SslMode.ShouldBe(Npgsql.SslMode.Require);
        address.Builder.MaxPoolSize.ShouldBe(20);
        address.Builder.SearchPath.ShouldBe("batchgen");
        address.Builder.Options!.ShouldContain("synchronous_commit=on");
    }

    [Fact]
    public void Parse_ConnectionString_KeepsItsSettings()
    {
        var address = PostgresAddress.Parse("Host=db;Port=5433;Username=u;Password=secret;Database=b;SSL Mode=Require;Maximum Pool Size=8");

        address.Display.ShouldBe("postgres://u@db:5433/b");
        address.Display.ShouldNotContain("secret");
        address.Builder.MaxPoolSize.ShouldBe(8);
    }

    [Theory]
    [InlineData("postgres://u:topsecret@db/x?nonsense_key=1", "unknown or invalid parameter 'nonsense_key'")]
    [InlineData("postgres://u:topsecret@db", "names no database")]
    [InlineData("Host=db;Password=topsecret;Database=x;Bogus Key=1", "malformed")]
    public void Parse_Malformed_NamesTheProblemNeverThePassword(string text, string expected)
    {
        var ex = Should.Throw<ArgumentException>(() => PostgresAddress.Parse(text));

        ex.Message.ShouldContain(expected);
        ex.Message.ShouldNotContain("topsecret");
    }
}
