using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Expansion;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BatchGen.Tests.Manifests;

/// <summary>The count used for --max-jobs (no expansion) equals the number of combinations the grid streams.</summary>
public sealed class GridCounterTests
{
    private static readonly SourceMark Mark = new("t.yaml", 1, 1);

    private static FieldValue Value(int v) => new(v.ToString(System.Globalization.CultureInfo.InvariantCulture), Mark, null);

    private static ManifestDocument Document(int[] sizes, (int Axis, int Value)[][] excludes, (int Key, int Value)[][] includes)
    {
        var doc = new ManifestDocument { File = "t.yaml", FullPath = "/t.yaml" };
        for (var a = 0; a < sizes.Length; a++)
        {
            var slot = doc.Keys.Declare("k" + a, Mark, isAxis: true);
            doc.Axes.Add(new Axis("k" + a, [slot], Enumerable.Range(0, sizes[a]).Select(v => new[] { new Pair(slot, Value(v)) }).ToList(), Mark));
        }

        var extra = doc.Keys.Declare("extra_var", Mark, isAxis: false);
        foreach (var exclude in excludes)
        {
            doc.Excludes.Add(new PartialEntry(exclude.Where(e => e.Axis < sizes.Length).Select(e => new Pair(doc.Keys.SlotOf("k" + e.Axis), Value(e.Value))).ToArray(), Mark));
        }

        foreach (var include in includes)
        {
            doc.Includes.Add(new PartialEntry(include.Select(e => new Pair(e.Key < sizes.Length ? doc.Keys.SlotOf("k" + e.Key) : extra, Value(e.Value))).DistinctBy(p => p.Slot).ToArray(), Mark));
        }

        return doc;
    }

    [Property]
    public Property Count_RandomGridsExcludesIncludes_EqualsEnumeratedCount()
    {
        var pair = from axis in Gen.Choose(0, 3) from value in Gen.Choose(0, 3) select (axis, value);
        var entry = from n in Gen.Choose(1, 3) from pairs in Gen.ArrayOf(pair, n) select pairs;
        var gen =
            from axisCount in Gen.Choose(1, 3)
            from sizes in Gen.ArrayOf(Gen.Choose(1, 4), axisCount)
            from excludeCount in Gen.Choose(0, 4)
            from excludes in Gen.ArrayOf(entry, excludeCount)
            from includeCount in Gen.Choose(0, 3)
            from includes in Gen.ArrayOf(entry, includeCount)
            select (sizes, excludes, includes);

        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var doc = Document(c.sizes, c.excludes, c.includes);
            var counted = new GridCounter(doc).Count(out var exact);
            var enumerated = new Grid(doc).Enumerate().LongCount();
            return exact && counted == enumerated;
        });
    }

    [Fact]
    public void Count_HugeGrid_ComputedWithoutEnumerating()
    {
        var doc = Document([1000, 1000, 1000, 1000], [[(0, 1)]], []);

        new GridCounter(doc).Count(out var exact).ShouldBe(999_000_000_000);
        exact.ShouldBeTrue();
    }
}
