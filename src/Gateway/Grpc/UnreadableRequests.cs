using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orders.Gateway.Grpc;

/// <summary>
/// Binds every gRPC service (ours, health, reflection) as Grpc.AspNetCore's own binder does, except that a request
/// message that cannot be parsed (invalid UTF-8 in a string, a truncated field) is answered INVALID_ARGUMENT. The
/// framework's binder lets the parser's exception escape as UNKNOWN, with a stack trace logged at error level for
/// every such request: one client could fill the log.
/// </summary>
public static class UnreadableRequests
{
    private const string FrameworkBinder = "BinderServiceMethodProvider`1";

    public static IServiceCollection AnswerUnreadableRequestsWithInvalidArgument(this IServiceCollection services)
    {
        var framework = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType?.Name == FrameworkBinder).ToList();
        if (framework.Count != 1)
            throw new InvalidOperationException($"expected Grpc.AspNetCore's {FrameworkBinder} to replace (found {framework.Count}); call this after AddGrpc and check the Grpc.AspNetCore version");
        services.Remove(framework[0]);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(MethodProvider<>)));
        return services;
    }

    internal static Method<TRequest, TResponse> Readable<TRequest, TResponse>(Method<TRequest, TResponse> method)
    {
        var parse = method.RequestMarshaller.ContextualDeserializer;
        var marshaller = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return parse(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request is not a readable {typeof(TRequest).Name}: {e.Message}"));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }

    private sealed class MethodProvider<TService> : IServiceMethodProvider<TService> where TService : class
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
        {
            if (typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true) is not { } bind) return;
            var bindMethod = bind.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Single(m => m.Name == bind.BindMethodName && m.GetParameters() is [var first, _] && first.ParameterType == typeof(ServiceBinderBase));
            var baseType = bindMethod.GetParameters()[1].ParameterType;
            bindMethod.Invoke(null, [new Binder<TService>(context, baseType), null]);
        }
    }

    private sealed class Binder<TService>(ServiceMethodProviderContext<TService> context, Type declaringType) : ServiceBinderBase where TService : class
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(Readable(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(Readable(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(Readable(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
                typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(Readable(method), metadata, invoker);
        }

        /// <summary>The service's override of the generated method, and the endpoint metadata the framework would give it.</summary>
        private (TDelegate Invoker, List<object> Metadata) Model<TDelegate>(string name, params Type[] parameters) where TDelegate : Delegate
        {
            var method = Override(name, parameters) ?? throw new InvalidOperationException($"{typeof(TService).Name} does not implement {name}");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(method.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), method), metadata);
        }

        private MethodInfo? Override(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var candidate = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, null, parameters, null);
                if (candidate is null) return null;
                if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == declaringType) return candidate;
            }
            return null;
        }
    }
}
