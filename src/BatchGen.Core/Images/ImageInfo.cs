namespace BatchGen.Core.Images;

/// <summary>The image formats every provider may take as a first frame.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
    WebP,
}

/// <summary>What an image's headers say: its format and frame size in pixels.</summary>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height)
{
    /// <summary>The MIME type the format is uploaded and served as.</summary>
    public string ContentType => Format switch
    {
        ImageFormat.Png => "image/png",
        ImageFormat.Jpeg => "image/jpeg",
        _ => "image/webp",
    };

    /// <summary>The file extension for the format (no dot).</summary>
    public string Extension => Format switch
    {
        ImageFormat.Png => "png",
        ImageFormat.Jpeg => "jpg",
        _ => "webp",
    };
}
