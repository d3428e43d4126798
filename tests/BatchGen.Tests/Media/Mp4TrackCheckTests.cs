using System.Buffers.Binary;
using BatchGen.Core.Media;
using BatchGen.Tests.Downloads;

namespace BatchGen.Tests.Media;

/// <summary>
/// The checks inside the <c>moov</c> (nested boxes read in place, without copies): each damage to a nested box gives
/// its own message, from the file probe and from the streamed box check alike.
/// </summary>
public sealed class Mp4TrackCheckTests
{
    private static readonly byte[] Good = TestMp4.Build(5.2, 1280, 720, mediaBytes: 50_000);

    public static TheoryData<string, string?> Cases() => new()
    {
        { "good", null },
        { "no tkhd: the sample entry's size", null },
        { "mvhd timescale zero", "mvhd box is malformed" },
        { "mvhd larger than the moov", "moov holds a malformed box" },
        { "no mdia", "track has no mdia box" },
        { "sound handler", "no video track (no trak with a 'vide' handler)" },
        { "no stbl", "video track has no sample table (stbl)" },
        { "empty stsd", "video track has no samples: its sample description (stsd) is empty" },
        { "stsd entry larger than the stsd", "video track's sample description (stsd) is malformed" },
        { "mp4v codec", "video track's codec 'mp4v' is not one of avc1/avc3/hvc1/hev1/av01/vp09" },
        { "no stsz", "video track has no sample size table (stsz)" },
        { "stsz larger than the stbl", "video track has no sample size table (stsz)" },
        { "no stts", "video track has no time-to-sample table (stts)" },
        { "stts counts other samples", "time-to-sample table (stts) covers 11 samples, the size table (stsz) 10" },
        { "no stsc", "video track has no sample-to-chunk table (stsc)" },
        { "no stco", "video track has no chunk offset table (stco/co64)" },
        { "chunk past the end", "chunk 1 (offset 4294967040) points past the end of the file (50531 bytes) (broken stco)" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Check_NestedBoxDamage_ItsOwnMessage_SameFromTheScan(string name, string? expected)
    {
        var bytes = Variant(name);

        var (info, error) = await Mp4Probe.ProbeAsync(new MemoryStream(bytes), CancellationToken.None);
        var scanner = new Mp4BoxScanner();
        scanner.Append(bytes);
        var scanned = scanner.Finish(bytes.Length);

        error.ShouldBe(expected);
        scanned.ShouldBe((info, error));
        if (expected is null)
        {
            (info!.Width, info.Height, info.Samples, info.Codec).ShouldBe((1280, 720, 10L, "avc1"));
        }
    }

    private static byte[] Variant(string name)
    {
        var bytes = (byte[])Good.Clone();
        int At(string type) => bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(type)) - 4;
        void Rename(string type, string to) => System.Text.Encoding.ASCII.GetBytes(to).CopyTo(bytes, At(type) + 4);
        void Size(string type, uint size) => BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(At(type)), size);
        void Field(string type, int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(At(type) + 8 + offset), value);
        switch (name)
        {
            case "good":
                break;
            case "no tkhd: the sample entry's size":
                Rename("tkhd", "free");
                break;
            case "mvhd timescale zero":
                Field("mvhd", 12, 0);
                break;
            case "mvhd larger than the moov":
                Size("mvhd", 100_000);
                break;
            case "no mdia":
                Rename("mdia", "free");
                break;
            case "sound handler":
                Rename("vide", "soun");
                break;
            case "no stbl":
                Rename("stbl", "free");
                break;
            case "empty stsd":
                Field("stsd", 4, 0);
                break;
            case "stsd entry larger than the stsd":
                Size("avc1", 100_000);
                break;
            case "mp4v codec":
                Rename("avc1", "mp4v");
                break;
            case "no stsz":
                Rename("stsz", "free");
                break;
            case "stsz larger than the stbl":
                Size("stsz", 100_000);
                break;
            case "no stts":
                Rename("stts", "free");
                break;
            case "stts counts other samples":
                Field("stts", 8, 11);
                break;
            case "no stsc":
                Rename("stsc", "free");
                break;
            case "no stco":
                Rename("stco", "free");
                break;
            case "chunk past the end":
                Field("stco", 8, 0xFFFF_FF00);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such variant");
        }

        return bytes;
    }
}
