# TraceGate's container action. Two stages: the SDK publishes the Native AOT binary; the final image holds the
# binary, git and the CA certificates, nothing else. No USER and no WORKDIR: GitHub runs container actions as root
# with the workspace mounted at /github/workspace and sets the working directory itself.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SDK_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cd /src && dotnet publish src/TraceGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o /out \
 && rm -f /out/*.dbg /out/*.pdb

FROM ${RUNTIME_IMAGE} AS final
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory /github/workspace
COPY --from=build /out/tracegate /usr/local/bin/tracegate
ENTRYPOINT ["/usr/local/bin/tracegate", "check"]
