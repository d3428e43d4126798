using BatchGen.Core.Jobs;

namespace BatchGen.Core.Pipeline;

/// <summary>A finished task on its way to disk: its result URLs, or the bytes of a synchronous reply.</summary>
internal sealed record DownloadItem(JobSpec Spec, string? RemoteId, IReadOnlyList<Uri> ResultUrls, ReadOnlyMemory<byte>? InlineVideo);
