using BatchGen.Core.Manifests.Fields;

namespace BatchGen.Core.Manifests;

/// <summary>
/// Checks that need the whole model: exclude keys, template variables, unused variables. A value found wrong here is
/// marked rejected, so the per-job rules skip it; every other value is still checked.
/// </summary>
internal static class ManifestChecks
{
    private static readonly string[] OutputOnlyNames = ["job_id", "replicate", "name", "date", "time", "datetime"];

    public static void Run(ManifestDocument doc, DiagnosticBag bag)
    {
        foreach (var exclude in doc.Excludes)
        {
            foreach (var pair in exclude.Pairs.Where(p => !doc.Keys.IsAxisSlot(p.Slot)))
            {
                var name = doc.Keys.NameOf(pair.Slot);
                var axisNames = doc.Axes.SelectMany(a => a.Slots).Select(doc.Keys.NameOf).ToList();
                bag.Error(pair.Value.Mark, "exclude", $"'{name}' is not a key of the matrix, a zip group or the rows{Suggestions.Hint(name, axisNames)}; an exclude entry can only name axis keys");
                pair.Value.Reject();
            }
        }

        // One pass binds every template value (in the order of AllValues, so errors come as they always did) and
        // gathers the variables the templates use.
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (value, reject) in TemplateValues(doc))
        {
            var template = (Template)value.Parsed!;
            used.UnionWith(template.Variables);
            if (!Bind(template, value.Mark, doc, bag, allowOutputNames: false))
            {
                reject();
            }
        }

        var filenameOk = doc.OutputFilename is not { } filename || Bind(filename.Template, filename.Mark, doc, bag, allowOutputNames: true);
        if (doc.OutputFilename is { } output)
        {
            used.UnionWith(output.Template.Variables);
        }

        foreach (var slot in doc.Keys.VariableSlots)
        {
            var name = doc.Keys.NameOf(slot);
            if (!used.Contains(name) && Suggestions.Closest(name, JobFields.Names) is { } field)
            {
                bag.Error(doc.Keys.MarkOf(slot) ?? doc.Start, name, $"'{name}' is not a job field and no template uses it; did you mean '{field}'?");
                if (!doc.Defaults.Any(p => doc.Keys.NameOf(p.Slot) == field && !p.Value.IsRejected))
                {
                    // Where nothing else sets the field it stands for, that field is invalid rather than missing.
                    doc.Defaults.Insert(0, new Pair(doc.Keys.SlotOf(field), FieldValue.Invalid(string.Empty, doc.Keys.MarkOf(slot) ?? doc.Start)));
                }
            }
        }

        if (!filenameOk)
        {
            // Reported above: the per-job pass checks the other rules with the default file name.
            doc.OutputFilename = null;
        }

        doc.HasRejected = doc.Defaults.Any(p => p.Value.IsRejected)
            || doc.Axes.Any(a => a.Entries is Csv.CsvRows rows ? rows.AnyRejected : a.Entries.Any(e => e.Any(p => p.Value.IsRejected)))
            || doc.Includes.Any(i => i.Pairs.Any(p => p.Value.IsRejected))
            || doc.Excludes.Any(e => e.Pairs.Any(p => p.Value.IsRejected));
    }

    /// <summary>
    /// True when two combinations could make the same job: include entries, CSV rows (an empty cell and the default
    /// value written out make the same request), or a variable no prompt, negative_prompt or image_url template uses.
    /// Otherwise (matrix and zip only, axis values already de-duplicated) every combination differs in some request
    /// field and no id set is needed, so memory stays flat.
    /// </summary>
    public static bool DuplicatesPossible(ManifestDocument doc)
    {
        if (doc.Includes.Count > 0 || doc.Axes.Any(a => a.Name == "rows"))
        {
            return true;
        }

        // Two paths with the same content are the same request (the id hashes the content, not the path).
        if (SameContentTwice(doc))
        {
            return true;
        }

        var used = TemplateVariables(doc);
        return doc.Keys.VariableSlots.Any(slot => !used.Contains(doc.Keys.NameOf(slot)));
    }

    private static bool SameContentTwice(ManifestDocument doc)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in AllValues(doc))
        {
            if (value.Parsed is Core.Images.LocalImage image && seen.TryGetValue(image.Sha256, out var path) && path != image.Path)
            {
                return true;
            }

            if (value.Parsed is Core.Images.LocalImage first)
            {
                seen.TryAdd(first.Sha256, first.Path);
            }
        }

        return false;
    }

    /// <summary>Every variable a template value uses (a 100,000-row CSV has a template in every row: plain loops, no LINQ chain per value).</summary>
    private static HashSet<string> TemplateVariables(ManifestDocument doc)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in AllValues(doc))
        {
            if (value.Parsed is Template template)
            {
                foreach (var variable in template.Variables)
                {
                    used.Add(variable);
                }
            }
        }

        return used;
    }

    /// <summary>
    /// The template values of <see cref="AllValues"/>, in the same order, each with how to reject it: a large CSV's
    /// rows are not all parsed for this (<see cref="Csv.CsvRows.TemplateValues"/>), and a value rejected in one is
    /// remembered by its row.
    /// </summary>
    private static IEnumerable<(FieldValue Value, Action Reject)> TemplateValues(ManifestDocument doc)
    {
        foreach (var pair in doc.Defaults)
        {
            if (pair.Value.Parsed is Template)
            {
                yield return (pair.Value, pair.Value.Reject);
            }
        }

        foreach (var axis in doc.Axes)
        {
            if (axis.Entries is Csv.CsvRows rows)
            {
                foreach (var (row, pair) in rows.TemplateValues())
                {
                    yield return (pair.Value, () => rows.Reject(row, pair));
                }

                continue;
            }

            foreach (var entry in axis.Entries)
            {
                foreach (var pair in entry)
                {
                    if (pair.Value.Parsed is Template)
                    {
                        yield return (pair.Value, pair.Value.Reject);
                    }
                }
            }
        }

        foreach (var include in doc.Includes)
        {
            foreach (var pair in include.Pairs)
            {
                if (pair.Value.Parsed is Template)
                {
                    yield return (pair.Value, pair.Value.Reject);
                }
            }
        }
    }

    /// <summary>The defaults', every axis entry's, then every include's values, in that order.</summary>
    private static IEnumerable<FieldValue> AllValues(ManifestDocument doc)
    {
        foreach (var pair in doc.Defaults)
        {
            yield return pair.Value;
        }

        foreach (var axis in doc.Axes)
        {
            foreach (var entry in axis.Entries)
            {
                foreach (var pair in entry)
                {
                    yield return pair.Value;
                }
            }
        }

        foreach (var include in doc.Includes)
        {
            foreach (var pair in include.Pairs)
            {
                yield return pair.Value;
            }
        }
    }

    /// <summary>Binds the template to the manifest's keys; false (reported) when it uses an unknown variable.</summary>
    private static bool Bind(Template template, SourceMark mark, ManifestDocument doc, DiagnosticBag bag, bool allowOutputNames)
    {
        template.Bind(doc.Keys.SlotOf);
        var ok = true;
        foreach (var variable in template.Variables)
        {
            if (doc.Keys.SlotOf(variable) >= 0 || (allowOutputNames && OutputOnlyNames.Contains(variable)))
            {
                continue;
            }

            var known = doc.Keys.VariableSlots.Select(doc.Keys.NameOf).Concat(JobFields.Names).Concat(allowOutputNames ? OutputOnlyNames : []);
            bag.Error(mark, "template", $"unknown variable {{{variable}}}{Suggestions.Hint(variable, known)}; declare it as a matrix, zip, rows or include key (write {{{{ for a literal brace)");
            ok = false;
        }

        return ok;
    }
}
