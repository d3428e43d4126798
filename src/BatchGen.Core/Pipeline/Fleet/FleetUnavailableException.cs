namespace BatchGen.Core.Pipeline.Fleet;

/// <summary>The database the workers share could not be reached (down, unreachable, connection lost).</summary>
public sealed class FleetUnavailableException : Exception
{
    public FleetUnavailableException()
    {
    }

    public FleetUnavailableException(string message)
        : base(message)
    {
    }

    public FleetUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
