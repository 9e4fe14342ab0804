using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisHaLab.AppHost.Lab;

namespace RedisHaLab.ModelTests;

/// <summary>The wrapper that reports a part healthy within 0.1 s of it turning so, instead of at Aspire's next backoff step.</summary>
public sealed class PatientHealthCheckTests
{
    [Test]
    public async Task A_part_that_turns_healthy_during_the_patience_is_reported_healthy_by_that_one_run()
    {
        var inner = new Scripted(HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Healthy);

        var result = await new PatientHealthCheck(inner, TimeSpan.FromSeconds(2)).CheckHealthAsync(new HealthCheckContext());

        Assert.That((result.Status, inner.Asked), Is.EqualTo((HealthStatus.Healthy, 3)));
    }

    [Test]
    public async Task A_part_that_stays_unhealthy_is_reported_unhealthy_once_the_patience_is_spent_with_its_last_reason()
    {
        var inner = new Scripted(HealthStatus.Unhealthy);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await new PatientHealthCheck(inner, TimeSpan.FromMilliseconds(500)).CheckHealthAsync(new HealthCheckContext());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Description, Is.EqualTo($"look {inner.Asked}"), "the last look's reason");
        Assert.That(clock.Elapsed, Is.InRange(TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(3)), "bounded by the patience");
        Assert.That(inner.Asked, Is.GreaterThan(1), "asked again meanwhile");
    }

    [Test]
    public async Task A_degraded_or_healthy_answer_is_reported_at_once()
    {
        var inner = new Scripted(HealthStatus.Degraded);

        var result = await new PatientHealthCheck(inner, TimeSpan.FromSeconds(2)).CheckHealthAsync(new HealthCheckContext());

        Assert.That((result.Status, inner.Asked), Is.EqualTo((HealthStatus.Degraded, 1)));
    }

    /// <summary>Answers the given statuses in turn, then the last one for ever.</summary>
    private sealed class Scripted(params HealthStatus[] answers) : IHealthCheck
    {
        public int Asked { get; private set; }

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var status = answers[Math.Min(Asked, answers.Length - 1)];
            Asked++;
            return Task.FromResult(new HealthCheckResult(status, $"look {Asked}"));
        }
    }
}
