using System.Net;
using FluentAssertions;
using TraceGate.Cli.Publishers.GitHub;

namespace TraceGate.Tests.Publishers;

public sealed class GitHubApiTests
{
    /// <summary>An in-process stand-in that answers pages with Link headers, as GitHub does.</summary>
    private sealed class Pages(string nextHost) : HttpMessageHandler
    {
        public List<string> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen.Add(request.RequestUri!.ToString());
            int page = request.RequestUri.Query.Contains("page=2", StringComparison.Ordinal) ? 2 : 1;
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(page == 1 ? "[{\"n\":1},{\"n\":2}]" : "[{\"n\":3}]", System.Text.Encoding.UTF8, "application/json"),
            };
            if (page == 1)
            {
                response.Headers.TryAddWithoutValidation("Link", $"<{nextHost}/repos/o/r/pulls/1/commits?per_page=100&page=2>; rel=\"next\"");
            }

            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    [Fact]
    public async Task GetAll_FollowsNextLinksOnTheSameApiHost()
    {
        var pages = new Pages("https://ghe.example/api/v3");
        var api = new GitHubApi(new Uri("https://ghe.example/api/v3"), "t0ken", pages);
        var items = await api.GetAll("repos/o/r/pulls/1/commits", 100);
        items.Should().HaveCount(3);
        pages.Seen.Should().Equal("https://ghe.example/api/v3/repos/o/r/pulls/1/commits?per_page=100", "https://ghe.example/api/v3/repos/o/r/pulls/1/commits?per_page=100&page=2");
    }

    [Fact]
    public async Task GetAll_NeverFollowsALinkToAnotherHost()
    {
        var pages = new Pages("https://evil.example");
        var api = new GitHubApi(new Uri("https://api.github.com"), "t0ken", pages);
        (await api.GetAll("repos/o/r/pulls/1/commits", 100)).Should().HaveCount(2);
        pages.Seen.Should().ContainSingle();
    }

    [Fact]
    public async Task GetAll_StopsAtTheLimit()
    {
        var api = new GitHubApi(new Uri("https://ghe.example/api/v3"), "t0ken", new Pages("https://ghe.example/api/v3"));
        (await api.GetAll("repos/o/r/pulls/1/commits", 2)).Should().HaveCount(2);
    }
}
