using System.Globalization;
using BatchGen.Core.Manifests.Yaml;
using NJsonSchema;
using NJsonSchema.Validation;
using YamlDotNet.RepresentationModel;

namespace BatchGen.Core.Manifests.Schema;

/// <summary>
/// Validates a manifest's YAML tree against <c>schemas/manifest.schema.json</c> (embedded) with NJsonSchema and
/// maps every error back to the YAML line and column.
/// </summary>
internal static class ManifestSchema
{
    public const string ResourceName = "BatchGen.Core.manifest.schema.json";

    /// <summary>
    /// The schema's <c>$id</c>: a stable URN, resolved by the tool itself (<c>batchgen schema</c> prints the document it
    /// names), not by the network, so it holds for every installed copy whatever repository or mirror it came from.
    /// </summary>
    public const string Id = "urn:batchgen:manifest:v1";

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ReadSchemaText()
    {
        using var stream = typeof(ManifestSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Adds one diagnostic per schema violation and returns the nodes they were reported at (an unknown key: the key
    /// and its value), so that later checks skip exactly those values and still check everything else.
    /// </summary>
    public static RejectedNodes Validate(YamlNode root, string file, DiagnosticBag bag)
    {
        var json = YamlToJson.Convert(root, file);
        var errors = Schema.Value.Validate(json.Json);
        var rejected = new RejectedNodes();
        foreach (var error in Flatten(errors))
        {
            var unknownKey = error.Kind == ValidationErrorKind.NoAdditionalPropertiesAllowed;
            var mark = !error.HasLineInfo ? new SourceMark(file, 1, 1)
                : unknownKey ? json.KeyMarkOfLine(error.LineNumber)
                : json.MarkOfLine(error.LineNumber);
            var node = error.HasLineInfo ? json.NodeOfLine(error.LineNumber) : null;
            bag.Error(mark, FieldOf(error), Describe(error, node));
            if (node is not null)
            {
                rejected.Add(node);
            }

            if (unknownKey && error.HasLineInfo && json.KeyNodeOfLine(error.LineNumber) is { } key)
            {
                rejected.Add(key);
            }
        }

        return rejected;
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
            {
                foreach (var inner in Flatten(child.Errors.Values.SelectMany(e => e)))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return error;
            }
        }
    }

    /// <summary>A readable dotted path such as <c>matrix.duration[1]</c>.</summary>
    private static string FieldOf(ValidationError error)
    {
        var path = error.Path ?? string.Empty;
        path = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        return path.Length == 0 ? "manifest" : path;
    }

    private static string Describe(ValidationError error, YamlNode? node)
    {
        var schema = error.Schema;
        return error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed =>
                $"unknown key '{error.Property}'" + Suggestions.Hint(error.Property ?? string.Empty, KnownKeys(error))
                + (KnownKeys(error).Any() ? string.Empty : "; remove it"),
            ValidationErrorKind.PropertyRequired => $"'{error.Property}' is required",
            ValidationErrorKind.NotInEnumeration => Suggestions.OneOf(
                (node as YamlScalarNode)?.Value,
                schema.Enumeration.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty).ToList()),
            ValidationErrorKind.StringExpected => "expected text",
            ValidationErrorKind.IntegerExpected => "expected a whole number",
            ValidationErrorKind.NumberExpected => "expected a number",
            ValidationErrorKind.BooleanExpected => "expected true or false (yes/no/on/off are not booleans here)",
            ValidationErrorKind.ArrayExpected => "expected a list",
            ValidationErrorKind.ObjectExpected => "expected a mapping of key: value",
            ValidationErrorKind.NumberTooSmall => $"must be at least {schema.Minimum ?? schema.ExclusiveMinimum}" + (schema.IsExclusiveMinimum || schema.ExclusiveMinimum is not null ? " (exclusive)" : string.Empty),
            ValidationErrorKind.NumberTooBig => $"must be at most {schema.Maximum}",
            ValidationErrorKind.TooFewItems => "must not be empty",
            ValidationErrorKind.TooFewProperties => "must not be empty",
            ValidationErrorKind.StringTooShort => "must not be empty",
            ValidationErrorKind.PatternMismatch => PatternMessage(error),
            ValidationErrorKind.UriExpected => "expected an absolute URL",
            _ => $"invalid value ({error.Kind})",
        };
    }

    private static string PatternMessage(ValidationError error) => error.Property switch
    {
        "rate_limit" => "expected requests per period, e.g. 60/min, 2/s or 1000/h",
        "api_key_env" => "expected an environment variable name (letters, digits, underscore)",
        _ => $"does not match the expected pattern {error.Schema.Pattern}",
    };

    private static IEnumerable<string> KnownKeys(ValidationError error) =>
        error.Schema?.ActualSchema.Properties.Keys ?? Enumerable.Empty<string>();

    private static JsonSchema LoadSchema()
    {
        // Parsing an in-memory schema without external references completes synchronously; this runs once per process.
        return JsonSchema.FromJsonAsync(ReadSchemaText()).GetAwaiter().GetResult();
    }
}
