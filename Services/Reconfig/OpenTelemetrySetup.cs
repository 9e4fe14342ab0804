using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace RedisHaLab.Reconfig;

/// <summary>Sends logs, spans and metrics to an OTLP collector (Aspire's dashboard) when one is configured.</summary>
internal static class OpenTelemetrySetup
{
    /// <summary>Adds OpenTelemetry with the OTLP exporter if <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; otherwise nothing.</summary>
    public static HostApplicationBuilder AddOpenTelemetryWhenConfigured(this HostApplicationBuilder builder)
    {
        // Without a collector there is nobody to send to; console logs alone then tell the story.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }
        // The service name and resource attributes come from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, set by Aspire.
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(ReconfigTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(ReconfigTelemetry.Name))
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            })
            .UseOtlpExporter();
        return builder;
    }
}
