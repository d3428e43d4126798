namespace BatchGen.Simulator;

/// <summary>Values shared by several providers' wire formats.</summary>
internal static class Wire
{
    public static readonly string[] Resolutions = ["360p", "540p", "720p", "1080p"];

    public static readonly string[] AspectRatios = ["16:9", "4:3", "1:1", "3:4", "9:16"];

    public static readonly string[] Styles = ["anime", "3d_animation", "clay", "comic", "cyberpunk"];

    public static readonly string[] ThinkingTypes = ["enabled", "disabled", "auto"];
}
