namespace BatchGen.Tests.Providers;

/// <summary>The instant provider tests run at (a <see cref="FakeTimeProvider"/> starts there), for Retry-After dates and reset headers.</summary>
internal static class ProviderTestTime
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
}
