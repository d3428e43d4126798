namespace BatchGen.Simulator;

/// <summary>The request-level fault, if any, for one API call.</summary>
internal enum RequestFault
{
    None,
    Http500,
    Http502,
    Http503,
    ConnectionReset,
    SlowResponse,
    MalformedJson,
}

internal static class FaultDraw
{
    /// <summary>Walks the cumulative rates with a draw in [0, 1).</summary>
    public static RequestFault Request(FaultScenario f, double u)
    {
        var edge = f.Http500;
        if (u < edge)
        {
            return RequestFault.Http500;
        }

        if (u < (edge += f.Http502))
        {
            return RequestFault.Http502;
        }

        if (u < (edge += f.Http503))
        {
            return RequestFault.Http503;
        }

        if (u < (edge += f.ConnectionReset))
        {
            return RequestFault.ConnectionReset;
        }

        if (u < (edge += f.SlowResponse))
        {
            return RequestFault.SlowResponse;
        }

        return u < edge + f.MalformedJson ? RequestFault.MalformedJson : RequestFault.None;
    }
}
