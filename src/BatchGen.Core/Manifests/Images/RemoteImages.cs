namespace BatchGen.Core.Manifests.Images;

/// <summary>
/// The distinct <c>image_url</c> values of a manifest, each with where it was written and the providers that will
/// fetch it: what the remote pre-flight (<c>--check-images</c>, <c>run</c>) asks about. Filled by the validation pass.
/// </summary>
public sealed class RemoteImages
{
    /// <summary>More distinct URLs than this are not all checked (the first ones are).</summary>
    public const int MaxUrls = 10_000;

    private readonly Dictionary<string, RemoteImage> _urls = new(StringComparer.Ordinal);

    public IReadOnlyCollection<RemoteImage> All => _urls.Values;

    internal void Note(string url, string provider, SourceMark mark)
    {
        if (!_urls.TryGetValue(url, out var image))
        {
            if (_urls.Count >= MaxUrls)
            {
                return;
            }

            image = new RemoteImage(url, mark.File, mark.Line, mark.Column);
            _urls[url] = image;
        }

        image.Providers.Add(provider);
    }
}

/// <summary>One distinct image URL, where it was (first) written, and who fetches it.</summary>
public sealed record RemoteImage(string Url, string File, int Line, int Column)
{
    public SortedSet<string> Providers { get; } = new(StringComparer.Ordinal);

    public string Where => $"{File}:{Line}:{Column}";
}
