using BatchGen.Core.Images;
using BatchGen.Core.Manifests.Expansion;
using BatchGen.Core.Manifests.Fields;

namespace BatchGen.Core.Manifests.Images;

/// <summary>
/// The <c>image</c> of one combination: never together with <c>image_url</c>, and within the provider's limits
/// (format, bytes, pixels). Each problem is reported once, where the value was written; a combination with one makes
/// no job. Not thread-safe: one per <see cref="JobBuilder"/>.
/// </summary>
internal sealed class ImageChoice
{
    private readonly Dictionary<(LocalImage, string), string?> _problems = [];
    private readonly HashSet<SourceMark> _reportedBoth = [];

    /// <summary>The local image to use, or null: none set, or reported (then the combination has an error or makes no job).</summary>
    public LocalImage? Check(Combination combination, DiagnosticBag bag, FieldValue?[] values, string provider, bool rejected)
    {
        if (values[JobFields.Image] is not { } value)
        {
            return null;
        }

        if (values[JobFields.ImageUrl] is { } url)
        {
            // Reported once per place written; the manifest is invalid, so no combination runs.
            if (_reportedBoth.Add(value.Mark))
            {
                bag.Error(value.Mark, "image", $"set image or image_url, not both (image_url at {url.Mark})");
            }

            return null;
        }

        if (rejected || value.IsRejected || value.Parsed is not LocalImage image || provider.Length == 0)
        {
            return null;
        }

        if (!_problems.TryGetValue((image, provider), out var problem))
        {
            problem = ImageLimits.For(provider).Problem(provider, image.Bytes, image.Info);
            _problems[(image, provider)] = problem;
            if (problem is not null)
            {
                bag.Error(value.Mark, "image", $"'{image.Display}' {problem} (provider={provider})");
            }
        }

        return problem is null ? image : null;
    }
}
