using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;
using Orders.Actors.Tests.Support;

namespace Orders.Actors.Tests.TestServers;

/// <summary>
/// The test command leaves no server behind: a throwaway PostgreSQL lives exactly as long as the process that owns it,
/// also when that process is killed and runs none of its own clean-up (a test host the runner kills, a bench stopped by ^C).
/// </summary>
public sealed class ThrowawayPostgresSpecs
{
    [Fact]
    public async Task A_server_whose_owner_is_killed_is_stopped_and_its_data_deleted()
    {
        using var owner = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        var server = ThrowawayPostgres.Start(owner.Id);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(1, await new NpgsqlCommand("SELECT 1", connection).ExecuteScalarAsync());
        }
        Assert.True(Directory.Exists(server.Directory));

        owner.Kill(); // SIGKILL: the owner runs nothing on its way out
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((Listening(server.Port) || Directory.Exists(server.Directory)) && DateTime.UtcNow < deadline) await Task.Delay(200);

        Assert.False(Listening(server.Port), $"the server on port {server.Port} outlived its killed owner");
        Assert.False(Directory.Exists(server.Directory), $"{server.Directory} outlived its killed owner");
    }

    [Fact]
    public void A_server_is_not_started_for_an_owner_that_is_already_gone()
    {
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        gone.WaitForExit();
        var refused = Assert.Throws<InvalidOperationException>(() => ThrowawayPostgres.Start(gone.Id));
        Assert.Contains($"owner process {gone.Id} is not running", refused.Message);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
