using System.Net;
using System.Net.Sockets;

namespace BatchGen.IntegrationTests.Fleet;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of the test PostgreSQL, which a test can close (every open connection is cut and
/// new ones are dropped at once, as when the server goes away) and open again.
/// </summary>
internal sealed class TcpGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private bool _closed;
    private int _refused;

    public TcpGate(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections dropped while closed: the client really tried to reach the server during the outage.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var client in _open)
            {
                client.Dispose();
            }

            _open.Clear();
        }
    }

    public void Open()
    {
        lock (_gate)
        {
            _closed = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Close();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_gate)
            {
                if (_closed)
                {
                    Interlocked.Increment(ref _refused);
                    inbound.Dispose();
                    continue;
                }

                _open.Add(inbound);
            }

            _ = PipeAsync(inbound);
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        using var outbound = new TcpClient();
        lock (_gate)
        {
            _open.Add(outbound);
        }

        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The gate closed or a side went away: both ends are dropped.
        }
        finally
        {
            inbound.Dispose();
        }
    }
}
