using BatchGen.Core.Images;

namespace BatchGen.Tests.Images;

public sealed class ImageDecoderTests
{
    [Fact]
    public void Decode_ValidPng_FormatAndSize()
    {
        var info = ImageDecoder.Decode(TestImages.Png(64, 48), out var problem);

        problem.ShouldBeNull();
        info.ShouldBe(new ImageInfo(ImageFormat.Png, 64, 48));
    }

    [Fact]
    public void Decode_TruncatedPng_SaysTruncated()
    {
        var png = TestImages.Png(64, 48);

        ImageDecoder.Decode(png.AsSpan(0, png.Length - 20), out var problem).ShouldBeNull();

        problem.ShouldNotBeNull().ShouldContain("truncated PNG");
    }

    [Fact]
    public void Decode_PngWithoutIend_SaysTruncated()
    {
        var png = TestImages.Png(8, 8);

        ImageDecoder.Decode(png.AsSpan(0, png.Length - 12), out var problem).ShouldBeNull();

        problem.ShouldNotBeNull().ShouldContain("no IEND");
    }

    [Fact]
    public void Decode_PngWithFlippedByte_SaysBadCrc()
    {
        var png = TestImages.Png(8, 8);
        png[45] ^= 0xFF; // inside IDAT data

        ImageDecoder.Decode(png, out var problem).ShouldBeNull();

        problem.ShouldNotBeNull().ShouldContain("bad CRC in chunk IDAT");
    }

    [Fact]
    public void Decode_Jpeg_ReadsFrameSizeFromSof()
    {
        ImageDecoder.Decode(TestImages.Jpeg(1920, 1080), out var problem).ShouldBe(new ImageInfo(ImageFormat.Jpeg, 1920, 1080));
        problem.ShouldBeNull();
    }

    [Fact]
    public void Decode_JpegWithoutEoi_SaysTruncated()
    {
        var jpeg = TestImages.Jpeg(100, 100);

        ImageDecoder.Decode(jpeg.AsSpan(0, jpeg.Length - 2), out var problem).ShouldBeNull();

        problem.ShouldNotBeNull().ShouldContain("truncated JPEG");
    }

    [Fact]
    public void Decode_WebPLossless_ReadsSize()
    {
        ImageDecoder.Decode(TestImages.WebPLossless(300, 200), out var problem).ShouldBe(new ImageInfo(ImageFormat.WebP, 300, 200));
        problem.ShouldBeNull();
    }

    [Fact]
    public void Decode_TextFile_NotAnImage()
    {
        ImageDecoder.Decode("hello"u8, out var problem).ShouldBeNull();

        problem.ShouldBe("is not a PNG, JPEG or WebP image");
    }

    [Fact]
    public void Problem_PixwithAndWebP_RefusedByFormat_OthersAccept()
    {
        var webp = new ImageInfo(ImageFormat.WebP, 100, 100);

        ImageLimits.For("pixwith").Problem("pixwith", 1000, webp).ShouldNotBeNull().ShouldContain("does not take");
        ImageLimits.For("magnific").Problem("magnific", 1000, webp).ShouldBeNull();
    }

    [Fact]
    public void Problem_OverSizeAndPixels_NamesTheLimit()
    {
        var png = new ImageInfo(ImageFormat.Png, 5000, 100);

        ImageLimits.For("gmicloud").Problem("gmicloud", 1000, png).ShouldNotBeNull().ShouldContain("4000 px");
        ImageLimits.For("pixwith").Problem("pixwith", 11 * ImageLimits.MiB, null).ShouldNotBeNull().ShouldContain("over pixwith's limit of 10 MB");
    }
}
