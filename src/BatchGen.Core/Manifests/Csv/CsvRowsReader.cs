using BatchGen.Core.Manifests.Expansion;
using BatchGen.Core.Manifests.Fields;
using BatchGen.Core.Manifests.Limits;
using global::CsvHelper;

namespace BatchGen.Core.Manifests.Csv;

/// <summary>
/// Reads a CSV file of jobs into one axis: the header row names fields or variables, each row is an entry, an empty
/// cell leaves the key unset. UTF-8 with or without BOM, LF or CRLF, RFC 4180 quoting. Locations are the row's first
/// physical line and the field number. The file is read through <see cref="FileChecks"/> (regular files only, at most
/// <see cref="ManifestLimits.MaxCsvBytes"/>); a cell longer than <see cref="ManifestLimits.MaxValueChars"/> is refused.
/// </summary>
internal static class CsvRowsReader
{
    /// <param name="fileMark">Where file-level problems (missing, not a regular file, too large) are reported: the
    /// <c>rows:</c> value of the manifest that names the file, or the CSV file itself.</param>
    /// <param name="what">The name such problems are reported under.</param>
    public static Axis? Read(string path, string displayFile, KeyTable keys, DiagnosticBag bag, SourceMark? fileMark = null, string what = "rows")
    {
        var start = new SourceMark(displayFile, 1, 1);
        if (!FileChecks.CheckReadable(path, fileMark ?? start, what, ManifestLimits.MaxCsvBytes, bag, out var text))
        {
            return null;
        }

        var malformed = new List<(long Line, CsvMalformedReason Reason)>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            Mode = CsvMode.Rfc4180,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = record => malformed.Add((record.LineNumber, record.Reason)),
        };
        try
        {
            using var reader = CsvReader.FromText(text, options);
            if (!reader.Read())
            {
                bag.Error(start, "rows", "empty CSV file: expected a header row naming job fields or variables");
                return null;
            }

            var slots = ReadHeader(Fields(reader), displayFile, keys, bag, out var headerOk);
            var entries = new CsvRows(displayFile, slots, keys);
            var rowCount = 0;
            while (reader.Read())
            {
                var line = (int)reader.LineNumber;
                var record = Fields(reader);
                rowCount++;
                if (record.Length != slots.Length)
                {
                    bag.Error(new SourceMark(displayFile, line, 1), "rows", $"row has {record.Length} fields but the header has {slots.Length}; quote cells that contain commas");
                    continue;
                }

                if (headerOk)
                {
                    entries.Add(record, line, CsvRows.ParseRow(record, slots, keys, displayFile, line, bag));
                }
            }

            entries.EndOfRows();
            foreach (var (line, reason) in malformed.Where(m => m.Reason != CsvMalformedReason.FieldCountMismatch))
            {
                bag.Error(new SourceMark(displayFile, (int)Math.Max(line, 1), 1), "rows", $"malformed CSV ({reason}): put quotes around a cell that contains quotes, and double the quotes inside (\"\")");
            }

            if (rowCount == 0)
            {
                bag.Error(new SourceMark(displayFile, 2, 1), "rows", "no rows under the header: add one row per job");
                return null;
            }

            return new Axis("rows", slots, entries, start);
        }
        catch (CsvFormatException ex)
        {
            bag.Error(new SourceMark(displayFile, (int)Math.Max(ex.LineNumber, 1), 1), "rows", "malformed CSV: " + FirstLine(ex.Message));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            bag.Error(start, "rows", "cannot read the file: " + FirstLine(ex.Message));
            return null;
        }
    }

    private static string[] Fields(CsvReader reader)
    {
        var fields = new string[reader.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetString(i) ?? string.Empty;
        }

        return fields;
    }

    private static int[] ReadHeader(string[] header, string file, KeyTable keys, DiagnosticBag bag, out bool ok)
    {
        ok = true;
        var slots = new int[header.Length];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF');
            var mark = new SourceMark(file, 1, i + 1);
            if (name.Length == 0)
            {
                bag.Error(mark, "rows", $"column {i + 1} has no header: name it after a job field or a variable");
                ok = false;
                continue;
            }

            if (seen.TryGetValue(name, out var first))
            {
                bag.Error(mark, name, $"duplicate header '{name}' (also column {first + 1}): each column needs its own name");
                ok = false;
                continue;
            }

            seen[name] = i;
            slots[i] = keys.Declare(name, mark, isAxis: true);
        }

        return slots;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
