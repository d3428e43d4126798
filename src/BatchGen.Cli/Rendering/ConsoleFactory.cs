using Spectre.Console;

namespace BatchGen.Cli.Rendering;

/// <summary>
/// The app-edge consoles: colours on a terminal, plain wide text when redirected. NO_COLOR (https://no-color.org)
/// removes colour only: cursor control, and so the live view, stay on a terminal.
/// </summary>
internal static class ConsoleFactory
{
    public static IAnsiConsole CreateStdout() => Create(Console.Out, Console.IsOutputRedirected, NoColor);

    /// <summary>For <c>--json</c> commands: people's output (the live view, progress) on stderr, stdout kept for JSON.</summary>
    public static IAnsiConsole CreateStderr() => Create(Console.Error, Console.IsErrorRedirected, NoColor);

    public static bool NoColor => Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };

    /// <summary>A console on <paramref name="writer"/>: <paramref name="noColor"/> only drops colours, redirection drops ANSI and the live view.</summary>
    internal static IAnsiConsole Create(TextWriter writer, bool redirected, bool noColor)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected || noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}
