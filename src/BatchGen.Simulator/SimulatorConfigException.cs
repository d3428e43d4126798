namespace BatchGen.Simulator;

/// <summary>A bad scenario or option. The message is one line: where (file:line:col) and what is wrong.</summary>
public sealed class SimulatorConfigException : Exception
{
    public SimulatorConfigException()
    {
    }

    public SimulatorConfigException(string message)
        : base(message)
    {
    }

    public SimulatorConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
