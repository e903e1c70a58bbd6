using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Orders.Cli.Connection;
using Spectre.Console;

namespace Orders.Cli.Output;

/// <summary>What every command runs against: the node, how to print (tables or JSON), and the console.</summary>
public sealed class Session(NodeConnection node, GlobalOptions options, IAnsiConsole console)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>Set once per process (one-shot) or per prompt; commands are created by Spectre.Console.Cli without arguments.</summary>
    public static Session Current { get; set; } = null!;

    public NodeConnection Node { get; } = node;
    public GlobalOptions Options { get; set; } = options;
    public IAnsiConsole Console { get; } = console;
    public bool Json => Options.Json;

    /// <summary>One JSON document per line: a reply, or each message of a stream.</summary>
    public void WriteJson(IMessage message) => System.Console.Out.WriteLine(Formatter.Format(message));

    public void Line(string markup) => Console.MarkupLine(markup);

    public void Text(string text) => Console.WriteLine(text);

    public static string Time(Timestamp? at) => at is null ? "-" : at.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'");

    public static string Clock(Timestamp? at) => at is null ? "-" : at.ToDateTimeOffset().ToString("HH:mm:ss.fff");

    public static string Escape(string? text) => Markup.Escape(text ?? "");
}
