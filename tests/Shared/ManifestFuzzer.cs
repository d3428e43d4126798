using System.Text;

namespace BatchGen.TestSupport;

/// <summary>One fuzzed manifest: its bytes, the file name it is written under, what was done to it, and extra files (a mutated CSV) beside it.</summary>
public sealed record FuzzMutant(int Index, string FileName, byte[] Content, string Description, IReadOnlyDictionary<string, byte[]> Extra);

/// <summary>
/// Deterministic mutants of the example manifests (a fixed seed gives the same corpus on every machine): byte flips,
/// truncation, duplication, deep nesting, alias insertion and alias bombs, huge scalars, broken Unicode, and CSV
/// damage, one to three at a time.
/// </summary>
public static class ManifestFuzzer
{
    public const int Seed = 20_261_128;

    /// <summary>Largest mutant: a little past the loader's 4 MiB cap on YAML files.</summary>
    public const int MaxMutantBytes = 5 * 1024 * 1024;

    private static readonly string[] BadUnicode = ["\u202e", "\u2066", "\u200f", "\u0000", "\u0085", "\ufeff", "\\ud800", "\\udfff", "\"\\ud83d\"", "\u00ad", "\ud83d\ude00"];

    /// <summary>The example manifests (YAML and CSV) of the repository's <c>manifests/</c> folder, and its data files.</summary>
    public static IReadOnlyList<(string Name, byte[] Content)> Seeds(string manifestsDirectory) =>
        Directory.EnumerateFiles(manifestsDirectory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal))
            .Where(f => !f.Contains("scenarios", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(manifestsDirectory, f).Replace('\\', '/'), File.ReadAllBytes(f)))
            .ToList();

    public static IEnumerable<FuzzMutant> Generate(string manifestsDirectory, int count)
    {
        var seeds = Seeds(manifestsDirectory);
        var manifests = seeds.Where(s => !s.Name.StartsWith("data/", StringComparison.Ordinal)).ToList();
        var csv = seeds.First(s => s.Name == "data/shots.csv").Content;
        var random = new Random(Seed);
        for (var i = 0; i < count; i++)
        {
            var (name, content) = manifests[random.Next(manifests.Count)];
            var extra = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["data/shots.csv"] = csv };
            var bytes = content;
            var steps = new List<string>();
            var rounds = 1 + random.Next(3);
            for (var r = 0; r < rounds; r++)
            {
                var isCsv = name.EndsWith(".csv", StringComparison.Ordinal);
                var op = random.Next(isCsv ? 9 : 8);
                if (!isCsv && op == 7 && random.Next(2) == 0)
                {
                    // Damage the CSV the rows manifest points at instead of the manifest.
                    extra["data/shots.csv"] = Csv(extra["data/shots.csv"], random, out var what);
                    steps.Add("rows CSV: " + what);
                    continue;
                }

                bytes = Mutate(bytes, op, isCsv, random, out var description);
                if (bytes.Length > MaxMutantBytes)
                {
                    // Past the loader's 4 MiB cap either way; keeping mutants small keeps the generator's own memory small.
                    bytes = bytes[..MaxMutantBytes];
                    description += " (cut to 5 MiB)";
                }

                steps.Add(description);
            }

            yield return new FuzzMutant(i, $"mutant-{i:D4}{Path.GetExtension(name)}", bytes, $"{name}: {string.Join("; ", steps)}", extra);
        }
    }

    private static byte[] Mutate(byte[] input, int op, bool isCsv, Random random, out string description)
    {
        switch (op)
        {
            case 0:
                var flipped = input.ToArray();
                var flips = 1 + random.Next(10);
                for (var k = 0; k < flips && flipped.Length > 0; k++)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                description = $"{flips} byte flips";
                return flipped;
            case 1:
                var cut = input.Length == 0 ? 0 : random.Next(input.Length);
                description = $"truncated at {cut}";
                return input[..cut];
            case 2:
                var start = random.Next(input.Length + 1);
                var length = random.Next(input.Length - start + 1);
                var at = random.Next(input.Length + 1);
                var times = 1 + random.Next(random.Next(2) == 0 ? 3 : 2000);
                times = Math.Max(1, Math.Min(times, MaxMutantBytes / Math.Max(1, length)));
                var slice = input.AsSpan(start, length).ToArray();
                description = $"duplicated {length} bytes x{times}";
                return [.. input[..at], .. Enumerable.Repeat(slice, times).SelectMany(b => b), .. input[at..]];
            case 3:
                var depth = random.Next(2) == 0 ? 30 + random.Next(50) : 1000 + random.Next(30_000);
                var open = random.Next(2) == 0 ? "{a: " : "[";
                var close = open == "[" ? "]" : "}";
                var nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, random.Next(4) == 0 ? depth / 2 : depth));
                description = $"nested {depth} deep ({open.Trim()})";
                return InsertLine(input, random, isCsv ? nested : $"  extra: {nested}");
            case 4:
                description = "aliases";
                return Aliases(input, random, ref description);
            case 5:
                var size = random.Next(3) switch { 0 => 70_000, 1 => 1_000 + random.Next(60_000), _ => 5_000_000 };
                var huge = random.Next(2) == 0 ? new string('x', size) : string.Concat(Enumerable.Repeat("{subject}", size / 9));
                description = $"scalar of {size} characters";
                return InsertLine(input, random, isCsv ? $"magnific,\"{huge}\",https://example.com/a.png" : $"  prompt: \"{huge}\"");
            case 6:
                description = "bad unicode";
                return BadBytes(input, random);
            case 7:
                description = "tail cut mid UTF-8 and a NUL";
                return [.. input, 0xE2, 0x80, 0x00, (byte)'\n'];
            default:
                return Csv(input, random, out description);
        }
    }

    private static byte[] Aliases(byte[] input, Random random, ref string description)
    {
        var text = Encoding.UTF8.GetString(input);
        switch (random.Next(4))
        {
            case 0:
                description = "self-referencing alias";
                return Encoding.UTF8.GetBytes(text + "\nloop: &loop [*loop]\n");
            case 1:
                description = "defaults aliasing itself";
                return Encoding.UTF8.GetBytes(text.Replace("defaults:", "defaults: &d", StringComparison.Ordinal) + "\ninclude:\n  - extra: {x: *d}\n");
            case 2:
                var levels = 3 + random.Next(8);
                var bomb = new StringBuilder("\nx-bomb:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
                for (var i = 1; i < levels; i++)
                {
                    bomb.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
                }

                var target = random.Next(2) == 0 ? $"include:\n  - extra: {{bomb: *a{levels - 1}}}\n" : string.Empty;
                description = $"alias bomb 10^{levels}{(target.Length > 0 ? " used by include" : " under an unknown key")}";
                return Encoding.UTF8.GetBytes(text + bomb + target);
            default:
                description = "undefined alias";
                return Encoding.UTF8.GetBytes(text + "\nrepeat: *nowhere\n");
        }
    }

    private static byte[] BadBytes(byte[] input, Random random)
    {
        var output = input.ToList();
        var count = 1 + random.Next(5);
        for (var i = 0; i < count; i++)
        {
            var at = random.Next(output.Count + 1);
            byte[] insert = random.Next(3) switch
            {
                0 => [0xC3, 0x28],
                1 => [0xFF, 0xFE, 0xED],
                _ => Encoding.UTF8.GetBytes(BadUnicode[random.Next(BadUnicode.Length)]),
            };
            output.InsertRange(at, insert);
        }

        return [.. output];
    }

    private static byte[] Csv(byte[] input, Random random, out string description)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n').ToList();
        var line = random.Next(Math.Max(1, lines.Count));
        switch (random.Next(6))
        {
            case 0:
                lines.Insert(line, "\"unclosed,quote,here");
                description = "CSV unbalanced quote";
                break;
            case 1:
                lines[line] += ",,,extra";
                description = "CSV extra fields";
                break;
            case 2:
                lines[0] = lines[0] + "," + lines[0].Split(',')[0];
                description = "CSV duplicate header";
                break;
            case 3:
                lines[0] = ",," + lines[0];
                description = "CSV empty header cells";
                break;
            case 4:
                lines.Insert(Math.Min(1, lines.Count), string.Join(",", Enumerable.Repeat("x", 5_000)));
                description = "CSV 5000 columns";
                break;
            default:
                lines = [.. lines.Take(1), .. Enumerable.Repeat(lines.Count > 1 ? lines[1] : "a", 2_000)];
                description = "CSV 2000 copies of a row";
                break;
        }

        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    private static byte[] InsertLine(byte[] input, Random random, string line)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n').ToList();
        lines.Insert(random.Next(lines.Count + 1), line);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }
}
