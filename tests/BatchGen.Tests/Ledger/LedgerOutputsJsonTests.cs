using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Ledger;

/// <summary>
/// The outputs JSON a job row carries (built by SQLite's <c>json_object</c>), read in one forward pass: values of the
/// wrong kind count as absent, unknown properties are passed over, and an object stored for another version of the file
/// is not this file's.
/// </summary>
public sealed class LedgerOutputsJsonTests
{
    [Fact]
    public void ParseOutputs_EveryField_ReadInIndexOrder()
    {
        var sha = new string('a', 64);
        var outputs = LedgerRows.ParseOutputs(
            "[{\"index\":1,\"result_url\":\"https://x/1.mp4\",\"file_path\":\"a/1.mp4\",\"bytes\":426000,\"sha256\":\"" + sha + "\","
            + "\"width\":640,\"height\":360,\"duration_seconds\":5.5,\"file_mtime_ns\":1700000000000000000,\"file_inode\":42,"
            + "\"object_key\":\"k/1.mp4\",\"object_url\":\"s3://b/k/1.mp4\",\"stored_at\":null,\"object_sha256\":\"" + sha + "\"},"
            + "{\"index\":2,\"result_url\":null,\"file_path\":null,\"bytes\":null,\"sha256\":null}]");

        outputs.Count.ShouldBe(2);
        var first = outputs[0];
        (first.Index, first.ResultUrl, first.FilePath, first.Bytes, first.Sha256).ShouldBe((1, "https://x/1.mp4", "a/1.mp4", (long?)426000, sha));
        (first.Width, first.Height, first.DurationSeconds, first.FileModifiedNs, first.FileInode).ShouldBe(((int?)640, (int?)360, (double?)5.5, (long?)1700000000000000000, (long?)42));
        (first.ObjectKey, first.ObjectUrl).ShouldBe(("k/1.mp4", "s3://b/k/1.mp4"));
        outputs[1].Index.ShouldBe(2);
        outputs[1].ResultUrl.ShouldBeNull();
        outputs[1].Bytes.ShouldBeNull();
    }

    [Fact]
    public void ParseOutputs_WrongKinds_NestedValues_AndUnknownNames_CountAsAbsent()
    {
        var outputs = LedgerRows.ParseOutputs(
            "[{\"index\":1,\"result_url\":{\"nested\":[1,{\"deep\":\"x\"}]},\"future\":[1,2,{\"a\":3}],\"bytes\":\"12\","
            + "\"file_path\":[\"p\"],\"sha256\":\"s\",\"width\":7}]");

        var output = outputs.ShouldHaveSingleItem();
        output.Index.ShouldBe(1);
        output.ResultUrl.ShouldBeNull("an object is not text");
        output.FilePath.ShouldBeNull("an array is not text");
        output.Bytes.ShouldBeNull("text is not a number");
        output.Sha256.ShouldBe("s", "the properties after nested values are still read");
        output.Width.ShouldBe(7);
    }

    [Fact]
    public void ParseOutputs_ObjectStoredForAnotherVersionOfTheFile_IsNotThisFilesObject()
    {
        var output = LedgerRows.ParseOutputs(
            "[{\"index\":1,\"sha256\":\"new\",\"object_key\":\"k\",\"object_url\":\"u\",\"stored_at\":\"2026-11-29T10:00:00.0000000+00:00\",\"object_sha256\":\"old\"}]")
            .ShouldHaveSingleItem();

        (output.ObjectKey, output.ObjectUrl, output.StoredAt).ShouldBe((null, null, null));
    }

    [Fact]
    public void ParseOutputs_OutputWithoutIndex_IsAnError()
    {
        Should.Throw<System.Text.Json.JsonException>(() => LedgerRows.ParseOutputs("[{\"sha256\":\"s\"}]"));
    }
}
