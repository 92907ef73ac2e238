# TraceGate's image (ghcr.io/tracegate/tracegate, which action.yml names). Two stages on one C library family:
# the Ubuntu 24.04 (noble) SDK publishes the Native AOT binary; the final stage is the noble chiseled runtime-deps
# image (libc, libgcc, libssl, libstdc++, CA certificates, no shell, no package manager) plus that one binary.
# No git: in GitHub Actions TraceGate reads the PR's commits from the API; only --git-range runs git, and in this
# image it says that git is not on PATH (exit 2).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled

FROM ${SDK_IMAGE} AS build
# PREBUILT=1 takes out/publish/linux-<arch>/tracegate from the build context instead of publishing: the release
# workflow builds the image from the binaries it attaches to the release (one binary, two channels), and TraceGate's
# own CI, which reaches no container registry, from the binary `./build.sh publish` made with the same command.
ARG PREBUILT=0
ARG TARGETARCH=amd64
# The build context has no .git: the commit that `tracegate --version` prints comes from here.
ARG SOURCE_COMMIT=
COPY . /src
RUN set -eu; \
    case "$TARGETARCH" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "no TraceGate build for $TARGETARCH" >&2; exit 1 ;; esac; \
    mkdir -p /out; \
    if [ "$PREBUILT" = 1 ]; then cp "/src/out/publish/$rid/tracegate" /out/tracegate; \
    else apt-get update \
      && apt-get install -y --no-install-recommends clang \
      && cd /src \
      && dotnet publish src/TraceGate.Cli -c Release -r "$rid" -o /out ${SOURCE_COMMIT:+-p:SourceRevisionId=$SOURCE_COMMIT}; \
    fi; \
    chmod 0755 /out/tracegate

FROM ${RUNTIME_IMAGE} AS final
ARG VERSION=
LABEL org.opencontainers.image.title="TraceGate" \
      org.opencontainers.image.description="Evidence and trace gates for bug-fix pull requests" \
      org.opencontainers.image.source="https://github.com/tracegate/tracegate" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/tracegate /usr/local/bin/tracegate
# GitHub runs container actions as root with the workspace mounted at /github/workspace (owned by the runner's
# user) and sets the working directory itself; the chiseled image's default user (app, 1654) could not write the
# report there or the file commands. No WORKDIR for the same reason.
USER 0:0
ENTRYPOINT ["/usr/local/bin/tracegate", "check"]
