using System.Text.Json;
using System.Text.Json.Nodes;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>Real webhook payloads from npm @octokit/webhooks-examples.</summary>
public static class Webhooks
{
    public static JsonObject Example(string eventName, string action)
    {
        var path = Path.Combine(Repo.Root, "tests", "mock-servers", "node_modules", "@octokit", "webhooks-examples", "api.github.com", "index.json");
        var all = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        var examples = all.First(e => e!["name"]!.GetValue<string>() == eventName)!["examples"]!.AsArray();
        return examples.First(x => x!["action"]?.GetValue<string>() == action)!.DeepClone().AsObject();
    }
}
