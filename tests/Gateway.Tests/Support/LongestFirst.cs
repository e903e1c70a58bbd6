using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Orders.Gateway.Tests.Support.LongestFirst", "Gateway.Tests")]

namespace Orders.Gateway.Tests.Support;

/// <summary>
/// Marks a collection that takes minutes (the chaos suite, the benchmark tool, the three-node clusters), with the
/// seconds it takes here. These start first: started last, one of them alone would set the suite's wall time while
/// the other test thread sat idle.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LongRunningAttribute(int expectedSeconds) : Attribute
{
    public int ExpectedSeconds { get; } = expectedSeconds;
}

/// <summary>Starts the longest collections first (longest-processing-time scheduling); the rest keep xUnit's order.</summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Select((collection, index) => (collection, index))
            .OrderByDescending(c => ExpectedSeconds(c.collection)).ThenBy(c => c.index)
            .Select(c => c.collection);

    private static int ExpectedSeconds(ITestCollection collection) =>
        collection.CollectionDefinition?.GetCustomAttributes(typeof(LongRunningAttribute)).FirstOrDefault()
            ?.GetConstructorArguments().OfType<int>().FirstOrDefault() ?? 0;
}
