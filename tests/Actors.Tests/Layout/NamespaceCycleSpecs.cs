using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Orders.Actors.Tests.Layout;

/// <summary>
/// The folder tree is the architecture: no namespace in src/ may depend on one that depends back on it. A namespace
/// depends on another when one of its files imports it or names something in it. There are none; a new one fails.
/// </summary>
public sealed partial class NamespaceCycleSpecs(ITestOutputHelper output)
{
    // Cycles tolerated while being taken apart, each as its namespaces: none left (issue 29 removed the last). Never add
    // one. (Hosting names the journal's classes in hocon/persistence.hocon too; the journal depends on nothing of Hosting.)
    private static readonly string[][] KnownCycles = [];

    [Fact]
    public void No_namespace_in_src_depends_on_one_that_depends_back_on_it()
    {
        var graph = DependencyGraph(Path.Combine(RepositoryRoot(), "src"));
        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).Select(c => c.Order(StringComparer.Ordinal).ToList()).ToList();
        foreach (var cycle in cycles)
            output.WriteLine($"cycle: {string.Join(" <-> ", cycle)}; edges: " +
                string.Join(", ", cycle.SelectMany(a => graph[a].Where(cycle.Contains).Select(b => $"{Short(a)} -> {Short(b)}"))));
        var unknown = cycles.Where(c => !KnownCycles.Any(k => c.All(k.Contains))).ToList();
        Assert.True(unknown.Count == 0, "namespace cycles in src/:\n" + string.Join("\n", unknown.Select(c => string.Join(" <-> ", c))));
        var gone = KnownCycles.Where(k => !cycles.Any(c => c.Count(k.Contains) > 1)).ToList();
        Assert.True(gone.Count == 0, "cycles listed as known are gone, take them off the list: " + string.Join("; ", gone.Select(k => string.Join(" <-> ", k))));
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_and_ignores_a_chain()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"], ["E"] = [],
        };
        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).ToList();
        Assert.Equal(["A", "B", "C"], Assert.Single(cycles).Order());
    }

    private static string Short(string ns) => ns.StartsWith("Orders.", StringComparison.Ordinal) ? ns["Orders.".Length..] : ns;

    /// <summary>Each namespace declared under <paramref name="src"/> and the other declared namespaces its files import or name.</summary>
    private static Dictionary<string, HashSet<string>> DependencyGraph(string src)
    {
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(f => (Text: File.ReadAllText(f), Namespace: NamespaceDeclaration().Match(File.ReadAllText(f)).Groups[1].Value))
            .Where(f => f.Namespace.Length > 0)
            .ToList();
        var declared = files.Select(f => f.Namespace).ToHashSet();
        var graph = declared.ToDictionary(n => n, _ => new HashSet<string>());
        foreach (var (text, ns) in files)
            foreach (Match reference in QualifiedName().Matches(CommentsAndStrings().Replace(text, "")))
            {
                // The longest declared namespace the name starts with: a namespace itself, or a type inside it.
                var target = declared.Where(d => reference.Value == d || reference.Value.StartsWith(d + ".", StringComparison.Ordinal)).MaxBy(d => d.Length);
                if (target is not null && target != ns) graph[ns].Add(target);
            }
        return graph;
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(IReadOnlyDictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            components.Add(component);
        }
        foreach (var v in graph.Keys.Order(StringComparer.Ordinal)) if (!index.ContainsKey(v)) Visit(v);
        return components;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Actors.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\bOrders(?:\.[A-Z]\w*)+")]
    private static partial Regex QualifiedName();

    // Comments and string literals name things without depending on them.
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@?""(?:[^""\\\n]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex CommentsAndStrings();
}
