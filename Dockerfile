# TraceGate's container action. Two stages: the SDK publishes the Native AOT binary; the final image holds the
# binary, git and the CA certificates, nothing else. No USER and no WORKDIR: GitHub runs container actions as root
# with the workspace mounted at /github/workspace and sets the working directory itself.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SDK_IMAGE} AS build
# PREBUILT=1 takes out/tracegate/tracegate from the build context instead of publishing: for machines that reach no
# container registry (TraceGate's own CI), where the same `dotnet publish` runs outside and the test says so.
ARG PREBUILT=0
COPY . /src
RUN mkdir -p /out \
 && if [ "$PREBUILT" = 1 ]; then cp /src/out/tracegate/tracegate /out/tracegate; \
    else apt-get update \
      && apt-get install -y --no-install-recommends clang zlib1g-dev \
      && cd /src && dotnet publish src/TraceGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o /out \
      && rm -f /out/*.dbg /out/*.pdb; \
    fi

FROM ${RUNTIME_IMAGE} AS final
# git for --git-range; CA certificates for the API. Installed unless the runtime image already has them.
RUN if ! command -v git >/dev/null || [ ! -f /etc/ssl/certs/ca-certificates.crt ]; then \
      apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*; \
    fi \
 && git config --system --add safe.directory /github/workspace
COPY --from=build /out/tracegate /usr/local/bin/tracegate
ENTRYPOINT ["/usr/local/bin/tracegate", "check"]
