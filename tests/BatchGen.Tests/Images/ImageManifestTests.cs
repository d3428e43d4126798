using BatchGen.Tests.Manifests;

namespace BatchGen.Tests.Images;

public sealed class ImageManifestTests : IDisposable
{
    private const string Head = "version: 1\nname: shots\n";

    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    private void Image(string relative, byte[] bytes)
    {
        var path = Path.Combine(_h.Directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Load_GlobInDefaults_OneJobPerFileSortedByPath()
    {
        Image("shots/b.png", TestImages.Png(8, 8, 1));
        Image("shots/a.png", TestImages.Png(8, 8, 2));
        Image("shots/c.jpg", TestImages.Jpeg(8, 8));
        Image("shots/.hidden.png", TestImages.Png(8, 8, 3));

        var jobs = _h.Jobs(Head + "defaults:\n  prompt: a cat\n  provider: pixwith\n  image: shots/*.png\n");

        jobs.Select(j => j.Parameters.Image!.Display).ShouldBe(["shots/a.png", "shots/b.png"]);
        jobs.Select(j => ManifestHarness.Axis(j, "image")).ShouldBe(["shots/a.png", "shots/b.png"]);
        jobs.ShouldAllBe(j => j.Parameters.ImageUrl.Length == 0);
    }

    [Fact]
    public void Load_GlobInMatrix_ExpandsInPlaceNextToPlainPaths()
    {
        Image("shots/a.png", TestImages.Png(8, 8, 1));
        Image("shots/b.png", TestImages.Png(8, 8, 2));
        Image("hero.jpg", TestImages.Jpeg(16, 9));

        var jobs = _h.Jobs(Head + "defaults:\n  prompt: a cat\n  provider: pixwith\nmatrix:\n  image: [hero.jpg, shots/*.png]\n");

        jobs.Select(j => j.Parameters.Image!.Display).ShouldBe(["hero.jpg", "shots/a.png", "shots/b.png"]);
    }

    [Fact]
    public void Load_MovedFolder_SameJobIds_EditedImage_NewId()
    {
        Image("v1/shots/a.png", TestImages.Png(8, 8, 1));
        Image("v1/shots/b.png", TestImages.Png(8, 8, 2));
        const string Yaml = Head + "defaults:\n  prompt: a cat\n  provider: pixwith\n  image: shots/*.png\n";
        var before = _h.Jobs(Yaml, "v1/m.yaml").Select(j => j.Id).ToList();

        Directory.Move(Path.Combine(_h.Directory, "v1"), Path.Combine(_h.Directory, "moved"));
        var after = _h.Jobs(Yaml, "moved/m.yaml");
        Image("moved/shots/b.png", TestImages.Png(8, 8, 9));
        var edited = _h.Jobs(Yaml, "moved/m.yaml").Select(j => j.Id).ToList();

        after.Select(j => j.Id).ShouldBe(before);
        after[0].Parameters.Image!.Path.ShouldStartWith(Path.Combine(_h.Directory, "moved"));
        edited[0].ShouldBe(before[0]);
        edited[1].ShouldNotBe(before[1]);
    }

    [Fact]
    public void Load_SameContentTwoPaths_SameRequest()
    {
        Image("a.png", TestImages.Png(8, 8, 1));
        Image("copy/a.png", TestImages.Png(8, 8, 1));

        var jobs = _h.Jobs(Head + "defaults:\n  prompt: a cat\n  provider: pixwith\nmatrix:\n  image: [a.png, copy/a.png]\n");

        jobs.Count.ShouldBe(1, "same content, same request: one job (the duplicate is collapsed)");
    }

    [Fact]
    public void Load_GlobMatchingNothing_ErrorAtTheValue()
    {
        var errors = _h.Errors(Head + "defaults:\n  prompt: a cat\n  provider: pixwith\n  image: shots/*.png\n");

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:6:10: image: 'shots/*.png' matches no file");
    }

    [Fact]
    public void Load_TruncatedPng_ErrorAtTheValue()
    {
        var png = TestImages.Png(16, 16);
        Image("bad.png", png[..^20]);

        var errors = _h.Errors(Head + "defaults:\n  prompt: a cat\n  provider: pixwith\nmatrix:\n  image:\n    - bad.png\n");

        errors.ShouldHaveSingleItem().ShouldBe("m.yaml:8:7: image: 'bad.png' is a truncated PNG (a chunk runs past the end of the file)");
    }

    [Fact]
    public void Load_ImageOverPixelLimit_ErrorNamesProviderOnce()
    {
        Image("wide.png", TestImages.Png(4100, 2, 1));

        var errors = _h.Errors(Head + "defaults:\n  prompt: a cat\n  image: wide.png\nmatrix:\n  provider: [pixwith]\n  duration: [5, 8]\n");

        errors.ShouldHaveSingleItem().ShouldContain("m.yaml:5:10: image: 'wide.png' is 4100x2 px, over pixwith's limit of 4000 px on a side");
    }

    [Fact]
    public void Load_WebPForPixwith_Refused()
    {
        Image("a.webp", TestImages.WebPLossless(64, 64));

        var errors = _h.Errors(Head + "defaults:\n  prompt: a cat\n  provider: pixwith\n  image: a.webp\n");

        errors.ShouldHaveSingleItem().ShouldContain("which pixwith does not take");
    }

    [Fact]
    public void Load_ImageAndImageUrl_Error()
    {
        Image("a.png", TestImages.Png(8, 8));

        var errors = _h.Errors(Head + $"defaults:\n  prompt: a cat\n  provider: pixwith\n  image: a.png\n  image_url: {ManifestHarness.Image}\n");

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:6:10: image: set image or image_url, not both");
    }

    [Fact]
    public void Load_LocalImageForUrlOnlyProvidersWithoutStore_ErrorNamesThem()
    {
        Image("a.png", TestImages.Png(8, 8));

        var errors = _h.Errors(Head + "defaults:\n  prompt: a cat\n  image: a.png\nmatrix:\n  provider: [pixwith, segmind, magnific]\n");

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:5:10: image_store: local images go to magnific, segmind, which take only image URLs");
    }

    [Fact]
    public void Load_LocalImageWithStore_Valid()
    {
        Image("a.png", TestImages.Png(8, 8));

        var result = _h.Load(Head + "image_store:\n  endpoint: http://127.0.0.1:9000\n  bucket: frames\n  prefix: in/\ndefaults:\n  prompt: a cat\n  image: a.png\nmatrix:\n  provider: [segmind, magnific]\n");

        result.Errors.ShouldBeEmpty();
        result.Manifest!.ImageStore.ShouldNotBeNull().Bucket.ShouldBe("frames");
    }

    [Fact]
    public void Load_CsvRowsWithImageColumn_PathsRelativeToTheManifest()
    {
        Image("shots/a.png", TestImages.Png(8, 8, 1));
        Image("shots/b.png", TestImages.Png(8, 8, 2));
        _h.Write("rows.csv", "image,prompt\nshots/a.png,one\nshots/b.png,two\n");

        var jobs = _h.Jobs(Head + "defaults:\n  provider: pixwith\nrows: rows.csv\n");

        jobs.Select(j => j.Parameters.Image!.Display).ShouldBe(["shots/a.png", "shots/b.png"]);
    }
}
