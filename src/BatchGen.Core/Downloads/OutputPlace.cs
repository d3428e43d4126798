namespace BatchGen.Core.Downloads;

/// <summary>
/// A video's place in a held output directory (<see cref="OutputDirectories"/>): its part file is opened, renamed
/// and the superseded <c>.unverified.mp4</c> removed by name inside that directory, never through a path.
/// </summary>
internal sealed record OutputPlace(string Relative, string FinalPath, HeldDirectory Directory, string Name)
{
    public string PartName => Name + ".part";

    /// <summary>Opens the part file (no link followed, exclusive lock), or null: the path-based code then takes over.</summary>
    public PartFile? OpenPart(bool keepExisting)
    {
        // A download first tries to create the part anew: nothing to read back unless an earlier try left one.
        var mode = keepExisting ? DirectoryCalls.CreateMode.New : DirectoryCalls.CreateMode.Truncate;
        var handle = DirectoryCalls.OpenFileExclusive(Directory.Handle, PartName, mode, out var errno);
        var existing = false;
        if (handle is null && keepExisting && errno == DirectoryCalls.EExist)
        {
            handle = DirectoryCalls.OpenFileExclusive(Directory.Handle, PartName, DirectoryCalls.CreateMode.Keep, out _);
            existing = true;
        }

        return handle is null ? null : PartFile.FromHandle(FinalPath + ".part", handle, mayHoldBytes: existing, direct: true);
    }
}
