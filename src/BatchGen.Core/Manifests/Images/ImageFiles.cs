using System.Security.Cryptography;
using BatchGen.Core.Images;
using BatchGen.Core.Manifests.Expansion;
using BatchGen.Core.Manifests.Fields;

namespace BatchGen.Core.Manifests.Images;

/// <summary>
/// Resolves every <c>image:</c> value of a read manifest: a glob becomes one value per file (in defaults: an axis of
/// its own), each file is read once, hashed (SHA-256) and its headers checked. A value that names no file, or a file
/// that is not a readable PNG/JPEG/WebP, is reported where it was written and rejected. Provider limits (size,
/// pixels, format) are checked per job, where the provider is known.
/// </summary>
internal sealed class ImageFiles
{
    private readonly ManifestDocument _doc;
    private readonly DiagnosticBag _bag;
    private readonly string _baseDirectory;
    private readonly Dictionary<string, LocalImage?> _read = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _problems = new(StringComparer.Ordinal);

    private ImageFiles(ManifestDocument doc, DiagnosticBag bag)
    {
        _doc = doc;
        _bag = bag;
        _baseDirectory = Path.GetDirectoryName(doc.FullPath) ?? ".";
    }

    public static void Apply(ManifestDocument doc, DiagnosticBag bag)
    {
        var files = new ImageFiles(doc, bag);
        files.Defaults();
        for (var a = 0; a < doc.Axes.Count; a++)
        {
            doc.Axes[a] = files.Axis(doc.Axes[a]);
        }

        files.Entries(doc.Includes);
        files.Entries(doc.Excludes);
    }

    private void Defaults()
    {
        var index = _doc.Defaults.FindIndex(p => p.Slot == JobFields.Image);
        if (index < 0)
        {
            return;
        }

        var value = _doc.Defaults[index].Value;
        if (value.IsRejected || !ImageGlob.IsGlob(value.Text))
        {
            _doc.Defaults[index] = new Pair(JobFields.Image, Resolve(value));
            return;
        }

        // A glob in defaults is an axis: one combination per file.
        _doc.Defaults.RemoveAt(index);
        _doc.Keys.Declare("image", value.Mark, isAxis: true);
        var entries = Expand(value).Select(v => new[] { new Pair(JobFields.Image, v) }).ToList();
        _doc.Axes.Add(new Axis("image", [JobFields.Image], entries, value.Mark));
    }

    private Axis Axis(Axis axis)
    {
        if (!axis.Slots.Contains(JobFields.Image))
        {
            return axis;
        }

        var entries = new List<Pair[]>(axis.Entries.Count);
        foreach (var entry in axis.Entries)
        {
            var at = Array.FindIndex(entry, p => p.Slot == JobFields.Image);
            if (at < 0 || entry[at].Value.IsRejected)
            {
                entries.Add(entry);
                continue;
            }

            foreach (var value in ImageGlob.IsGlob(entry[at].Value.Text) ? Expand(entry[at].Value) : [Resolve(entry[at].Value)])
            {
                var copy = (Pair[])entry.Clone();
                copy[at] = new Pair(JobFields.Image, value);
                entries.Add(copy);
            }
        }

        return axis with { Entries = entries };
    }

    private void Entries(List<PartialEntry> list)
    {
        foreach (var entry in list)
        {
            for (var i = 0; i < entry.Pairs.Length; i++)
            {
                if (entry.Pairs[i].Slot == JobFields.Image && !entry.Pairs[i].Value.IsRejected)
                {
                    var value = entry.Pairs[i].Value;
                    entry.Pairs[i] = new Pair(JobFields.Image, ImageGlob.IsGlob(value.Text) ? Reject(value, "a glob is not allowed in include or exclude: name one file") : Resolve(value));
                }
            }
        }
    }

    /// <summary>One value per matching file; none (with an error) when nothing matches.</summary>
    private List<FieldValue> Expand(FieldValue value)
    {
        var files = ImageGlob.Expand(_baseDirectory, value.Text, out var problem);
        if (files is null || files.Count == 0)
        {
            return [Reject(value, problem ?? $"'{value.Text}' matches no file (paths are relative to the manifest, {_baseDirectory})")];
        }

        return files.Select(f => Read(value, f.Relative, f.Full)).ToList();
    }

    private FieldValue Resolve(FieldValue value)
    {
        if (value.IsRejected)
        {
            return value;
        }

        var relative = value.Text.Replace('\\', '/');
        var full = Path.GetFullPath(Path.Combine(_baseDirectory, value.Text));
        if (!File.Exists(full))
        {
            return Reject(value, Directory.Exists(full)
                ? $"'{value.Text}' is a directory (use a glob such as {relative.TrimEnd('/')}/*.png)"
                : $"'{value.Text}' not found (paths are relative to the manifest, {_baseDirectory})");
        }

        return Read(value, relative, full);
    }

    private FieldValue Read(FieldValue written, string relative, string full)
    {
        _doc.FirstImageMark ??= written.Mark;
        if (!_read.TryGetValue(full, out var image))
        {
            image = Load(relative, full, out var problem);
            _read[full] = image;
            if (problem is not null)
            {
                _problems[full] = problem;
            }
        }

        return image is null
            ? Reject(new FieldValue(relative, written.Mark, null), _problems[full])
            : new FieldValue(relative, written.Mark, image);
    }

    private static LocalImage? Load(string relative, string full, out string? problem)
    {
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
            var length = stream.Length;
            if (length > ImageLimits.LargestAccepted)
            {
                // Over every provider's limit: reported per job with the provider's figure, not read nor hashed.
                problem = null;
                return new LocalImage { Path = full, Display = relative, Sha256 = string.Empty, Bytes = length };
            }

            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            var info = ImageDecoder.Decode(bytes, out var decodeProblem);
            problem = decodeProblem is null ? null : $"'{relative}' {decodeProblem}";
            return info is null ? null : new LocalImage
            {
                Path = full,
                Display = relative,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                Bytes = length,
                Info = info,
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"'{relative}' could not be read ({ex.Message})";
            return null;
        }
    }

    private FieldValue Reject(FieldValue value, string message)
    {
        _bag.Error(value.Mark, "image", message);
        _doc.HasRejected = true;
        return FieldValue.Invalid(value.Text, value.Mark);
    }
}
