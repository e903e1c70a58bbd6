using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Orders.Actors.Orders;

namespace Orders.Actors.Serialization;

/// <summary>Actor references travel as their full path with uid, resolved on the receiving node.</summary>
internal sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
{
    public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var path = reader.GetString();
        return string.IsNullOrEmpty(path) ? ActorRefs.Nobody : system.Provider.ResolveActorRef(path);
    }

    public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Akka.Serialization.Serialization.SerializedActorPath(value));
}

internal sealed class StepIdConverter : JsonConverter<StepId>
{
    public override StepId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => StepId.Parse(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, StepId value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());

    public override StepId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => StepId.Parse(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, StepId value, JsonSerializerOptions options) => writer.WritePropertyName(value.ToString());
}
