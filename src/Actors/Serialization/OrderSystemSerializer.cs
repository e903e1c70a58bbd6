using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace Orders.Actors.Serialization;

/// <summary>
/// JSON payloads named by stable manifests (<see cref="Manifests"/>): no CLR type names are stored, so types can be
/// renamed or moved without breaking the journal.
/// </summary>
public sealed class OrderSystemSerializer : SerializerWithStringManifest
{
    public const int Id = 4242;

    private readonly JsonSerializerOptions _options;

    public OrderSystemSerializer(ExtendedActorSystem system) : base(system)
    {
        _options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter(), new StepIdConverter(), new ActorRefConverter(system) },
        };
    }

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Manifests.ByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().FullName} has no manifest; add it to {nameof(Manifests)}");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        Manifests.ByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, _options) ?? throw new SerializationException($"empty payload for '{manifest}'")
            : throw new SerializationException($"unknown manifest '{manifest}'");
}
