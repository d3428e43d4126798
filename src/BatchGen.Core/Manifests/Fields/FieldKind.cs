namespace BatchGen.Core.Manifests.Fields;

/// <summary>How a job field's value is read and checked.</summary>
internal enum FieldKind
{
    /// <summary>One of a fixed list of words.</summary>
    Enum,

    /// <summary>Free text with <c>{var}</c> templates (prompt, negative_prompt, image_url).</summary>
    Template,

    /// <summary>Free text, no templates.</summary>
    Text,

    /// <summary>Whole number within a range, or one of a fixed list.</summary>
    Integer,

    Boolean,

    /// <summary>A mapping passed to the provider as is (<c>extra</c>).</summary>
    Object,
}
