namespace BatchGen.Core.Storage;

/// <summary>
/// The object store could not be used as asked (unreachable, refused credentials, missing bucket, a stored object
/// that differs from the file). The message is one line naming the store and key, never credentials; the CLI maps it
/// to exit code 5 (storage).
/// </summary>
public sealed class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The store could not be reached at all (connection refused, DNS, timeout): every other upload fails too.</summary>
    public bool Unreachable { get; init; }
}
