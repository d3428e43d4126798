using Microsoft.AspNetCore.Builder;

namespace BatchGen.Simulator;

/// <summary>
/// The builder of every small web server BatchGen runs inside its own process (the simulator, the webhook receiver,
/// the review app). Their settings come from code only: the default builder would read <c>appsettings*.json</c> from
/// the working directory (a user's unrelated file could add Kestrel endpoints) and watch that directory, recursively,
/// for changes to reload them. A run writes its videos under the working directory, so that watcher woke the process
/// on every file written (thousands of inotify events a second in a large batch).
/// </summary>
public static class EmbeddedWebHost
{
    public static WebApplicationBuilder CreateBuilder(string applicationName) =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Read before the configuration files are added: no file is watched.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = applicationName,
            // The install directory, not the working directory: no appsettings.json of the user's is picked up.
            ContentRootPath = AppContext.BaseDirectory,
        });
}
