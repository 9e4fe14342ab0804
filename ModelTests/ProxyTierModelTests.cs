using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RedisHaLab.AppHost.Lab;
using RedisHaLab.Topology;

namespace RedisHaLab.ModelTests;

/// <summary>
/// The AppHost's model of <c>post-2016-proxy-ha.yml</c>: a proxy and its own reconfig service on node23 and on node24,
/// each proxy on its node's address only, and HAProxy on no node owning the front door, its stats page a URL.
/// </summary>
public sealed class ProxyTierModelTests() : AppHostModelFixture("post-2016-proxy-ha.yml")
{
    [Test]
    public async Task Each_proxy_sits_on_its_node_at_its_node_s_address_only_and_relays_readiness_to_its_own_reconfig_service()
    {
        Assert.That(inventory.Proxies.Select(p => p.Node.Name), Is.EqualTo(new[] { "node23", "node24" }));
        foreach (var proxy in inventory.Proxies)
        {
            var resource = Resource<TwemproxyResource>(proxy.Name);
            Assert.That(ParentOf(resource), Is.EqualTo(proxy.Node.Name), proxy.Name);
            var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToList();
            Assert.That(endpoints.Select(e => (e.Name, e.TargetHost, e.Port, e.IsProxied)),
                Is.EqualTo(new[] { (TwemproxyResource.NodeEndpointName, proxy.Node.Address.ToString(), (int?)14555, false) }), $"{proxy.Name}: the front door is HAProxy's");
            Assert.That(((IResourceWithConnectionString)resource).ConnectionStringExpression.ValueExpression,
                Is.EqualTo($"{{{proxy.Name}.bindings.proxy.host}}:{{{proxy.Name}.bindings.proxy.port}},proxy=Twemproxy,tiebreaker="), "behind the load balancer a proxy's own connection string names its node's address");
            var environment = await EnvironmentOf(resource);
            Assert.That((environment["READINESS_PORT"], environment["READINESS_FROM"]), Is.EqualTo(("14556", proxy.ReconfigName)), proxy.Name);
        }
    }

    [Test]
    public async Task Each_proxy_has_its_own_reconfig_service_beside_it_sharing_only_its_folder()
    {
        var layout = new LabStateLayout(Repository.Root, inventory);
        foreach (var proxy in inventory.Proxies)
        {
            var service = Resource<ContainerResource>(proxy.ReconfigName);
            Assert.That(ParentOf(service), Is.EqualTo(proxy.Node.Name), proxy.ReconfigName);
            Assert.That((await EnvironmentOf(service))["Lab__Proxy"], Is.EqualTo(proxy.Name));
            Assert.That(service.Annotations.OfType<ContainerMountAnnotation>().Select(m => m.Source),
                Does.Contain(layout.ProxyConfigFolderOf(proxy)).And.None.EqualTo(layout.ProxyConfigFolderOf(inventory.Proxies.Single(p => p != proxy))), proxy.ReconfigName);
            Assert.That(service.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name), Has.None.Contains("twemproxy"),
                "it starts alongside its proxy, and never waits for another");
        }
    }

    [Test]
    public void HAProxy_is_on_no_node_owns_the_front_door_shows_its_stats_page_and_is_what_the_sample_app_references()
    {
        var haproxy = Resource<HaproxyResource>(LoadBalancer.ResourceName);

        Assert.That(haproxy.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Parent"), Is.Empty, "losing any node leaves it up");
        var endpoints = haproxy.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);
        Assert.That((endpoints["front-door"].TargetHost, endpoints["front-door"].Port, endpoints["front-door"].IsProxied), Is.EqualTo(("127.0.0.1", (int?)14555, false)));
        Assert.That((endpoints["stats"].UriScheme, endpoints["stats"].TargetHost, endpoints["stats"].Port), Is.EqualTo(("http", "127.0.0.1", (int?)18404)));
        Assert.That(haproxy.Annotations.OfType<ResourceUrlsCallbackAnnotation>(), Is.Not.Empty, "its stats page is a named URL in the dashboard");
        Assert.That(haproxy.Annotations.OfType<HealthCheckAnnotation>(), Is.Not.Empty);
        Assert.That(haproxy.Annotations.OfType<ContainerMountAnnotation>().Select(m => (m.Target, m.IsReadOnly)),
            Is.EqualTo(new[] { (HaproxyConfig.ContainerFolder, true) }), "it reads its rendered config and writes nothing back");
        Assert.That(haproxy.Annotations.OfType<WaitAnnotation>().Select(w => (w.Resource.Name, w.WaitType)),
            Is.EquivalentTo(inventory.Proxies.Select(p => (p.Name, WaitType.WaitUntilStarted))
                .Concat(inventory.Proxies.Select(p => (p.ReconfigName, WaitType.WaitUntilHealthy)))),
            "started once every proxy runs and every reconfig service says it is protected: no answer-refuse-answer at start");
        Assert.That(((IResourceWithConnectionString)haproxy).ConnectionStringExpression.ValueExpression,
            Is.EqualTo("{haproxy.bindings.front-door.host}:{haproxy.bindings.front-door.port},proxy=Twemproxy,tiebreaker="));
        var sampleApp = builder.Resources.Single(r => r.Name == "sample-app");
        Assert.That(sampleApp.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name), Is.EqualTo(new[] { LoadBalancer.ResourceName }));
    }

    private static string? ParentOf(IResource resource) =>
        resource.Annotations.OfType<ResourceRelationshipAnnotation>().SingleOrDefault(r => r.Type == "Parent")?.Resource.Name;

    private static async Task<Dictionary<string, string?>> EnvironmentOf(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        return context.EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value as string);
    }
}
