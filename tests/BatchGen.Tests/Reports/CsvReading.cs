using System.Text;

namespace BatchGen.Tests.Reports;

/// <summary>A strict RFC 4180 reader for checking the CSV the reports write (independent of the writer).</summary>
internal static class CsvReading
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
            }
            else if (c is '"' or '\r')
            {
                throw new FormatException($"unexpected {(c == '"' ? "quote" : "CR")} at offset {i}");
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted || field.Length > 0 || fields.Count > 0)
        {
            throw new FormatException("the last record does not end with a line break");
        }

        return records;
    }
}
