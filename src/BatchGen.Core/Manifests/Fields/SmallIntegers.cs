using System.Globalization;

namespace BatchGen.Core.Manifests.Fields;

/// <summary>
/// Shared text and boxes for the small whole numbers manifests repeat in every row (duration, replicate counts,
/// seeds 0..255): a 100,000-row CSV then keeps one "5" and one boxed 5, not 100,000 of each.
/// </summary>
internal static class SmallIntegers
{
    private const int Count = 256;

    private static readonly string[] Texts = [.. Enumerable.Range(0, Count).Select(i => i.ToString(CultureInfo.InvariantCulture))];
    private static readonly object[] Ints = [.. Enumerable.Range(0, Count).Select(i => (object)i)];
    private static readonly object[] Longs = [.. Enumerable.Range(0, Count).Select(i => (object)(long)i)];

    public static string Text(long value) => value is >= 0 and < Count ? Texts[value] : value.ToString(CultureInfo.InvariantCulture);

    public static object BoxedInt(int value) => value is >= 0 and < Count ? Ints[value] : value;

    public static object BoxedLong(long value) => value is >= 0 and < Count ? Longs[value] : value;
}
