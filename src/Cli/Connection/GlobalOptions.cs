namespace Orders.Cli.Connection;

/// <summary>
/// The options that hold for a whole session, accepted anywhere on the line (pbm style: `orders --node a:b cluster show`
/// and `orders cluster show --node a:b` both work), taken out before the command is parsed.
/// </summary>
public sealed record GlobalOptions(string Node, string? Token, bool Json, bool Help)
{
    public const string DefaultNode = "127.0.0.1:5081";
    public const string NodeVariable = "ORDERS_NODE";
    public const string TokenVariable = "ORDERS_ADMIN_TOKEN";

    public static (GlobalOptions Options, List<string> Remaining) Extract(IEnumerable<string> args, GlobalOptions? defaults = null)
    {
        var node = defaults?.Node ?? Environment.GetEnvironmentVariable(NodeVariable) ?? DefaultNode;
        var token = defaults?.Token ?? NullIfEmpty(Environment.GetEnvironmentVariable(TokenVariable));
        var json = false;
        var help = false;
        var rest = new List<string>();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            switch (arg)
            {
                case "--node" or "-n":
                    node = e.MoveNext() ? e.Current : throw new UsageException("--node needs a value, such as 127.0.0.1:5081");
                    break;
                case "--token":
                    token = e.MoveNext() ? e.Current : throw new UsageException("--token needs a value (or set ORDERS_ADMIN_TOKEN)");
                    break;
                case "--json":
                    json = true;
                    break;
                case "--help" or "-h" or "-?":
                    help = true;
                    break;
                default:
                    if (arg.StartsWith("--node=", StringComparison.Ordinal)) node = arg["--node=".Length..];
                    else if (arg.StartsWith("--token=", StringComparison.Ordinal)) token = arg["--token=".Length..];
                    else rest.Add(arg);
                    break;
            }
        }
        return (new GlobalOptions(node, token, json, help), rest);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>A command line that cannot be run as written (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A command that ran and failed; <see cref="ExitCode"/> says how (see <see cref="ExitCodes"/>).</summary>
public sealed class CliFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The node refused or could not do it (not found, invalid, failed precondition, unavailable).</summary>
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int Unauthenticated = 4;
}
