namespace BatchGen.Core.Downloads;

/// <summary>
/// A video's place in a held output directory (<see cref="OutputDirectories"/>): its part file is opened, renamed
/// and the superseded <c>.unverified.mp4</c> removed by name inside that directory, never through a path.
/// </summary>
internal sealed record OutputPlace(string Relative, string FinalPath, HeldDirectory Directory, string Name)
{
    public string PartName => Name + ".part";

    /// <summary>
    /// Opens the part file (no link followed, exclusive lock), or null: the path-based code then takes over. A fresh
    /// part is opened for direct writes where this directory's file system takes them (<see cref="DirectIoChoice"/>);
    /// a part left by an earlier try is resumed through the page cache.
    /// </summary>
    public PartFile? OpenPart(bool keepExisting)
    {
        // A download first tries to create the part anew: nothing to read back unless an earlier try left one.
        var mode = keepExisting ? DirectoryCalls.CreateMode.New : DirectoryCalls.CreateMode.Truncate;
        var choice = Directory.DirectIo;
        var direct = choice.Wanted;
        var handle = DirectoryCalls.OpenFileExclusive(Directory.Handle, PartName, mode, direct, out var errno);
        if (handle is null && direct && errno == DirectIo.EInval)
        {
            // This file system does not do direct I/O (Linux may have created the file before refusing: it is then
            // found below as an empty existing part). Buffered here from now on.
            choice.NoteRefused();
            direct = false;
            handle = DirectoryCalls.OpenFileExclusive(Directory.Handle, PartName, mode, direct: false, out errno);
        }

        var existing = false;
        if (handle is null && keepExisting && errno == DirectoryCalls.EExist)
        {
            handle = DirectoryCalls.OpenFileExclusive(Directory.Handle, PartName, DirectoryCalls.CreateMode.Keep, direct: false, out _);
            existing = true;
            direct = false;
        }

        return handle is null ? null : PartFile.FromHandle(FinalPath + ".part", handle, mayHoldBytes: existing, ownCalls: true, direct ? choice : null);
    }
}
