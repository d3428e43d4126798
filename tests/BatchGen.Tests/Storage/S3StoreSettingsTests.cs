using BatchGen.Core.Storage;

namespace BatchGen.Tests.Storage;

public sealed class S3StoreSettingsTests
{
    [Theory]
    [InlineData("s3://videos", "videos", "")]
    [InlineData("s3://videos/", "videos", "")]
    [InlineData("s3://videos/batch/night", "videos", "batch/night/")]
    [InlineData("s3://my.bucket-1/a/b/", "my.bucket-1", "a/b/")]
    public void FromUri_Valid_SplitsBucketAndPrefix(string text, string bucket, string prefix)
    {
        var settings = S3StoreSettings.FromUri(text, out var problem);

        problem.ShouldBeNull();
        settings!.Bucket.ShouldBe(bucket);
        settings.Prefix.ShouldBe(prefix);
    }

    [Theory]
    [InlineData("https://videos/x", "not an s3://")]
    [InlineData("s3://ab", "3 to 63")]
    [InlineData("s3://Upper/x", "lower-case")]
    [InlineData("s3://videos/../up", "'..'")]
    public void FromUri_Invalid_SaysWhy(string text, string expected)
    {
        S3StoreSettings.FromUri(text, out var problem).ShouldBeNull();

        problem.ShouldNotBeNull().ShouldContain(expected);
    }

    [Fact]
    public void KeyFor_JoinsPrefixAndRelativePath()
    {
        new S3StoreSettings("b", "batch/").KeyFor("magnific\\720p/x.mp4").ShouldBe("batch/magnific/720p/x.mp4");
    }
}
