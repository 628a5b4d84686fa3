# syntax=docker/dockerfile:1
# Build: docker build -t tlpgateway .
# Run:   docker run -p 8080:8080 -v $PWD/deploy/members.json:/config/members.json:ro \
#          -e Gateway__Upstream=https://misp.example.org tlpgateway
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/TlpGateway/TlpGateway.csproj src/TlpGateway/
RUN dotnet restore src/TlpGateway/TlpGateway.csproj
COPY src/TlpGateway/ src/TlpGateway/
RUN dotnet publish src/TlpGateway/TlpGateway.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The members file is mounted read-only; the audit trail goes to a writable volume.
ENV ASPNETCORE_URLS=http://+:8080 \
    Gateway__MembersFile=/config/members.json \
    Gateway__Audit__Path=/var/lib/tlpgateway/audit/tlpgateway-audit.jsonl
RUN mkdir -p /var/lib/tlpgateway/audit && chown -R app:app /var/lib/tlpgateway
VOLUME ["/var/lib/tlpgateway/audit"]
USER app
EXPOSE 8080
# The runtime image has no curl: the gateway probes its own /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["dotnet", "TlpGateway.dll", "--health-probe", "http://127.0.0.1:8080"]
ENTRYPOINT ["dotnet", "TlpGateway.dll"]
