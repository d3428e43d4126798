using System.Globalization;
using System.Text;
using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests.Fields;
using BatchGen.Core.Manifests.Images;
using BatchGen.Core.Manifests.Limits;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Capabilities;

namespace BatchGen.Core.Manifests.Expansion;

/// <summary>
/// Turns one combination into validated jobs (one per replicate): provider capability rules, templates, the job id
/// and the output path. Errors go to the bag, each naming the clashing values and where they were written.
/// Not thread-safe: one instance per enumeration (it reuses buffers).
/// </summary>
internal sealed class JobBuilder
{
    public const string PlaceholderId = "0000000000000000";

    private static readonly Dictionary<string, ulong> AcceptedMasks = ProviderNames.All.ToDictionary(
        p => p,
        p => JobFields.All.Where(f => ProviderCapabilities.AcceptedFields(p).Contains(f.Name)).Aggregate(0UL, (m, f) => m | f.Bit),
        StringComparer.Ordinal);

    private readonly ManifestDocument _doc;
    private readonly Template _filename;
    private readonly string _name;
    private readonly int[] _reportSlots;
    private readonly string[] _slotNames;
    private static readonly ulong[] FieldBits = JobFields.All.Select(f => f.Bit).ToArray();

    private readonly StringBuilder _text = new(256);
    private readonly RenderCache[] _renderCaches = Enumerable.Range(0, JobFields.Count).Select(_ => new RenderCache()).ToArray();
    private char[] _pathChars = new char[256];
    private readonly JobIdentity _identity = new();
    private readonly ImageChoice _images = new();
    private readonly string?[] _rendered = new string?[JobFields.Count];
    private readonly Func<int, string, string?> _lookup;
    private readonly bool _hasRejected;
    private bool _touchedRejected;
    private string? _lastProvider;
    private ulong _lastAccepted;
    private string? _lastValidUrl;
    private FieldValue?[] _values = [];
    private string _jobId = string.Empty;
    private int _replicate;

    /// <param name="computeIds">See <see cref="ComputeIds"/>.</param>
    public JobBuilder(ManifestDocument doc, Template filename, string name, bool computeIds = true)
    {
        _doc = doc;
        _hasRejected = doc.HasRejected;
        _lookup = Lookup;
        ComputeIds = computeIds;
        _filename = filename;
        _name = name;
        _slotNames = Enumerable.Range(0, doc.Keys.Count).Select(doc.Keys.NameOf).ToArray();
        _reportSlots = doc.Axes.SelectMany(a => a.Slots)
            .Concat(doc.Includes.SelectMany(i => i.Pairs.Select(p => p.Slot)))
            .Distinct()
            .ToArray();
    }

    /// <summary>
    /// Whether jobs get their real id. False for a validation-only pass (and for jobs nobody will see): they then carry
    /// <see cref="PlaceholderId"/> and skip the hashing. Such jobs must never leave the loader.
    /// </summary>
    public bool ComputeIds { get; set; }

    /// <summary>
    /// A validation-only pass: every rule is checked (output path included) but jobs carry no axes and an empty
    /// output path, and skip the allocations those take. Only for the loader's pass that needs no duplicate warning.
    /// </summary>
    public bool ValidateOnly { get; set; }

    /// <summary>
    /// Adds the jobs of one combination (one per replicate) to <paramref name="jobs"/>, or none with errors in
    /// <paramref name="bag"/>. Not an iterator: no allocation per combination beyond the jobs themselves.
    /// </summary>
    public void Build(Combination combination, DiagnosticBag bag, List<JobSpec> jobs)
    {
        _values = combination.Values;
        var parameters = BuildParameters(combination, bag, out var provider);
        if (parameters is null)
        {
            return;
        }

        var axes = ValidateOnly ? [] : Axes();
        for (var r = 0; r < _doc.Repeat; r++)
        {
            _replicate = r;
            _jobId = ComputeIds ? _identity.Id(provider, parameters, r) : PlaceholderId;
            if (!_filename.RenderTo(_text, _lookup, out var missing))
            {
                bag.Error(_doc.OutputFilename?.Mark ?? combination.Mark, "output.filename", missing is null
                    ? $"renders longer than {ManifestLimits.MaxRenderedChars} characters in combination {Describe(combination)}"
                    : $"uses {{{missing}}}, which has no value in combination {Describe(combination)}");
                return;
            }

            string? pathError = null;
            var pathBytes = 0;
            var path = ValidateOnly && IsCleanPath(out pathBytes) ? string.Empty : OutputPaths.Sanitize(_text.ToString(), out pathError);
            if (path is null)
            {
                bag.Error(_doc.OutputFilename?.Mark ?? combination.Mark, "output.filename", pathError!);
                return;
            }

            pathBytes = path.Length == 0 ? pathBytes : OutputPaths.Utf8Length(path);
            if (pathBytes > _doc.MaxOutputPathBytes)
            {
                _doc.MaxOutputPathBytes = pathBytes;
            }

            jobs.Add(new JobSpec { Id = _jobId, Provider = provider, Parameters = parameters, Replicate = r, Axes = axes, OutputPath = path });
        }
    }

    /// <summary>Checks the rendered path in <see cref="_text"/> without making a string of it.</summary>
    private bool IsCleanPath(out int utf8Bytes)
    {
        if (_text.Length > _pathChars.Length)
        {
            _pathChars = new char[Math.Max(_text.Length, _pathChars.Length * 2)];
        }

        _text.CopyTo(0, _pathChars, 0, _text.Length);
        return OutputPaths.IsClean(_pathChars.AsSpan(0, _text.Length), out utf8Bytes);
    }

    private JobParameters? BuildParameters(Combination combination, DiagnosticBag bag, out string provider)
    {
        var v = _values;
        provider = string.Empty;
        var errors = bag.ErrorCount;
        // Values an earlier check rejected: the rules reading them are skipped, the others still run, no job is made.
        var rejected = _hasRejected && AnyRejected(v);
        var duration = v[JobFields.Duration]?.Parsed as int? ?? 5;
        var motion = v[JobFields.MotionMode]?.Parsed as string;
        var resolution = string.Empty;
        if (v[JobFields.Provider] is null)
        {
            bag.Error(combination.Mark, "provider", "no provider for this combination: set provider in defaults, in an axis or in a row");
        }
        else if (v[JobFields.Provider]!.Parsed is string name)
        {
            provider = name;
            resolution = v[JobFields.Resolution]?.Parsed as string ?? ProviderCatalog.DefaultResolution(provider);
            CheckProviderRules(combination, bag, provider, duration, resolution, motion, rejected);
        }

        for (var f = JobFields.Prompt; f <= JobFields.NegativePrompt; f++)
        {
            _rendered[f] = null;
            _touchedRejected = false;
            if (v[f] is { Parsed: Template template } value && !(rejected && value.IsRejected))
            {
                _rendered[f] = template.Render(_text, _lookup, _renderCaches[f], out var missing);
                if (_rendered[f] is null)
                {
                    bag.Error(value.Mark, JobFields.All[f].Name, missing is null
                        ? $"renders longer than {ManifestLimits.MaxRenderedChars} characters in combination {Describe(combination)}"
                        : $"uses {{{missing}}}, which has no value in combination {Describe(combination)}");
                }
                else if (_touchedRejected)
                {
                    // Rendered from a rejected variable value: what it would read is unknown, so it is not checked.
                    _rendered[f] = null;
                }
            }
        }

        if (_rendered[JobFields.Prompt] is not { } prompt || (v[JobFields.Prompt] is not null && prompt.AsSpan().Trim().IsEmpty))
        {
            if (v[JobFields.Prompt] is null)
            {
                bag.Error(combination.Mark, "prompt", $"no prompt for combination {Describe(combination)}: set prompt in defaults, an axis or a row");
            }
            else if (_rendered[JobFields.Prompt] is not null)
            {
                bag.Error(v[JobFields.Prompt]!.Mark, "prompt", $"renders empty in combination {Describe(combination)}");
            }
        }

        var image = _images.Check(combination, bag, _values, provider, rejected);
        if (image is null)
        {
            CheckImageUrl(combination, bag);
        }

        if (rejected || bag.ErrorCount != errors || provider.Length == 0 || _rendered[JobFields.Prompt] is null || (image is null && _rendered[JobFields.ImageUrl] is null))
        {
            return null;
        }

        if (image is null && ValidateOnly)
        {
            _doc.RemoteImages.Note(_rendered[JobFields.ImageUrl]!, provider, _values[JobFields.ImageUrl]!.Mark);
        }

        return new JobParameters
        {
            Prompt = _rendered[JobFields.Prompt]!,
            ImageUrl = image is null ? _rendered[JobFields.ImageUrl]! : string.Empty,
            Image = image,
            NegativePrompt = _rendered[JobFields.NegativePrompt],
            Duration = duration,
            Resolution = resolution,
            AspectRatio = v[JobFields.AspectRatio]?.Parsed as string ?? "16:9",
            Style = v[JobFields.Style]?.Parsed is string style && style != "none" ? style : null,
            Seed = v[JobFields.Seed]?.Parsed as long?,
            CameraMovement = v[JobFields.CameraMovement]?.Parsed as string,
            Audio = v[JobFields.Audio]?.Parsed as bool?,
            MultiClip = v[JobFields.MultiClip]?.Parsed as bool?,
            Thinking = v[JobFields.Thinking]?.Parsed as string,
            MotionMode = motion,
            NumOutputs = v[JobFields.NumOutputs]?.Parsed as int?,
            PromptOptimization = v[JobFields.PromptOptimization]?.Parsed as bool?,
            SoundEffectContent = v[JobFields.SoundEffectContent]?.Parsed as string,
            LipSyncTtsContent = v[JobFields.LipSyncTtsContent]?.Parsed as string,
            LipSyncTtsSpeakerId = v[JobFields.LipSyncTtsSpeakerId]?.Parsed as string,
            Extra = v[JobFields.Extra]?.Parsed as IReadOnlyDictionary<string, System.Text.Json.JsonElement>,
        };
    }

    /// <summary>Fields the provider does not take, and its duration x resolution x motion rules.</summary>
    private void CheckProviderRules(Combination combination, DiagnosticBag bag, string provider, int duration, string resolution, string? motion, bool rejected)
    {
        var v = _values;
        if (!ReferenceEquals(provider, _lastProvider))
        {
            _lastAccepted = AcceptedMasks[provider];
            _lastProvider = provider;
        }

        var accepted = _lastAccepted;
        for (var f = 0; f < JobFields.Count; f++)
        {
            if (v[f] is { } value && (accepted & FieldBits[f]) == 0 && !(f == JobFields.Style && value.Text == "none") && !value.IsRejected)
            {
                var takes = string.Join(", ", ProviderCapabilities.AcceptedFields(provider).Order(StringComparer.Ordinal));
                var field = JobFields.All[f].Name;
                bag.Error(value.Mark, field, $"{provider} does not accept {field} (provider={provider}, {field}={value.Text}; provider at {v[JobFields.Provider]!.Mark}; {provider} takes {takes})");
            }
        }

        if (rejected && (v[JobFields.Duration]?.IsRejected == true || v[JobFields.Resolution]?.IsRejected == true || v[JobFields.MotionMode]?.IsRejected == true))
        {
            return;
        }

        if (ProviderCapabilities.CheckTiming(provider, duration, resolution, motion) is { } reason)
        {
            ReportTiming(combination, bag, provider, duration, resolution, motion, reason);
        }
    }

    private static bool AnyRejected(FieldValue?[] values)
    {
        foreach (var value in values)
        {
            if (value is { IsRejected: true })
            {
                return true;
            }
        }

        return false;
    }

    private void CheckImageUrl(Combination combination, DiagnosticBag bag)
    {
        var value = _values[JobFields.ImageUrl];
        if (value is null)
        {
            if (_values[JobFields.Image] is null)
            {
                bag.Error(combination.Mark, "image_url", $"no image_url or image for combination {Describe(combination)}: set one in defaults, an axis or a row");
            }

            _rendered[JobFields.ImageUrl] = null;
            return;
        }

        // A URL that passed once passes again: most grids use a handful of URLs for many jobs.
        if (_rendered[JobFields.ImageUrl] is { } url
            && !string.Equals(url, _lastValidUrl, StringComparison.Ordinal)
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            bag.Error(value.Mark, "image_url", $"'{url}' is not an absolute http or https URL");
            _rendered[JobFields.ImageUrl] = null;
            return;
        }

        _lastValidUrl = _rendered[JobFields.ImageUrl];
    }

    private void ReportTiming(Combination combination, DiagnosticBag bag, string provider, int duration, string resolution, string? motion, string reason)
    {
        var v = _values;
        var parts = new List<string> { $"provider={provider}", $"resolution={resolution}", $"duration={duration}" };
        if (motion is not null)
        {
            parts.Add($"motion_mode={motion}");
        }

        var located = new[] { JobFields.Resolution, JobFields.Duration, JobFields.MotionMode, JobFields.Provider }
            .Where(f => v[f] is not null)
            .Select(f => $"{JobFields.All[f].Name} at {v[f]!.Mark}")
            .ToList();
        var primary = v[JobFields.Duration] ?? v[JobFields.Resolution] ?? v[JobFields.MotionMode] ?? v[JobFields.Provider];
        var where = located.Count > 0 ? $"; {string.Join(", ", located)}" : string.Empty;
        bag.Error(primary?.Mark ?? combination.Mark, "duration", $"{reason} ({string.Join(", ", parts)}{where})");
    }

    private string? Lookup(int slot, string name)
    {
        if (slot >= 0)
        {
            if (slot is >= JobFields.Prompt and <= JobFields.NegativePrompt)
            {
                return _rendered[slot];
            }

            var value = _values[slot];
            if (_hasRejected && value is { IsRejected: true })
            {
                _touchedRejected = true;
            }

            return value?.Text;
        }

        return name switch
        {
            "job_id" => _jobId,
            "replicate" => _replicate.ToString(CultureInfo.InvariantCulture),
            "name" => _name,
            _ => _doc.Time.Lookup(name),
        };
    }

    private KeyValuePair<string, string>[] Axes()
    {
        var count = 0;
        foreach (var slot in _reportSlots)
        {
            count += _values[slot] is null ? 0 : 1;
        }

        var axes = new KeyValuePair<string, string>[count];
        var i = 0;
        foreach (var slot in _reportSlots)
        {
            if (_values[slot] is { } value)
            {
                axes[i++] = new(_slotNames[slot], value.Text);
            }
        }

        return axes;
    }

    private string Describe(Combination combination)
    {
        var parts = _reportSlots.Where(s => combination.Values[s] is not null)
            .Select(s => $"{_doc.Keys.NameOf(s)}={Shorten(combination.Values[s]!.Text)}");
        var text = string.Join(", ", parts);
        return text.Length == 0 ? "#" + (combination.Ordinal + 1).ToString(CultureInfo.InvariantCulture) : text;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}
